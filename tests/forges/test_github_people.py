"""Review requests and assignees on the GitHub forge, against the spec-checked test server
(requests and answers validated against GitHub's OpenAPI description)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import ForgeError
from scaffolder.forges.base import PeopleForge, Repo, RepoSpec
from scaffolder.forges.github import GitHubForge
from tests.forges.test_github import commit, git, worktree
from tests.servers.github_api import GitHubServer


@pytest.fixture
def pull(github_forge: GitHubForge, github_server: GitHubServer, tmp_path: Path) -> tuple[Repo, int]:
    """acme/svc with one open pull request; ann and bob are members of acme (push), ann of team payments."""
    for login in ("ann", "bob", "carol"):
        github_server.add_user(login)
    org = github_server.add_org("acme")
    org.members.update(ann="member", bob="member")
    org.base_permission = "push"  # assignees need push access
    github_server.add_team("acme", "payments", members=["ann"])
    repo = github_forge.create_repo(RepoSpec(name="svc", owner="acme"))
    work = tmp_path / "work"
    worktree(work, {"a.txt": "1\n"})
    github_forge.push(repo, work, ["HEAD:refs/heads/main"])
    git(work, "checkout", "-q", "-b", "scaffold/mini")
    commit(work, {"a.txt": "2\n"}, "Upgrade")
    github_forge.push(repo, work, ["HEAD:refs/heads/scaffold/mini"])
    pr = github_forge.open_pull_request(repo, "scaffold/mini", "main", "Upgrade", "Body", ["scaffold-upgrade"])
    return repo, pr.number


def test_reviewers_teams_and_assignees_are_requested_once(
    github_forge: GitHubForge, github_server: GitHubServer, pull: tuple[Repo, int]
) -> None:
    repo, number = pull
    assert isinstance(github_forge, PeopleForge)
    pr = github_forge.request_reviewers(repo, number, ["ann"], ["payments"])
    assert (pr.reviewers, pr.team_reviewers) == (("ann",), ("payments",))
    pr = github_forge.add_assignees(repo, number, ["bob"])
    assert pr.assignees == ("bob",)
    found = github_forge.find_pull_request(repo, "scaffold/mini")
    assert found is not None and (found.reviewers, found.team_reviewers, found.assignees) == (
        ("ann",),
        ("payments",),
        ("bob",),
    )

    posts = len(github_server.calls("POST", r"/requested_reviewers$|/assignees$"))
    github_forge.request_reviewers(repo, number, ["ann"], ["payments"])
    github_forge.add_assignees(repo, number, ["bob"])
    assert len(github_server.calls("POST", r"/requested_reviewers$|/assignees$")) == posts  # asked once


def test_a_reviewer_github_refuses_is_a_clear_forge_error(github_forge: GitHubForge, pull: tuple[Repo, int]) -> None:
    repo, number = pull
    with pytest.raises(ForgeError, match="not a collaborator"):
        github_forge.request_reviewers(repo, number, ["carol"], [])  # not in acme
    with pytest.raises(ForgeError, match="not a collaborator"):
        github_forge.request_reviewers(repo, number, [], ["no-such-team"])
    with pytest.raises(ForgeError, match="author"):
        github_forge.request_reviewers(repo, number, ["scaffold-bot"], [])  # the bot opened it
    pr = github_forge.add_assignees(repo, number, ["carol"])  # GitHub ignores who cannot be assigned
    assert pr.assignees == ()
