"""Shard processes at once: real `scaffold migrate --shard I/N` subprocesses on one token share one
write budget. Together they cover the fleet exactly once with one PR per repo, on the embedded forge
and on the spec-checked GitHub server, with its rate limits on (and in a storm of them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scaffolder.forges.local import LocalForge
from tests.cli.conftest import Invoke
from tests.servers.github_api import GitHubServer

pytestmark = pytest.mark.slow
REPOS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta")
SHARDS = 3


def make_fleet(invoke: Invoke) -> None:
    for name in REPOS:
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")


def run_shards() -> tuple[list[dict[str, Any]], str]:
    """Every shard as its own process, all at once; their outcomes and their stderr together."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "scaffolder", "migrate", "mini", "--shard", f"{i}/{SHARDS}", "-o", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        for i in range(1, SHARDS + 1)
    ]
    outcomes: list[dict[str, Any]] = []
    errors = ""
    for proc in procs:
        out, err = proc.communicate(timeout=600)  # generous: a loaded 2-core machine is slow, and a hang must still end
        assert proc.returncode == 0, err + out
        outcomes += [json.loads(line) for line in out.splitlines()[:-1]]  # the last line is the summary
        errors += err
    return outcomes, errors


def assert_once_each(outcomes: list[dict[str, Any]], owner: str) -> None:
    assert sorted(o["repo"] for o in outcomes) == sorted(f"{owner}/{name}" for name in REPOS)  # none twice
    assert {o["state"] for o in outcomes} == {"opened"}
    assert all(isinstance(o["waited"], float | int) for o in outcomes)


def test_shard_processes_on_the_embedded_forge_cover_the_fleet_once(
    invoke: Invoke, library: Path, scaffold_home: Path
) -> None:
    make_fleet(invoke)
    outcomes, _ = run_shards()
    assert_once_each(outcomes, "local")
    forge = LocalForge(scaffold_home / "forge")
    for name in REPOS:
        repo = forge.get_repo("local", name)
        assert repo is not None and len(forge.pull_requests(repo)) == 1


def pulls(server: GitHubServer) -> dict[str, int]:
    return {state.name: len(state.pulls) for state in server.repos.values()}


def test_shard_processes_on_github_slow_down_together_under_rate_limits(
    invoke: Invoke, github_profile: GitHubServer, library: Path
) -> None:
    make_fleet(invoke)
    # a primary limit (remaining 0 until reset) on reads and secondary limits on opening PRs
    github_profile.inject_primary_rate_limit(times=2, reset_in=1, method="GET", path=r"/pulls$")
    github_profile.inject_secondary_rate_limit(times=3, retry_after=1, method="POST", path=r"/pulls$")
    outcomes, errors = run_shards()
    assert_once_each(outcomes, "acme")
    assert pulls(github_profile) == dict.fromkeys(REPOS, 1)
    assert "waiting for the forge's rate budget until" in errors
    assert sum(o["waited"] for o in outcomes) > 0  # some repo was held back by another's limit
    limited = [c for c in github_profile.calls() if c.status in (403, 429)]
    assert len(limited) == 5


def test_a_rate_limit_storm_drops_nothing_and_duplicates_nothing(
    invoke: Invoke, github_profile: GitHubServer, library: Path
) -> None:
    make_fleet(invoke)
    # the first PR is made but its answer is lost to a rate limit; then more limits than
    # PyGithub's own retries (6 tries a request) can absorb, so the shared budget has to retry the writes
    github_profile.inject(
        403,
        after=True,
        method="POST",
        path=r"/pulls$",
        headers={"Retry-After": "1"},
        body={"message": "You have exceeded a secondary rate limit."},
    )
    github_profile.inject_secondary_rate_limit(times=20, retry_after=1, status=429, method="POST", path=r"/pulls$")
    outcomes, _ = run_shards()
    assert_once_each(outcomes, "acme")
    assert pulls(github_profile) == dict.fromkeys(REPOS, 1)
    created = [c for c in github_profile.calls("POST", r"/pulls$") if c.status == 201]
    assert len(created) == len(REPOS) - 1  # the lost reply's PR was found, not made again
