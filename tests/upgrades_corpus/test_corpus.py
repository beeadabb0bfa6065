"""The upgrade corpus keeps working (upgrades_corpus/): its expectations hold against plain git merge,
and a few scenarios run through scaffold's side of the script and its scoring, so it cannot rot."""

from __future__ import annotations

import sys
from pathlib import Path

from upgrades_corpus import report, run, trees
from upgrades_corpus.model import KINDS, File, team_tree
from upgrades_corpus.scenarios import BY_ID, SCENARIOS
from upgrades_corpus.score import score
from upgrades_corpus.tools import Outcome, _reported

BIN = Path(sys.executable).parent
# The cases where the hand-written expectation departs from git on purpose (documented in the table).
GIT_DIFFERS = {"delete-team-template-edits"}


def test_the_corpus_covers_every_kind_of_change() -> None:
    assert len(SCENARIOS) >= 30
    assert {kind for s in SCENARIOS for kind in s.report.values()} == set(KINDS)
    files = [f for s in SCENARIOS for f in [*s.v1.values(), *s.v2.values()]]
    assert any(f.binary for f in files) and any(f.exec for f in files)
    assert any(b"\r\n" in f.data for f in files) and any(not f.data.endswith(b"\n") for f in files)


def test_expectations_agree_with_git_merge(tmp_path: Path) -> None:
    picked = [
        "edit-far",
        "edit-near",
        "rename-template-team-edited",
        "rename-team-edited",
        "rename-rename",
        "delete-team-template-edits",
        "add-add-different",
        "binary-both",
        "crlf-edit-far",
        "mixed-release",
    ]
    verdicts, scores = run.run_all([BY_ID[i] for i in picked], [], run._bins(BIN), tmp_path, jobs=2)
    assert scores == []
    assert {v.scenario for v in verdicts if not v.agrees} == GIT_DIFFERS
    assert next(v for v in verdicts if v.scenario == "delete-team-template-edits").disagreements == [
        "git: unexpected app.txt"
    ]


def test_scaffold_side_is_scored(tmp_path: Path) -> None:
    scenarios = [BY_ID["edit-far"], BY_ID["edit-same-line"]]
    verdicts, scores = run.run_all(scenarios, ["scaffold"], run._bins(BIN), tmp_path, jobs=2)
    by_id = {s.scenario: s for s in scores}
    assert by_id["edit-far"].correct and by_id["edit-far"].edits_lost == 0, by_id["edit-far"].problems
    conflict = by_id["edit-same-line"]
    assert conflict.correct and conflict.not_reported == [] and conflict.exit_code == 4, conflict.problems
    table = report.markdown(scores, verdicts, ["scaffold"], jobs=2)
    assert "| scaffold | 2/2 | 0 | 0 of 1 | 4 |" in table


def test_a_lost_edit_and_a_missed_conflict_are_counted() -> None:
    scenario = BY_ID["edit-same-line"]
    result = team_tree(scenario)
    result["app.txt"] = File(b"app line 02: changed by the template\n")  # the team's line dropped, quietly
    scored = score(scenario, Outcome("fake", 0, 0.1, result, set()))
    assert not scored.correct and scored.not_reported == ["app.txt"] and scored.edits_lost == 1


def test_write_docs_replaces_only_the_marked_section(tmp_path: Path) -> None:
    doc = tmp_path / "upgrades.md"
    doc.write_text(f"before\n{report.START}\nold\n{report.END}\nafter\n")
    report.write_docs(doc, "new table\n")
    assert doc.read_text() == f"before\n{report.START}\nnew table\n{report.END}\nafter\n"
    assert trees.MARKER == b"<<<<<<< "


def test_kept_deleted_alone_is_not_a_report() -> None:
    quiet = '{"conflicts": [], "kept_deleted": ["app.txt"]}'
    loud = '{"conflicts": ["app.txt"], "conflict_kinds": {"app.txt": "modify/delete"}, "kept_deleted": ["app.txt"]}'
    assert _reported("scaffold", quiet) == set()
    assert _reported("scaffold", loud) == {"app.txt"}


def test_the_peers_run_a_conflicting_scenario(tmp_path: Path) -> None:
    """copier's and cruft's command lines keep working: both leave markers for a conflict."""
    _, scores = run.run_all([BY_ID["edit-same-line"]], ["copier", "cruft"], run._bins(BIN), tmp_path, jobs=2)
    for scored in scores:
        assert scored.correct and scored.flagged == ["app.txt"], scored.problems
