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
  raises `ForgeError` (a taken name: `RepoConflict`); nothing is dropped silently.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import subprocess
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from github import Auth, Github, GithubException, GithubRetry, RateLimitExceededException
from github.GithubException import BadCredentialsException, RateLimitExceededExceedsMaxWait

from scaffolder import redact
from scaffolder.errors import ForgeError, Problem, RepoConflict
from scaffolder.forges.base import PullRequest, PullState, Repo, RepoSpec
from scaffolder.git import lease_flags
from scaffolder.git_process import SAFE_ARGS, repo_args

if TYPE_CHECKING:
    from github.ContentFile import ContentFile
    from github.PullRequest import PullRequest as GhPullRequest
    from github.Repository import Repository as GhRepository

log = logging.getLogger(__name__)

_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_T = TypeVar("_T")
_MASK = "********"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before a GitHub call becomes a `ForgeError`.

    `attempts` retries (after the first try) apply to 5xx answers, rate limits and connection
    errors; `connect_attempts` caps the retries of connection errors (an unreachable host fails
    fast). Backoff between retries is `backoff * 2**(n-1)` seconds up to `backoff_max`, unless the
    answer says how long to wait (`Retry-After`, or a primary limit's `x-ratelimit-reset`). A
    secondary rate limit without `Retry-After` waits `secondary_rate_wait` (GitHub: at least a
    minute). A wait longer than `max_rate_limit_wait` is not waited: it raises at once.
    """

    attempts: int = 5
    connect_attempts: int = 2
    backoff: float = 0.5
    backoff_max: float = 30.0
    secondary_rate_wait: float = 60.0
    max_rate_limit_wait: float = 300.0

    def build(self) -> GithubRetry:
        methods = frozenset(GithubRetry.DEFAULT_ALLOWED_METHODS) | {"GET", "POST", "PATCH"}
        return GithubRetry(
            total=self.attempts,
            connect=self.connect_attempts,
            backoff_factor=self.backoff,
            backoff_max=self.backoff_max,
            secondary_rate_wait=self.secondary_rate_wait,
            max_rate_limit_wait=self.max_rate_limit_wait,
            allowed_methods=methods,
        )


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
        if owner is not None and not _NAME.match(owner):
            raise ForgeError(f"invalid GitHub owner name {owner!r}")
        self._token = token
        self._owner = owner
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.git_timeout = git_timeout
        self._gh = Github(
            base_url=self.base_url,
            auth=Auth.Token(token),
            timeout=timeout,
            retry=self.retry.build(),
            seconds_between_requests=min_request_interval or None,
            seconds_between_writes=min_write_interval or None,
            lazy=True,
        )
        self._login: str | None = None
        self._web_base: str | None = None
        self._after_push: dict[tuple[str, str], _AfterPush] = {}

    def close(self) -> None:
        """Close PyGithub's HTTP connections."""
        self._gh.close()

    def __enter__(self) -> GitHubForge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GitHubForge(base_url={self.base_url!r}, owner={self._owner!r})"

    # -- errors --------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        secrets = {self._token, _basic(self._token)}
        for secret in sorted(secrets, key=len, reverse=True):
            text = text.replace(secret, _MASK)
        return text

    def _fail(self, what: str, exc: Exception) -> NoReturn:
        """Raise one clear ForgeError for a failed GitHub call (`what`: "create repo acme/x"); its
        message and problems, which quote GitHub's answer, never hold the token."""
        raise redact.error(self._error(what, exc), [self._token, _basic(self._token)]) from None

    def _error(self, what: str, exc: Exception) -> ForgeError:
        if isinstance(exc, RateLimitExceededExceedsMaxWait):
            return ForgeError(
                self._scrub(
                    f"cannot {what}: GitHub's rate limit would need a wait of about "
                    f"{exc.wait:.0f}s (more than {self.retry.max_rate_limit_wait:.0f}s); "
                    "try again later"
                )
            )
        if isinstance(exc, RateLimitExceededException):
            return ForgeError(
                self._scrub(
                    f"cannot {what}: GitHub's rate limit was still exceeded after "
                    f"{self.retry.attempts} retries ({_message(exc)}); try again later"
                )
            )
        if isinstance(exc, BadCredentialsException) or (isinstance(exc, GithubException) and exc.status == 401):
            return ForgeError(
                f"cannot {what}: GitHub at {self.base_url} rejected the token (401 "
                f"{_message(exc) or 'Bad credentials'}); check that it is valid, not expired, "
                "and meant for this server"
            )
        if isinstance(exc, GithubException):
            problems = [Problem(str(e.get("field") or e.get("resource") or ""), _describe(e)) for e in _errors(exc)]
            message = _message(exc)
            if exc.status >= 500:
                return ForgeError(
                    self._scrub(
                        f"cannot {what}: GitHub kept failing ({exc.status} {message}) "
                        f"after {self.retry.attempts} retries"
                    )
                )
            return ForgeError(self._scrub(f"cannot {what}: GitHub answered {exc.status} {message}"), problems)
        if isinstance(exc, OSError):  # requests' ConnectionError, Timeout and RetryError
            text = str(exc)
            status = re.search(r"too many (\d{3}) error responses", text)
            if status and status.group(1) in ("403", "429"):
                return ForgeError(
                    self._scrub(
                        f"cannot {what}: GitHub's rate limit was still exceeded after "
                        f"{self.retry.attempts} retries; try again later"
                    )
                )
            if status:
                return ForgeError(
                    self._scrub(
                        f"cannot {what}: GitHub kept failing ({status.group(1)}) after {self.retry.attempts} retries"
                    )
                )
            return ForgeError(
                self._scrub(f"cannot {what}: GitHub at {self.base_url} cannot be reached ({_short(text)})")
            )
        return ForgeError(self._scrub(f"cannot {what}: {type(exc).__name__}: {exc}"))

    def _call(self, what: str, func: Callable[[], _T]) -> _T:
        try:
            return func()
        except (GithubException, OSError) as exc:
            self._fail(what, exc)

    # -- accounts ------------------------------------------------------------------------------

    def _me(self) -> str:
        """The token's user (one `GET /user`, cached); also learns the web host's URL."""
        if self._login is None:
            user = self._gh.get_user()
            login, html_url = self._call(
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
        return self._gh.get_repo(f"{_check(owner, 'owner')}/{_check(name, 'repo')}")

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
        try:
            return self._to_repo(gh) if gh.full_name else None  # reading full_name fetches it
        except GithubException as exc:
            if exc.status == 404:
                return None
            self._fail(f"read repo {owner}/{name}", exc)
        except OSError as exc:
            self._fail(f"read repo {owner}/{name}", exc)

    def planned_repo(self, spec: RepoSpec) -> Repo:
        owner = _check(spec.owner or self.default_owner(), "owner")
        name = _check(spec.name, "repo")
        url = f"{self._web()}/{owner}/{name}"
        return Repo(owner, name, url, f"{url}.git", spec.default_branch, spec.description)

    def create_repo(self, spec: RepoSpec) -> Repo:
        owner = _check(spec.owner or self.default_owner(), "owner")
        name = _check(spec.name, "repo")
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
        try:
            if user_repo:
                gh = self._gh.get_user().create_repo(
                    name, description=spec.description, private=spec.visibility != "public", auto_init=False
                )
            else:
                gh = self._gh.get_organization(owner).create_repo(
                    name, description=spec.description, visibility=spec.visibility, auto_init=False
                )
        except GithubException as exc:
            if exc.status == 422 and any("already exists" in _describe(e) for e in _errors(exc)):
                raise RepoConflict(f"repo {full} already exists on GitHub ({self._web()}/{full})") from exc
            if not user_repo and exc.status == 404:
                raise ForgeError(
                    f"cannot create {full}: organization {owner} does not exist on "
                    f"{self._web()} or the token's user ({self._me()}) is not a member"
                ) from exc
            if not user_repo and exc.status == 403:
                raise ForgeError(
                    self._scrub(
                        f"cannot create {full}: the token's user ({self._me()}) may not create "
                        f"repositories in organization {owner} ({_message(exc)}); ask an owner of "
                        "the organization for that permission, or for a token that has it"
                    )
                ) from exc
            self._fail(f"create repo {full}", exc)
        except OSError as exc:
            self._fail(f"create repo {full}", exc)

        if spec.topics:
            self._call(f"set the topics of {full}", lambda: gh.replace_topics(list(spec.topics)))
        for slug, permission in spec.teams:
            self._grant_team(owner, slug, gh, permission)
        repo = self._to_repo(gh)
        if spec.protect_default_branch or repo.default_branch != spec.default_branch:
            self._after_push[(owner.lower(), name.lower())] = _AfterPush(
                spec.default_branch, spec.protect_default_branch
            )
        return Repo(repo.owner, repo.name, repo.url, repo.clone_url, spec.default_branch, spec.description)

    def _grant_team(self, org: str, slug: str, gh: GhRepository, permission: str) -> None:
        what = f"give team {org}/{slug} {permission} access to {org}/{gh.name}"
        log.info("%s", what)
        team = self._gh.get_organization(org).get_team_by_slug(slug)
        try:
            team.update_team_repository(gh, permission)
        except GithubException as exc:
            if exc.status == 404:
                raise ForgeError(
                    f"cannot {what}: no team {slug!r} in organization {org} (or the token cannot see it)"
                ) from exc
            self._fail(what, exc)
        except OSError as exc:
            self._fail(what, exc)

    def protect_branch(self, repo: Repo, branch: str, required_approvals: int = 1) -> None:
        """Protect a branch that exists on GitHub: changes go through pull requests with
        `required_approvals` approving reviews (stale approvals dismissed on new commits), no
        force pushes, no deletion. Administrators can still bypass it (`enforce_admins` off)."""
        what = f"protect branch {branch} of {repo.full_name}"
        log.info("%s", what)
        gh = self._repo(repo.owner, repo.name)
        try:
            gh.get_branch(branch).edit_protection(
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
            )
        except GithubException as exc:
            if exc.status == 404 and "branch" in (_message(exc) or "").lower():
                raise ForgeError(f"cannot {what}: the branch does not exist on GitHub yet (push it first)") from exc
            self._fail(what, exc)
        except OSError as exc:
            self._fail(what, exc)

    def set_default_branch(self, repo: Repo, branch: str) -> None:
        """Make an existing branch the repository's default branch."""
        gh = self._repo(repo.owner, repo.name)
        self._call(f"set the default branch of {repo.full_name} to {branch}", lambda: gh.edit(default_branch=branch))

    def list_repos(self, owner: str | None = None) -> list[Repo]:
        """Every repo of `owner` the token can see: an organization's (private ones too for its
        members), the token user's own, or another user's public ones."""
        who = _check(owner or self.default_owner(), "owner")
        what = f"list the repositories of {who}"
        try:
            if self._is_me(who):
                listing = self._gh.get_user().get_repos(affiliation="owner")
                return [self._to_repo(r) for r in listing]
            try:
                return [self._to_repo(r) for r in self._gh.get_organization(who).get_repos(type="all")]
            except GithubException as exc:
                if exc.status != 404:
                    raise
            return [self._to_repo(r) for r in self._gh.get_user(who).get_repos()]
        except GithubException as exc:
            if exc.status == 404:
                raise ForgeError(f"cannot {what}: no user or organization {who} on {self._web()}") from exc
            self._fail(what, exc)
        except OSError as exc:
            self._fail(what, exc)

    # -- git -----------------------------------------------------------------------------------

    def _git_env(self) -> dict[str, str]:
        """The environment for `git push`: the token as an extra HTTP header, no prompts, no
        credential helpers (so nothing is stored or asked for)."""
        env = dict(os.environ)
        for var in ("GIT_ASKPASS", "SSH_ASKPASS"):
            env.pop(var, None)
        env["GIT_TERMINAL_PROMPT"] = "0"
        try:
            start = int(env.get("GIT_CONFIG_COUNT") or 0)
        except ValueError:
            start = 0
        entries = [
            ("credential.helper", ""),
            ("core.askPass", ""),
            ("http.extraHeader", ""),  # an empty value drops headers configured elsewhere
            ("http.extraHeader", f"Authorization: Basic {_basic(self._token)}"),
        ]
        for index, (key, value) in enumerate(entries, start):
            env[f"GIT_CONFIG_KEY_{index}"] = key
            env[f"GIT_CONFIG_VALUE_{index}"] = value
        env["GIT_CONFIG_COUNT"] = str(start + len(entries))
        return env

    def push(
        self,
        repo: Repo,
        worktree: Path,
        refspecs: list[str],
        force: bool = False,
        lease: Mapping[str, str] | None = None,
    ) -> None:
        if repo.archived:
            raise ForgeError(f"cannot push to {repo.full_name}: the repository is archived (read-only) on GitHub")
        url = repo.clone_url
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme != "https" and not (scheme == "http" and self.base_url.startswith("http://")):
            raise ForgeError(f"cannot push to {repo.full_name}: refusing to send the token to {url!r} (not https)")
        if not refspecs:
            raise ForgeError(f"cannot push to {repo.full_name}: no refspecs given")
        if any(r.startswith("-") for r in refspecs):
            raise ForgeError(f"cannot push to {repo.full_name}: invalid refspec in {refspecs!r}")
        flags = lease_flags(lease) if lease else (["--force"] if force else [])
        args = ["git", *SAFE_ARGS, *repo_args(worktree), "push", "--porcelain", *flags, url, *refspecs]
        log.info("pushing %s to %s", " ".join(refspecs), url)
        try:
            proc = subprocess.run(
                args,
                cwd=worktree,
                env=self._git_env(),
                capture_output=True,
                text=True,
                timeout=self.git_timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ForgeError(
                f"cannot push to {repo.full_name}: git push took more than {self.git_timeout:.0f}s"
            ) from None
        except OSError as exc:
            raise ForgeError(f"cannot push to {repo.full_name}: cannot run git ({exc})") from None
        if proc.returncode != 0:
            raise self._push_error(repo, self._scrub(f"{proc.stdout}\n{proc.stderr}"))
        log.debug("push to %s done", repo.full_name)
        self._settle_after_push(repo)

    def clone(self, repo: Repo, dest: Path, branch: str | None = None) -> Path:
        """Clone over HTTPS with the token in a header from the environment, never in the URL."""
        url = repo.clone_url
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme != "https" and not (scheme == "http" and self.base_url.startswith("http://")):
            raise ForgeError(f"cannot clone {repo.full_name}: refusing to send the token to {url!r} (not https)")
        args = ["git", *SAFE_ARGS, "clone", "--quiet", *(["--branch", branch] if branch else []), "--", url, str(dest)]
        try:
            proc = subprocess.run(
                args, env=self._git_env(), capture_output=True, text=True, timeout=self.git_timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise ForgeError(
                f"cannot clone {repo.full_name}: git clone took more than {self.git_timeout:.0f}s"
            ) from None
        if proc.returncode != 0:
            raise ForgeError(f"cannot clone {repo.full_name}: {self._scrub(_short(proc.stderr.strip()))}")
        return dest

    def _push_error(self, repo: Repo, output: str) -> ForgeError:
        lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
        remote = [ln.removeprefix("remote:").strip() for ln in lines if ln.startswith("remote:")]
        detail = "; ".join(remote) or _short(" ".join(ln for ln in lines if "fatal:" in ln or "error:" in ln) or output)
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
        default = self._call(f"read repo {repo.full_name}", lambda: current.default_branch)
        if default != pending.default_branch:
            self.set_default_branch(repo, pending.default_branch)
        if pending.protect:
            self.protect_branch(repo, pending.default_branch)
        del self._after_push[key]

    def head_sha(self, repo: Repo, branch: str) -> str | None:
        ref = self._repo(repo.owner, repo.name).get_git_ref(f"heads/{branch}")
        try:
            sha: str = ref.object.sha
        except GithubException as exc:
            if exc.status in (404, 409):  # no such branch; 409: the repository is empty
                return None
            self._fail(f"read branch {branch} of {repo.full_name}", exc)
        except OSError as exc:
            self._fail(f"read branch {branch} of {repo.full_name}", exc)
        return sha

    def tree_sha(self, repo: Repo, branch: str) -> str | None:
        """The tree of a branch's head, or None when the branch does not exist."""
        gh = self._repo(repo.owner, repo.name)
        try:
            sha: str = gh.get_branch(branch).commit.commit.tree.sha
        except GithubException as exc:
            if exc.status == 404:
                return None
            self._fail(f"read branch {branch} of {repo.full_name}", exc)
        except OSError as exc:
            self._fail(f"read branch {branch} of {repo.full_name}", exc)
        return sha

    def read_file(self, repo: Repo, path: str, ref: str | None = None) -> bytes | None:
        gh = self._repo(repo.owner, repo.name)
        path = path.strip("/")
        at = f"{repo.full_name}:{path}" + (f" at {ref}" if ref else "")
        try:
            found = gh.get_contents(path, ref=ref) if ref else gh.get_contents(path)
            if isinstance(found, list):
                raise ForgeError(f"cannot read {at}: it is a directory")
            content: ContentFile = found
            if content.encoding == "base64":
                return content.decoded_content
            # files over 1 MB come without content: read the blob through the git data API
            blob = gh.get_git_blob(content.sha)
            return base64.b64decode(blob.content)
        except GithubException as exc:
            if exc.status == 404:  # no such file, ref, or the repository is empty
                return None
            self._fail(f"read {at}", exc)
        except OSError as exc:
            self._fail(f"read {at}", exc)

    def blob_url(self, repo: Repo, path: str, ref: str | None = None) -> str:
        quoted_ref = urllib.parse.quote(ref or repo.default_branch, safe="/")
        return f"{repo.url}/blob/{quoted_ref}/{urllib.parse.quote(path.strip('/'), safe='/')}"

    # -- pull requests -------------------------------------------------------------------------

    @staticmethod
    def _to_pull(pr: GhPullRequest) -> PullRequest:
        state: PullState
        if pr.merged_at is not None:
            state = "merged"
        elif pr.state == "closed":
            state = "closed"
        else:
            state = "open"
        return PullRequest(
            number=pr.number,
            url=pr.html_url,
            head=pr.head.ref,
            base=pr.base.ref,
            title=pr.title,
            body=pr.body or "",
            state=state,
            head_sha=pr.head.sha,
            labels=tuple(label.name for label in pr.labels),
        )

    def find_pull_request(self, repo: Repo, head: str) -> PullRequest | None:
        gh = self._repo(repo.owner, repo.name)
        what = f"find pull requests from {head} in {repo.full_name}"
        try:
            pulls = gh.get_pulls(state="all", head=f"{repo.owner}:{head}", sort="created", direction="desc")
            for pr in pulls:
                return self._to_pull(pr)
        except GithubException as exc:
            if exc.status == 404:
                raise ForgeError(f"cannot {what}: the repository does not exist or the token cannot see it") from exc
            self._fail(what, exc)
        except OSError as exc:
            self._fail(what, exc)
        return None

    def open_pull_request(
        self, repo: Repo, head: str, base: str, title: str, body: str, labels: list[str]
    ) -> PullRequest:
        gh = self._repo(repo.owner, repo.name)
        what = f"open a pull request from {head} into {base} in {repo.full_name}"
        log.info("%s", what)
        try:
            pr = gh.create_pull(base=base, head=head, title=title, body=body)
        except GithubException as exc:
            details = " ".join(_describe(e) for e in _errors(exc))
            if exc.status == 422 and "already exists" in details:
                # e.g. our earlier POST went through but its answer was lost and PyGithub retried
                existing = self.find_pull_request(repo, head)
                if existing is not None and existing.state == "open" and existing.base == base:
                    log.info("pull request #%d from %s is already open", existing.number, head)
                    return self.update_pull_request(repo, existing.number, title, body, labels)
            if exc.status == 422:
                fields = {str(e.get("field")) for e in _errors(exc)}
                if fields & {"head", "base"}:
                    missing = " and ".join(b for f, b in (("head", head), ("base", base)) if f in fields)
                    raise ForgeError(f"cannot {what}: no branch {missing} on GitHub") from exc
                if "No commits between" in details:
                    raise ForgeError(f"cannot {what}: {base} already contains every commit of {head}") from exc
            self._fail(what, exc)
        except OSError as exc:
            self._fail(what, exc)
        if labels:
            self._call(f"label pull request #{pr.number} of {repo.full_name}", lambda: self._set_labels(pr, labels))
            return _with_labels(self._to_pull(pr), labels)
        return self._to_pull(pr)

    def _set_labels(self, pr: GhPullRequest, labels: list[str]) -> None:
        """Replace a pull request's labels with the body GitHub's description documents
        (`{"labels": [...]}`; PyGithub's `set_labels` sends a bare list, which it does not)."""
        url = f"{pr.issue_url}/labels"
        if labels:
            self._gh.requester.requestJsonAndCheck("PUT", url, input={"labels": list(labels)})
        else:  # the PUT body needs at least one label: remove them all instead
            self._gh.requester.requestJsonAndCheck("DELETE", url)

    def get_pull_request(self, repo: Repo, number: int) -> PullRequest:
        """One pull request by number."""
        gh = self._repo(repo.owner, repo.name)
        return self._call(
            f"read pull request #{number} of {repo.full_name}", lambda: self._to_pull(_fetched(gh.get_pull(number)))
        )

    def update_pull_request(self, repo: Repo, number: int, title: str, body: str, labels: list[str]) -> PullRequest:
        gh = self._repo(repo.owner, repo.name)
        what = f"update pull request #{number} of {repo.full_name}"
        log.info("%s", what)
        try:
            pr = _fetched(gh.get_pull(number))
            if pr.title != title or (pr.body or "") != body:
                pr.edit(title=title, body=body)
            current = [label.name for label in pr.labels]
            if sorted(current) != sorted(labels):
                self._set_labels(pr, labels)
                return _with_labels(self._to_pull(pr), labels)
            return self._to_pull(pr)
        except GithubException as exc:
            if exc.status == 404:
                raise ForgeError(f"cannot {what}: no such pull request (or the token cannot see it)") from exc
            self._fail(what, exc)
        except OSError as exc:
            self._fail(what, exc)

    def close_pull_request(self, repo: Repo, number: int) -> PullRequest:
        """Close (decline) an open pull request; a merged or closed one is returned unchanged."""
        gh = self._repo(repo.owner, repo.name)
        what = f"close pull request #{number} of {repo.full_name}"
        try:
            pr = _fetched(gh.get_pull(number))
            if pr.state == "open":
                log.info("%s", what)
                pr.edit(state="closed")
            return self._to_pull(pr)
        except (GithubException, OSError) as exc:
            self._fail(what, exc)


# ---------------------------------------------------------------------------------------------
# helpers


def _fetched(pr: GhPullRequest) -> GhPullRequest:
    """Make a lazy pull request fetch itself now (so a 404 surfaces here)."""
    _ = pr.title
    return pr


def _with_labels(pr: PullRequest, labels: list[str]) -> PullRequest:
    return PullRequest(pr.number, pr.url, pr.head, pr.base, pr.title, pr.body, pr.state, pr.head_sha, tuple(labels))


def _basic(token: str) -> str:
    return base64.b64encode(f"x-access-token:{token}".encode()).decode()


def _check(value: str, what: str) -> str:
    if not _NAME.match(value) or value in (".", ".."):
        raise ForgeError(
            f"invalid {what} name {value!r}",
            [Problem(what, "use 1-100 of A-Z a-z 0-9 . _ -, not '.' or '..'")],
        )
    return value


def _web_from_api(base_url: str) -> str:
    """The web host of an API URL: api.github.com -> github.com, HOST/api/v3 -> HOST."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.netloc == "api.github.com":
        return "https://github.com"
    path = parts.path.removesuffix("/api/v3").rstrip("/")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _message(exc: GithubException) -> str:
    data = exc.data
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"]).splitlines()[0]
    return exc.message or ""


def _errors(exc: GithubException) -> list[dict[str, Any]]:
    data = exc.data
    errors = data.get("errors") if isinstance(data, dict) else None
    return [e if isinstance(e, dict) else {"message": str(e)} for e in errors or []]


def _describe(error: dict[str, Any]) -> str:
    if error.get("message"):
        return str(error["message"])
    parts = [str(error.get(k)) for k in ("resource", "field", "code") if error.get(k)]
    return " ".join(parts) or "invalid"


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
