"""The GitHub test server itself: it validates against GitHub's real description, flags what the
description rejects, answers as GitHub documents, and serves real git behind its repos."""

# ruff: noqa: F811 (pytest fixtures imported from the server module)

from __future__ import annotations

import base64
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.servers import openapi_spec
from tests.servers.github_api import (  # noqa: F401 (fixtures)
    GitHubServer,
    _fail_on_violations,
    github_enterprise_server,
    github_enterprise_server_session,
    github_server,
    github_server_session,
    new_token,
)
from tests.servers.openapi_responses import ResponseChecker

_DEFAULT = object()


def call(
    server: GitHubServer,
    method: str,
    path: str,
    body: Any = None,
    token: Any = _DEFAULT,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], Any]:
    """One raw HTTP request to the server: (status, lower-case headers, decoded JSON or None)."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(f"{server.base_url}{path}", data=data, method=method)
    request.add_header("User-Agent", "scaffold-tests")
    request.add_header("Accept", "application/vnd.github+json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token is _DEFAULT:
        token = server.token
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw, got = response.status, response.read(), response.headers
    except urllib.error.HTTPError as err:
        status, raw, got = err.code, err.read(), err.headers
    return status, {k.lower(): v for k, v in got.items()}, json.loads(raw) if raw else None


def git(
    cwd: Path, *args: str, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def auth_env(header: str | None) -> dict[str, str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_COUNT": "0"}
    if header:
        env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="http.extraHeader", GIT_CONFIG_VALUE_0=header)
    return env


def basic(token: str) -> str:
    return "Authorization: Basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode()


# -- the description ----------------------------------------------------------------------------


def test_the_description_is_githubs_official_one() -> None:
    spec = openapi_spec.spec_dict()
    assert spec["openapi"] == "3.0.3"
    assert spec["info"]["title"] == "GitHub's official OpenAPI spec + Octokit extension"
    assert spec["info"]["version"] == openapi_spec.VERSION == "23.0.2"
    assert spec["info"]["x-github-plan"] == "api.github.com"
    assert spec["servers"] == [{"url": "https://api.github.com"}]
    assert len(spec["paths"]) > 700
    assert "/repos/{owner}/{repo}/pulls" in spec["paths"]
    path = openapi_spec.spec_path()
    assert path.is_relative_to(openapi_spec.cache_dir())
    assert path.stat().st_size > 10_000_000
    assert openapi_spec.openapi() is openapi_spec.openapi()  # loaded once per process


def test_enterprise_server_description() -> None:
    spec = openapi_spec.spec_dict("ghes-3.19")
    assert spec["info"]["x-github-plan"] == "ghes"
    assert spec["servers"][0]["url"] == "{protocol}://{hostname}/api/v3"
    with pytest.raises(ValueError, match="unknown plan"):
        openapi_spec.spec_path("gitlab")


def test_missing_npm_is_explained(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCAFFOLD_TEST_CACHE", str(tmp_path))
    monkeypatch.setattr(openapi_spec.shutil, "which", lambda _: None)
    with pytest.raises(openapi_spec.SpecUnavailable, match=r"`npm` is not on PATH: install Node.js"):
        openapi_spec.spec_path()


# -- validation -----------------------------------------------------------------------------------


def test_request_body_the_description_rejects_is_flagged(github_server: GitHubServer) -> None:
    status, _, body = call(github_server, "POST", "/user/repos", {"name": 5})
    assert status == 422
    assert body["message"].startswith("Invalid request.")
    [violation] = github_server.violations
    assert (violation.method, violation.path) == ("POST", "/user/repos")
    assert "5 is not of type 'string'" in violation.problem
    assert github_server.repos == {}
    github_server.violations.clear()


def test_unknown_enum_value_is_flagged(github_server: GitHubServer) -> None:
    github_server.add_org("acme")
    status, _, _ = call(github_server, "POST", "/orgs/acme/repos", {"name": "x", "visibility": "secret"})
    assert status == 422
    assert "'secret' is not one of ['public', 'private']" in github_server.violations[0].problem
    status, _, _ = call(github_server, "GET", "/repos/acme/x/pulls?state=bogus")
    assert status == 422
    assert "state" in github_server.violations[1].problem
    assert len(github_server.violations) == 2
    github_server.violations.clear()


def test_paths_and_methods_outside_the_description_are_flagged(github_server: GitHubServer) -> None:
    assert call(github_server, "GET", "/no/such/endpoint")[0] == 404
    assert call(github_server, "DELETE", "/user")[0] == 404
    assert call(github_server, "POST", "/user/repos", b"{not json")[0] == 400
    problems = [v.problem for v in github_server.violations]
    assert problems[0].startswith("not in GitHub's API description: Path not found")
    assert problems[1].startswith("not in GitHub's API description: Operation delete not found")
    assert problems[2] == "request body is not JSON"
    github_server.violations.clear()


def test_documented_but_unimplemented_endpoints_are_flagged(github_server: GitHubServer) -> None:
    assert call(github_server, "GET", "/gists")[0] == 404
    assert github_server.violations[0].problem == "documented by GitHub but not implemented by the test server"
    github_server.violations.clear()


def test_violations_fail_the_test_at_teardown(github_server: GitHubServer) -> None:
    call(github_server, "POST", "/user/repos", {"name": 5})
    with pytest.raises(pytest.fail.Exception, match=r"POST /user/repos: InvalidRequestBody"):
        _fail_on_violations(github_server)
    github_server.violations.clear()
    _fail_on_violations(github_server)


def test_undocumented_status_codes_are_flagged(github_server: GitHubServer) -> None:
    github_server._check_documented("GET", "/user", "/user", 201)
    github_server._check_documented("GET", "/user", "/user", 304)  # documented
    github_server._check_documented("GET", "/user", "/user", 502)  # any endpoint may fail
    assert [v.problem for v in github_server.violations] == ["server answered 201, which GitHub does not document here"]
    github_server.violations.clear()


def test_answers_that_drift_from_the_description_are_flagged(
    github_server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    github_server.add_org("acme")
    github_server.add_repo("acme", "svc")
    assert call(github_server, "GET", "/repos/acme/svc")[0] == 200
    assert github_server.violations == []  # the stand-in's answer fits GitHub's schema
    real = github_server._repo_json

    def drifted(repo: Any, login: str | None) -> dict[str, Any]:
        data = real(repo, login)
        del data["license"]  # a required field PyGithub reads
        return {**data, "id": str(data["id"]), "description": 7, "archived": None}

    monkeypatch.setattr(github_server, "_repo_json", drifted)
    assert call(github_server, "GET", "/repos/acme/svc")[0] == 200
    problems = sorted(v.problem for v in github_server.violations)
    assert any("at id: " in p and "is not of type 'integer'" in p for p in problems), problems
    assert any("at description: 7 is not of type 'string'" in p for p in problems), problems
    assert any("at archived: None for not nullable" in p for p in problems), problems
    assert any("'license' is a required property" in p for p in problems), problems
    assert all(p.startswith("answer 200 at ") for p in problems)
    github_server.violations.clear()


def test_the_answer_checker_passes_githubs_example_and_names_a_drift() -> None:
    checker = ResponseChecker(openapi_spec.spec_dict())
    template, method = "/repos/{owner}/{repo}/pulls/{pull_number}", "GET"
    spec = openapi_spec.spec_dict()["components"]["examples"]["pull-request"]["value"]
    assert checker.problems(template, method, 200, spec) == []
    wrong = {**spec, "number": "1347"}
    assert checker.problems(template, method, 200, wrong) == ["answer 200 at number: '1347' is not of type 'integer'"]
    assert checker.problems("/no/such/path", method, 200, wrong) == []  # nothing to check against


def test_valid_requests_pass_and_carry_githubs_headers(github_server: GitHubServer) -> None:
    status, headers, body = call(github_server, "POST", "/user/repos", {"name": "svc", "private": True})
    assert status == 201
    assert headers["location"] == f"{github_server.base_url}/repos/scaffold-bot/svc"
    assert body["clone_url"] == f"{github_server.git_url}/scaffold-bot/svc.git"
    assert (body["private"], body["visibility"], body["default_branch"]) == (True, "private", "main")
    assert headers["x-ratelimit-limit"] == "5000"
    assert int(headers["x-ratelimit-remaining"]) < 5000
    status, _, user = call(github_server, "GET", "/user")
    assert (status, user["login"], user["type"]) == (200, "scaffold-bot", "User")
    assert github_server.violations == []


def test_credentials_and_user_agent(github_server: GitHubServer) -> None:
    status, _, body = call(github_server, "GET", "/user", token=new_token())
    assert (status, body["message"]) == (401, "Bad credentials")
    status, _, body = call(github_server, "GET", "/user", token=None)
    assert (status, body["message"]) == (401, "Requires authentication")
    status, _, body = call(github_server, "GET", "/user", headers={"Authorization": f"token {github_server.token}"})
    assert status == 200
    request = urllib.request.Request(f"{github_server.base_url}/rate_limit")
    request.add_header("User-Agent", "")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    assert info.value.code == 403


def test_names_are_case_insensitive_and_taken_names_conflict(github_server: GitHubServer) -> None:
    assert call(github_server, "POST", "/user/repos", {"name": "Svc"})[0] == 201
    status, _, body = call(github_server, "POST", "/user/repos", {"name": "svc"})
    assert status == 422
    assert body["errors"][0]["message"] == "name already exists on this account"
    assert call(github_server, "GET", "/repos/SCAFFOLD-BOT/SVC")[2]["name"] == "Svc"


def test_private_repos_are_invisible_to_others(github_server: GitHubServer) -> None:
    github_server.add_repo("scaffold-bot", "secret", private=True)
    other = github_server.add_user("other")
    assert call(github_server, "GET", "/repos/scaffold-bot/secret", token=other)[0] == 404
    assert call(github_server, "GET", "/repos/scaffold-bot/secret", token=None)[0] == 404
    assert call(github_server, "GET", "/repos/scaffold-bot/secret")[0] == 200


def test_paging_follows_githubs_link_header(github_server: GitHubServer) -> None:
    github_server.add_org("acme")
    for n in range(5):
        github_server.add_repo("acme", f"r{n}")
    status, headers, body = call(github_server, "GET", "/orgs/acme/repos?per_page=2&page=2")
    assert status == 200
    assert [r["name"] for r in body] == ["r2", "r3"]
    links = dict(
        (part.split("; ")[1].removeprefix('rel="').rstrip('"'), part.split("; ")[0].strip("<>"))
        for part in headers["link"].split(", ")
    )
    assert set(links) == {"prev", "first", "next", "last"}
    assert links["next"].endswith("per_page=2&page=3")


# -- fault injection ------------------------------------------------------------------------------


def test_injected_server_errors(github_server: GitHubServer) -> None:
    github_server.inject(502, times=2, path=r"^/user$")
    assert call(github_server, "GET", "/rate_limit")[0] == 200  # not matching
    assert [call(github_server, "GET", "/user")[0] for _ in range(3)] == [502, 502, 200]


def test_injected_secondary_rate_limit(github_server: GitHubServer) -> None:
    from github.Requester import Requester

    github_server.inject_secondary_rate_limit(retry_after=1)
    status, headers, body = call(github_server, "GET", "/user")
    assert (status, headers["retry-after"]) == (403, "1")
    assert Requester.isSecondaryRateLimitError(body["message"])
    github_server.inject_secondary_rate_limit(retry_after=None, status=429)
    status, headers, body = call(github_server, "GET", "/user")
    assert status == 429 and "retry-after" not in headers


def test_injected_primary_rate_limit(github_server: GitHubServer) -> None:
    from github.Requester import Requester

    github_server.inject_primary_rate_limit(reset_in=30)
    status, headers, body = call(github_server, "GET", "/user")
    assert status == 403
    assert headers["x-ratelimit-remaining"] == "0"
    assert int(headers["x-ratelimit-reset"]) >= time.time() + 29
    assert Requester.isPrimaryRateLimitError(body["message"])


# -- git over smart HTTP --------------------------------------------------------------------------


def test_git_needs_the_token_to_push_and_to_read_private_repos(github_server: GitHubServer, tmp_path: Path) -> None:
    github_server.add_repo("scaffold-bot", "private", private=True)
    github_server.add_repo("scaffold-bot", "open", private=False)
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    (work / "f.txt").write_text("x\n")
    git(work, "add", "f.txt")
    git(work, "commit", "-q", "-m", "c")
    url = github_server.git.url("scaffold-bot", "private")
    public = github_server.git.url("scaffold-bot", "open")

    denied = git(work, "push", url, "HEAD:refs/heads/main", env=auth_env(None), check=False)
    assert denied.returncode != 0 and "terminal prompts disabled" in denied.stderr
    wrong = git(work, "push", url, "HEAD:refs/heads/main", env=auth_env(basic(new_token())), check=False)
    # a 401 despite the header: git falls back to asking for credentials, which is disabled
    assert wrong.returncode != 0 and "could not read Username" in wrong.stderr
    git(work, "push", "-q", url, "HEAD:refs/heads/main", env=auth_env(basic(github_server.token)))
    git(
        work, "push", "-q", public, "HEAD:refs/heads/main", env=auth_env(f"Authorization: Bearer {github_server.token}")
    )
    assert github_server.git.pushes == [("scaffold-bot", "private"), ("scaffold-bot", "open")]

    assert git(tmp_path, "clone", "-q", url, "anon", env=auth_env(None), check=False).returncode != 0
    git(tmp_path, "clone", "-q", public, "anon-public", env=auth_env(None))
    git(tmp_path, "clone", "-q", url, "mine", env=auth_env(basic(github_server.token)))
    assert (tmp_path / "mine" / "f.txt").read_text() == "x\n"

    github_server.archive_repo("scaffold-bot", "private")
    archived = git(work, "push", url, "HEAD:refs/heads/other", env=auth_env(basic(github_server.token)), check=False)
    assert "This repository was archived so it is read-only." in archived.stderr


def test_contents_refs_and_merges_are_real_git(github_server: GitHubServer) -> None:
    github_server.add_org("acme")
    github_server.add_repo("acme", "svc")
    assert call(github_server, "GET", "/repos/acme/svc/git/ref/heads/main")[0] == 409  # empty
    assert call(github_server, "GET", "/repos/acme/svc/contents/README.md")[2]["message"] == "This repository is empty."
    base = github_server.commit_files("acme", "svc", "main", {"README.md": "# svc\n", "docs/a.md": "a\n"})
    head = github_server.commit_files("acme", "svc", "feature/x", {"docs/a.md": "b\n"}, "Change a")
    assert github_server.rev("acme", "svc", "refs/heads/feature/x") == head

    status, _, ref = call(github_server, "GET", "/repos/acme/svc/git/ref/heads/main")
    assert (status, ref["object"]["sha"]) == (200, base)
    status, _, content = call(github_server, "GET", "/repos/acme/svc/contents/docs/a.md?ref=feature/x")
    assert status == 200 and base64.b64decode(content["content"]) == b"b\n"
    status, _, listing = call(github_server, "GET", "/repos/acme/svc/contents/docs")
    assert [(e["name"], e["type"]) for e in listing] == [("a.md", "file")]
    status, _, branch = call(github_server, "GET", "/repos/acme/svc/branches/feature/x")
    assert branch["commit"]["sha"] == head and branch["commit"]["parents"][0]["sha"] == base

    status, _, pr = call(
        github_server, "POST", "/repos/acme/svc/pulls", {"title": "t", "head": "feature/x", "base": "main"}
    )
    assert (status, pr["number"], pr["head"]["sha"], pr["merged"]) == (201, 1, head, False)
    merge = github_server.merge_pull("acme", "svc", 1)
    assert github_server.rev("acme", "svc", "refs/heads/main") == merge
    status, _, pr = call(github_server, "GET", "/repos/acme/svc/pulls/1")
    assert (pr["state"], pr["merged"], pr["merge_commit_sha"]) == ("closed", True, merge)
    status, _, content = call(github_server, "GET", "/repos/acme/svc/contents/docs/a.md")
    assert base64.b64decode(content["content"]) == b"b\n"


def test_enterprise_server_lives_under_api_v3(github_enterprise_server: GitHubServer) -> None:
    server = github_enterprise_server
    assert server.base_url.endswith("/api/v3")
    server.add_org("corp", plan="enterprise")
    status, _, repo = call(server, "POST", "/orgs/corp/repos", {"name": "svc", "visibility": "internal"})
    assert (status, repo["visibility"]) == (201, "internal")
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}/user", headers={"User-Agent": "t"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    assert info.value.code == 404
    assert server.violations == []


def test_pygithub_runs_unchanged_against_the_server(github_server: GitHubServer) -> None:
    from github import Auth, Github

    gh = Github(base_url=github_server.base_url, auth=Auth.Token(github_server.token), seconds_between_requests=None)
    try:
        assert gh.get_user().login == "scaffold-bot"
        repo = gh.get_user().create_repo("svc", private=True)
        assert repo.full_name == "scaffold-bot/svc"
        assert gh.get_rate_limit().resources.core.limit == 5000
    finally:
        gh.close()
