"""Issue 16's second done-when, end to end: a campaign over a fleet on the spec-checked GitHub
server, run as several `scaffold migrate --automerge --shard I/N` processes at once under secondary
rate limits, with the SQLite catalog and with the real Backstage catalog backend. CI reports checks
through the API; the green minor PRs are merged (the catalog shows their new version), the red,
the never-finishing and the major ones stay open with their reasons, every repo has exactly one
PR; after the base moved a rerun rebases the untouched PR and leaves the one a human committed to
alone; `migrate status -o json` shows checks, merge state and totals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github

from tests.cli.conftest import Invoke, as_json
from tests.cli.test_migrate_follow import V0_FILES, make_library
from tests.cli.test_production import backstage_with_github
from tests.helpers import V1_FILES, V2_FILES
from tests.servers.github_api import GitHubServer

__all__ = ["backstage_with_github"]  # the Backstage fixture shared with test_production
pytestmark = pytest.mark.slow
SHARDS = 3
BRANCH = "refs/heads/scaffold/mini"
FLEET = {  # repo: the version it was made from (the campaign's target is 1.1.0)
    "alpha": "1.0.0",
    "beta": "1.0.0",
    "gamma": "1.0.0",
    "delta": "1.0.0",
    "epsilon": "0.9.0",  # a major step
    "zeta": "1.0.0",
}


@pytest.fixture
def fleet_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`mini` 0.9.0 and 1.0.0 released, 1.1.0 current; `checkTimeout: 5`, automerge patch and minor."""
    lib = make_library(tmp_path, [("0.9.0", V0_FILES), ("1.0.0", V1_FILES), ("1.1.0", V2_FILES)])
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    return lib


@pytest.fixture(params=["sqlite", "backstage"])
def fleet_profile(
    request: pytest.FixtureRequest,
    github_server: GitHubServer,
    scaffold_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> GitHubServer:
    """The default profile: the GitHub test server, and the SQLite catalog or the real Backstage
    catalog backend (which reads each repo's catalog-info.yaml from that server)."""
    github_server.add_org("acme")
    catalog = ""
    if request.param == "backstage":
        backstage = request.getfixturevalue("backstage_with_github")
        catalog = f'[profiles.gh.catalog]\nkind = "backstage"\nbase_url = "{backstage.base_url}"\nwait_timeout = 60\n'
        monkeypatch.setenv("BACKSTAGE_TOKEN", backstage.token)
    (scaffold_home / "config.toml").write_text(
        f'''default_profile = "gh"
[profiles.gh.forge]
kind = "github"
owner = "acme"
base_url = "{github_server.base_url}"
min_write_interval = 0.01
{catalog}'''
    )
    monkeypatch.setenv("GITHUB_TOKEN", github_server.token)
    return github_server


def run_shards(*extra: str) -> dict[str, dict[str, Any]]:
    """`scaffold migrate mini --automerge` as SHARDS processes at once; every repo's outcome, by name
    (each repo reported by exactly one shard)."""
    argv = [sys.executable, "-m", "scaffolder", "migrate", "mini", "--automerge", "-o", "json", *extra]
    procs = [
        subprocess.Popen(
            [*argv, "--shard", f"{i}/{SHARDS}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for i in range(1, SHARDS + 1)
    ]
    found: dict[str, dict[str, Any]] = {}
    for proc in procs:
        out, err = proc.communicate(timeout=600)  # generous: a loaded 2-core machine is slow, and a hang must still end
        assert proc.returncode == 0, err + out
        for line in out.splitlines()[:-1]:  # the last line is the shard's summary
            outcome = json.loads(line)
            name = str(outcome["repo"]).split("/")[1]
            assert name not in found, f"{name} reported by two shards"
            found[name] = outcome
    assert set(found) == set(FLEET)
    return found


def head(server: GitHubServer, name: str) -> str:
    sha = server.rev("acme", name, BRANCH)
    assert sha is not None
    return sha


def report_ci(server: GitHubServer) -> None:
    """What CI says about each PR's head: commit statuses posted through the API (PyGithub, as an
    older CI would), check runs as GitHub Actions reports them (only apps may create those)."""
    gh = Github(auth=Auth.Token(server.token), base_url=server.base_url, lazy=True)
    verdicts = {"alpha": "success", "beta": "success", "gamma": "failure", "epsilon": "success", "zeta": "success"}
    for name, state in verdicts.items():
        gh.get_repo(f"acme/{name}").get_commit(head(server, name)).create_status(state, context="ci/build")
    server.add_check_run("acme", "beta", head(server, "beta"), "lint", conclusion="success")
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)  # delta's build never finishes
    server.add_check_run("acme", "delta", head(server, "delta"), "build", status="in_progress", started_at=an_hour_ago)
    gh.close()


def open_pulls(server: GitHubServer) -> dict[str, int]:
    return {state.name: len(state.pulls) for state in server.repos.values() if state.name in FLEET}


def states(found: dict[str, dict[str, Any]], *keys: str) -> dict[str, tuple[Any, ...]]:
    return {name: tuple(o[k] for k in keys) for name, o in found.items()}


def test_a_fleet_campaign_on_github_in_shard_processes(
    invoke: Invoke, fleet_profile: GitHubServer, fleet_library: Path
) -> None:
    server = fleet_profile
    for name, version in FLEET.items():
        invoke("new", f"mini@{version}", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")

    server.inject_secondary_rate_limit(times=3, retry_after=1, method="POST", path=r"/pulls$")
    first = run_shards()
    assert sum(o["waited"] for o in first.values()) > 0  # the shards waited for each other's limits
    assert states(first, "state", "checks", "merge") == {
        **dict.fromkeys(FLEET, ("opened", "none", "no checks")),  # no CI has reported yet: nothing merges
        "epsilon": ("opened", "none", "major step, no checks"),
    }
    numbers = {name: o["pr_number"] for name, o in first.items()}

    report_ci(server)
    limited = len([c for c in server.calls() if c.status in (403, 429)])
    # one merge is carried out but its answer lost to a secondary limit, then another merge is held back
    server.inject(
        403,
        after=True,
        method="PUT",
        path=r"/pulls/\d+/merge$",
        headers={"Retry-After": "1"},
        body={"message": "You have exceeded a secondary rate limit."},
    )
    server.inject_secondary_rate_limit(times=1, retry_after=1, method="PUT", path=r"/pulls/\d+/merge$")
    second = run_shards()
    assert states(second, "state", "checks", "merge") == {
        "alpha": ("merged", "success", "merged"),
        "beta": ("merged", "success", "merged"),
        "zeta": ("merged", "success", "merged"),
        "gamma": ("up-to-date", "failure", "checks failing"),
        "delta": ("up-to-date", "timed-out", "checks timed out"),
        "epsilon": ("up-to-date", "success", "major step"),
    }
    assert second["delta"]["reason"] == "checks timed out after 5 s: build"
    # Backstage also reprocesses on its own: it may have caught up before scaffold asked
    assert {second[n]["catalog"] for n in ("alpha", "beta", "zeta")} <= {"refreshed", "unchanged"}
    assert {n: o["pr_number"] for n, o in second.items()} == numbers
    assert len([c for c in server.calls() if c.status in (403, 429)]) >= limited + 2
    assert open_pulls(server) == dict.fromkeys(FLEET, 1)  # exactly one PR per repo, none made twice
    merged = {n for n in FLEET if server.pull("acme", n, numbers[n]).merged}
    assert merged == {"alpha", "beta", "zeta"}
    catalog = {
        e["metadata"]["name"]: e["metadata"]["annotations"]["scaffold.dev/template-version"]
        for e in as_json(invoke("catalog", "list", "-o", "json"))
        if e["metadata"]["name"] in FLEET
    }
    assert catalog == {**FLEET, "alpha": "1.1.0", "beta": "1.1.0", "zeta": "1.1.0"}

    # the base moves under two open PRs; a human also commits to epsilon's bot branch
    for name in ("gamma", "epsilon"):
        server.commit_files("acme", name, "main", {"NEWS.md": "the base moved\n"})
    human = server.commit_files("acme", "epsilon", "scaffold/mini", {"NOTES.md": "a human fix\n"})
    gamma_before = head(server, "gamma")
    third = run_shards()
    assert states(third, "state", "reason") == {
        "alpha": ("merged", None),
        "beta": ("merged", None),
        "zeta": ("merged", None),
        "gamma": ("updated", "rebased onto the moved main"),
        "delta": ("up-to-date", "checks timed out after 5 s: build"),
        "epsilon": (
            "edited-by-human",
            f"1 commit(s) on scaffold/mini are not the bot's ({human[:12]} by editor@example.test)",
        ),
    }
    assert third["epsilon"]["merge"] == "human commits"
    assert head(server, "epsilon") == human  # left exactly as the human left it
    gamma_main = server.rev("acme", "gamma", "refs/heads/main")
    assert gamma_main is not None and head(server, "gamma") != gamma_before
    server.git.git(
        "merge-base", "--is-ancestor", gamma_main, head(server, "gamma"), cwd=server.bare_path("acme", "gamma")
    )
    assert third["gamma"]["pr_number"] == numbers["gamma"] and open_pulls(server) == dict.fromkeys(FLEET, 1)

    status = as_json(invoke("migrate", "status", "mini", "-o", "json"))
    assert {e["repo"].split("/")[1]: (e["version"], e["checks"], e["merge"]) for e in status["repos"]} == {
        "alpha": ("1.1.0", None, "merged"),
        "beta": ("1.1.0", None, "merged"),
        "zeta": ("1.1.0", None, "merged"),
        "gamma": ("1.0.0", "none", "no checks"),  # a new head: CI has not reported on it yet
        "delta": ("1.0.0", "timed-out", "checks timed out"),
        "epsilon": ("0.9.0", "none", "major step, no checks"),  # the human's head: CI has not reported either
    }
    assert status["discovery"] == "catalog" and status["failed"] == 0
    assert status["versions"] == {"1.1.0": 3, "1.0.0": 2, "0.9.0": 1}
    assert status["pull_requests"] == {"merged": 3, "open": 3}
    assert status["checks"] == {"none": 2, "timed-out": 1}
    assert status["merges"] == {"merged": 3, "checks timed out": 1, "major step, no checks": 1, "no checks": 1}
