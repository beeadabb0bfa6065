"""GitHub misbehaving under `scaffold new` and `scaffold migrate`, on the spec-checked server:
a create whose reply was lost (retried into 422 "already exists"), 5xx on pull request calls, a
secondary rate limit, and the bot's branch moving while a campaign works."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scaffolder import git
from scaffolder.forges.github import GitHubForge
from tests.cli.conftest import Invoke, as_json
from tests.servers.github_api import GitHubServer

pytestmark = pytest.mark.slow


def new(invoke: Invoke, name: str, code: int = 0) -> Any:
    return invoke(
        "new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments", code=code
    )


def test_a_lost_create_reply_still_makes_exactly_one_repo(
    invoke: Invoke,
    github_profile: GitHubServer,
    library: Path,
    tmp_path: Path,
) -> None:
    github_profile.inject(502, method="POST", path=r"^/orgs/acme/repos$", after=True)
    new(invoke, "alpha")
    repos = [r for (owner, _), r in github_profile.repos.items() if owner == "acme"]
    assert len(repos) == 1
    forge = GitHubForge(github_profile.token, "acme", github_profile.base_url, min_write_interval=0)
    repo = forge.get_repo("acme", "alpha")
    assert repo is not None and forge.read_file(repo, ".scaffold/record.yaml") is not None


def test_5xx_and_rate_limits_during_a_campaign_are_retried(
    invoke: Invoke,
    github_profile: GitHubServer,
    library: Path,
) -> None:
    for name in ("alpha", "beta"):
        new(invoke, name)
    github_profile.inject(502, method="POST", path=r"/pulls$", times=1)
    github_profile.inject_secondary_rate_limit(times=1)
    run = [json.loads(line) for line in invoke("migrate", "mini", "-o", "json").stdout.splitlines()]
    assert {o["state"] for o in run[:-1]} == {"opened"}
    status = as_json(invoke("migrate", "status", "mini", "-o", "json"))
    assert status["pull_requests"] == {"open": 2}


def test_the_branch_moving_under_the_bot_is_left_alone(
    invoke: Invoke,
    github_profile: GitHubServer,
    library: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    new(invoke, "alpha")
    real_push = GitHubForge.push
    human: dict[str, str] = {}

    def push(
        self: GitHubForge, repo: Any, worktree: Path, refspecs: list[str], force: bool = False, lease: Any = None
    ) -> None:
        if lease and not human:  # a human pushes to the bot's branch just before the bot does
            work = self.clone(repo, tmp_path / "human")
            (work / "HUMAN.md").write_text("mine\n")
            human["sha"] = git.commit_all(work, "Human fix", "2026-11-01T00:00:00+00:00")
            real_push(self, repo, work, ["HEAD:refs/heads/scaffold/mini"])
        real_push(self, repo, worktree, refspecs, force, lease)

    monkeypatch.setattr(GitHubForge, "push", push)
    [outcome, _summary] = [json.loads(line) for line in invoke("migrate", "mini", "-o", "json").stdout.splitlines()]
    assert outcome["state"] == "edited-by-human" and "moved while the bot worked" in outcome["reason"]
    forge = GitHubForge(github_profile.token, "acme", github_profile.base_url, min_write_interval=0)
    repo = forge.get_repo("acme", "alpha")
    assert repo is not None and forge.head_sha(repo, "scaffold/mini") == human["sha"]  # not overwritten
    assert forge.find_pull_request(repo, "scaffold/mini") is None
