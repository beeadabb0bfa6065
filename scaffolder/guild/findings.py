"""What `scaffold template lint` reports: a `Finding` per problem, gathered per golden path in a
`Report` that shows files under the path the user gave and drops duplicates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder import yamlio
from scaffolder.errors import Problem
from scaffolder.registry import Registry
from scaffolder.template import TEMPLATE_FILE, Template

_WHERE = re.compile(r"^(?P<file>.*?):(?P<line>\d+)$")
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """One problem: `file:line: message`; `rule` names the check (a key of `RULES`). A warning
    is shown but does not fail the lint."""

    file: str
    line: int | None
    rule: str
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        rule = self.rule if self.severity == "error" else f"{self.rule}, {self.severity}"
        return f"{self.file}{f':{self.line}' if self.line else ''}: {self.message} [{rule}]"

    def to_json(self) -> dict[str, Any]:
        out = {"file": self.file, "line": self.line, "rule": self.rule, "message": self.message}
        return out if self.severity == "error" else {**out, "severity": self.severity}


class Report:
    """The findings of one golden path, files shown under the path the user gave."""

    def __init__(self, folder: Path, actions: Registry) -> None:
        self.folder, self.real = folder, folder.resolve()
        self.actions = actions  # the actions the golden path's steps may use
        self.found: dict[tuple[str, int | None, str], Finding] = {}

    def add(self, file: str | Path, line: int | None, rule: str, message: str, note: str = "") -> None:
        """`file` is absolute or relative to the golden path; `note` is left out when deduplicating."""
        path = Path(file)
        if path.is_absolute() and path.resolve().is_relative_to(self.real):
            path = path.resolve().relative_to(self.real)
        shown = str(path if path.is_absolute() else self.folder / path)
        self.found.setdefault((shown, line, message), Finding(shown, line, rule, message + note))

    def problem(self, problem: Problem, rule: str, note: str = "") -> None:
        """A Problem whose `where` is `file:line` or a file (relative to the working directory)."""
        match = _WHERE.match(problem.where)
        file, line = (match["file"], int(match["line"])) if match else (problem.where, None)
        self.add(Path(file).resolve() if file else TEMPLATE_FILE, line, rule, problem.message, note)

    def findings(self) -> list[Finding]:
        return sorted(self.found.values(), key=lambda f: (f.file, f.line or 0, f.rule, f.message))


def line_of(template: Template, loc: Loc) -> int | None:
    """The line of template.yaml holding the value at `loc` (keys and indexes from the top)."""
    return yamlio.line_of(template.doc, loc)
