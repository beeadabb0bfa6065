"""Campaign history (scaffolder/history.py): snapshots for the burndown, each repo's last outcome, and
recording that never fails the command that records."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scaffolder import history


@dataclass
class FakeOutcome:
    repo: str
    state: str
    from_version: str | None
    to_version: str = "2.0.0"
    pr_number: int | None = 1
    conflicts: list[str] = field(default_factory=list)
    reason: str | None = None


def test_snapshots_count_repos_behind_the_newest(tmp_path: Path) -> None:
    history.record_snapshot(tmp_path, "mini", ["1.0.0", "1.0.0", "2.0.0", None], "status")
    history.record_snapshot(tmp_path, "mini", ["1.0.0", "1.0.0", "2.0.0", None], "status")  # same: no new point
    history.record_campaign(
        tmp_path,
        "mini",
        "2.0.0",
        [FakeOutcome("a", "merged", "2.0.0"), FakeOutcome("b", "opened", "1.0.0", conflicts=["x.py"])],
    )
    history.record_campaign(tmp_path, "mini", "2.0.0", [FakeOutcome("b", "up-to-date", "1.0.0")], whole=False)
    points = history.burndown(tmp_path, "mini", "2.0.0")
    assert [(p.kind, p.behind, p.total) for p in points] == [("status", 3, 4), ("campaign", 1, 2)]
    assert history.burndown(tmp_path, "other", "2.0.0") == []
    last = history.last_outcomes(tmp_path, "mini")
    assert last["b"].state == "up-to-date" and last["a"].state == "merged"
    assert history.behind({"1.0.0": 2, "2.0.0": 1, "weird": 1}, "2.0.0") == 3


def test_recording_never_fails_the_command(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    history.record_snapshot(not_a_dir, "mini", ["1.0.0"], "status")
    history.record_campaign(not_a_dir, "mini", "2.0.0", [FakeOutcome("a", "opened", "1.0.0")])
    assert "campaign history not recorded" in caplog.text
    assert history.burndown(tmp_path / "nothing", "mini", "2.0.0") == []
