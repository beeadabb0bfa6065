"""`scaffold migrate` and `scaffold migrate status` end to end on the embedded forge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, as_json


def lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_campaign_merge_and_status(invoke: Invoke, library: Path) -> None:
    for name in ("alpha", "beta", "gamma"):
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")

    status = as_json(invoke("migrate", "status", "mini", "-o", "json"))
    assert status["versions"] == {"1.0.0": 3} and status["pull_requests"] == {"none": 3}

    dry = lines(invoke("migrate", "mini", "--dry-run", "-o", "json").stdout)
    assert dry[-1] == {"summary": {"opened": 3}, "total": 3, "to_version": "2.0.0"}
    assert as_json(invoke("forge", "prs", "-o", "json")) == []

    run = lines(invoke("migrate", "mini", "--concurrency", "3", "-o", "json").stdout)
    per_repo = {str(o["repo"]): o for o in run[:-1]}
    assert {r: o["state"] for r, o in per_repo.items()} == dict.fromkeys(
        ["local/alpha", "local/beta", "local/gamma"], "opened"
    )
    assert run[-1]["summary"] == {"opened": 3}

    invoke("forge", "merge", "local/alpha", "1")
    invoke("forge", "close", "local/beta", "1")
    rerun = lines(invoke("migrate", "mini", "-o", "json").stdout)
    assert {str(o["repo"]): o["state"] for o in rerun[:-1]} == {
        "local/alpha": "merged",
        "local/beta": "declined",
        "local/gamma": "up-to-date",
    }
    status = as_json(invoke("migrate", "status", "mini", "-o", "json"))
    assert status["versions"] == {"1.0.0": 2, "2.0.0": 1}
    from scaffolder import campaign, config

    forge = config.open_forge(config.load())
    alpha = forge.get_repo("local", "alpha")
    assert alpha is not None
    record = campaign.read_record(forge, alpha)
    assert record is not None and record.template.ref == "2.0.0" and record.template.source == str(library)
    assert status["pull_requests"] == {"closed": 1, "merged": 1, "open": 1}
    text = invoke("migrate", "status", "mini").stdout
    assert "local/alpha" in text and "#1 merged (-> 2.0.0)" in text


def test_explicit_repos_shards_and_text_output(invoke: Invoke, library: Path) -> None:
    for name in ("alpha", "beta"):
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")
    result = invoke("migrate", "mini", "--repo", "beta")
    assert "local/beta" in result.stdout and "local/alpha" not in result.stdout
    assert "1 repos: opened 1" in result.stdout
    shard_1 = lines(invoke("migrate", "mini", "--shard", "1/2", "--dry-run", "-o", "json").stdout)[-1]["total"]
    shard_2 = lines(invoke("migrate", "mini", "--shard", "2/2", "--dry-run", "-o", "json").stdout)[-1]["total"]
    assert shard_1 + shard_2 == 2  # type: ignore[operator]
    assert "--shard must look like I/N" in invoke("migrate", "mini", "--shard", "3/2", code=1).stderr
    assert "no repo 'nope'" in invoke("migrate", "mini", "--repo", "nope", code=1).stderr


def break_record(tmp_path: Path, name: str, text: str) -> None:
    """Commit `text` as the repo's record on its default branch (a human or a bad tool did)."""
    from scaffolder import config, git

    forge = config.open_forge(config.load())
    repo = forge.get_repo("local", name)
    assert repo is not None
    work = forge.clone(repo, tmp_path / f"break-{name}")
    (work / ".scaffold" / "record.yaml").write_text(text)
    git.commit_all(work, "Break the record", "2026-11-01T00:00:00+00:00")
    forge.push(repo, work, [f"HEAD:refs/heads/{repo.default_branch}"])


@pytest.mark.parametrize(
    "text",
    ["template: [unclosed\n", "just a string\n", "template: {name: mini}\n"],
    ids=["malformed-yaml", "not-a-mapping", "not-a-record"],
)
def test_one_unreadable_record_fails_that_repo_and_the_fleet_carries_on(
    invoke: Invoke, library: Path, tmp_path: Path, text: str
) -> None:
    for name in ("alpha", "beta", "gamma"):
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")
    break_record(tmp_path, "beta", text)

    status = invoke("migrate", "status", "mini", "-o", "json", code=1)
    assert "Traceback" not in status.stderr
    data = as_json(status)
    by_repo = {r["repo"]: r for r in data["repos"]}
    assert by_repo["local/beta"]["state"] == "failed" and "record" in by_repo["local/beta"]["error"]
    assert by_repo["local/alpha"]["state"] == by_repo["local/gamma"]["state"] == "ok"
    assert data["failed"] == 1 and data["versions"] == {"1.0.0": 2, "?": 1}
    text_status = invoke("migrate", "status", "mini", code=1).stdout
    assert "FAILED: unreadable record" in text_status and "local/alpha" in text_status

    run = lines(invoke("migrate", "mini", "-o", "json", code=1).stdout)
    states = {str(o["repo"]): o["state"] for o in run[:-1]}
    assert states == {"local/alpha": "opened", "local/beta": "failed", "local/gamma": "opened"}
    beta = next(o for o in run[:-1] if o["repo"] == "local/beta")
    assert "unreadable record" in str(beta["reason"]) and ".scaffold/record.yaml" in str(beta["reason"])
    assert run[-1]["summary"] == {"failed": 1, "opened": 2}
    assert "local/beta" in invoke("migrate", "mini", "--dry-run", code=1).stdout
