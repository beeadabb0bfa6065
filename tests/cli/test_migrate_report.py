"""`scaffold migrate report`: the shards' JSON outcomes merged into one fleet report, and the shard a
Kubernetes Indexed Job's pod runs read from JOB_COMPLETION_INDEX / JOB_COMPLETIONS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scaffolder.fleet import Shard
from tests.cli.conftest import Invoke, as_json
from tests.cli.test_migrate import break_record, lines

REPOS = ("alpha", "beta", "gamma", "delta", "omega")


@pytest.fixture
def fleet(invoke: Invoke, library: Path) -> list[str]:
    for name in REPOS:
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")
    return [f"local/{n}" for n in REPOS]


def shard_run(invoke: Invoke, monkeypatch: pytest.MonkeyPatch, index: int, count: int, *args: str) -> str:
    """`scaffold migrate mini -o json` in pod `index` of an Indexed Job of `count` completions."""
    with monkeypatch.context() as env:
        env.setenv("JOB_COMPLETION_INDEX", str(index))
        env.setenv("JOB_COMPLETIONS", str(count))
        return invoke("migrate", "mini", "-o", "json", *args, code=None).stdout


def test_pods_of_an_indexed_job_cover_the_fleet_once_and_the_report_merges_them(
    invoke: Invoke, fleet: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_record(tmp_path, "beta", "template: [unclosed\n")
    files = []
    for index in range(3):
        out = shard_run(invoke, monkeypatch, index, 3)
        *per_repo_lines, closing = lines(out)
        assert closing["shard"] == f"{index + 1}/3"
        assert all(o["golden_path"] == "mini" and o["finished_at"] for o in per_repo_lines)
        path = tmp_path / f"outcomes-{index}.jsonl"
        path.write_text(out)
        files.append(path)
    per_repo = [str(o["repo"]) for f in files for o in lines(f.read_text())[:-1]]
    assert sorted(per_repo) == sorted(fleet)  # every repo once, across the shards

    report = as_json(invoke("migrate", "report", "--shards", "3", "-o", "json", *map(str, files)))
    assert report["total"] == 5 and report["summary"] == {"failed": 1, "opened": 4}
    assert report["golden_path"] == "mini" and report["to_versions"] == ["2.0.0"]
    assert report["shards"] == 3 and report["shards_seen"] == [1, 2, 3] and report["superseded"] == 0
    assert report["attention"] == ["local/beta"] and [r["repo"] for r in report["repos"]] == sorted(fleet)

    text = invoke("migrate", "report", *map(str, files)).stdout
    assert "Fleet report: mini -> 2.0.0" in text and "5 repos (3 of 3 shards, 3 file(s)): failed 1, opened 4" in text
    assert "local/beta  failed: unreadable record" in text

    markdown = invoke("migrate", "report", "-o", "markdown", *map(str, files)).stdout
    assert markdown.startswith("## scaffold migrate: mini → 2.0.0\n")
    assert "| opened | 4 |" in markdown and "### Needs attention (1)" in markdown
    assert "| `local/beta` | failed | - | unreadable record" in markdown


def test_the_shard_flag_wins_over_the_job_environment_and_bad_values_are_refused(
    invoke: Invoke, fleet: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOB_COMPLETION_INDEX", "7")
    assert "JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not" in invoke("migrate", "mini", code=1).stderr
    monkeypatch.setenv("JOB_COMPLETIONS", "4")
    out_of_range = invoke("migrate", "mini", code=1).stderr
    assert "JOB_COMPLETION_INDEX must be 0 to 3 (JOB_COMPLETIONS=4), got '7'" in out_of_range
    monkeypatch.setenv("JOB_COMPLETIONS", "many")
    assert "JOB_COMPLETIONS must be a whole number" in invoke("migrate", "mini", code=1).stderr
    closing = lines(invoke("migrate", "mini", "--shard", "2/2", "--dry-run", "-o", "json").stdout)[-1]
    assert closing["shard"] == "2/2"
    monkeypatch.delenv("JOB_COMPLETION_INDEX")
    assert "JOB_COMPLETIONS is set but JOB_COMPLETION_INDEX is not" in invoke("migrate", "mini", code=1).stderr
    monkeypatch.delenv("JOB_COMPLETIONS")
    closing = lines(invoke("migrate", "mini", "--dry-run", "-o", "json").stdout)[-1]
    assert "shard" not in closing and closing["total"] == 5


def test_a_rerun_shard_s_newer_outcomes_win_whatever_the_file_order(
    invoke: Invoke, fleet: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tmp_path / "first.jsonl"
    first.write_text(invoke("migrate", "mini", "-o", "json").stdout)
    invoke("forge", "merge", "local/alpha", "1")
    shard = next(i for i in range(2) if Shard(i + 1, 2).takes("local/alpha"))
    rerun = tmp_path / "rerun.jsonl"
    rerun.write_text(shard_run(invoke, monkeypatch, shard, 2))
    for order in ([rerun, first], [first, rerun]):
        report = as_json(invoke("migrate", "report", "-o", "json", *map(str, order)))
        states = {r["repo"]: r["state"] for r in report["repos"]}
        assert states["local/alpha"] == "merged" and states["local/gamma"] == "opened"
        assert report["total"] == 5 and report["superseded"] == len(lines(rerun.read_text())) - 1
    assert "older outcome(s) of rerun shards dropped" in invoke("migrate", "report", str(first), str(rerun)).stdout


def outcome(repo: str, state: str, **more: Any) -> dict[str, Any]:
    return {"repo": repo, "state": state, "from_version": "1.0.0", "to_version": "2.0.0", **more}


def write_lines(path: Path, *values: Any) -> Path:
    path.write_text("".join(json.dumps(v) + "\n" for v in values))
    return path


def closing(shard: str | None = None, **summary: int) -> dict[str, Any]:
    data: dict[str, Any] = {"summary": summary, "total": sum(summary.values()), "to_version": "2.0.0"}
    return {**data, "golden_path": "mini", **({"shard": shard} if shard else {})}


def test_every_bad_file_and_missing_shard_is_named_in_one_error(invoke: Invoke, tmp_path: Path) -> None:
    good = write_lines(tmp_path / "good.jsonl", outcome("acme/a", "opened"), closing("1/3", opened=1))
    corrupt = tmp_path / "corrupt.jsonl"
    corrupt.write_text('{"repo": "acme/b", "state": "opened"}\n{"repo": "acme/c", "sta\n')
    truncated = write_lines(tmp_path / "truncated.jsonl", outcome("acme/d", "opened"), outcome("acme/e", "opened"))
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    strange = write_lines(tmp_path / "strange.jsonl", {"repos": []})
    args = [str(p) for p in (good, corrupt, truncated, empty, strange, tmp_path / "gone.jsonl")]
    result = invoke("migrate", "report", "--shards", "3", *args, code=1)
    err = result.stderr
    assert "cannot report the fleet" in err and "Traceback" not in err
    assert f"{corrupt}: not JSON at line 2" in err
    assert f"{truncated}: it has no closing summary line (the shard stopped early: rerun it)" in err
    assert f"{empty}: it is empty" in err and f"{strange}: value 1 is neither" in err
    assert f"{tmp_path / 'gone.jsonl'}: no such file" in err
    assert "shard 2/3: no outcome file covers it" in err and "shard 3/3: no outcome file covers it" in err
    assert "shard 1/3" not in err

    other_split = write_lines(tmp_path / "other.jsonl", closing("2/2"))
    err = invoke("migrate", "report", "--shards", "3", str(good), str(other_split), code=1).stderr
    assert "a file comes from a run split in 2, not 3" in err
    data = as_json(invoke("migrate", "report", "-o", "json", str(empty), code=1))
    assert data["error"] == "ReportError" and data["problems"][0]["where"] == str(empty)


def test_markdown_links_prs_and_keeps_untrusted_text_inert(invoke: Invoke, tmp_path: Path) -> None:
    """Reasons and conflicts come from repos and forges: in the job summary they stay text."""
    values = [
        outcome(
            "acme/web",
            "conflicted",
            pr_number=12,
            pr_url="https://github.example/acme/web/pull/12",
            conflicts=["a|b.py", "ci.yml"],
        ),
        outcome("acme/api", "edited-by-human", pr_number=3, pr_url="javascript:alert(1)", reason="<img src=x> by\nbob"),
        outcome("acme/ok", "merged", pr_number=9, pr_url="https://github.example/acme/ok/pull/9"),
        outcome("acme/new", "waiting-for-checks", reason="checks still running"),  # a state this report predates
        outcome("acme/quiet", "automerged"),
        closing(conflicted=1, merged=1),
    ]
    md = invoke("migrate", "report", "-o", "markdown", str(write_lines(tmp_path / "o.jsonl", *values))).stdout
    link = "[#12](https://github.example/acme/web/pull/12)"
    assert f"| `acme/web` | conflicted | {link} | conflicts: a\\|b.py, ci.yml |" in md
    assert "| `acme/api` | edited-by-human | #3 | &lt;img src=x&gt; by bob |" in md
    assert "acme/ok" not in md.split("Needs attention")[1] and "| merged | 1 |" in md
    assert "| `acme/new` | waiting-for-checks |" in md and "acme/quiet" not in md.split("Needs attention")[1]
    assert "### Needs attention (3)" in md


def test_a_pod_log_with_a_crashed_attempt_and_a_finished_one_counts_in_any_order(
    invoke: Invoke, tmp_path: Path
) -> None:
    """`kubectl logs` of a retried index holds every attempt: the finished run covers the shard, and
    the newest outcome of each repo wins whichever attempt printed first."""
    crashed = [outcome("acme/a", "failed", reason="timeout", finished_at="2026-12-01T10:00:00+00:00")]
    finished = [
        outcome("acme/a", "opened", finished_at="2026-12-01T11:00:00+00:00"),
        outcome("acme/b", "opened", finished_at="2026-12-01T11:00:01+00:00"),
        closing("1/1", opened=2),
    ]
    for name, values in (("first", [*crashed, *finished]), ("last", [*finished, *crashed])):
        report = as_json(
            invoke("migrate", "report", "--shards", "1", "-o", "json", str(write_lines(tmp_path / name, *values)))
        )
        assert {r["repo"]: r["state"] for r in report["repos"]} == {"acme/a": "opened", "acme/b": "opened"}
        assert report["superseded"] == 1 and report["attention"] == []


def test_red_checks_and_merges_the_bot_may_not_make_need_attention(invoke: Invoke, tmp_path: Path) -> None:
    """Outcomes that say how their PR's checks went and why it stays open (`checks`, `merge`) are
    counted, and a red PR or one the bot may not merge is listed; one left for review is not."""
    values = [
        outcome("acme/green", "merged", checks="success", merge="merged"),
        outcome("acme/red", "opened", pr_number=4, checks="failure", merge="checks failing"),
        outcome(
            "acme/slow", "updated", checks="timed-out", merge="checks timed out", reason="timed out after 1800 s: build"
        ),
        outcome("acme/major", "opened", checks="success", merge="major step: left for review"),
        outcome("acme/rights", "opened", checks="success", merge="no merge rights"),
        outcome("acme/old", "opened"),  # an older scaffold's outcome: no such fields
        closing(merged=1, opened=4, updated=1),
    ]
    path = write_lines(tmp_path / "o.jsonl", *values)
    report = as_json(invoke("migrate", "report", "-o", "json", str(path)))
    assert report["checks"] == {"failure": 1, "success": 3, "timed-out": 1}
    assert report["merges"]["checks failing"] == 1 and report["merges"]["merged"] == 1
    assert report["attention"] == ["acme/red", "acme/rights", "acme/slow"]
    text = invoke("migrate", "report", str(path)).stdout
    assert "checks: failure 1, success 3, timed-out 1" in text
    assert "acme/slow  updated: checks timed-out; merge: checks timed out; timed out after 1800 s: build" in text
    markdown = invoke("migrate", "report", "-o", "markdown", str(path)).stdout
    assert "- checks: failure 1, success 3, timed-out 1" in markdown and "| `acme/rights` | opened | - |" in markdown
