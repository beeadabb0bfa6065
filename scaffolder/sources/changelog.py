"""A golden path's CHANGELOG.md (Keep a Changelog): its sections by version."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scaffolder import versions

CHANGELOG = "CHANGELOG.md"
_HEADING = re.compile(r"^##(?!#)\s*\[?(?P<version>[^\]\s]+)\]?(?:\s*[-\u2013]\s*(?P<date>\d{4}-\d{2}-\d{2}))?")


@dataclass(frozen=True)
class Section:
    """One version's entry in a CHANGELOG.md (`## [VERSION] - DATE` and the text under it)."""

    version: str
    date: str | None
    text: str


def parse_changelog(text: str) -> dict[str, Section]:
    """The sections of a Keep-a-Changelog file by version (`Unreleased` and the preamble dropped)."""
    sections: dict[str, Section] = {}
    current: tuple[str, str | None] | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None and versions.is_valid(current[0]):
            sections[current[0]] = Section(current[0], current[1], "\n".join(body).strip())

    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            close()
            current, body = (match["version"], match["date"]), []
        elif current is not None:
            body.append(line)
    close()
    return sections


def sections(folder: Path) -> dict[str, Section]:
    """The sections of `folder/CHANGELOG.md` (none when there is no such file)."""
    file = folder / CHANGELOG
    return parse_changelog(file.read_text(encoding="utf-8")) if file.is_file() else {}


def between(sections: dict[str, Section], from_version: str, to_version: str) -> str:
    """The entries for versions after `from_version` up to `to_version`, newest first, as Markdown
    (`## VERSION - DATE` and the entry)."""
    low, high = versions.key(from_version), versions.key(to_version)
    chosen = sorted(
        (s for s in sections.values() if low < versions.key(s.version) <= high),
        key=lambda s: versions.key(s.version),
        reverse=True,
    )
    return "\n\n".join(f"## {s.version}{f' - {s.date}' if s.date else ''}\n\n{s.text}".rstrip() for s in chosen)
