"""Scoring one tool's outcome against a scenario's expectation: tree correct, edits lost (a team line
missing from the result with no conflict reported for its file), conflicts not reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from upgrades_corpus import trees
from upgrades_corpus.model import Scenario, Tree, expected_tree, render_tree, team_tree
from upgrades_corpus.tools import Outcome


@dataclass
class Score:
    scenario: str
    tool: str
    correct: bool
    edits_lost: int
    not_reported: list[str]
    exit_code: int
    seconds: float
    needs_human: bool  # the scenario expects a report
    problems: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # what the tool made visible as needing a human

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "seconds": round(self.seconds, 3)}


def _lines(tree: Tree) -> set[bytes]:
    out: set[bytes] = set()
    for f in tree.values():
        out |= {f.data} if f.binary else {line.rstrip(b"\r\n") for line in f.data.splitlines()}
    return out


def edits_lost(scenario: Scenario, result: Tree, flagged: set[str]) -> list[str]:
    """Team lines (and binaries) absent from the whole result whose file was not flagged for a human."""
    base = _lines(render_tree(scenario.v1))
    found = _lines(result)
    lost = []
    for path, f in team_tree(scenario).items():
        if path in flagged or path not in scenario.team:
            continue
        added = _lines({path: f}) - base - {b""}
        lost += [f"{path}: {'(binary content)' if f.binary else repr(line[:40])}" for line in sorted(added - found)]
    return lost


def score(scenario: Scenario, outcome: Outcome) -> Score:
    needs_human = bool(scenario.report)
    if outcome.error:
        return Score(
            scenario.id,
            outcome.tool,
            False,
            0,
            sorted(scenario.report),
            outcome.exit_code,
            outcome.seconds,
            needs_human,
            [f"failed: {outcome.error}"],
        )
    problems = trees.compare(expected_tree(scenario), outcome.files)
    missing = sorted(set(scenario.report) - outcome.flagged)
    extra = sorted(outcome.flagged - set(scenario.report))
    problems += [f"not reported: {p}" for p in missing] + [f"reported needlessly: {p}" for p in extra]
    lost = edits_lost(scenario, outcome.files, outcome.flagged)
    problems += [f"edit lost: {line}" for line in lost]
    problems += [f"v1 render: {p}" for p in outcome.render_differs]
    problems += [f"exit {outcome.exit_code}: {outcome.said}"] if outcome.said else []
    correct = not trees.compare(expected_tree(scenario), outcome.files) and not missing and not extra
    return Score(
        scenario.id,
        outcome.tool,
        correct,
        len(lost),
        missing,
        outcome.exit_code,
        outcome.seconds,
        needs_human,
        problems,
        sorted(outcome.flagged),
    )
