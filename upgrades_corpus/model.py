"""What a scenario is: template v1 and v2 files, the team's edits to the v1 render, and the tree and
report a careful human expects after the upgrade. Paths are plain; `{{ name }}` in a file is the one
template variable, rendered as `NAME`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

NAME = "demo"  # the value of the template's one variable, `name`
VARIABLE = "{{ name }}"


@dataclass(frozen=True)
class File:
    """A file's bytes and its executable bit (the only mode bit git keeps)."""

    data: bytes
    exec: bool = False

    @property
    def binary(self) -> bool:
        return b"\0" in self.data


@dataclass(frozen=True)
class Conflicted:
    """An expected file that needs a human: compared by "has conflict markers", not by bytes."""


CONFLICTED = Conflicted()
Tree = dict[str, File]
Expected = Mapping[str, File | Conflicted]
KINDS = ("content", "add/add", "binary", "modify/delete", "delete/modify", "rename/rename")


@dataclass(frozen=True)
class Scenario:
    """One upgrade: `team` overlays the v1 render (a path mapped to None is deleted by the team; a
    rename is a deletion plus a file elsewhere); `report` maps each path that needs a human to its kind."""

    id: str
    title: str
    v1: Mapping[str, File]
    v2: Mapping[str, File]
    team: Mapping[str, File | None]
    expected: Expected
    report: Mapping[str, str] = field(default_factory=dict)
    note: str = ""  # why the expectation is what it is, where people could disagree

    def __post_init__(self) -> None:
        unknown = set(self.report.values()) - set(KINDS)
        if unknown:
            raise ValueError(f"{self.id}: unknown report kinds {sorted(unknown)}")


def text(value: str, exec: bool = False) -> File:
    """A text file, bytes exactly as written (CRLF and a missing final newline included)."""
    return File(value.encode("utf-8"), exec)


def lines(tag: str, count: int = 12, eol: str = "\n", final: bool = True) -> str:
    """`count` distinct lines naming `tag`: a file long enough for git to see renames by content."""
    body = eol.join(f"{tag} line {n:02d}: some text that stays the same" for n in range(1, count + 1))
    return body + (eol if final else "")


def edit(value: str, number: int, new: str, eol: str = "\n") -> str:
    """`value` with its line `number` (1-based) replaced by `new`."""
    parts = value.split(eol)
    parts[number - 1] = new
    return eol.join(parts)


def render(value: bytes) -> bytes:
    """A file as every tool renders it: the variable replaced by its value."""
    return value.replace(VARIABLE.encode(), NAME.encode())


def render_tree(tree: Mapping[str, File]) -> Tree:
    return {path: File(f.data if f.binary else render(f.data), f.exec) for path, f in tree.items()}


def team_tree(scenario: Scenario) -> Tree:
    """The repo after the team's edits: the v1 render with `team` applied."""
    out = render_tree(scenario.v1)
    for path, f in scenario.team.items():
        if f is None:
            out.pop(path, None)
        else:
            out[path] = File(f.data if f.binary else render(f.data), f.exec)
    return out


def expected_tree(scenario: Scenario) -> Expected:
    return {p: f if isinstance(f, Conflicted) else File(render(f.data), f.exec) for p, f in scenario.expected.items()}
