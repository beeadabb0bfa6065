"""A campaign on the GitHub forge: every request (clone, push, PR find/open/update) goes to the
spec-checked GitHub test server, which fails the test on any request the spec rejects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, as_json
from tests.servers.github_api import GitHubServer

pytestmark = pytest.mark.slow


def test_campaign_on_github(invoke: Invoke, github_profile: GitHubServer, library: Path) -> None:
    for name in ("alpha", "beta"):
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")
    run = [json.loads(line) for line in invoke("migrate", "mini", "-o", "json").stdout.splitlines()]
    assert {o["repo"]: o["state"] for o in run[:-1]} == {"acme/alpha": "opened", "acme/beta": "opened"}
    assert all(str(o["pr_url"]).startswith("http") for o in run[:-1])

    rerun = [json.loads(line) for line in invoke("migrate", "mini", "-o", "json").stdout.splitlines()]
    assert {o["state"] for o in rerun[:-1]} == {"up-to-date"}  # no duplicate PRs, nothing pushed
    status = as_json(invoke("migrate", "status", "mini", "-o", "json"))
    assert status["pull_requests"] == {"open": 2} and status["versions"] == {"1.0.0": 2}
    assert github_profile.token not in json.dumps(run + rerun)
