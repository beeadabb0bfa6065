"""The manifest of the compatibility suite: which public templates, at which commit, with which answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FORMATS = ("backstage", "cookiecutter", "copier")


@dataclass(frozen=True)
class Entry:
    """One template of the suite, rendered by scaffold and by its own tool with the same answers."""

    id: str
    repo: str  # owner/name on GitHub
    ref: str  # commit or tag the snapshot is checked out at
    format: str
    path: str = ""  # the template inside the repository ('' = its top; a Backstage entry may name the YAML file)
    answers: dict[str, Any] = field(default_factory=dict)
    trust: bool = False  # hooks, tasks or extensions: scaffold needs --trust, the native tool runs them anyway
    upgrade_from: str | None = None  # copier only: `new` at this tag, then `upgrade` to upgrade_to
    upgrade_to: str | None = None
    random: list[str] = field(default_factory=list)  # files a hook fills with random values on every render
    note: str = ""

    @property
    def snapshot_name(self) -> str:
        """The folder name the `fetch` tool gives this repository's snapshot (owner+name)."""
        return self.repo.replace("/", "+")


def load(path: Path) -> list[Entry]:
    """Entries of the manifest at `path`, checked: unknown keys and formats are errors, ids are unique."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries: list[Entry] = []
    known = set(Entry.__dataclass_fields__)
    for n, raw in enumerate(data.get("templates") or [], 1):
        unknown = set(raw) - known
        if unknown:
            raise SystemExit(f"{path}: template {n}: unknown keys {sorted(unknown)}")
        fields: dict[str, Any] = {
            k: (str(v) if k in {"ref", "upgrade_from", "upgrade_to"} else v) for k, v in raw.items()
        }
        entry = Entry(**fields)
        if entry.format not in FORMATS:
            raise SystemExit(f"{path}: {entry.id}: format must be one of {', '.join(FORMATS)}")
        if (entry.upgrade_from is None) != (entry.upgrade_to is None) or (
            entry.upgrade_from and entry.format != "copier"
        ):
            raise SystemExit(f"{path}: {entry.id}: upgrade_from and upgrade_to go together, on copier entries")
        entries.append(entry)
    ids = [e.id for e in entries]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SystemExit(f"{path}: duplicate ids {dupes}")
    return entries
