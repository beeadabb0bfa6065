"""GitHubForge against the GitHub test server: real PyGithub requests (each one checked against
GitHub's OpenAPI description by the server), real git pushes and clones over smart HTTP."""

from __future__ import annotations

import base64
import itertools
import logging
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from scaffolder.errors import ForgeError, RepoConflict
from scaffolder.forges.base import Forge, Repo, RepoSpec
from scaffolder.forges.github import GitHubForge, RetryPolicy
from tests.servers.github_api import GitHubServer, new_token

MakeForge = Callable[..., GitHubForge]


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def worktree(path: Path, files: dict[str, str], branch: str = "main", message: str = "Initial commit") -> str:
    """A work tree with one commit holding `files`; returns the commit's SHA."""
    path.mkdir(parents=True, exist_ok=True)
    if not (path / ".git").exists():
        git(path, "init", "-q", "-b", branch)
    for name, text in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)
    return git(path, "rev-parse", "HEAD")


def commit(path: Path, files: dict[str, str], message: str) -> str:
    for name, text in files.items():
        (path / name).write_text(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)
    return git(path, "rev-parse", "HEAD")


def clone_env(token: str) -> dict[str, str]:
    import os

    header = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {header}",
    }


@pytest.fixture
def acme(github_server: GitHubServer) -> str:
    github_server.add_org("acme")
    return "acme"


# -- protocol and construction ----------------------------------------------------------------


def test_is_a_forge(github_forge: GitHubForge) -> None:
    forge: Forge = github_forge
    assert forge.kind == "github"
    assert forge.default_owner() == "scaffold-bot"


def test_default_owner_is_the_configured_owner(make_github_forge: MakeForge, github_server: GitHubServer) -> None:
    forge = make_github_forge(owner="acme")
    assert forge.default_owner() == "acme"
    assert github_server.calls() == []  # no request needed


def test_repr_and_construction_never_show_the_token(github_forge: GitHubForge, github_server: GitHubServer) -> None:
    assert github_server.token not in repr(github_forge)
    with pytest.raises(ForgeError):
        GitHubForge("")
    with pytest.raises(ForgeError, match="invalid GitHub owner"):
        GitHubForge("t", owner="no/slash")


# -- creating repos -----------------------------------------------------------------------------


def test_create_org_repo_with_topics_and_team(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str
) -> None:
    github_server.add_team(acme, "payments", members=["scaffold-bot"])
    spec = RepoSpec(
        name="orders-api",
        owner=acme,
        description="Orders service",
        visibility="private",
        topics=("python", "service"),
        teams=(("payments", "maintain"),),
    )
    planned = github_forge.planned_repo(spec)
    repo = github_forge.create_repo(spec)

    assert repo == planned
    assert repo.full_name == "acme/orders-api"
    assert repo.url == f"{github_server.git_url}/acme/orders-api"
    assert repo.clone_url == f"{github_server.git_url}/acme/orders-api.git"
    assert (repo.default_branch, repo.description, repo.archived) == ("main", "Orders service", False)
    state = github_server.repo("acme", "orders-api")
    assert (state.visibility, state.private, state.topics) == ("private", True, ["python", "service"])
    assert state.owner.teams["payments"].repos == {("acme", "orders-api"): "maintain"}
    created = github_server.calls("POST", r"^/orgs/acme/repos$")
    assert [c.body for c in created] == [
        {"name": "orders-api", "description": "Orders service", "visibility": "private", "auto_init": False}
    ]
    assert github_forge.get_repo("acme", "orders-api") == repo
    assert github_forge.head_sha(repo, "main") is None  # empty until the first push


def test_create_user_repo_uses_private_flag(github_forge: GitHubForge, github_server: GitHubServer) -> None:
    repo = github_forge.create_repo(RepoSpec(name="notes", visibility="public"))
    assert repo.full_name == "scaffold-bot/notes"
    assert github_server.repo("scaffold-bot", "notes").visibility == "public"
    [call] = github_server.calls("POST", r"^/user/repos$")
    assert call.body == {"name": "notes", "description": "", "private": False, "auto_init": False}


def test_internal_or_teams_on_a_user_repo_fail_before_any_write(
    github_forge: GitHubForge, github_server: GitHubServer
) -> None:
    with pytest.raises(ForgeError, match="internal visibility exists only for organization"):
        github_forge.create_repo(RepoSpec(name="x", visibility="internal"))
    with pytest.raises(ForgeError, match="team access needs an organization"):
        github_forge.create_repo(RepoSpec(name="x", teams=(("t", "push"),)))
    assert [c for c in github_server.calls() if c.method != "GET"] == []


def test_name_taken_is_a_repo_conflict(github_forge: GitHubForge, github_server: GitHubServer, acme: str) -> None:
    github_forge.create_repo(RepoSpec(name="svc", owner=acme))
    with pytest.raises(RepoConflict, match=r"acme/svc already exists on GitHub"):
        github_forge.create_repo(RepoSpec(name="svc", owner=acme))
    [_, second] = github_server.calls("POST", r"^/orgs/acme/repos$")
    assert second.status == 422


def test_invalid_names_are_refused_locally(github_forge: GitHubForge, github_server: GitHubServer) -> None:
    for bad in ("a/b", "..", "", "x" * 101, "sp ace"):
        with pytest.raises(ForgeError, match="invalid repo name"):
            github_forge.create_repo(RepoSpec(name=bad, owner="acme"))
    assert github_server.calls() == []


def test_missing_org_and_missing_permission(make_github_forge: MakeForge, github_server: GitHubServer) -> None:
    forge = make_github_forge()
    with pytest.raises(ForgeError, match=r"organization nowhere does not exist .* or the token's user"):
        forge.create_repo(RepoSpec(name="svc", owner="nowhere"))

    github_server.add_org("strict", members={"scaffold-bot": "member"}, members_can_create_repositories=False)
    with pytest.raises(ForgeError, match=r"may not create repositories in organization strict") as info:
        forge.create_repo(RepoSpec(name="svc", owner="strict"))
    assert "You need admin access" in str(info.value)
    assert "strict" not in {r.owner.login for r in github_server.repos.values()}


def test_unknown_team_is_a_clear_error(github_forge: GitHubForge, acme: str) -> None:
    with pytest.raises(ForgeError, match="no team 'ghosts' in organization acme"):
        github_forge.create_repo(RepoSpec(name="svc", owner=acme, teams=(("ghosts", "push"),)))


def test_bad_token_is_one_clear_error_without_the_token(
    make_github_forge: MakeForge, github_server: GitHubServer
) -> None:
    wrong = new_token()
    forge = make_github_forge(token=wrong)
    for call in (
        lambda: forge.default_owner(),
        lambda: forge.create_repo(RepoSpec(name="svc", owner="acme")),
        lambda: forge.list_repos("acme"),
        lambda: forge.get_repo("acme", "svc"),
    ):
        with pytest.raises(ForgeError, match=r"rejected the token \(401 Bad credentials\)") as info:
            call()
        assert wrong not in str(info.value)
        assert github_server.token not in str(info.value)


# -- pushing and reading --------------------------------------------------------------------------


def test_push_then_read_back_and_clone(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str, tmp_path: Path
) -> None:
    repo = github_forge.create_repo(RepoSpec(name="svc", owner=acme))
    work = tmp_path / "work"
    sha = worktree(work, {"README.md": "# svc\n", "src/app.py": "print('hi')\n"})

    github_forge.push(repo, work, ["HEAD:refs/heads/main"])

    assert github_forge.head_sha(repo, "main") == sha
    assert github_forge.head_sha(repo, "nope") is None
    assert github_forge.tree_sha(repo, "main") == git(work, "rev-parse", "HEAD^{tree}")
    assert github_forge.tree_sha(repo, "nope") is None
    assert github_forge.read_file(repo, "README.md") == b"# svc\n"
    assert github_forge.read_file(repo, "src/app.py", ref="main") == b"print('hi')\n"
    assert github_forge.read_file(repo, "src/app.py", ref=sha) == b"print('hi')\n"
    assert github_forge.read_file(repo, "missing.txt") is None
    assert github_forge.read_file(repo, "README.md", ref="no-such-branch") is None
    with pytest.raises(ForgeError, match="is a directory"):
        github_forge.read_file(repo, "src")

    # a real clone from the git server (the repo is private: it needs the token)
    anonymous = subprocess.run(
        ["git", "clone", "-q", repo.clone_url, str(tmp_path / "anon")],
        capture_output=True,
        text=True,
        env={**clone_env(github_server.token), "GIT_CONFIG_COUNT": "0"},
    )
    assert anonymous.returncode != 0
    git(tmp_path, "clone", "-q", repo.clone_url, "copy", env=clone_env(github_server.token))
    assert (tmp_path / "copy" / "src" / "app.py").read_text() == "print('hi')\n"
    assert git(tmp_path / "copy", "rev-parse", "HEAD") == sha

    # the forge's own clone authenticates from the environment and leaves no token behind
    mine = github_forge.clone(repo, tmp_path / "mine")
    assert (mine / "src" / "app.py").read_text() == "print('hi')\n"
    assert github_server.token not in (mine / ".git" / "config").read_text()
    with pytest.raises(ForgeError, match="cannot clone"):
        github_forge.clone(Repo("acme", "nope", repo.url + "x", repo.clone_url.replace("svc", "nope")), tmp_path / "x")

    # the token is nowhere in the pushed work tree
    for file in (work / ".git").rglob("*"):
        if file.is_file():
            assert github_server.token.encode() not in file.read_bytes(), file
    assert "extraheader" not in (work / ".git" / "config").read_text().lower()


def test_push_rejected_when_branch_moved(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str, tmp_path: Path
) -> None:
    repo = github_forge.create_repo(RepoSpec(name="svc", owner=acme))
    work = tmp_path / "work"
    worktree(work, {"a.txt": "1\n"})
    github_forge.push(repo, work, ["HEAD:refs/heads/main"])
    human = github_server.commit_files("acme", "svc", "main", {"a.txt": "human\n"}, "Human edit")
    commit(work, {"a.txt": "bot\n"}, "Bot edit")

    with pytest.raises(ForgeError, match=r"cannot push to acme/svc: GitHub rejected the update"):
        github_forge.push(repo, work, ["HEAD:refs/heads/main"])
    assert github_forge.head_sha(repo, "main") == human

    github_forge.push(repo, work, ["HEAD:refs/heads/main"], force=True)
    assert github_forge.head_sha(repo, "main") == git(work, "rev-parse", "HEAD")


def test_protection_and_default_branch_are_settled_by_the_first_push(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str, tmp_path: Path
) -> None:
    spec = RepoSpec(name="svc", owner=acme, default_branch="trunk", protect_default_branch=True)
    repo = github_forge.create_repo(spec)
    assert repo.default_branch == "trunk"
    state = github_server.repo("acme", "svc")
    assert state.protections == {}

    work = tmp_path / "work"
    worktree(work, {"a.txt": "1\n"}, branch="trunk")
    github_forge.push(repo, work, ["HEAD:refs/heads/trunk"])

    assert state.default_branch == "trunk"
    assert github_forge.get_repo("acme", "svc") == repo
    protection = state.protections["trunk"]
    assert protection["required_pull_request_reviews"] == {
        "dismiss_stale_reviews": True,
        "required_approving_review_count": 1,
    }
    assert (protection["allow_force_pushes"], protection["allow_deletions"]) == (False, False)
    # a second push does not protect again
    commit(work, {"a.txt": "2\n"}, "More")
    github_forge.push(repo, work, ["HEAD:refs/heads/trunk"])
    assert len(github_server.calls("PUT", r"/protection$")) == 1


def test_protect_branch_errors(github_forge: GitHubForge, github_server: GitHubServer, tmp_path: Path) -> None:
    github_server.add_user("cheapskate", plan="free")
    github_server.add_org("freebies", plan="free")
    repo = github_forge.create_repo(RepoSpec(name="svc", owner="freebies"))
    with pytest.raises(ForgeError, match="the branch does not exist on GitHub yet"):
        github_forge.protect_branch(repo, "main")
    work = tmp_path / "work"
    worktree(work, {"a.txt": "1\n"})
    github_forge.push(repo, work, ["HEAD:refs/heads/main"])
    with pytest.raises(ForgeError, match=r"403 Upgrade to GitHub Pro or make this repository public"):
        github_forge.protect_branch(repo, "main")


def test_archived_repo_refuses_pushes(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str, tmp_path: Path
) -> None:
    repo = github_forge.create_repo(RepoSpec(name="svc", owner=acme))
    work = tmp_path / "work"
    worktree(work, {"a.txt": "1\n"})
    github_server.archive_repo("acme", "svc")

    fresh = github_forge.get_repo("acme", "svc")
    assert fresh is not None and fresh.archived
    with pytest.raises(ForgeError, match="archived"):
        github_forge.push(fresh, work, ["HEAD:refs/heads/main"])
    # a stale Repo (archived after it was read): git's 403 is explained by the archived flag
    with pytest.raises(ForgeError, match=r"cannot push to acme/svc: the repository is archived"):
        github_forge.push(repo, work, ["HEAD:refs/heads/main"])
    assert github_server.git.pushes == []


def test_push_with_a_bad_token_or_without_access(
    make_github_forge: MakeForge,
    github_server: GitHubServer,
    acme: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    repo = make_github_forge().create_repo(RepoSpec(name="svc", owner=acme))
    work = tmp_path / "work"
    worktree(work, {"a.txt": "1\n"})

    wrong = new_token()
    with pytest.raises(ForgeError, match="rejected the token for git") as info:
        make_github_forge(token=wrong).push(repo, work, ["HEAD:refs/heads/main"])
    assert wrong not in str(info.value)

    reader = github_server.add_user("reader")
    github_server.add_team(acme, "readers", members=["reader"])
    github_server.repo("acme", "svc").owner.members["reader"] = "member"
    with pytest.raises(ForgeError, match=r"GitHub refused the push \(403\): Permission to acme/svc.git denied"):
        make_github_forge(token=reader).push(repo, work, ["HEAD:refs/heads/main"])

    outsider = github_server.add_user("outsider")
    with pytest.raises(ForgeError, match="does not exist or the token cannot see it"):
        make_github_forge(token=outsider).push(repo, work, ["HEAD:refs/heads/main"])
    for secret in (wrong, reader, outsider, github_server.token):
        assert secret not in caplog.text


def test_push_refuses_to_send_the_token_over_plain_http_to_another_host(
    make_github_forge: MakeForge, tmp_path: Path
) -> None:
    forge = make_github_forge(base_url="https://ghe.example.com/api/v3")
    repo = Repo("acme", "svc", "http://ghe.example.com/acme/svc", "http://ghe.example.com/acme/svc.git")
    with pytest.raises(ForgeError, match="refusing to send the token"):
        forge.push(repo, tmp_path, ["HEAD:refs/heads/main"])


def test_large_file_is_read_through_the_blob_api(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str, tmp_path: Path
) -> None:
    repo = github_forge.create_repo(RepoSpec(name="svc", owner=acme))
    big = "x" * (1024 * 1024 + 10)
    work = tmp_path / "work"
    worktree(work, {"big.txt": big})
    github_forge.push(repo, work, ["HEAD:refs/heads/main"])
    assert github_forge.read_file(repo, "big.txt") == big.encode()
    assert len(github_server.calls("GET", r"/git/blobs/")) == 1


def test_blob_url(github_forge: GitHubForge, github_server: GitHubServer) -> None:
    repo = Repo("acme", "svc", "https://github.com/acme/svc", "https://github.com/acme/svc.git")
    assert github_forge.blob_url(repo, "catalog-info.yaml") == "https://github.com/acme/svc/blob/main/catalog-info.yaml"
    assert github_forge.blob_url(repo, "/docs/a b.md", "feature/x") == (
        "https://github.com/acme/svc/blob/feature/x/docs/a%20b.md"
    )


def test_get_repo_missing_is_none(github_forge: GitHubForge, acme: str) -> None:
    assert github_forge.get_repo("acme", "nope") is None
    assert github_forge.get_repo("ghost-owner", "nope") is None


# -- listing ----------------------------------------------------------------------------------------


def test_list_repos_of_org_user_and_other_user(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str
) -> None:
    for n in range(35):  # more than one page of 30
        github_server.add_repo("acme", f"svc-{n:02d}", private=n % 2 == 0)
    github_server.add_user("alice")
    github_server.add_repo("alice", "public-thing", private=False)
    github_server.add_repo("alice", "secret-thing", private=True)
    github_forge.create_repo(RepoSpec(name="mine"))

    org = github_forge.list_repos("acme")
    assert [r.name for r in org] == [f"svc-{n:02d}" for n in range(35)]
    assert all(r.owner == "acme" and r.clone_url.endswith(f"/acme/{r.name}.git") for r in org)
    assert len(github_server.calls("GET", r"^/orgs/acme/repos$")) == 2  # followed the Link header

    assert [r.full_name for r in github_forge.list_repos()] == ["scaffold-bot/mine"]
    assert [r.full_name for r in github_forge.list_repos("alice")] == ["alice/public-thing"]
    with pytest.raises(ForgeError, match="no user or organization nobody"):
        github_forge.list_repos("nobody")


# -- pull requests ----------------------------------------------------------------------------------


@pytest.fixture
def pushed(github_forge: GitHubForge, github_server: GitHubServer, acme: str, tmp_path: Path) -> tuple[Repo, Path]:
    repo = github_forge.create_repo(RepoSpec(name="svc", owner=acme))
    work = tmp_path / "work"
    worktree(work, {"a.txt": "1\n"})
    github_forge.push(repo, work, ["HEAD:refs/heads/main"])
    git(work, "checkout", "-q", "-b", "scaffold/upgrade")
    commit(work, {"a.txt": "2\n"}, "Upgrade")
    github_forge.push(repo, work, ["HEAD:refs/heads/scaffold/upgrade"])
    return repo, work


def test_pull_request_lifecycle(
    github_forge: GitHubForge, github_server: GitHubServer, pushed: tuple[Repo, Path]
) -> None:
    repo, work = pushed
    assert github_forge.find_pull_request(repo, "scaffold/upgrade") is None

    pr = github_forge.open_pull_request(repo, "scaffold/upgrade", "main", "Upgrade", "Body", ["scaffold", "upgrade"])
    assert (pr.number, pr.state, pr.head, pr.base) == (1, "open", "scaffold/upgrade", "main")
    assert (pr.title, pr.body, pr.labels) == ("Upgrade", "Body", ("scaffold", "upgrade"))
    assert pr.url == f"{github_server.git_url}/acme/svc/pull/1"
    assert pr.head_sha == git(work, "rev-parse", "HEAD")
    assert github_forge.find_pull_request(repo, "scaffold/upgrade") == pr

    updated = github_forge.update_pull_request(repo, 1, "Upgrade to 2.0", "New body", ["scaffold"])
    assert (updated.title, updated.body, updated.labels, updated.state) == (
        "Upgrade to 2.0",
        "New body",
        ("scaffold",),
        "open",
    )
    assert github_forge.find_pull_request(repo, "scaffold/upgrade") == updated
    writes = len([c for c in github_server.calls() if c.method != "GET"])
    assert github_forge.update_pull_request(repo, 1, "Upgrade to 2.0", "New body", ["scaffold"]) == updated
    assert len([c for c in github_server.calls() if c.method != "GET"]) == writes  # nothing to change

    new_head = commit(work, {"a.txt": "3\n"}, "More")
    github_forge.push(repo, work, ["HEAD:refs/heads/scaffold/upgrade"])
    found = github_forge.find_pull_request(repo, "scaffold/upgrade")
    assert found is not None and found.head_sha == new_head

    github_server.merge_pull("acme", "svc", 1)
    merged = github_forge.find_pull_request(repo, "scaffold/upgrade")
    assert merged is not None and merged.state == "merged" and merged.head_sha == new_head
    assert github_forge.get_pull_request(repo, 1) == merged
    main = github_forge.head_sha(repo, "main")
    assert main is not None and main != new_head
    assert git(github_server.bare_path("acme", "svc"), "merge-base", "--is-ancestor", new_head, main) == ""
    assert github_forge.read_file(repo, "a.txt") == b"3\n"


def test_closed_and_newest_pull_request(
    github_forge: GitHubForge, github_server: GitHubServer, pushed: tuple[Repo, Path]
) -> None:
    repo, _work = pushed
    first = github_forge.open_pull_request(repo, "scaffold/upgrade", "main", "One", "", [])
    assert first.labels == ()
    closed = github_forge.close_pull_request(repo, first.number)
    assert closed.state == "closed"
    found = github_forge.find_pull_request(repo, "scaffold/upgrade")
    assert found is not None and (found.number, found.state) == (first.number, "closed")

    second = github_forge.open_pull_request(repo, "scaffold/upgrade", "main", "Two", "", [])
    found = github_forge.find_pull_request(repo, "scaffold/upgrade")
    assert found is not None and (found.number, found.state) == (second.number, "open")
    github_server.close_pull("acme", "svc", second.number)
    assert github_forge.get_pull_request(repo, second.number).state == "closed"
    assert github_forge.close_pull_request(repo, second.number).state == "closed"


def test_open_pull_request_when_one_is_already_open_returns_it(
    github_forge: GitHubForge, github_server: GitHubServer, pushed: tuple[Repo, Path]
) -> None:
    repo, _ = pushed
    first = github_forge.open_pull_request(repo, "scaffold/upgrade", "main", "One", "b", ["x"])
    again = github_forge.open_pull_request(repo, "scaffold/upgrade", "main", "One again", "b2", ["y"])
    assert again.number == first.number
    assert (again.title, again.body, again.labels) == ("One again", "b2", ("y",))
    assert len(github_server.repo("acme", "svc").pulls) == 1


def test_open_pull_request_errors(github_forge: GitHubForge, pushed: tuple[Repo, Path]) -> None:
    repo, _ = pushed
    with pytest.raises(ForgeError, match="no branch nope on GitHub"):
        github_forge.open_pull_request(repo, "nope", "main", "t", "", [])
    with pytest.raises(ForgeError, match="main already contains every commit of main"):
        github_forge.open_pull_request(repo, "main", "main", "t", "", [])
    with pytest.raises(ForgeError, match="no such pull request"):
        github_forge.update_pull_request(repo, 99, "t", "", [])


# -- reliability ----------------------------------------------------------------------------------


def test_retries_an_injected_502(github_forge: GitHubForge, github_server: GitHubServer, acme: str) -> None:
    github_server.inject(502, method="POST", path=r"^/orgs/acme/repos$")
    repo = github_forge.create_repo(RepoSpec(name="svc", owner=acme))
    assert repo.full_name == "acme/svc"
    assert [c.status for c in github_server.calls("POST", r"^/orgs/acme/repos$")] == [502, 201]


def test_persistent_5xx_becomes_a_forge_error(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str
) -> None:
    github_server.inject(503, times=10, path=r"^/repos/acme/svc$")
    with pytest.raises(ForgeError, match=r"cannot read repo acme/svc: GitHub kept failing \(503\) after 3 retries"):
        github_forge.get_repo("acme", "svc")
    assert len(github_server.calls("GET", r"^/repos/acme/svc$")) == 4


def test_secondary_rate_limit_waits_retry_after(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str
) -> None:
    github_server.inject_secondary_rate_limit(retry_after=1, method="POST")
    started = time.monotonic()
    github_forge.create_repo(RepoSpec(name="svc", owner=acme))
    assert time.monotonic() - started >= 1.0
    calls = github_server.calls("POST", r"^/orgs/acme/repos$")
    assert [c.status for c in calls] == [403, 201]
    assert calls[1].at - calls[0].at >= 1.0


def test_secondary_rate_limit_429_without_retry_after(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str
) -> None:
    github_server.inject_secondary_rate_limit(retry_after=None, status=403, method="POST")
    github_forge.create_repo(RepoSpec(name="svc", owner=acme))  # waits secondary_rate_wait (tiny here)
    assert [c.status for c in github_server.calls("POST")] == [403, 201]
    github_server.inject_secondary_rate_limit(retry_after=1, status=429, method="PUT")
    github_forge.create_repo(RepoSpec(name="svc2", owner=acme, topics=("a",)))
    assert [c.status for c in github_server.calls("PUT", "/topics$")] == [429, 200]


def test_rate_limit_that_never_lifts_is_reported(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str
) -> None:
    github_server.inject_secondary_rate_limit(retry_after=None, times=10, method="POST")
    with pytest.raises(ForgeError, match=r"cannot create repo acme/svc: GitHub's rate limit was still exceeded"):
        github_forge.create_repo(RepoSpec(name="svc", owner=acme))
    assert len(github_server.calls("POST")) == 4
    assert github_server.repos.get(("acme", "svc")) is None


def test_primary_rate_limit_waits_for_reset(github_forge: GitHubForge, github_server: GitHubServer, acme: str) -> None:
    github_server.inject_primary_rate_limit(reset_in=0.5, path=r"^/repos/")
    started = time.monotonic()
    assert github_forge.get_repo("acme", "svc") is None
    assert time.monotonic() - started >= 0.5
    assert [c.status for c in github_server.calls("GET", "^/repos/")] == [403, 404]


def test_primary_rate_limit_beyond_max_wait_fails_fast(
    make_github_forge: MakeForge, github_server: GitHubServer, acme: str
) -> None:
    forge = make_github_forge(retry=RetryPolicy(attempts=3, backoff=0, max_rate_limit_wait=2))
    github_server.inject_primary_rate_limit(reset_in=600, path=r"^/repos/")
    started = time.monotonic()
    with pytest.raises(ForgeError, match=r"rate limit would need a wait of about \d+s \(more than 2s\)"):
        forge.get_repo("acme", "svc")
    assert time.monotonic() - started < 2


def test_writes_are_spaced_by_min_write_interval(
    make_github_forge: MakeForge, github_server: GitHubServer, acme: str
) -> None:
    github_server.add_team(acme, "t1")
    forge = make_github_forge(min_write_interval=0.3)
    forge.create_repo(RepoSpec(name="svc", owner=acme, topics=("a",), teams=(("t1", "push"),)))
    writes = [c.at for c in github_server.calls() if c.method != "GET"]
    assert len(writes) == 3
    assert all(b - a >= 0.29 for a, b in itertools.pairwise(writes))


def test_unreachable_server(make_github_forge: MakeForge, tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    forge = make_github_forge(base_url=f"http://127.0.0.1:{port}", retry=RetryPolicy(attempts=1, backoff=0))
    with pytest.raises(ForgeError, match=rf"GitHub at http://127.0.0.1:{port} cannot be reached"):
        forge.list_repos("acme")


# -- secrets ----------------------------------------------------------------------------------------


def test_token_never_in_logs_messages_or_git_config(
    make_github_forge: MakeForge,
    github_server: GitHubServer,
    acme: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # PyGithub, urllib3 and the forge at their chattiest
    forge = make_github_forge()
    token = github_server.token
    repo = forge.create_repo(RepoSpec(name="svc", owner=acme, protect_default_branch=True))
    work = tmp_path / "work"
    worktree(work, {"a.txt": "1\n"})
    forge.push(repo, work, ["HEAD:refs/heads/main"])
    github_server.inject(502, times=10)
    messages = []
    with pytest.raises(ForgeError) as info:
        forge.list_repos("acme")
    messages.append(str(info.value))
    github_server.reset()  # the token's user is gone now: every call is a 401
    with pytest.raises(ForgeError) as info:
        forge.push(repo, work, ["HEAD:refs/heads/main"])
    messages.append(str(info.value))

    assert any("Requester" in r.name or "github" in r.name for r in caplog.records)
    assert token not in caplog.text
    encoded = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    assert encoded not in caplog.text
    for message in messages:
        assert token not in message and encoded not in message
    config = (work / ".git" / "config").read_text()
    assert token not in config and encoded not in config


def test_git_push_gets_the_token_only_through_the_environment(
    github_forge: GitHubForge, github_server: GitHubServer
) -> None:
    env = github_forge._git_env()
    keys = {env[f"GIT_CONFIG_KEY_{i}"]: env[f"GIT_CONFIG_VALUE_{i}"] for i in range(int(env["GIT_CONFIG_COUNT"]))}
    assert env["GIT_TERMINAL_PROMPT"] == "0"
    assert env["GIT_ASKPASS"] == env["SSH_ASKPASS"] == ""  # set and empty: git runs no askpass program
    assert keys["credential.helper"] == ""
    encoded = base64.b64encode(f"x-access-token:{github_server.token}".encode()).decode()
    assert keys["http.extraHeader"] == f"Authorization: Basic {encoded}"


def test_existing_git_config_env_is_kept(github_forge: GitHubForge, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "user.name")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "Someone")
    env = github_forge._git_env()  # added to the inherited environment, which keeps entry 0
    assert "GIT_CONFIG_KEY_0" not in env and env["GIT_CONFIG_KEY_1"] == "credential.helper"
    assert int(env["GIT_CONFIG_COUNT"]) == 5


# -- GitHub Enterprise Server ----------------------------------------------------------------------


def test_enterprise_server_base_url_and_internal_repos(
    make_github_forge: MakeForge, github_enterprise_server: GitHubServer, tmp_path: Path
) -> None:
    server = github_enterprise_server
    assert server.base_url.endswith("/api/v3")
    server.add_org("corp", plan="enterprise")
    forge = make_github_forge(server=server)
    repo = forge.create_repo(RepoSpec(name="svc", owner="corp", visibility="internal"))
    assert server.repo("corp", "svc").visibility == "internal"
    work = tmp_path / "work"
    worktree(work, {"catalog-info.yaml": "kind: Component\n"})
    forge.push(repo, work, ["HEAD:refs/heads/main"])
    assert forge.read_file(repo, "catalog-info.yaml") == b"kind: Component\n"
    assert [r.full_name for r in forge.list_repos("corp")] == ["corp/svc"]
    assert all(c.path.startswith("/") for c in server.calls())
    assert forge.blob_url(repo, "catalog-info.yaml") == f"{server.git_url}/corp/svc/blob/main/catalog-info.yaml"


def test_internal_visibility_is_not_in_the_github_com_description(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str
) -> None:
    """api.github.com's description documents only public/private for new org repos (internal
    is GitHub Enterprise): the server flags the request, and the forge reports GitHub's 422."""
    with pytest.raises(ForgeError, match=r"cannot create repo acme/svc: GitHub answered 422 Invalid request"):
        github_forge.create_repo(RepoSpec(name="svc", owner=acme, visibility="internal"))
    assert next(v.problem for v in github_server.violations).startswith("InvalidRequestBody")
    github_server.violations.clear()


# -- through the repo:create action ---------------------------------------------------------------


def test_repo_create_action_on_github(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str, tmp_path: Path
) -> None:
    """The built-in repo:create step, unchanged, against GitHub: create + push + protect, then a
    rerun in a fresh workspace is a no-op (same tree on GitHub)."""
    from scaffolder.action import ActionContext
    from scaffolder.actions.repo_create import action
    from scaffolder.catalogs.sqlite import SqliteCatalog
    from scaffolder.sources import load_template

    github_server.add_team(acme, "payments")
    golden = tmp_path / "golden"
    golden.mkdir()
    (golden / "template.yaml").write_text(
        "apiVersion: scaffold/v1\nkind: GoldenPath\n"
        'metadata: {name: backend-service, owner: "group:backend-guild"}\nspec: {version: 2.1.0}\n'
    )

    def ctx(ws: Path) -> ActionContext:
        ws.mkdir()
        (ws / "catalog-info.yaml").write_text("kind: Component\n")
        return ActionContext(
            workspace=ws,
            template_dir=golden,
            template=load_template(golden),
            parameters={"name": "orders-api"},
            forge=github_forge,
            catalog=SqliteCatalog(tmp_path / "catalog.db"),
            run_id="run-1",
            started_at="2026-01-01T00:00:00+00:00",
        )

    step = {
        "name": "orders-api",
        "owner": "acme",
        "topics": ["python"],
        "teams": [{"slug": "payments", "permission": "maintain"}],
        "protect_default_branch": True,
    }
    out = action.run(ctx(tmp_path / "ws"), step)
    assert out.created is True
    assert out.clone_url == f"{github_server.git_url}/acme/orders-api.git"
    assert out.catalog_info_url == f"{github_server.git_url}/acme/orders-api/blob/main/catalog-info.yaml"
    state = github_server.repo("acme", "orders-api")
    assert "main" in state.protections and state.topics == ["python"]
    assert github_server.rev("acme", "orders-api", "refs/heads/main") == out.commit_sha

    again = action.run(ctx(tmp_path / "ws2"), step)
    assert (again.created, again.commit_sha) == (False, out.commit_sha)
    assert len(github_server.calls("POST", r"/repos$")) == 1


def test_a_create_whose_answer_was_lost_is_retried_into_a_422(
    github_forge: GitHubForge, github_server: GitHubServer, acme: str
) -> None:
    """GitHub created the repo but the reply was a 502; the retried POST gets 422 "already
    exists". The forge reports a RepoConflict; repo:create then finds the repo empty and fills it
    (tests/cli/test_production_faults.py)."""
    github_server.inject(502, method="POST", path=rf"^/orgs/{acme}/repos$", after=True)
    with pytest.raises(RepoConflict, match="already exists"):
        github_forge.create_repo(RepoSpec(name="lost-reply", owner=acme))
    repo = github_forge.get_repo(acme, "lost-reply")
    assert repo is not None and github_forge.head_sha(repo, "main") is None
