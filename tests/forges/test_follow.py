"""Following a pull request on both forges: its checks reduced to one state, merging (only the head
the bot saw, refused clearly without rights), comments. GitHub: every request checked against
GitHub's OpenAPI description by the test server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scaffolder import git
from scaffolder.errors import ForgeError
from scaffolder.forges.base import Checks, Repo, RepoSpec
from scaffolder.forges.github import GitHubForge
from scaffolder.forges.local import LocalForge
from tests.servers.github_api import GitHubServer


def test_checks_combine_to_one_state() -> None:
    assert Checks.combine([]).state == "none"
    assert Checks.combine([("a", "success", None), ("b", "success", None)]).state == "success"
    assert Checks.combine([("a", "success", None), ("b", "pending", "2026-01-01T00:00:00+00:00")]) == Checks(
        "pending", (("a", "success"), ("b", "pending")), "2026-01-01T00:00:00+00:00"
    )
    assert Checks.combine([("a", "pending", None), ("b", "timed-out", None)]).state == "timed-out"
    assert Checks.combine([("a", "failure", None), ("b", "timed-out", None)]).state == "failure"


def _pr_on_local(forge: LocalForge, tmp_path: Path, conflicting: bool = False) -> tuple[Repo, int, str]:
    repo = forge.create_repo(RepoSpec("svc"))
    work = tmp_path / "work"
    work.mkdir()
    git.init(work)
    (work / "a.txt").write_text("one\n")
    git.commit_all(work, "first", "2026-01-01T00:00:00+00:00")
    forge.push(repo, work, ["HEAD:refs/heads/main"])
    git.checkout_new(work, "topic")
    (work / "a.txt").write_text("two\n")
    sha = git.commit_all(work, "second", "2026-01-02T00:00:00+00:00")
    forge.push(repo, work, ["HEAD:refs/heads/topic"])
    if conflicting:
        other = forge.clone(repo, tmp_path / "other", "main")
        (other / "a.txt").write_text("three\n")
        git.commit_all(other, "third", "2026-01-03T00:00:00+00:00")
        forge.push(repo, other, ["HEAD:refs/heads/main"])
    pr = forge.open_pull_request(repo, "topic", "main", "T", "B", [])
    return repo, pr.number, sha


def test_local_forge_statuses_merge_and_comments(tmp_path: Path) -> None:
    forge = LocalForge(tmp_path / "forge")
    repo, number, sha = _pr_on_local(forge, tmp_path)
    assert forge.pull_checks(repo, sha).state == "none"
    forge.set_status(repo, sha, "scaffold/test", "pending")
    assert forge.pull_checks(repo, sha).state == "pending"
    forge.set_status(repo, sha, "scaffold/test", "success")
    forge.set_status(repo, sha, "scaffold/lint", "failure", "exit 1")
    assert forge.pull_checks(repo, sha).names == (("scaffold/lint", "failure"), ("scaffold/test", "success"))
    assert forge.pull_checks(repo, sha).state == "failure"
    forge.comment_pull_request(repo, number, "hello")
    assert [c["body"] for c in forge.comments(repo, number)] == ["hello"]
    assert forge.mergeable(repo, number) is True
    with pytest.raises(ForgeError, match="head moved"):
        forge.merge_pull_request(repo, number, sha="0" * 40)
    assert forge.merge_pull_request(repo, number, sha=sha).state == "merged"


def test_local_forge_sees_conflicts(tmp_path: Path) -> None:
    forge = LocalForge(tmp_path / "forge")
    repo, number, _ = _pr_on_local(forge, tmp_path, conflicting=True)
    assert forge.mergeable(repo, number) is False


@pytest.fixture
def gh_pr(github_server: GitHubServer, github_forge: GitHubForge) -> tuple[Repo, int, str]:
    github_server.add_org("acme")
    github_server.add_repo("acme", "svc")
    github_server.commit_files("acme", "svc", "main", {"a.txt": "one\n"})
    sha = github_server.commit_files("acme", "svc", "topic", {"a.txt": "two\n"})
    repo = github_forge.get_repo("acme", "svc")
    assert repo is not None
    pr = github_forge.open_pull_request(repo, "topic", "main", "T", "B", [])
    return repo, pr.number, sha


def test_github_checks_runs_and_statuses(
    github_server: GitHubServer, github_forge: GitHubForge, gh_pr: tuple[Repo, int, str]
) -> None:
    repo, _, sha = gh_pr
    assert github_forge.pull_checks(repo, sha).state == "none"
    long_ago = datetime.now(UTC) - timedelta(hours=2)
    github_server.add_check_run("acme", "svc", sha, "build", status="in_progress", started_at=long_ago)
    github_server.add_status("acme", "svc", sha, "ci/legacy", "success")
    checks = github_forge.pull_checks(repo, sha)
    assert checks.state == "pending" and checks.names == (("build", "pending"), ("ci/legacy", "success"))
    assert checks.pending_since is not None and datetime.fromisoformat(checks.pending_since) < long_ago + timedelta(
        seconds=1
    )
    github_server.add_check_run("acme", "svc", sha, "build", conclusion="success")
    assert github_forge.pull_checks(repo, sha).state == "success"
    github_server.add_check_run("acme", "svc", sha, "slow", conclusion="timed_out")
    assert github_forge.pull_checks(repo, sha).state == "timed-out"
    github_server.add_status("acme", "svc", sha, "ci/legacy", "error")
    assert github_forge.pull_checks(repo, sha).state == "failure"


def test_github_merge_comment_and_refusals(
    github_server: GitHubServer, github_forge: GitHubForge, gh_pr: tuple[Repo, int, str]
) -> None:
    repo, number, sha = gh_pr
    github_forge.comment_pull_request(repo, number, "superseded")
    assert github_server.comments("acme", "svc", number) == ["superseded"]
    assert github_forge.mergeable(repo, number) is True
    with pytest.raises(ForgeError, match="head moved"):
        github_forge.merge_pull_request(repo, number, sha="0" * 40)
    github_server.repo("acme", "svc").protections["main"] = {
        "required_pull_request_reviews": {"required_approving_review_count": 1}
    }
    with pytest.raises(ForgeError, match=r"405: At least 1 approving review is required"):
        github_forge.merge_pull_request(repo, number, sha=sha)
    github_server.repo("acme", "svc").protections.clear()
    github_server.inject(
        403, method="PUT", path=r"/merge$", body={"message": "Resource not accessible by personal access token"}
    )
    with pytest.raises(ForgeError, match=r"no merge rights.*403"):
        github_forge.merge_pull_request(repo, number, sha=sha)
    merged = github_forge.merge_pull_request(repo, number, sha=sha)
    assert merged.state == "merged"
    assert github_server.rev("acme", "svc", "refs/heads/main") != sha  # a merge commit on main
    with pytest.raises(ForgeError, match="405"):
        github_forge.merge_pull_request(repo, number)


def test_github_merge_whose_answer_was_lost_counts_as_done(
    github_server: GitHubServer, github_forge: GitHubForge, gh_pr: tuple[Repo, int, str]
) -> None:
    repo, number, sha = gh_pr
    # the merge goes through but its answer is a secondary rate limit; PyGithub retries the PUT and
    # GitHub answers the retry 405 (no longer mergeable): the bot's own merge, not a refusal
    github_server.inject(
        403,
        after=True,
        method="PUT",
        path=r"/merge$",
        headers={"Retry-After": "1"},
        body={"message": "You have exceeded a secondary rate limit."},
    )
    assert github_forge.merge_pull_request(repo, number, sha=sha).state == "merged"
    assert [c.status for c in github_server.calls("PUT", r"/merge$")] == [403, 405]
