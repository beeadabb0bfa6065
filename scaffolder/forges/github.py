"""The GitHub forge: repositories and pull requests on GitHub.com or GitHub Enterprise (PyGithub).

This is the only module that imports PyGithub; it is imported only when a profile names a GitHub
forge. Behaviour worth knowing:

- **Owner.** `RepoSpec.owner` (else the forge's `owner`, else the token's user) is an organization
  or the authenticated user. User repos are created through `POST /user/repos` (public or
  private only); organization repos through `POST /orgs/{org}/repos` (`internal` needs an
  organization in an enterprise). Repos are created empty (`auto_init=False`).
- **After the first push.** GitHub can protect only a branch that exists, and it names the
  default branch after the first one pushed. So `create_repo` remembers the spec's default branch
  and `protect_default_branch`, and `push` settles both once that branch exists on GitHub (the
  default branch is set if it differs, then the branch is protected). A caller whose push happens
  in another process (a resumed run) calls `protect_branch(repo, branch)` itself.
- **Tokens.** The token goes to GitHub in the `Authorization` header only. `git push` gets it
  through the environment (`GIT_CONFIG_*` setting `http.extraHeader`), never in a URL, argument,
  `.git/config` or log line; credential helpers and prompts are switched off for that push.
  Every message this module produces is scrubbed of the token.
- **Rate limits and failures.** PyGithub's `GithubRetry` retries 5xx answers and connection
  errors with exponential backoff, honours `Retry-After`, waits out secondary rate limits and a
  primary limit's reset (up to `RetryPolicy.max_rate_limit_wait`). Writes are spaced by
  `min_write_interval` seconds (GitHub asks for at least one second). A call that still fails
  raises `ForgeError` (a taken name: `RepoConflict`; a rate limit: `RateLimited`); nothing is
  dropped silently. With `use_budget` every call also waits out, and reports to, a budget shared
  with other processes on the same token (github_limits.py says how the two combine).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from github import Auth, Github, GithubException

from scaffolder import git
from scaffolder.errors import ForgeError, RepoConflict
from scaffolder.forges.base import PullRequest, Repo, RepoSpec
from scaffolder.forges.github_errors import GitHubErrors, basic_auth, check_name, describe, errors, message, short
from scaffolder.forges.github_limits import RateSignals, RetryPolicy, Signals
from scaffolder.forges.github_pulls import GitHubPulls

if TYPE_CHECKING:
    from github.ContentFile import ContentFile
    from github.Repository import Repository as GhRepository

log = logging.getLogger(__name__)


@dataclass
class _AfterPush:
    """What `push` settles once the default branch exists (see the module docstring)."""

    default_branch: str
    protect: bool


class GitHubForge:
    """Repos, pushes and pull requests on GitHub through its REST API (PyGithub)."""

    kind = "github"

    def __init__(
        self,
        token: str,
        owner: str | None = None,
        base_url: str = "https://api.github.com",
        min_write_interval: float = 1.0,
        retry: RetryPolicy | None = None,
        *,
        min_request_interval: float = 0.25,
        timeout: int = 30,
        git_timeout: float = 900.0,
    ) -> None:
        if not token:
            raise ForgeError("the GitHub forge needs a token")
        if owner is not None and not _valid(owner):
            raise ForgeError(f"invalid GitHub owner name {owner!r}")
        self._token = token
        self._owner = owner
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.git_timeout = git_timeout
        self.min_write_interval = min_write_interval
        self._signals = Signals(lambda: self._gh.requester)
        self._gh = Github(
            base_url=self.base_url,
            auth=Auth.Token(token),
            timeout=timeout,
            retry=self.retry.build(self._signals.observe),
            seconds_between_requests=min_request_interval or None,
            seconds_between_writes=min_write_interval or None,
            lazy=True,
        )
        self._login: str | None = None
        self._web_base: str | None = None
        self._after_push: dict[tuple[str, str], _AfterPush] = {}
        self._errors = GitHubErrors(token, self.base_url, self.retry.attempts, self.retry.max_rate_limit_wait)
        self._errors.before, self._errors.after = self._signals.before, self._signals.after
        self._pulls = GitHubPulls(self._repo, lambda: self._gh.requester, self._errors)

    def close(self) -> None:
        """Close PyGithub's HTTP connections."""
        self._gh.close()

    def __enter__(self) -> GitHubForge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GitHubForge(base_url={self.base_url!r}, owner={self._owner!r})"

    def budget_key(self) -> str:
        """What the processes sharing a rate budget share: this server and token (hashed)."""
        return f"github:{self.base_url}:{hashlib.sha256(self._token.encode()).hexdigest()[:16]}"

    def use_budget(self, budget: RateSignals) -> None:
        """Wait out `budget`'s pauses before every call and show it every answer's rate limits."""
        self._signals.budget = budget

    # -- accounts ------------------------------------------------------------------------------

    def _me(self) -> str:
        """The token's user (one `GET /user`, cached); also learns the web host's URL."""
        if self._login is None:
            user = self._gh.get_user()
            login, html_url = self._errors.call(
                f"read the token's user from {self.base_url}", lambda: (user.login, user.html_url)
            )
            self._login = login
            suffix = f"/{login}"
            self._web_base = html_url[: -len(suffix)] if html_url.endswith(suffix) else _web_from_api(self.base_url)
        return self._login

    def default_owner(self) -> str:
        return self._owner or self._me()

    def _web(self) -> str:
        if self._web_base is None:
            self._me()
        assert self._web_base is not None
        return self._web_base

    def _is_me(self, owner: str) -> bool:
        return owner.lower() == self._me().lower()

    # -- repos ---------------------------------------------------------------------------------

    def _repo(self, owner: str, name: str) -> GhRepository:
        """A lazy PyGithub repository: no request until an attribute it lacks is read."""
        return self._gh.get_repo(f"{check_name(owner, 'owner')}/{check_name(name, 'repo')}")

    @staticmethod
    def _to_repo(gh: GhRepository) -> Repo:
        return Repo(
            owner=gh.owner.login,
            name=gh.name,
            url=gh.html_url,
            clone_url=gh.clone_url,
            default_branch=gh.default_branch or "main",
            description=gh.description or "",
            archived=bool(gh.archived),
        )

    def get_repo(self, owner: str, name: str) -> Repo | None:
        gh = self._repo(owner, name)
        # reading full_name fetches it
        return self._errors.find(f"read repo {owner}/{name}", lambda: self._to_repo(gh) if gh.full_name else None)

    def planned_repo(self, spec: RepoSpec) -> Repo:
        owner = check_name(spec.owner or self.default_owner(), "owner")
        name = check_name(spec.name, "repo")
        url = f"{self._web()}/{owner}/{name}"
        return Repo(owner, name, url, f"{url}.git", spec.default_branch, spec.description)

    def create_repo(self, spec: RepoSpec) -> Repo:
        owner = check_name(spec.owner or self.default_owner(), "owner")
        name = check_name(spec.name, "repo")
        full = f"{owner}/{name}"
        user_repo = self._is_me(owner)
        if user_repo and spec.visibility == "internal":
            raise ForgeError(
                f"cannot create {full}: internal visibility exists only for organization "
                "repositories (in an enterprise); use private or public for a user's repository"
            )
        if user_repo and spec.teams:
            raise ForgeError(f"cannot create {full}: team access needs an organization, and {owner} is a user")
        log.info("creating GitHub repository %s (%s)", full, spec.visibility)

        def create() -> GhRepository:
            if user_repo:
                return self._gh.get_user().create_repo(
                    name, description=spec.description, private=spec.visibility != "public", auto_init=False
                )
            return self._gh.get_organization(owner).create_repo(
                name, description=spec.description, visibility=spec.visibility, auto_init=False
            )

        gh = self._errors.call(f"create repo {full}", create, lambda exc: self._explain_create(exc, owner, full))
        if spec.topics:
            self._errors.call(f"set the topics of {full}", lambda: gh.replace_topics(list(spec.topics)))
        for slug, permission in spec.teams:
            self._grant_team(owner, slug, gh, permission)
        repo = self._to_repo(gh)
        if spec.protect_default_branch or repo.default_branch != spec.default_branch:
            self._after_push[(owner.lower(), name.lower())] = _AfterPush(
                spec.default_branch, spec.protect_default_branch
            )
        return Repo(repo.owner, repo.name, repo.url, repo.clone_url, spec.default_branch, spec.description)

    def _explain_create(self, exc: GithubException, owner: str, full: str) -> ForgeError | None:
        """Words the answers of creating a repo: a taken name, no such organization, no permission."""
        if exc.status == 422 and any("already exists" in describe(e) for e in errors(exc)):
            return RepoConflict(f"repo {full} already exists on GitHub ({self._web()}/{full})")
        if self._is_me(owner):
            return None
        if exc.status == 404:
            return ForgeError(
                f"cannot create {full}: organization {owner} does not exist on "
                f"{self._web()} or the token's user ({self._me()}) is not a member"
            )
        if exc.status == 403:
            return ForgeError(
                f"cannot create {full}: the token's user ({self._me()}) may not create "
                f"repositories in organization {owner} ({message(exc)}); ask an owner of "
                "the organization for that permission, or for a token that has it"
            )
        return None

    def _grant_team(self, org: str, slug: str, gh: GhRepository, permission: str) -> None:
        what = f"give team {org}/{slug} {permission} access to {org}/{gh.name}"
        log.info("%s", what)
        team = self._gh.get_organization(org).get_team_by_slug(slug)
        no_team = ForgeError(f"cannot {what}: no team {slug!r} in organization {org} (or the token cannot see it)")
        self._errors.call(
            what,
            lambda: team.update_team_repository(gh, permission),
            lambda exc: no_team if exc.status == 404 else None,
        )

    def protect_branch(self, repo: Repo, branch: str, required_approvals: int = 1) -> None:
        """Protect a branch that exists on GitHub: changes go through pull requests with
        `required_approvals` approving reviews (stale approvals dismissed on new commits), no
        force pushes, no deletion. Administrators can still bypass it (`enforce_admins` off)."""
        what = f"protect branch {branch} of {repo.full_name}"
        log.info("%s", what)
        gh = self._repo(repo.owner, repo.name)
        unborn = ForgeError(f"cannot {what}: the branch does not exist on GitHub yet (push it first)")
        self._errors.call(
            what,
            lambda: gh.get_branch(branch).edit_protection(
                required_approving_review_count=required_approvals,
                dismiss_stale_reviews=True,
                enforce_admins=False,
                allow_force_pushes=False,
                allow_deletions=False,
                # PyGithub sends null for unset flags, which GitHub's description does not allow
                required_linear_history=False,
                required_conversation_resolution=False,
                block_creations=False,
                lock_branch=False,
                allow_fork_syncing=False,
            ),
            lambda exc: unborn if exc.status == 404 and "branch" in (message(exc) or "").lower() else None,
        )

    def set_default_branch(self, repo: Repo, branch: str) -> None:
        """Make an existing branch the repository's default branch."""
        gh = self._repo(repo.owner, repo.name)
        self._errors.call(
            f"set the default branch of {repo.full_name} to {branch}", lambda: gh.edit(default_branch=branch)
        )

    def list_repos(self, owner: str | None = None) -> list[Repo]:
        """Every repo of `owner` the token can see: an organization's (private ones too for its
        members), the token user's own, or another user's public ones."""
        who = check_name(owner or self.default_owner(), "owner")
        what = f"list the repositories of {who}"

        def listing() -> list[Repo]:
            if self._is_me(who):
                return [self._to_repo(r) for r in self._gh.get_user().get_repos(affiliation="owner")]
            try:
                return [self._to_repo(r) for r in self._gh.get_organization(who).get_repos(type="all")]
            except GithubException as exc:
                if exc.status != 404:
                    raise
            return [self._to_repo(r) for r in self._gh.get_user(who).get_repos()]

        nobody = ForgeError(f"cannot {what}: no user or organization {who} on {self._web()}")
        return self._errors.call(what, listing, lambda exc: nobody if exc.status == 404 else None)

    # -- git -----------------------------------------------------------------------------------

    def _git_env(self) -> dict[str, str]:
        """What `git push` and `git clone` add to the environment: the token as an extra HTTP
        header, no prompts, no askpass programs, no credential helpers (nothing stored or asked)."""
        env = {"GIT_ASKPASS": "", "SSH_ASKPASS": "", "GIT_TERMINAL_PROMPT": "0"}  # empty: none runs
        try:
            start = int(os.environ.get("GIT_CONFIG_COUNT") or 0)
        except ValueError:
            start = 0
        entries = [
            ("credential.helper", ""),
            ("core.askPass", ""),
            ("http.extraHeader", ""),  # an empty value drops headers configured elsewhere
            ("http.extraHeader", f"Authorization: Basic {basic_auth(self._token)}"),
        ]
        for index, (key, value) in enumerate(entries, start):
            env[f"GIT_CONFIG_KEY_{index}"] = key
            env[f"GIT_CONFIG_VALUE_{index}"] = value
        env["GIT_CONFIG_COUNT"] = str(start + len(entries))
        return env

    def _checked_url(self, repo: Repo, doing: str) -> str:
        """The repo's clone URL, unless sending the token there would leave HTTPS."""
        url = repo.clone_url
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme != "https" and not (scheme == "http" and self.base_url.startswith("http://")):
            raise ForgeError(f"cannot {doing} {repo.full_name}: refusing to send the token to {url!r} (not https)")
        return url

    def push(
        self,
        repo: Repo,
        worktree: Path,
        refspecs: list[str],
        force: bool = False,
        lease: Mapping[str, str] | None = None,
    ) -> None:
        """Push through `scaffolder.git` with the token in a header from the environment."""
        if repo.archived:
            raise ForgeError(f"cannot push to {repo.full_name}: the repository is archived (read-only) on GitHub")
        url = self._checked_url(repo, "push to")
        if not refspecs:
            raise ForgeError(f"cannot push to {repo.full_name}: no refspecs given")
        log.info("pushing %s to %s", " ".join(refspecs), url)
        try:
            git.push(worktree, url, refspecs, env=self._git_env(), force=force, lease=lease, timeout=self.git_timeout)
        except git.GitFailed as err:
            raise self._push_error(repo, self._errors.scrub(err.output)) from None
        except ForgeError as err:
            raise ForgeError(f"cannot push to {repo.full_name}: {self._errors.scrub(err.message)}") from None
        log.debug("push to %s done", repo.full_name)
        self._settle_after_push(repo)

    def clone(self, repo: Repo, dest: Path, branch: str | None = None) -> Path:
        """Clone over HTTPS with the token in a header from the environment, never in the URL."""
        url = self._checked_url(repo, "clone")
        try:
            return git.clone(url, dest, branch, env=self._git_env(), timeout=self.git_timeout)
        except ForgeError as err:
            raise ForgeError(f"cannot clone {repo.full_name}: {self._errors.scrub(err.message)}") from None

    def _push_error(self, repo: Repo, output: str) -> ForgeError:
        lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
        remote = [ln.removeprefix("remote:").strip() for ln in lines if ln.startswith("remote:")]
        detail = "; ".join(remote) or short(" ".join(ln for ln in lines if "fatal:" in ln or "error:" in ln) or output)
        where = f"cannot push to {repo.full_name}"
        if "returned error: 401" in output or "Authentication failed" in output or "could not read Username" in output:
            return ForgeError(f"{where}: GitHub rejected the token for git (401); check that it is valid and may push")
        if "returned error: 403" in output or "archived" in output:
            current = self.get_repo(repo.owner, repo.name)
            if current is not None and current.archived:
                return ForgeError(f"{where}: the repository is archived (read-only) on GitHub")
            return ForgeError(f"{where}: GitHub refused the push (403): {detail}")
        if "returned error: 404" in output or "not found" in output.lower():
            return ForgeError(f"{where}: the repository does not exist or the token cannot see it ({detail})")
        rejected = [ln for ln in lines if ln.startswith("!")]
        if rejected:
            reasons = "; ".join(rejected)
            return ForgeError(
                f"{where}: GitHub rejected the update ({reasons}); the branch moved on GitHub since it was fetched"
            )
        if "Could not resolve host" in output or "Failed to connect" in output or "Couldn't connect" in output:
            return ForgeError(f"{where}: the git server cannot be reached ({detail})")
        return ForgeError(f"{where}: git push failed ({detail})")

    def _settle_after_push(self, repo: Repo) -> None:
        key = (repo.owner.lower(), repo.name.lower())
        pending = self._after_push.get(key)
        if pending is None or self.head_sha(repo, pending.default_branch) is None:
            return
        current = self._repo(repo.owner, repo.name)
        default = self._errors.call(f"read repo {repo.full_name}", lambda: current.default_branch)
        if default != pending.default_branch:
            self.set_default_branch(repo, pending.default_branch)
        if pending.protect:
            self.protect_branch(repo, pending.default_branch)
        del self._after_push[key]

    def head_sha(self, repo: Repo, branch: str) -> str | None:
        ref = self._repo(repo.owner, repo.name).get_git_ref(f"heads/{branch}")
        # 404: no such branch; 409: the repository is empty
        sha: str | None = self._errors.find(
            f"read branch {branch} of {repo.full_name}", lambda: ref.object.sha, (404, 409)
        )
        return sha

    def tree_sha(self, repo: Repo, branch: str) -> str | None:
        """The tree of a branch's head, or None when the branch does not exist."""
        gh = self._repo(repo.owner, repo.name)
        sha: str | None = self._errors.find(
            f"read branch {branch} of {repo.full_name}", lambda: gh.get_branch(branch).commit.commit.tree.sha
        )
        return sha

    def read_file(self, repo: Repo, path: str, ref: str | None = None) -> bytes | None:
        gh = self._repo(repo.owner, repo.name)
        path = path.strip("/")
        at = f"{repo.full_name}:{path}" + (f" at {ref}" if ref else "")

        def read() -> bytes:
            found = gh.get_contents(path, ref=ref) if ref else gh.get_contents(path)
            if isinstance(found, list):
                raise ForgeError(f"cannot read {at}: it is a directory")
            content: ContentFile = found
            if content.encoding == "base64":
                return content.decoded_content
            # files over 1 MB come without content: read the blob through the git data API
            return base64.b64decode(gh.get_git_blob(content.sha).content)

        return self._errors.find(f"read {at}", read)  # 404: no such file, ref, or the repository is empty

    def blob_url(self, repo: Repo, path: str, ref: str | None = None) -> str:
        quoted_ref = urllib.parse.quote(ref or repo.default_branch, safe="/")
        return f"{repo.url}/blob/{quoted_ref}/{urllib.parse.quote(path.strip('/'), safe='/')}"

    # -- pull requests -------------------------------------------------------------------------

    def find_pull_request(self, repo: Repo, head: str) -> PullRequest | None:
        return self._pulls.find(repo, head)

    def open_pull_request(
        self, repo: Repo, head: str, base: str, title: str, body: str, labels: list[str]
    ) -> PullRequest:
        return self._pulls.open(repo, head, base, title, body, labels)

    def get_pull_request(self, repo: Repo, number: int) -> PullRequest:
        """One pull request by number."""
        return self._pulls.get(repo, number)

    def update_pull_request(self, repo: Repo, number: int, title: str, body: str, labels: list[str]) -> PullRequest:
        return self._pulls.update(repo, number, title, body, labels)

    def request_reviewers(self, repo: Repo, number: int, users: list[str], teams: list[str]) -> PullRequest:
        return self._pulls.request_reviewers(repo, number, users, teams)

    def add_assignees(self, repo: Repo, number: int, users: list[str]) -> PullRequest:
        return self._pulls.add_assignees(repo, number, users)

    def close_pull_request(self, repo: Repo, number: int) -> PullRequest:
        """Close (decline) an open pull request; a merged or closed one is returned unchanged."""
        return self._pulls.close(repo, number)


# ---------------------------------------------------------------------------------------------
# helpers


def _valid(owner: str) -> bool:
    try:
        check_name(owner, "owner")
    except ForgeError:
        return False
    return True


def _web_from_api(base_url: str) -> str:
    """The web host of an API URL: api.github.com -> github.com, HOST/api/v3 -> HOST."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.netloc == "api.github.com":
        return "https://github.com"
    path = parts.path.removesuffix("/api/v3").rstrip("/")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
