"""A GitHub REST API test server that checks every request and answer against GitHub's OpenAPI description.

It implements only the endpoints scaffold's GitHub forge uses, the way GitHub documents them, and
serves real git behind them: each repository is a bare git repository served over smart HTTP by
`GitHttpServer` (`clone_url` points there), so pushes, clones, contents, refs and pull request
merges are real git operations.

Every request is validated with openapi-core against the official description (`openapi_spec`).
A request the description rejects gets GitHub's 404/400/422 answer AND is recorded in
`violations`; the `github_server` fixture fails the test at teardown when any were recorded.
Status codes returned by handlers are checked against the operation's documented responses too
(plus 401/403/404/429/5xx, which GitHub documents for every endpoint), and every JSON answer against
the schema the description gives for it (`openapi_responses`; an injected fault's body is the
test's own): a drift between this stand-in and GitHub is a violation like a bad request.

Fixtures (re-export them from a conftest: ``from tests.servers.github_api import github_server``):

- `github_server_session`: one server per test session (api.github.com description).
- `github_server`: the same server with its state reset for one test; fails the test on violations.
- `github_enterprise_server`: a GitHub Enterprise Server 3.19 variant under `/api/v3`.

State (users, orgs, teams, repos, pull requests) lives in memory; `reset()` wipes it and recreates
the token user (`login`, `token`). Fault injection (`inject`, `inject_secondary_rate_limit`,
`inject_primary_rate_limit`) queues documented error responses for the next matching requests.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import secrets
import shutil
import string
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from . import openapi_spec
from .git_http import Denial, GitHttpServer, hermetic_git_env, token_from_authorization
from .openapi_responses import ResponseChecker

DEFAULT_LOGIN = "scaffold-bot"
API_VERSION = "2022-11-28"
RATE_LIMIT = 5000
DOCS = "https://docs.github.com/rest"
SECONDARY_RATE_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {request_id}."
)
PRIMARY_RATE_LIMIT_MESSAGE = (
    "API rate limit exceeded for user ID {user_id}. If you reach out to GitHub Support for help, "
    "please include the request ID {request_id}."
)
# Statuses GitHub documents for every endpoint: authentication, not found (also for resources the
# token may not see), permission and rate limits, and server errors.
UNIVERSAL_STATUSES = {401, 403, 404, 429, 500, 502, 503}
PERMISSIONS = ("pull", "triage", "push", "maintain", "admin")
_MAX_INLINE_CONTENT = 1024 * 1024  # contents API inlines files up to 1 MB


def new_token() -> str:
    """A token shaped like a classic personal access token (`ghp_` + 36 characters)."""
    alphabet = string.ascii_letters + string.digits
    return "ghp_" + "".join(secrets.choice(alphabet) for _ in range(36))


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"0{len(kind)}:{kind}{number}".encode()).decode().rstrip("=")


# ---------------------------------------------------------------------------------------------
# State


@dataclass
class Team:
    id: int
    slug: str
    name: str
    members: set[str] = field(default_factory=set)
    repos: dict[tuple[str, str], str] = field(default_factory=dict)  # (owner, name) -> permission


@dataclass
class Account:
    """A user or an organization."""

    id: int
    login: str
    type: str  # "User" | "Organization"
    name: str
    plan: str  # user: free | pro; organization: free | team | enterprise
    created_at: datetime
    # organizations only
    members: dict[str, str] = field(default_factory=dict)  # login -> "admin" | "member"
    members_can_create_repositories: bool = True
    base_permission: str = "pull"
    teams: dict[str, Team] = field(default_factory=dict)

    @property
    def is_org(self) -> bool:
        return self.type == "Organization"


@dataclass
class RepoState:
    id: int
    owner: Account
    name: str
    description: str | None
    homepage: str | None
    private: bool
    visibility: str
    default_branch: str
    created_at: datetime
    updated_at: datetime
    pushed_at: datetime | None = None
    topics: list[str] = field(default_factory=list)
    archived: bool = False
    admins: set[str] = field(default_factory=set)  # the creator of an org repo administers it
    protections: dict[str, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower name -> label
    next_number: int = 1
    pulls: dict[int, PullState] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"


@dataclass
class PullState:
    id: int
    number: int
    user: str
    title: str
    body: str | None
    head: str
    base: str
    head_sha: str
    base_sha: str
    draft: bool
    created_at: datetime
    updated_at: datetime
    state: str = "open"
    merged: bool = False
    merged_at: datetime | None = None
    merged_by: str | None = None
    closed_at: datetime | None = None
    merge_commit_sha: str | None = None
    labels: list[str] = field(default_factory=list)  # lower-case keys into RepoState.labels
    maintainer_can_modify: bool = False
    requested_reviewers: list[str] = field(default_factory=list)  # logins
    requested_teams: list[str] = field(default_factory=list)  # team slugs of the owning organization
    assignees: list[str] = field(default_factory=list)  # logins


@dataclass(frozen=True)
class Violation:
    """A request GitHub's description rejects, or a server answer it does not document."""

    method: str
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.problem}"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it (never its credentials)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: Any
    status: int
    at: float
    login: str | None


@dataclass
class Fault:
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str]
    remaining: int
    method: str | None = None
    path: re.Pattern[str] | None = None
    after: bool = False  # the request is carried out, then its answer is replaced (a lost reply)

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        return self.path is None or bool(self.path.search(path))


class ApiError(Exception):
    """A documented GitHub error answer."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[dict[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        documentation_url: str = DOCS,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.payload: dict[str, Any] = {"message": message, "documentation_url": documentation_url}
        if errors:
            self.payload["errors"] = errors
        self.headers = dict(headers or {})


@dataclass
class Call:
    """A routed request handed to a handler."""

    method: str
    path: str
    query: dict[str, list[str]]
    params: dict[str, str]
    body: Any
    login: str | None
    headers: dict[str, str]

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default


Handler = Callable[["GitHubServer", Call], "tuple[int, Any, dict[str, str]] | tuple[int, Any]"]

# Parameters GitHub accepts with unencoded slashes (a file path, a ref, a branch name).
_SLASHY = {"path", "ref", "branch"}
_ROUTES: list[tuple[str, str, re.Pattern[str], str]] = []  # (method, template, regex, handler)


def _route(method: str, template: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        pattern = ""
        for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", template):
            pattern += re.escape(literal)
            if name:
                pattern += f"(?P<{name}>.+)" if name in _SLASHY else f"(?P<{name}>[^/]+)"
        regex = re.compile(f"^{pattern}$")
        _ROUTES.append((method, template, regex, func.__name__))
        return func

    return decorate


# ---------------------------------------------------------------------------------------------
# The server


class GitHubServer:
    """GitHub's REST API (the part scaffold uses) on 127.0.0.1, validated against the spec."""

    def __init__(
        self,
        root: Path,
        plan: str = openapi_spec.DEFAULT_PLAN,
        api_prefix: str = "",
    ) -> None:
        self.root = Path(root)
        self.plan = plan
        self.api_prefix = api_prefix.rstrip("/")
        self.spec = openapi_spec.openapi(plan)
        self._spec_dict = openapi_spec.spec_dict(plan)
        self._answers = _checker(plan)
        self._spec_host = "http://HOSTNAME" if plan.startswith("ghes") else "https://api.github.com"
        self._spec_prefix = "/api/v3" if plan.startswith("ghes") else ""
        self._lock = threading.RLock()
        self._validate_lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.git = GitHttpServer(self.root / "git-0", authorize=self._authorize_git)
        self.login = DEFAULT_LOGIN
        self.token = new_token()
        self._generation = 0
        self._init_state()

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> GitHubServer:
        handler = type("Handler", (_RequestHandler,), {"app": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="github-api", daemon=True)
        self._thread.start()
        self.git.start()
        return self

    def stop(self) -> None:
        self.git.stop()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> GitHubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """What to pass as PyGithub's `base_url` (and scaffold's)."""
        return f"http://127.0.0.1:{self.port}{self.api_prefix}"

    @property
    def git_url(self) -> str:
        """The git smart-HTTP server's base URL; also the base of `html_url`s."""
        return self.git.base_url

    # -- state ---------------------------------------------------------------------------------

    def _init_state(self) -> None:
        self._ids = itertools.count(1001)
        self.accounts: dict[str, Account] = {}
        self.tokens: dict[str, str] = {}
        self.repos: dict[tuple[str, str], RepoState] = {}
        self.violations: list[Violation] = []
        self.requests: list[RecordedRequest] = []
        self._faults: list[Fault] = []
        self._rate: dict[str, int] = {}
        self._rate_reset = int(time.time()) + 3600
        self.add_user(self.login, token=self.token, name="Scaffold Bot")

    def reset(self) -> None:
        """Forget every account, repository, fault and violation; recreate the token user."""
        with self._lock:
            self._generation += 1
            old_root = self.git.root
            self.git.root = self.root / f"git-{self._generation}"
            self.git.root.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(old_root, ignore_errors=True)
            self.git.pushes.clear()
            self._init_state()

    def add_user(self, login: str, *, token: str | None = None, name: str | None = None, plan: str = "pro") -> str:
        """Add a user; returns its token (a new one unless given)."""
        with self._lock:
            self._check_free(login)
            self.accounts[login.lower()] = Account(
                id=next(self._ids), login=login, type="User", name=name or login, plan=plan, created_at=_now()
            )
            token = token or new_token()
            self.tokens[token] = login
            return token

    def add_org(
        self,
        login: str,
        *,
        members: Mapping[str, str] | None = None,
        plan: str = "team",
        members_can_create_repositories: bool = True,
        base_permission: str = "pull",
        name: str | None = None,
    ) -> Account:
        """Add an organization. `members` maps logins to "admin" or "member" (default: the token
        user is an admin)."""
        with self._lock:
            self._check_free(login)
            members = {self.login: "admin"} if members is None else dict(members)
            for member, role in members.items():
                assert role in ("admin", "member"), role
                assert member.lower() in self.accounts, f"add_user({member!r}) first"
            org = Account(
                id=next(self._ids),
                login=login,
                type="Organization",
                name=name or login,
                plan=plan,
                created_at=_now(),
                members=members,
                members_can_create_repositories=members_can_create_repositories,
                base_permission=base_permission,
            )
            self.accounts[login.lower()] = org
            return org

    def add_team(self, org: str, slug: str, *, members: Sequence[str] = (), name: str | None = None) -> Team:
        with self._lock:
            account = self.accounts[org.lower()]
            team = Team(id=next(self._ids), slug=slug, name=name or slug, members=set(members))
            account.teams[slug.lower()] = team
            return team

    def add_repo(
        self,
        owner: str,
        name: str,
        *,
        private: bool = True,
        visibility: str | None = None,
        description: str | None = None,
        default_branch: str = "main",
        topics: Sequence[str] = (),
        creator: str | None = None,
    ) -> RepoState:
        """Create a repository directly (as if made on github.com), with an empty bare repo."""
        with self._lock:
            account = self.accounts[owner.lower()]
            visibility = visibility or ("private" if private else "public")
            now = _now()
            repo = RepoState(
                id=next(self._ids),
                owner=account,
                name=name,
                description=description,
                homepage=None,
                private=visibility != "public",
                visibility=visibility,
                default_branch=default_branch,
                created_at=now,
                updated_at=now,
                topics=list(topics),
                admins={creator or self.login} if account.is_org else set(),
            )
            self.repos[(account.login.lower(), name.lower())] = repo
            self.git.init_repo(account.login, name, default_branch)
            return repo

    def repo(self, owner: str, name: str) -> RepoState:
        return self.repos[(owner.lower(), name.lower())]

    def pull(self, owner: str, name: str, number: int) -> PullState:
        return self.repo(owner, name).pulls[number]

    def archive_repo(self, owner: str, name: str, archived: bool = True) -> None:
        with self._lock:
            self.repo(owner, name).archived = archived

    def bare_path(self, owner: str, name: str) -> Path:
        return self.git.repo_path(owner, name)

    def _check_free(self, login: str) -> None:
        assert login.lower() not in self.accounts, f"{login} exists"

    # -- git helpers (for tests) ---------------------------------------------------------------

    def rev(self, owner: str, name: str, ref: str) -> str | None:
        """The commit `ref` names in the repository, or None."""
        try:
            out = self.git.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=self.bare_path(owner, name))
        except subprocess.CalledProcessError:
            return None
        return out.decode().strip() or None

    def commit_files(
        self,
        owner: str,
        name: str,
        branch: str,
        files: Mapping[str, bytes | str | None],
        message: str = "Edit on GitHub",
        author: tuple[str, str] = ("Web Editor", "editor@example.test"),
        start: str | None = None,
    ) -> str:
        """Commit changes straight into a branch (as a human editing on github.com would).
        A new branch starts from `start` (default: the default branch; none in an empty repo).
        A value of None deletes the file. Returns the new commit's SHA."""
        bare = self.bare_path(owner, name)
        current = self.rev(owner, name, f"refs/heads/{branch}")
        parent = current or self.rev(owner, name, start or f"refs/heads/{self.repo(owner, name).default_branch}")
        with tempfile.TemporaryDirectory() as tmp:
            env = hermetic_git_env(self.git.root) | {
                "GIT_INDEX_FILE": str(Path(tmp) / "index"),
                "GIT_AUTHOR_NAME": author[0],
                "GIT_AUTHOR_EMAIL": author[1],
            }

            def git(*args: str, data: bytes | None = None) -> str:
                proc = subprocess.run(["git", *args], cwd=bare, env=env, input=data, capture_output=True, check=True)
                return proc.stdout.decode().strip()

            if parent:
                git("read-tree", parent)
            for path, content in files.items():
                if content is None:
                    git("update-index", "--force-remove", path)
                    continue
                blob = git(
                    "hash-object", "-w", "--stdin", data=content.encode() if isinstance(content, str) else content
                )
                git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")
            tree = git("write-tree")
            commit = git("commit-tree", tree, *(["-p", parent] if parent else []), "-m", message)
            git("update-ref", f"refs/heads/{branch}", commit, *([current] if current else []))
        with self._lock:
            self.repo(owner, name).pushed_at = _now()
        return commit

    def merge_pull(
        self, owner: str, name: str, number: int, *, update_base: bool = True, by: str | None = None
    ) -> str | None:
        """Merge a pull request as GitHub's merge button does (a merge commit on the base branch).
        With `update_base=False` it is only marked merged. Returns the merge commit's SHA."""
        with self._lock:
            repo = self.repo(owner, name)
            pr = repo.pulls[number]
            assert pr.state == "open", f"#{number} is {pr.state}"
            head_sha = self.rev(owner, name, f"refs/heads/{pr.head}") or pr.head_sha
            base_sha = self.rev(owner, name, f"refs/heads/{pr.base}")
            merge_sha = None
            if update_base:
                assert base_sha, f"base branch {pr.base} is gone"
                bare = self.bare_path(owner, name)
                tree = self.git.git("merge-tree", "--write-tree", base_sha, head_sha, cwd=bare).decode().split()[0]
                message = f"Merge pull request #{number} from {repo.owner.login}/{pr.head}\n\n{pr.title}"
                merge_sha = (
                    self.git.git("commit-tree", tree, "-p", base_sha, "-p", head_sha, "-m", message, cwd=bare)
                    .decode()
                    .strip()
                )
                self.git.git("update-ref", f"refs/heads/{pr.base}", merge_sha, base_sha, cwd=bare)
            now = _now()
            pr.head_sha = head_sha
            pr.state, pr.merged, pr.merged_at, pr.closed_at, pr.updated_at = "closed", True, now, now, now
            pr.merged_by = by or self.login
            pr.merge_commit_sha = merge_sha or head_sha
            return merge_sha

    def close_pull(self, owner: str, name: str, number: int) -> None:
        """Close a pull request without merging (as a human declining it)."""
        with self._lock:
            pr = self.pull(owner, name, number)
            self._refresh_head(self.repo(owner, name), pr)
            pr.state, pr.closed_at, pr.updated_at = "closed", _now(), _now()

    # -- fault injection -----------------------------------------------------------------------

    def inject(
        self,
        status: int,
        *,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        body: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        after: bool = False,
    ) -> None:
        """Answer the next `times` matching requests (`method`, `path` regex) with `status`; with
        `after`, carry the request out first (the client never hears that it succeeded)."""
        if body is None:
            body = {"message": HTTPStatus(status).phrase if status != 502 else "Server Error"}
        with self._lock:
            self._faults.append(
                Fault(
                    status=status,
                    body=body,
                    headers=dict(headers or {}),
                    remaining=times,
                    method=method.upper() if method else None,
                    path=re.compile(path) if path else None,
                    after=after,
                )
            )

    def inject_secondary_rate_limit(
        self,
        *,
        times: int = 1,
        retry_after: int | None = 1,
        status: int = 403,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """GitHub's secondary rate limit answer (403 or 429, `Retry-After` when given)."""
        body = {
            "message": SECONDARY_RATE_LIMIT_MESSAGE.format(request_id=secrets.token_hex(8).upper()),
            "documentation_url": "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        }
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.inject(status, times=times, method=method, path=path, body=body, headers=headers)

    def inject_primary_rate_limit(
        self,
        *,
        times: int = 1,
        reset_in: float = 1.0,
        status: int = 403,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        """GitHub's primary rate limit answer: `x-ratelimit-remaining: 0` until `x-ratelimit-reset`."""
        account = self.accounts[self.login.lower()]
        body = {
            "message": PRIMARY_RATE_LIMIT_MESSAGE.format(user_id=account.id, request_id=secrets.token_hex(8).upper()),
            "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits",
        }
        reset = int(time.time() + reset_in + 0.999)
        headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset), "x-ratelimit-used": str(RATE_LIMIT)}
        self.inject(status, times=times, method=method, path=path, body=body, headers=headers)

    def calls(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Recorded requests, filtered by method and a path regex."""
        pattern = re.compile(path) if path else None
        return [
            r
            for r in list(self.requests)
            if (method is None or r.method == method.upper()) and (pattern is None or pattern.search(r.path))
        ]

    # -- URLs and JSON shapes ------------------------------------------------------------------

    def api(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def html(self, path: str) -> str:
        return f"{self.git_url}{path}"

    def _user_json(self, account: Account) -> dict[str, Any]:
        login = account.login
        api = self.api(f"/users/{login}")
        return {
            "login": login,
            "id": account.id,
            "node_id": _node_id("User" if not account.is_org else "Organization", account.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{account.id}?v=4",
            "gravatar_id": "",
            "url": api,
            "html_url": self.html(f"/{login}"),
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": account.type,
            "user_view_type": "public",
            "site_admin": False,
        }

    def _owned(self, account: Account) -> list[RepoState]:
        return [r for r in self.repos.values() if r.owner is account]

    def _public_user_json(self, account: Account) -> dict[str, Any]:
        data = self._user_json(account)
        owned = self._owned(account)
        data.update(
            name=account.name,
            company=None,
            blog="",
            location=None,
            email=None,
            hireable=None,
            bio=None,
            twitter_username=None,
            public_repos=sum(1 for r in owned if not r.private),
            public_gists=0,
            followers=0,
            following=0,
            created_at=_iso(account.created_at),
            updated_at=_iso(account.created_at),
        )
        return data

    def _private_user_json(self, account: Account) -> dict[str, Any]:
        data = self._public_user_json(account)
        owned = self._owned(account)
        private = sum(1 for r in owned if r.private)
        data.update(
            private_gists=0,
            total_private_repos=private,
            owned_private_repos=private,
            disk_usage=0,
            collaborators=0,
            two_factor_authentication=True,
            user_view_type="private",
            plan={"name": account.plan, "space": 976562499, "private_repos": 10000, "collaborators": 0},
        )
        return data

    def _org_simple_json(self, org: Account) -> dict[str, Any]:
        api = self.api(f"/orgs/{org.login}")
        return {
            "login": org.login,
            "id": org.id,
            "node_id": _node_id("Organization", org.id),
            "url": api,
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events",
            "hooks_url": f"{api}/hooks",
            "issues_url": f"{api}/issues",
            "members_url": f"{api}/members{{/member}}",
            "public_members_url": f"{api}/public_members{{/member}}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{org.id}?v=4",
            "description": None,
        }

    def _org_json(self, org: Account, login: str | None) -> dict[str, Any]:
        data = self._org_simple_json(org)
        owned = self._owned(org)
        data.update(
            name=org.name,
            company=None,
            blog="",
            location=None,
            email=None,
            twitter_username=None,
            is_verified=False,
            has_organization_projects=True,
            has_repository_projects=True,
            public_repos=sum(1 for r in owned if not r.private),
            public_gists=0,
            followers=0,
            following=0,
            html_url=self.html(f"/{org.login}"),
            created_at=_iso(org.created_at),
            updated_at=_iso(org.created_at),
            archived_at=None,
            type="Organization",
        )
        if login is not None and login in org.members:
            private = sum(1 for r in owned if r.private)
            data.update(
                total_private_repos=private,
                owned_private_repos=private,
                private_gists=0,
                disk_usage=0,
                collaborators=0,
                billing_email=None,
                plan={
                    "name": org.plan,
                    "space": 976562499,
                    "private_repos": 999999,
                    "filled_seats": len(org.members),
                    "seats": len(org.members),
                },
                default_repository_permission={"pull": "read", "push": "write"}.get(
                    org.base_permission, org.base_permission
                ),
                members_can_create_repositories=org.members_can_create_repositories,
                two_factor_requirement_enabled=False,
                members_allowed_repository_creation_type="all" if org.members_can_create_repositories else "none",
                members_can_create_public_repositories=org.members_can_create_repositories,
                members_can_create_private_repositories=org.members_can_create_repositories,
                members_can_create_internal_repositories=org.members_can_create_repositories
                and org.plan == "enterprise",
            )
        return data

    def _repo_json(self, repo: RepoState, login: str | None) -> dict[str, Any]:
        owner = repo.owner.login
        full = f"{owner}/{repo.name}"
        api = self.api(f"/repos/{full}")
        permission = self._permission(repo, login)
        level = PERMISSIONS.index(permission) if permission else -1
        return {
            "id": repo.id,
            "node_id": _node_id("Repository", repo.id),
            "name": repo.name,
            "full_name": full,
            "owner": self._user_json(repo.owner),
            "private": repo.private,
            "html_url": self.html(f"/{full}"),
            "description": repo.description,
            "fork": False,
            "url": api,
            "archive_url": f"{api}/{{archive_format}}{{/ref}}",
            "assignees_url": f"{api}/assignees{{/user}}",
            "blobs_url": f"{api}/git/blobs{{/sha}}",
            "branches_url": f"{api}/branches{{/branch}}",
            "collaborators_url": f"{api}/collaborators{{/collaborator}}",
            "comments_url": f"{api}/comments{{/number}}",
            "commits_url": f"{api}/commits{{/sha}}",
            "compare_url": f"{api}/compare/{{base}}...{{head}}",
            "contents_url": f"{api}/contents/{{+path}}",
            "contributors_url": f"{api}/contributors",
            "deployments_url": f"{api}/deployments",
            "downloads_url": f"{api}/downloads",
            "events_url": f"{api}/events",
            "forks_url": f"{api}/forks",
            "git_commits_url": f"{api}/git/commits{{/sha}}",
            "git_refs_url": f"{api}/git/refs{{/sha}}",
            "git_tags_url": f"{api}/git/tags{{/sha}}",
            "git_url": self.git.url(owner, repo.name).replace("http://", "git://"),
            "issue_comment_url": f"{api}/issues/comments{{/number}}",
            "issue_events_url": f"{api}/issues/events{{/number}}",
            "issues_url": f"{api}/issues{{/number}}",
            "keys_url": f"{api}/keys{{/key_id}}",
            "labels_url": f"{api}/labels{{/name}}",
            "languages_url": f"{api}/languages",
            "merges_url": f"{api}/merges",
            "milestones_url": f"{api}/milestones{{/number}}",
            "notifications_url": f"{api}/notifications{{?since,all,participating}}",
            "pulls_url": f"{api}/pulls{{/number}}",
            "releases_url": f"{api}/releases{{/id}}",
            "ssh_url": f"git@127.0.0.1:{full}.git",
            "stargazers_url": f"{api}/stargazers",
            "statuses_url": f"{api}/statuses/{{sha}}",
            "subscribers_url": f"{api}/subscribers",
            "subscription_url": f"{api}/subscription",
            "tags_url": f"{api}/tags",
            "teams_url": f"{api}/teams",
            "trees_url": f"{api}/git/trees{{/sha}}",
            "clone_url": self.git.url(owner, repo.name),
            "mirror_url": None,
            "hooks_url": f"{api}/hooks",
            "svn_url": self.html(f"/{full}"),
            "homepage": repo.homepage,
            "language": None,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "size": 0,
            "default_branch": repo.default_branch,
            "open_issues_count": sum(1 for p in repo.pulls.values() if p.state == "open"),
            "is_template": False,
            "topics": list(repo.topics),
            "has_issues": True,
            "has_projects": True,
            "has_wiki": True,
            "has_pages": False,
            "has_downloads": True,
            "has_discussions": False,
            "archived": repo.archived,
            "license": None,
            "disabled": False,
            "visibility": repo.visibility,
            "pushed_at": _iso(repo.pushed_at or repo.created_at),
            "created_at": _iso(repo.created_at),
            "updated_at": _iso(repo.updated_at),
            "permissions": {
                "admin": level >= 4,
                "maintain": level >= 3,
                "push": level >= 2,
                "triage": level >= 1,
                "pull": level >= 0,
            },
            "allow_forking": not repo.private,
            "web_commit_signoff_required": False,
            "forks": 0,
            "open_issues": sum(1 for p in repo.pulls.values() if p.state == "open"),
            "watchers": 0,
            "network_count": 0,
            "subscribers_count": 0,
        }

    def _label_json(self, repo: RepoState, label: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": label["id"],
            "node_id": _node_id("Label", label["id"]),
            "url": self.api(f"/repos/{repo.full_name}/labels/{urllib.parse.quote(label['name'])}"),
            "name": label["name"],
            "color": label["color"],
            "default": False,
            "description": "",  # a string: pull-request-simple's labels may not hold null
        }

    def _pull_json(self, repo: RepoState, pr: PullState, login: str | None, full: bool = True) -> dict[str, Any]:
        self._refresh_head(repo, pr)
        full_name = repo.full_name
        api = self.api(f"/repos/{full_name}/pulls/{pr.number}")
        issue = self.api(f"/repos/{full_name}/issues/{pr.number}")
        html = self.html(f"/{full_name}/pull/{pr.number}")
        user = self.accounts.get(pr.user.lower())
        repo_json = self._repo_json(repo, login)
        owner_json = self._user_json(repo.owner)

        def end(ref: str, sha: str) -> dict[str, Any]:
            return {"label": f"{repo.owner.login}:{ref}", "ref": ref, "sha": sha, "user": owner_json, "repo": repo_json}

        data: dict[str, Any] = {
            "url": api,
            "id": pr.id,
            "node_id": _node_id("PullRequest", pr.id),
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": issue,
            "commits_url": f"{api}/commits",
            "review_comments_url": f"{api}/comments",
            "review_comment_url": self.api(f"/repos/{full_name}/pulls/comments{{/number}}"),
            "comments_url": f"{issue}/comments",
            "statuses_url": self.api(f"/repos/{full_name}/statuses/{pr.head_sha}"),
            "number": pr.number,
            "state": pr.state,
            "locked": False,
            "title": pr.title,
            "user": self._user_json(user) if user else None,
            "body": pr.body,
            "labels": [self._label_json(repo, repo.labels[key]) for key in pr.labels],
            "milestone": None,
            "active_lock_reason": None,
            "created_at": _iso(pr.created_at),
            "updated_at": _iso(pr.updated_at),
            "closed_at": _iso(pr.closed_at),
            "merged_at": _iso(pr.merged_at),
            "merge_commit_sha": pr.merge_commit_sha,
            **self._people_json(repo, pr),
            "head": end(pr.head, pr.head_sha),
            "base": end(pr.base, pr.base_sha),
            "_links": {
                "self": {"href": api},
                "html": {"href": html},
                "issue": {"href": issue},
                "comments": {"href": f"{issue}/comments"},
                "review_comments": {"href": f"{api}/comments"},
                "review_comment": {"href": self.api(f"/repos/{full_name}/pulls/comments{{/number}}")},
                "commits": {"href": f"{api}/commits"},
                "statuses": {"href": self.api(f"/repos/{full_name}/statuses/{pr.head_sha}")},
            },
            "author_association": "OWNER" if pr.user == repo.owner.login else "MEMBER",
            "auto_merge": None,
            "draft": pr.draft,
        }
        if full:
            merged_by = self.accounts.get((pr.merged_by or "").lower())
            data.update(
                merged=pr.merged,
                mergeable=None if pr.state != "open" else True,
                rebaseable=None if pr.state != "open" else True,
                mergeable_state="clean" if pr.state == "open" else "unknown",
                merged_by=self._user_json(merged_by) if merged_by else None,
                comments=0,
                review_comments=0,
                maintainer_can_modify=pr.maintainer_can_modify,
                commits=self._count_commits(repo, pr),
                additions=0,
                deletions=0,
                changed_files=0,
            )
        return data

    def _people_json(self, repo: RepoState, pr: PullState) -> dict[str, Any]:
        """A pull request's assignees and requested reviewers (users and teams), as GitHub shows them."""
        assignees = [self._user_json(self.accounts[login.lower()]) for login in pr.assignees]
        return {
            "assignee": assignees[0] if assignees else None,
            "assignees": assignees,
            "requested_reviewers": [self._user_json(self.accounts[u.lower()]) for u in pr.requested_reviewers],
            "requested_teams": [self._team_simple_json(repo.owner, repo.owner.teams[t]) for t in pr.requested_teams],
        }

    def _team_simple_json(self, org: Account, team: Team) -> dict[str, Any]:
        full = self._team_json(org, team)
        keys = ("id", "node_id", "url", "members_url", "name", "description", "permission", "html_url")
        return {
            **{key: full[key] for key in keys},
            "privacy": "closed",
            "notification_setting": "notifications_enabled",
            "repositories_url": full["repositories_url"],
            "slug": team.slug,
            "parent": None,
            "type": "organization",
            "organization_id": org.id,
        }

    def _refresh_head(self, repo: RepoState, pr: PullState) -> None:
        """An open pull request follows its head branch, as on GitHub."""
        if pr.state != "open":
            return
        sha = self.rev(repo.owner.login, repo.name, f"refs/heads/{pr.head}")
        if sha:
            pr.head_sha = sha
        base = self.rev(repo.owner.login, repo.name, f"refs/heads/{pr.base}")
        if base:
            pr.base_sha = base

    def _count_commits(self, repo: RepoState, pr: PullState) -> int:
        try:
            out = self.git.git(
                "rev-list", "--count", pr.head_sha, f"^{pr.base_sha}", cwd=self.bare_path(repo.owner.login, repo.name)
            )
        except subprocess.CalledProcessError:
            return 0
        return int(out.decode().strip() or 0)

    # -- permissions ---------------------------------------------------------------------------

    def _permission(self, repo: RepoState, login: str | None) -> str | None:
        """The token user's permission on a repository: pull < triage < push < maintain < admin."""
        public = "pull" if not repo.private else None
        if login is None:
            return public
        owner = repo.owner
        if not owner.is_org:
            return "admin" if owner.login.lower() == login.lower() else public
        role = owner.members.get(login)
        if role == "admin" or login in repo.admins:
            return "admin"
        levels = [PERMISSIONS.index(public)] if public else []
        if role == "member":
            levels.append(PERMISSIONS.index(owner.base_permission))
            if repo.visibility == "internal":
                levels.append(0)
        for team in owner.teams.values():
            perm = team.repos.get((owner.login.lower(), repo.name.lower()))
            if perm and login in team.members:
                levels.append(PERMISSIONS.index(perm))
        return PERMISSIONS[max(levels)] if levels else None

    def _find_repo(self, call: Call, need: str = "pull") -> RepoState:
        repo = self.repos.get((call.params["owner"].lower(), call.params["repo"].lower()))
        permission = self._permission(repo, call.login) if repo else None
        if repo is None or permission is None:
            raise ApiError(404, "Not Found", documentation_url=f"{DOCS}/repos/repos#get-a-repository")
        if PERMISSIONS.index(permission) < PERMISSIONS.index(need):
            if need == "admin":
                raise ApiError(403, "Must have admin rights to Repository.")
            raise ApiError(403, "Resource not accessible by personal access token")
        return repo

    def _writable(self, repo: RepoState) -> None:
        if repo.archived:
            raise ApiError(403, "Repository was archived so is read-only.")

    def _authorize_git(self, owner: str, name: str, write: bool, token: str | None) -> Denial | None:
        with self._lock:
            login = None
            if token is not None:
                login = self.tokens.get(token)
                if login is None:
                    return Denial(
                        401, "Invalid username or token. Password authentication is not supported for Git operations."
                    )
            repo = self.repos.get((owner.lower(), name.lower()))
            permission = self._permission(repo, login) if repo else None
            if permission is None:
                if login is None:  # GitHub asks for credentials before saying anything
                    return Denial(401, "Authentication required.")
                return Denial(404, "Repository not found.")
            if write:
                assert repo is not None
                if login is None:
                    return Denial(401, "Authentication required.")
                if repo.archived:
                    return Denial(403, "This repository was archived so it is read-only.")
                if PERMISSIONS.index(permission) < PERMISSIONS.index("push"):
                    return Denial(403, f"Permission to {repo.full_name}.git denied to {login}.")
                repo.pushed_at = _now()
            return None

    # -- request handling ----------------------------------------------------------------------

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one HTTP request: (status, headers, body)."""
        split = urllib.parse.urlsplit(raw_path)
        path = split.path
        query_pairs = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        login: str | None = None
        token = token_from_authorization(headers.get("authorization"))
        status = 500
        payload: Any = None
        extra: dict[str, str] = {}
        parsed_body: Any = None
        fault: Fault | None = None
        try:
            if self.api_prefix:
                if not path.startswith(self.api_prefix + "/"):
                    raise ApiError(404, "Not Found")
                path = path[len(self.api_prefix) :]
            if body:
                try:
                    parsed_body = json.loads(body)
                except ValueError:
                    self._violation(method, path, "request body is not JSON")
                    raise ApiError(400, "Problems parsing JSON") from None
            route = self._match(method, path)
            self._validate(method, path, route, query_pairs, headers, body)
            fault = self._take_fault(method, path)
            if fault is not None and not fault.after:
                status, payload, extra = fault.status, fault.body, dict(fault.headers)
            else:
                if not headers.get("user-agent"):
                    raise ApiError(
                        403,
                        "Request forbidden by administrative rules. "
                        "Please make sure your request has a User-Agent header "
                        "(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). "
                        "Check https://developer.github.com for other possible causes.",
                    )
                if token is not None:
                    login = self.tokens.get(token)
                    if login is None:
                        raise ApiError(401, "Bad credentials")
                if route is None:
                    raise ApiError(404, "Not Found")
                _, template, match, handler_name = route
                params = {k: urllib.parse.unquote(v) for k, v in match.groupdict().items()}
                query: dict[str, list[str]] = {}
                for key, value in query_pairs:
                    query.setdefault(key, []).append(value)
                call = Call(method, path, query, params, parsed_body, login, headers)
                with self._lock:
                    result = getattr(self, handler_name)(call)
                status, payload = result[0], result[1]
                extra = dict(result[2]) if len(result) > 2 else {}
                self._check_documented(method, path, template, status)
                if fault is not None:  # carried out, but the answer is lost
                    status, payload, extra = fault.status, fault.body, dict(fault.headers)
        except ApiError as err:
            status, payload, extra = err.status, err.payload, err.headers
            if route_template := self._template_of(method, path):
                self._check_documented(method, path, route_template, status)
        answer_is_ours = fault is None  # an injected fault's body is the test's to choose
        if answer_is_ours and (template := self._template_of(method, path)) and isinstance(payload, dict | list):
            for problem in self._answers.problems(template, method, status, payload):
                self._violation(method, path, problem)
        out_headers = self._rate_headers(token, login)
        out_headers.update(extra)
        out_headers.setdefault("X-GitHub-Api-Version-Selected", API_VERSION)
        out_headers.setdefault("X-GitHub-Media-Type", "github.v3; format=json")
        out_headers.setdefault("X-GitHub-Request-Id", secrets.token_hex(8).upper())
        if isinstance(payload, bytes):  # a raw media type; the handler set Content-Type
            data = payload
        else:
            data = b"" if payload is None or status == 204 else json.dumps(payload).encode()
            if data:
                out_headers["Content-Type"] = "application/json; charset=utf-8"
        self.requests.append(
            RecordedRequest(method, path, tuple(query_pairs), parsed_body, status, time.monotonic(), login)
        )
        return status, out_headers, data

    def _match(self, method: str, path: str) -> tuple[str, str, re.Match[str], str] | None:
        for route_method, template, regex, handler in _ROUTES:
            if route_method == method and (match := regex.match(path)):
                return route_method, template, match, handler
        return None

    def _template_of(self, method: str, path: str) -> str | None:
        route = self._match(method, path)
        return route[1] if route else None

    def _validate(
        self,
        method: str,
        path: str,
        route: tuple[str, str, re.Match[str], str] | None,
        query: list[tuple[str, str]],
        headers: dict[str, str],
        body: bytes,
    ) -> None:
        """Check the request against GitHub's description; record and refuse what it rejects."""
        from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
        from openapi_core.testing import MockRequest

        spec_path = path
        if route is not None:
            match = route[2]
            # GitHub takes unencoded slashes in these; openapi-core's templates match one segment.
            for name in _SLASHY & set(match.groupdict()):
                start, end = match.span(name)
                spec_path = spec_path[:start] + spec_path[start:end].replace("/", "%2F") + spec_path[end:]
        content_type = headers.get("content-type", "application/json").split(";")[0].strip()
        request = MockRequest(
            self._spec_host,
            method,
            self._spec_prefix + spec_path,
            args=query,  # type: ignore[arg-type]
            headers={k: v for k, v in headers.items() if k != "authorization"},
            data=body or None,
            content_type=content_type,
        )
        try:
            with self._validate_lock:
                self.spec.validate_request(request)
        except (PathNotFound, OperationNotFound) as err:
            self._violation(method, path, f"not in GitHub's API description: {err}")
            raise ApiError(404, "Not Found") from None
        except Exception as err:  # openapi-core's validation errors
            details = _describe_validation_error(err)
            self._violation(method, path, details)
            raise ApiError(422, f"Invalid request.\n\n{details}") from None
        if route is None:
            self._violation(method, path, "documented by GitHub but not implemented by the test server")
            raise ApiError(404, "Not Found")

    def _check_documented(self, method: str, path: str, template: str, status: int) -> None:
        operation = self._spec_dict["paths"].get(template, {}).get(method.lower(), {})
        documented = {int(code) for code in operation.get("responses", {}) if code.isdigit()}
        if status not in documented | UNIVERSAL_STATUSES | {400, 422}:
            self._violation(method, path, f"server answered {status}, which GitHub does not document here")

    def _violation(self, method: str, path: str, problem: str) -> None:
        self.violations.append(Violation(method, path, problem))

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fault.matches(method, path):
                    fault.remaining -= 1
                    return fault
        return None

    def _rate_headers(self, token: str | None, login: str | None) -> dict[str, str]:
        key = login or "anonymous"
        limit = RATE_LIMIT if login else 60
        with self._lock:
            used = self._rate.get(key, 0) + 1
            self._rate[key] = used
        return {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(max(limit - used, 0)),
            "x-ratelimit-reset": str(self._rate_reset),
            "x-ratelimit-used": str(used),
            "x-ratelimit-resource": "core",
        }

    # -- paging --------------------------------------------------------------------------------

    def _page(self, call: Call, items: list[Any]) -> tuple[int, list[Any], dict[str, str]]:
        per_page = max(1, min(int(call.arg("per_page", "30") or 30), 100))
        page = max(1, int(call.arg("page", "1") or 1))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []

        def link(number: int, rel: str) -> str:
            query = [(k, v) for k, values in call.query.items() for v in values if k != "page"]
            query.append(("page", str(number)))
            return f'<{self.api(call.path)}?{urllib.parse.urlencode(query)}>; rel="{rel}"'

        if page > 1:
            links += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        return 200, chunk, ({"Link": ", ".join(links)} if links else {})

    # -- users and organizations ---------------------------------------------------------------

    def _require_login(self, call: Call) -> str:
        if call.login is None:
            raise ApiError(401, "Requires authentication")
        return call.login

    def _account(self, login: str) -> Account:
        account = self.accounts.get(login.lower())
        if account is None:
            raise ApiError(404, "Not Found")
        return account

    def _org(self, login: str) -> Account:
        account = self.accounts.get(login.lower())
        if account is None or not account.is_org:
            raise ApiError(404, "Not Found")
        return account

    @_route("GET", "/user")
    def get_authenticated_user(self, call: Call) -> tuple[int, Any]:
        login = self._require_login(call)
        return 200, self._private_user_json(self.accounts[login.lower()])

    @_route("GET", "/users/{username}")
    def get_user(self, call: Call) -> tuple[int, Any]:
        account = self._account(call.params["username"])
        if account.is_org:
            data = self._public_user_json(account)
            return 200, data
        if call.login and call.login.lower() == account.login.lower():
            return 200, self._private_user_json(account)
        return 200, self._public_user_json(account)

    @_route("GET", "/orgs/{org}")
    def get_org(self, call: Call) -> tuple[int, Any]:
        return 200, self._org_json(self._org(call.params["org"]), call.login)

    @_route("GET", "/orgs/{org}/teams/{team_slug}")
    def get_team(self, call: Call) -> tuple[int, Any]:
        org = self._org(call.params["org"])
        team = org.teams.get(call.params["team_slug"].lower())
        if team is None or call.login is None or call.login not in org.members:
            raise ApiError(404, "Not Found")
        return 200, self._team_json(org, team)

    def _team_json(self, org: Account, team: Team) -> dict[str, Any]:
        api = self.api(f"/organizations/{org.id}/team/{team.id}")
        return {
            "id": team.id,
            "node_id": _node_id("Team", team.id),
            "url": api,
            "html_url": self.html(f"/orgs/{org.login}/teams/{team.slug}"),
            "name": team.name,
            "slug": team.slug,
            "description": None,
            "privacy": "closed",
            "notification_setting": "notifications_enabled",
            "permission": "pull",
            "members_url": f"{api}/members{{/member}}",
            "repositories_url": f"{api}/repos",
            "parent": None,
            "members_count": len(team.members),
            "repos_count": len(team.repos),
            "created_at": _iso(org.created_at),
            "updated_at": _iso(org.created_at),
            # team-organization: company, email (an e-mail address) and location are strings, never null
            "organization": {
                **self._org_json(org, None),
                "company": "",
                "email": f"{org.login}@users.noreply.github.com",
                "location": "",
            },
        }

    @_route("PUT", "/orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}")
    def put_team_repo(self, call: Call) -> tuple[int, Any]:
        org = self._org(call.params["org"])
        login = self._require_login(call)
        team = org.teams.get(call.params["team_slug"].lower())
        if team is None or login not in org.members:
            raise ApiError(404, "Not Found")
        repo = self._find_repo(call, need="admin")
        if repo.owner is not org:
            raise ApiError(
                422,
                "Validation Failed",
                [
                    {
                        "resource": "TeamRepository",
                        "code": "custom",
                        "message": "Repository must be owned by the organization",
                    }
                ],
            )
        permission = (call.body or {}).get("permission", "push")
        if permission not in PERMISSIONS:  # custom repository roles are not modelled
            raise ApiError(
                422, "Validation Failed", [{"resource": "TeamRepository", "field": "permission", "code": "invalid"}]
            )
        team.repos[(org.login.lower(), repo.name.lower())] = permission
        return 204, None

    # -- repositories --------------------------------------------------------------------------

    _NAME_OK = re.compile(r"[^A-Za-z0-9._-]")

    def _create_repo(self, call: Call, owner: Account, doc: str) -> tuple[int, Any, dict[str, str]]:
        body = call.body or {}
        name = self._NAME_OK.sub("-", body["name"])  # GitHub replaces other characters with '-'
        if name in (".", "..") or not name.strip("-"):
            raise ApiError(
                422,
                "Repository creation failed.",
                [{"resource": "Repository", "code": "custom", "field": "name", "message": "name is invalid"}],
                documentation_url=doc,
            )
        if (owner.login.lower(), name.lower()) in self.repos:
            raise ApiError(
                422,
                "Repository creation failed.",
                [
                    {
                        "resource": "Repository",
                        "code": "custom",
                        "field": "name",
                        "message": "name already exists on this account",
                    }
                ],
                documentation_url=doc,
            )
        visibility = body.get("visibility") or ("private" if body.get("private") else "public")
        if visibility == "internal" and (not owner.is_org or owner.plan != "enterprise"):
            raise ApiError(
                422,
                "Repository creation failed.",
                [
                    {
                        "resource": "Repository",
                        "code": "custom",
                        "field": "visibility",
                        "message": "internal repositories are only available to organizations in an enterprise",
                    }
                ],
                documentation_url=doc,
            )
        repo = self.add_repo(
            owner.login, name, visibility=visibility, description=body.get("description"), creator=call.login
        )
        repo.homepage = body.get("homepage")
        if body.get("auto_init"):
            self.commit_files(owner.login, name, repo.default_branch, {"README.md": f"# {name}\n"}, "Initial commit")
        data = self._repo_json(repo, call.login)
        return 201, data, {"Location": data["url"]}

    @_route("POST", "/user/repos")
    def create_user_repo(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        login = self._require_login(call)
        return self._create_repo(
            call, self.accounts[login.lower()], f"{DOCS}/repos/repos#create-a-repository-for-the-authenticated-user"
        )

    @_route("POST", "/orgs/{org}/repos")
    def create_org_repo(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        login = self._require_login(call)
        org = self._org(call.params["org"])
        role = org.members.get(login)
        if role is None:
            raise ApiError(404, "Not Found")
        if role != "admin" and not org.members_can_create_repositories:
            raise ApiError(403, "You need admin access to the organization before adding a repository to it.")
        return self._create_repo(call, org, f"{DOCS}/repos/repos#create-an-organization-repository")

    @_route("GET", "/repos/{owner}/{repo}")
    def get_repo(self, call: Call) -> tuple[int, Any]:
        return 200, self._repo_json(self._find_repo(call), call.login)

    @_route("PATCH", "/repos/{owner}/{repo}")
    def update_repo(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call, need="admin")
        body = call.body or {}
        if repo.archived and set(body) - {"archived"}:
            raise ApiError(403, "Repository was archived so is read-only.")
        if "default_branch" in body:
            branch = body["default_branch"]
            if self.rev(repo.owner.login, repo.name, f"refs/heads/{branch}") is None:
                raise ApiError(
                    422,
                    "Validation Failed",
                    [
                        {
                            "resource": "Repository",
                            "field": "default_branch",
                            "code": "invalid",
                            "message": f"The branch {branch} was not found. Please push that ref first "
                            "or create it via the Git Data API.",
                        }
                    ],
                )
            repo.default_branch = branch
            self._git(repo, "symbolic-ref", "HEAD", f"refs/heads/{branch}")
        for key in ("description", "homepage", "archived"):
            if key in body:
                setattr(repo, key, body[key])
        if "visibility" in body or "private" in body:
            repo.visibility = body.get("visibility") or ("private" if body.get("private") else "public")
            repo.private = repo.visibility != "public"
        repo.updated_at = _now()
        return 200, self._repo_json(repo, call.login)

    @_route("PUT", "/repos/{owner}/{repo}/topics")
    def put_topics(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call, need="push")
        self._writable(repo)
        names = [n.lower() for n in (call.body or {}).get("names", [])]
        bad = [n for n in names if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,49}", n)]
        if bad or len(names) > 20:
            raise ApiError(
                422,
                "Validation Failed",
                [
                    {
                        "resource": "Repository",
                        "field": "topics",
                        "code": "invalid",
                        "message": (
                            "Topics must start with a lowercase letter or number, consist of 50 characters "
                            "or less, and can include hyphens."
                        ),
                    }
                ],
            )
        repo.topics = list(dict.fromkeys(names))
        repo.updated_at = _now()
        return 200, {"names": repo.topics}

    def _visible_repos(self, login: str | None, owners: Callable[[RepoState], bool]) -> list[RepoState]:
        repos = [r for r in self.repos.values() if owners(r) and self._permission(r, login) is not None]
        return sorted(repos, key=lambda r: r.full_name.lower())

    @_route("GET", "/orgs/{org}/repos")
    def list_org_repos(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        org = self._org(call.params["org"])
        kind = call.arg("type", "all")
        repos = self._visible_repos(call.login, lambda r: r.owner is org)
        if kind == "public":
            repos = [r for r in repos if r.visibility == "public"]
        elif kind == "private":
            repos = [r for r in repos if r.private]
        elif kind in ("forks", "sources", "member"):
            repos = [] if kind == "forks" else repos
        status, chunk, headers = self._page(call, repos)
        return status, [self._repo_json(r, call.login) for r in chunk], headers

    @_route("GET", "/user/repos")
    def list_my_repos(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        login = self._require_login(call)
        if call.arg("type") and (call.arg("visibility") or call.arg("affiliation")):
            raise ApiError(422, "If you specify visibility or affiliation, you cannot specify type.")
        affiliation = set((call.arg("affiliation") or "owner,collaborator,organization_member").split(","))
        kind = call.arg("type")
        if kind in ("owner", "public", "private"):
            affiliation = {"owner"}
        elif kind == "member":
            affiliation = {"collaborator", "organization_member"}

        def include(repo: RepoState) -> bool:
            if repo.owner.login.lower() == login.lower():
                return "owner" in affiliation
            if repo.owner.is_org and login in repo.owner.members:
                return "organization_member" in affiliation
            return "collaborator" in affiliation and self._permission(repo, login) not in (None, "pull")

        repos = self._visible_repos(login, include)
        visibility = call.arg("visibility", "all") if kind not in ("public", "private") else kind
        if visibility == "public":
            repos = [r for r in repos if r.visibility == "public"]
        elif visibility == "private":
            repos = [r for r in repos if r.private]
        status, chunk, headers = self._page(call, repos)
        return status, [self._repo_json(r, login) for r in chunk], headers

    @_route("GET", "/users/{username}/repos")
    def list_user_repos(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        account = self._account(call.params["username"])
        repos = self._visible_repos(None, lambda r: r.owner is account)  # public repositories only
        status, chunk, headers = self._page(call, repos)
        return status, [self._repo_json(r, call.login) for r in chunk], headers

    # -- git data ------------------------------------------------------------------------------

    def _git(self, repo: RepoState, *args: str) -> bytes | None:
        try:
            return self.git.git(*args, cwd=self.bare_path(repo.owner.login, repo.name))
        except subprocess.CalledProcessError:
            return None

    def _is_empty(self, repo: RepoState) -> bool:
        out = self._git(repo, "for-each-ref", "--count=1", "refs/heads/")
        return not out

    def _commit_json(self, repo: RepoState, sha: str) -> dict[str, Any]:
        raw = (self._git(repo, "show", "-s", "--format=%T%n%P%n%an%n%ae%n%aI%n%cn%n%ce%n%cI%n%B", sha) or b"").decode()
        tree, parents, an, ae, ad, cn, ce, cd, *message = raw.split("\n")
        api = self.api(f"/repos/{repo.full_name}")
        html = self.html(f"/{repo.full_name}")
        return {
            "sha": sha,
            "node_id": _node_id("Commit", int(sha[:8], 16)),
            "commit": {
                "author": {"name": an, "email": ae, "date": ad},
                "committer": {"name": cn, "email": ce, "date": cd},
                "message": "\n".join(message).strip(),
                "tree": {"sha": tree, "url": f"{api}/git/trees/{tree}"},
                "url": f"{api}/git/commits/{sha}",
                "comment_count": 0,
                "verification": {
                    "verified": False,
                    "reason": "unsigned",
                    "signature": None,
                    "payload": None,
                    "verified_at": None,
                },
            },
            "url": f"{api}/commits/{sha}",
            "html_url": f"{html}/commit/{sha}",
            "comments_url": f"{api}/commits/{sha}/comments",
            "author": None,
            "committer": None,
            "parents": [
                {"sha": p, "url": f"{api}/commits/{p}", "html_url": f"{html}/commit/{p}"} for p in parents.split()
            ],
        }

    @_route("GET", "/repos/{owner}/{repo}/git/ref/{ref}")
    def get_git_ref(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call)
        ref = call.params["ref"]
        if self._is_empty(repo):
            raise ApiError(409, "Git Repository is empty.")
        out = self._git(repo, "rev-parse", "--verify", "--quiet", f"refs/{ref}")
        if not out:
            raise ApiError(404, "Not Found")
        sha = out.decode().strip()
        kind = (self._git(repo, "cat-file", "-t", sha) or b"commit").decode().strip()
        api = self.api(f"/repos/{repo.full_name}")
        return 200, {
            "ref": f"refs/{ref}",
            "node_id": _node_id("Ref", int(sha[:8], 16)),
            "url": f"{api}/git/refs/{ref}",
            "object": {"type": kind, "sha": sha, "url": f"{api}/git/{kind}s/{sha}"},
        }

    @_route("GET", "/repos/{owner}/{repo}/branches/{branch}")
    def get_branch(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call)
        branch = call.params["branch"]
        sha = self.rev(repo.owner.login, repo.name, f"refs/heads/{branch}")
        if sha is None:
            raise ApiError(404, "Branch not found")
        api = self.api(f"/repos/{repo.full_name}/branches/{branch}")
        protection = repo.protections.get(branch)
        return 200, {
            "name": branch,
            "commit": self._commit_json(repo, sha),
            "_links": {"self": api, "html": self.html(f"/{repo.full_name}/tree/{branch}")},
            "protected": protection is not None,
            "protection": {
                "enabled": protection is not None,
                "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []},
            },
            "protection_url": f"{api}/protection",
        }

    @_route("PUT", "/repos/{owner}/{repo}/branches/{branch}/protection")
    def put_protection(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call, need="admin")
        self._writable(repo)
        branch = call.params["branch"]
        if repo.private and repo.owner.plan == "free":
            raise ApiError(403, "Upgrade to GitHub Pro or make this repository public to enable this feature.")
        if self.rev(repo.owner.login, repo.name, f"refs/heads/{branch}") is None:
            raise ApiError(404, "Branch not found")
        body = dict(call.body or {})
        repo.protections[branch] = body
        api = self.api(f"/repos/{repo.full_name}/branches/{branch}/protection")
        reviews = body.get("required_pull_request_reviews")
        checks = body.get("required_status_checks")

        def flag(name: str) -> dict[str, Any]:
            return {"enabled": bool(body.get(name))}

        data: dict[str, Any] = {
            "url": api,
            "enforce_admins": {"url": f"{api}/enforce_admins", "enabled": bool(body.get("enforce_admins"))},
            "required_linear_history": flag("required_linear_history"),
            "allow_force_pushes": flag("allow_force_pushes"),
            "allow_deletions": flag("allow_deletions"),
            "block_creations": flag("block_creations"),
            "required_conversation_resolution": flag("required_conversation_resolution"),
            "lock_branch": flag("lock_branch"),
            "allow_fork_syncing": flag("allow_fork_syncing"),
            "required_signatures": {"url": f"{api}/required_signatures", "enabled": False},
        }
        if checks:
            data["required_status_checks"] = {
                "url": f"{api}/required_status_checks",
                "strict": bool(checks.get("strict")),
                "contexts": list(checks.get("contexts") or []),
                "checks": [{"context": c, "app_id": None} for c in checks.get("contexts") or []],
                "contexts_url": f"{api}/required_status_checks/contexts",
            }
        if reviews is not None:
            data["required_pull_request_reviews"] = {
                "url": f"{api}/required_pull_request_reviews",
                "dismiss_stale_reviews": bool(reviews.get("dismiss_stale_reviews")),
                "require_code_owner_reviews": bool(reviews.get("require_code_owner_reviews")),
                "required_approving_review_count": int(reviews.get("required_approving_review_count", 1)),
                "require_last_push_approval": bool(reviews.get("require_last_push_approval")),
            }
        return 200, data

    def _content_json(self, repo: RepoState, path: str, sha: str, size: int, kind: str, ref: str) -> dict[str, Any]:
        api = self.api(f"/repos/{repo.full_name}")
        url = f"{api}/contents/{urllib.parse.quote(path)}?ref={urllib.parse.quote(ref, safe='')}"
        html = self.html(f"/{repo.full_name}/{'blob' if kind == 'file' else 'tree'}/{ref}/{path}")
        git_url = f"{api}/git/{'blobs' if kind == 'file' else 'trees'}/{sha}"
        return {
            "type": kind,
            "size": size,
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            "url": url,
            "git_url": git_url,
            "html_url": html,
            "download_url": self.html(f"/{repo.full_name}/raw/{ref}/{path}") if kind == "file" else None,
            "_links": {"self": url, "git": git_url, "html": html},
        }

    @_route("GET", "/repos/{owner}/{repo}/contents/{path}")
    def get_contents(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call)
        path = call.params["path"].strip("/")
        if self._is_empty(repo):
            raise ApiError(
                404, "This repository is empty.", documentation_url=f"{DOCS}/repos/contents#get-repository-content"
            )
        ref = call.arg("ref") or repo.default_branch
        commit = self.rev(repo.owner.login, repo.name, ref)
        if commit is None:
            raise ApiError(
                404,
                f"No commit found for the ref {ref}",
                documentation_url=f"{DOCS}/repos/contents#get-repository-content",
            )
        spec = f"{commit}:{path}"
        kind = self._git(repo, "cat-file", "-t", spec)
        if kind is None:
            raise ApiError(404, "Not Found", documentation_url=f"{DOCS}/repos/contents#get-repository-content")
        sha = (self._git(repo, "rev-parse", spec) or b"").decode().strip()
        if kind.strip() == b"tree":
            listing = (self._git(repo, "ls-tree", "-l", spec) or b"").decode().splitlines()
            entries = []
            for line in listing:
                meta, name = line.split("\t", 1)
                _, entry_kind, entry_sha, size = meta.split()
                kind_name = {"blob": "file", "tree": "dir", "commit": "submodule"}[entry_kind]
                entries.append(
                    self._content_json(
                        repo, f"{path}/{name}", entry_sha, int(size) if size.isdigit() else 0, kind_name, ref
                    )
                )
            return 200, entries
        blob = self._git(repo, "cat-file", "blob", sha) or b""
        if "raw" in call.headers.get("accept", ""):
            # `application/vnd.github.raw+json` (and the older `vnd.github.v3.raw`, which
            # Backstage's GithubUrlReader sends): the file's bytes, not the JSON envelope.
            return 200, blob, {"Content-Type": "application/vnd.github.raw; charset=utf-8", "ETag": f'"{sha}"'}
        data = self._content_json(repo, path, sha, len(blob), "file", ref)
        if len(blob) <= _MAX_INLINE_CONTENT:
            encoded = base64.b64encode(blob).decode()
            data.update(
                content="\n".join(encoded[i : i + 60] for i in range(0, len(encoded), 60)) + "\n", encoding="base64"
            )
        else:  # 1-100 MB: GitHub leaves `content` empty; read the blob through the git data API
            data.update(content="", encoding="none")
        return 200, data

    @_route("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}")
    def get_blob(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call)
        sha = call.params["file_sha"]
        if not re.fullmatch(r"[0-9a-f]{40}", sha) or (self._git(repo, "cat-file", "-t", sha) or b"").strip() != b"blob":
            raise ApiError(404, "Not Found")
        blob = self._git(repo, "cat-file", "blob", sha) or b""
        return 200, {
            "sha": sha,
            "node_id": _node_id("Blob", int(sha[:8], 16)),
            "size": len(blob),
            "url": self.api(f"/repos/{repo.full_name}/git/blobs/{sha}"),
            "content": base64.b64encode(blob).decode(),
            "encoding": "base64",
        }

    # -- pull requests -------------------------------------------------------------------------

    def _branch_of(self, repo: RepoState, spec: str) -> str:
        owner, sep, branch = spec.partition(":")
        if not sep:
            return spec
        if owner.lower() != repo.owner.login.lower():
            return "\0"  # forks are not modelled: no such head
        return branch

    @_route("GET", "/repos/{owner}/{repo}/pulls")
    def list_pulls(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        repo = self._find_repo(call)
        state = call.arg("state", "open")
        pulls = list(repo.pulls.values())
        for pr in pulls:
            self._refresh_head(repo, pr)
        if state != "all":
            pulls = [p for p in pulls if p.state == state]
        if head := call.arg("head"):
            owner, sep, branch = head.partition(":")
            pulls = [p for p in pulls if sep and owner.lower() == repo.owner.login.lower() and p.head == branch]
        if base := call.arg("base"):
            pulls = [p for p in pulls if p.base == base]
        sort = call.arg("sort", "created")
        direction = call.arg("direction") or ("desc" if sort == "created" else "asc")
        key: Callable[[PullState], Any] = {
            "created": lambda p: (p.created_at, p.number),
            "updated": lambda p: (p.updated_at, p.number),
        }.get(sort or "created", lambda p: (p.created_at, p.number))
        pulls.sort(key=key, reverse=direction == "desc")
        status, chunk, headers = self._page(call, pulls)
        return status, [self._pull_json(repo, p, call.login, full=False) for p in chunk], headers

    @_route("POST", "/repos/{owner}/{repo}/pulls")
    def create_pull(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        repo = self._find_repo(call, need="push")
        self._writable(repo)
        body = call.body or {}
        if "issue" in body:
            raise ApiError(422, "Validation Failed", [{"resource": "PullRequest", "field": "issue", "code": "invalid"}])
        head = self._branch_of(repo, body["head"])
        base = body["base"]
        owner = repo.owner.login
        head_sha = self.rev(owner, repo.name, f"refs/heads/{head}")
        base_sha = self.rev(owner, repo.name, f"refs/heads/{base}")
        errors = []
        if base_sha is None:
            errors.append({"resource": "PullRequest", "field": "base", "code": "invalid"})
        if head_sha is None:
            errors.append({"resource": "PullRequest", "field": "head", "code": "invalid"})
        if errors:
            raise ApiError(422, "Validation Failed", errors)
        assert head_sha and base_sha
        for pr in repo.pulls.values():
            if pr.state == "open" and pr.head == head and pr.base == base:
                raise ApiError(
                    422,
                    "Validation Failed",
                    [
                        {
                            "resource": "PullRequest",
                            "code": "custom",
                            "message": f"A pull request already exists for {owner}:{head}.",
                        }
                    ],
                )
        ahead = self._git(repo, "rev-list", "--count", head_sha, f"^{base_sha}")
        if ahead is not None and int(ahead.decode().strip() or 0) == 0:
            raise ApiError(
                422,
                "Validation Failed",
                [{"resource": "PullRequest", "code": "custom", "message": f"No commits between {base} and {head}"}],
            )
        now = _now()
        number = repo.next_number
        repo.next_number += 1
        assert call.login is not None
        pr = PullState(
            id=next(self._ids),
            number=number,
            user=call.login,
            title=body["title"],
            body=body.get("body"),
            head=head,
            base=base,
            head_sha=head_sha,
            base_sha=base_sha,
            draft=bool(body.get("draft")),
            created_at=now,
            updated_at=now,
            maintainer_can_modify=bool(body.get("maintainer_can_modify")),
        )
        repo.pulls[number] = pr
        self._git(repo, "update-ref", f"refs/pull/{number}/head", head_sha)
        data = self._pull_json(repo, pr, call.login)
        return 201, data, {"Location": data["url"]}

    def _find_pull(self, repo: RepoState, call: Call) -> PullState:
        number = int(call.params.get("pull_number") or call.params["issue_number"])
        pr = repo.pulls.get(number)
        if pr is None:
            raise ApiError(404, "Not Found")
        return pr

    @_route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")
    def get_pull(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call)
        return 200, self._pull_json(repo, self._find_pull(repo, call), call.login)

    @_route("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}")
    def update_pull(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call, need="push")
        self._writable(repo)
        pr = self._find_pull(repo, call)
        body = call.body or {}
        if "base" in body and self.rev(repo.owner.login, repo.name, f"refs/heads/{body['base']}") is None:
            raise ApiError(422, "Validation Failed", [{"resource": "PullRequest", "field": "base", "code": "invalid"}])
        if body.get("state") == "open" and pr.merged:
            raise ApiError(
                422,
                "Validation Failed",
                [{"resource": "PullRequest", "code": "custom", "message": "Cannot reopen a merged pull request"}],
            )
        self._refresh_head(repo, pr)
        for key in ("title", "body", "base"):
            if key in body:
                setattr(pr, key, body[key])
        if "state" in body and body["state"] != pr.state:
            pr.state = body["state"]
            pr.closed_at = _now() if pr.state == "closed" else None
        pr.updated_at = _now()
        return 200, self._pull_json(repo, pr, call.login)

    def _label_names(self, body: Any) -> list[str]:
        items = body.get("labels", []) if isinstance(body, dict) else body if isinstance(body, list) else [body]
        return [item["name"] if isinstance(item, dict) else str(item) for item in items or []]

    def _apply_labels(self, call: Call, replace: bool) -> tuple[int, Any]:
        repo = self._find_repo(call, need="triage")
        self._writable(repo)
        pr = self._find_pull(repo, call)  # issues are not modelled; pull requests are issues too
        names = self._label_names(call.body)
        keys = [] if replace else list(pr.labels)
        for name in names:
            key = name.lower()
            if key not in repo.labels:  # GitHub creates missing labels on the fly
                repo.labels[key] = {
                    "id": next(self._ids),
                    "name": name,
                    "color": hashlib.sha1(key.encode()).hexdigest()[:6],
                }
            if key not in keys:
                keys.append(key)
        pr.labels = keys
        pr.updated_at = _now()
        return 200, [self._label_json(repo, repo.labels[k]) for k in keys]

    @_route("PUT", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
    def set_labels(self, call: Call) -> tuple[int, Any]:
        return self._apply_labels(call, replace=True)

    @_route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
    def add_labels(self, call: Call) -> tuple[int, Any]:
        return self._apply_labels(call, replace=False)

    @_route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
    def remove_labels(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call, need="triage")
        self._writable(repo)
        pr = self._find_pull(repo, call)
        pr.labels = []
        pr.updated_at = _now()
        return 204, None

    @_route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
    def get_labels(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        repo = self._find_repo(call)
        pr = self._find_pull(repo, call)
        status, chunk, headers = self._page(call, [repo.labels[k] for k in pr.labels])
        return status, [self._label_json(repo, label) for label in chunk], headers

    # -- review requests and assignees -------------------------------------------------------

    def _collaborator(self, repo: RepoState, login: str) -> bool:
        """Whether a user may be asked to review: the owner, a member of the owning organization,
        an administrator of the repository."""
        owner = repo.owner
        account = self.accounts.get(login.lower())
        if account is None or account.is_org:
            return False
        return account.login == owner.login or account.login in owner.members or account.login in repo.admins

    @_route("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers")
    def request_reviewers(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call, need="triage")
        self._writable(repo)
        pr = self._find_pull(repo, call)
        body = call.body or {}
        users = [str(u) for u in body.get("reviewers") or []]
        teams = [str(t).lower() for t in body.get("team_reviewers") or []]
        if any(u.lower() == pr.user.lower() for u in users):
            raise ApiError(422, "Review cannot be requested from pull request author.")
        unknown_team = not repo.owner.is_org or any(t not in repo.owner.teams for t in teams)
        if (teams and unknown_team) or not all(self._collaborator(repo, u) for u in users):
            raise ApiError(
                422,
                "Reviews may only be requested from collaborators. One or more of the users or teams you "
                f"specified is not a collaborator of the {repo.full_name} repository.",
            )
        for login in users:
            login = self.accounts[login.lower()].login
            if login not in pr.requested_reviewers:
                pr.requested_reviewers.append(login)
        pr.requested_teams += [t for t in dict.fromkeys(teams) if t not in pr.requested_teams]
        pr.updated_at = _now()
        return 201, self._pull_json(repo, pr, call.login, full=False)

    @_route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers")
    def get_requested_reviewers(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call)
        people = self._people_json(repo, self._find_pull(repo, call))
        return 200, {"users": people["requested_reviewers"], "teams": people["requested_teams"]}

    @_route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/assignees")
    def add_assignees(self, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call, need="triage")
        self._writable(repo)
        pr = self._find_pull(repo, call)
        for item in (call.body or {}).get("assignees") or []:
            login = str(item.get("login") if isinstance(item, dict) else item)
            account = self.accounts.get(login.lower())
            permission = self._permission(repo, account.login) if account and not account.is_org else None
            pushes = permission is not None and PERMISSIONS.index(permission) >= PERMISSIONS.index("push")
            # GitHub silently ignores who cannot be assigned (no push access)
            if pushes and account is not None and account.login not in pr.assignees:
                pr.assignees.append(account.login)
        pr.updated_at = _now()
        return 201, self._issue_json(repo, pr, call.login)

    def _issue_json(self, repo: RepoState, pr: PullState, login: str | None) -> dict[str, Any]:
        """A pull request seen as the issue it also is (the `issue` schema)."""
        full = self._pull_json(repo, pr, login, full=False)
        issue = self.api(f"/repos/{repo.full_name}/issues/{pr.number}")
        return {
            **{key: full[key] for key in ("id", "node_id", "number", "title", "body", "user", "labels", "locked")},
            **{key: full[key] for key in ("assignee", "assignees", "milestone", "created_at", "updated_at")},
            "url": issue,
            "repository_url": self.api(f"/repos/{repo.full_name}"),
            "labels_url": f"{issue}/labels{{/name}}",
            "comments_url": f"{issue}/comments",
            "events_url": f"{issue}/events",
            "html_url": full["html_url"],
            "state": pr.state,
            "closed_at": full["closed_at"],
            "comments": 0,
            "author_association": full["author_association"],
            "pull_request": {
                "url": full["url"],
                "html_url": full["html_url"],
                "diff_url": full["diff_url"],
                "patch_url": full["patch_url"],
                "merged_at": full["merged_at"],
            },
        }

    # -- rate limit ----------------------------------------------------------------------------

    @_route("GET", "/rate_limit")
    def get_rate_limit(self, call: Call) -> tuple[int, Any]:
        key = call.login or "anonymous"
        limit = RATE_LIMIT if call.login else 60
        used = self._rate.get(key, 0)
        core = {"limit": limit, "used": used, "remaining": max(limit - used, 0), "reset": self._rate_reset}
        other = {"limit": 30, "used": 0, "remaining": 30, "reset": self._rate_reset}
        return 200, {
            "resources": {"core": core, "search": other, "graphql": dict(core, used=0, remaining=limit)},
            "rate": core,
        }


@cache
def _checker(plan: str) -> ResponseChecker:
    """One answer checker per description, shared by every server of the session."""
    return ResponseChecker(openapi_spec.spec_dict(plan))


def _describe_validation_error(err: BaseException) -> str:
    """openapi-core's error with the JSON-schema problems behind it, on one line each."""
    parts = [f"{type(err).__name__}: {err}"]
    seen: set[int] = set()
    cause: BaseException | None = err.__cause__ or err.__context__
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        for schema_error in getattr(cause, "schema_errors", ()) or ():
            location = "/".join(str(p) for p in getattr(schema_error, "absolute_path", ()))
            parts.append(f"{location or '<body>'}: {getattr(schema_error, 'message', schema_error)}")
        cause = cause.__cause__ or cause.__context__
    return "; ".join(parts)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com"
    app: GitHubServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            status, out_headers, data = self.app.handle(self.command, self.path, headers, body)
        except Exception as err:  # a bug in the test server: make it loud
            self.app._violation(self.command, self.path, f"test server crashed: {err!r}")
            status, out_headers, data = 500, {"Content-Type": "application/json"}, b'{"message": "Server Error"}'
        self.send_response(status)
        for key, value in out_headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = _serve  # noqa: N815 (http.server's naming)
    do_POST = _serve  # noqa: N815 (http.server's naming)
    do_PUT = _serve  # noqa: N815 (http.server's naming)
    do_PATCH = _serve  # noqa: N815 (http.server's naming)
    do_DELETE = _serve  # noqa: N815 (http.server's naming)
    do_HEAD = _serve  # noqa: N815 (http.server's naming)


# ---------------------------------------------------------------------------------------------
# pytest fixtures


def _fail_on_violations(server: GitHubServer) -> None:
    violations = list(server.violations)
    if violations:
        lines = "\n".join(f"  - {v}" for v in violations)
        pytest.fail(f"requests GitHub's API description rejects (or undocumented answers):\n{lines}", pytrace=False)


@pytest.fixture(scope="session")
def github_server_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitHubServer]:
    """One GitHub test server for the whole session (the api.github.com description)."""
    try:
        server = GitHubServer(tmp_path_factory.mktemp("github"))
    except openapi_spec.SpecUnavailable as err:
        pytest.fail(str(err), pytrace=False)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def github_server(github_server_session: GitHubServer) -> Iterator[GitHubServer]:
    """The GitHub test server with fresh state; fails the test if any request broke the spec."""
    github_server_session.reset()
    yield github_server_session
    _fail_on_violations(github_server_session)


@pytest.fixture(scope="session")
def github_enterprise_server_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitHubServer]:
    try:
        server = GitHubServer(tmp_path_factory.mktemp("ghes"), plan="ghes-3.19", api_prefix="/api/v3")
    except openapi_spec.SpecUnavailable as err:
        pytest.fail(str(err), pytrace=False)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def github_enterprise_server(github_enterprise_server_session: GitHubServer) -> Iterator[GitHubServer]:
    """A GitHub Enterprise Server 3.19 test server (`base_url` ends in /api/v3), fresh state."""
    github_enterprise_server_session.reset()
    yield github_enterprise_server_session
    _fail_on_violations(github_enterprise_server_session)


__all__ = [
    "DEFAULT_LOGIN",
    "Account",
    "ApiError",
    "GitHubServer",
    "PullState",
    "RecordedRequest",
    "RepoState",
    "Team",
    "Violation",
    "github_enterprise_server",
    "github_enterprise_server_session",
    "github_server",
    "github_server_session",
    "new_token",
]
