"""What an upgrade did to one work tree, and its stable JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def files_changed(
    added: list[str], modified: list[str], deleted: list[str], renamed: list[tuple[str, str]]
) -> list[str]:
    """Every file an upgrade adds, modifies, deletes or renames (`a -> b`), sorted."""
    return sorted([*added, *modified, *deleted, *(f"{a} -> {b}" for a, b in renamed)])


@dataclass
class UpgradeResult:
    """What an upgrade did (or, in a dry run, would do) to one work tree."""

    template: str
    from_version: str
    to_version: str
    added: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # every path needing a human (exit 4)
    conflict_kinds: dict[str, str] = field(default_factory=dict)  # path -> kind (scaffolder.merge.CONFLICT_KINDS)
    kept_deleted: list[str] = field(default_factory=list)  # changed by the template, deleted by the user
    answers: dict[str, Any] = field(default_factory=dict)  # the answers used (no secrets)
    diff: str = ""  # unified diff (git style) of the work tree, before -> after; secrets masked
    dry_run: bool = False
    already_current: bool = False  # the repo was at the target version already: nothing was done

    @property
    def changed(self) -> bool:
        """Whether the work tree changes (the record included)."""
        return bool(self.diff)

    @property
    def files_changed(self) -> list[str]:
        return files_changed(self.added, self.modified, self.deleted, self.renamed)

    def to_json(self, include_diff: bool = True) -> dict[str, Any]:
        """The stable JSON shape (documented in docs/upgrades.md)."""
        data: dict[str, Any] = {
            "template": self.template,
            "from_version": self.from_version,
            "to_version": self.to_version,
            "added": self.added,
            "modified": self.modified,
            "deleted": self.deleted,
            "renamed": [list(pair) for pair in self.renamed],
            "conflicts": self.conflicts,
            "conflict_kinds": self.conflict_kinds,
            "kept_deleted": self.kept_deleted,
            "changed": self.changed,
            "dry_run": self.dry_run,
        }
        if include_diff:
            data["diff"] = self.diff
        return data
