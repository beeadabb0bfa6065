"""`scaffold check` as a library: is a generated repo on the newest (or a given) version of its golden path?

The line a repo's own CI runs, as `cruft check` and `copier check-update` are: it reads the record
found upward from the path (like git finds `.git`), looks the golden path up in the configured
libraries (or where the record says it came from), and compares versions; it writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder import versions
from scaffolder.project import find_root

if TYPE_CHECKING:
    from scaffolder.config import Settings

EXIT_BEHIND = 5  # `scaffold check`: a newer version is there (docs/cli.md)


@dataclass
class CheckResult:
    """Where a repo stands against its golden path: `status` is `current`, `behind` or `ahead` (the
    recorded version is newer than the one asked for with `to`)."""

    path: Path
    template: str
    current: str
    target: str
    status: str
    newer: list[str] = field(default_factory=list)  # released versions after `current`, up to `target`
    changelog: str = ""  # their CHANGELOG entries, newest first, as Markdown

    @property
    def behind(self) -> bool:
        return self.status == "behind"

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "template": self.template,
            "current_version": self.current,
            "target_version": self.target,
            "status": self.status,
            "newer_versions": self.newer,
            "changelog": self.changelog,
        }


def check_repo(path: Path, settings: Settings, *, to: str | None = None) -> CheckResult:
    """Compare the recorded version of the project holding `path` with `to` (default: the newest release)."""
    from scaffolder import record as records
    from scaffolder.upgrade.repo import locate

    root = find_root(path)
    rec = records.read(root)
    current = rec.template.version
    target = locate(rec, to, settings)
    wanted = target.template.version
    low, high = versions.key(current), versions.key(wanted)
    status = "current" if low == high else ("behind" if low < high else "ahead")
    result = CheckResult(root, rec.template.name, current, wanted, status)
    if status == "behind":
        result.newer = [r.version for r in target.versions() if low < versions.key(r.version) <= high]
        if wanted not in result.newer:
            result.newer.append(wanted)
        result.changelog = target.changelog(current, wanted)
    return result
