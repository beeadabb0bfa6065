"""`scaffold migrate` and `scaffold migrate status` end to end on the embedded forge."""

from __future__ import annotations

import json
from pathlib import Path

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
