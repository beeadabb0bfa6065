"""The forge protocol: create a repo, push to it, read from it, list repos, and pull requests.

Actions reach the forge only through this protocol (handed to them in the run context), so every
golden path runs unchanged on the embedded forge (bare git repos on disk) and on GitHub.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

Visibility = Literal["public", "private", "internal"]
PullState = Literal["open", "merged", "closed"]


@dataclass(frozen=True)
class RepoSpec:
    """What to create: `owner` is a user or organisation on the forge (None: the forge's default)."""

    name: str
    owner: str | None = None
    description: str = ""
    visibility: Visibility = "private"
    topics: tuple[str, ...] = ()
    default_branch: str = "main"
    protect_default_branch: bool = False
    teams: tuple[tuple[str, str], ...] = ()  # (team slug, permission)


@dataclass(frozen=True)
class Repo:
    """A repository on a forge. `clone_url` never carries credentials."""

    owner: str
    name: str
    url: str
    clone_url: str
    default_branch: str = "main"
    description: str = ""
    archived: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(frozen=True)
class PullRequest:
    """A pull request as the migration bot sees it."""

    number: int
    url: str
    head: str
    base: str
    title: str
    body: str
    state: PullState
    head_sha: str
    labels: tuple[str, ...] = field(default_factory=tuple)
    reviewers: tuple[str, ...] = ()  # users asked to review (logins on GitHub, user names on the embedded forge)
    team_reviewers: tuple[str, ...] = ()  # teams asked to review (GitHub team slugs)
    assignees: tuple[str, ...] = ()


@runtime_checkable
class ReviewableForge(Protocol):
    """A forge whose pull requests scaffold itself can list, merge and close (the embedded one;
    on GitHub people review and merge in GitHub)."""

    def pull_requests(self, repo: Repo) -> list[PullRequest]: ...

    def merge_pull_request(self, repo: Repo, number: int) -> PullRequest: ...

    def close_pull_request(self, repo: Repo, number: int) -> PullRequest: ...


@runtime_checkable
class PeopleForge(Protocol):
    """A forge that can ask people to review a pull request and assign it (both built-in forges)."""

    def request_reviewers(self, repo: Repo, number: int, users: list[str], teams: list[str]) -> PullRequest:
        """Ask users and teams (slugs) to review; those already asked are asked once."""
        ...

    def add_assignees(self, repo: Repo, number: int, users: list[str]) -> PullRequest:
        """Assign users to the pull request, keeping the assignees it has."""
        ...


class Forge(Protocol):
    """Where repos live. Implementations: `LocalForge` (embedded), `GitHubForge` (production)."""

    kind: str

    def default_owner(self) -> str:
        """The owner used when a RepoSpec names none."""
        ...

    def get_repo(self, owner: str, name: str) -> Repo | None:
        """The repo, or None when it does not exist."""
        ...

    def create_repo(self, spec: RepoSpec) -> Repo:
        """Create an empty repo; raises RepoConflict when the name is taken."""
        ...

    def planned_repo(self, spec: RepoSpec) -> Repo:
        """The Repo that `create_repo(spec)` would make, without making it (for dry runs)."""
        ...

    def push(
        self,
        repo: Repo,
        worktree: Path,
        refspecs: list[str],
        force: bool = False,
        lease: Mapping[str, str] | None = None,
    ) -> None:
        """Push refs from a local git work tree to the repo, authenticating as the forge needs.

        With `lease` ({ref: expected commit, "" = absent}) a ref is overwritten only if it still
        points where the caller last saw it; otherwise ForgeError, and nothing changes.
        """
        ...

    def clone(self, repo: Repo, dest: Path, branch: str | None = None) -> Path:
        """Clone the repo into `dest` (authenticating as `push` does); returns `dest`."""
        ...

    def head_sha(self, repo: Repo, branch: str) -> str | None:
        """The commit a branch points at, or None when the branch does not exist."""
        ...

    def tree_sha(self, repo: Repo, branch: str) -> str | None:
        """The tree a branch's head commit holds, or None (same tree = same content)."""
        ...

    def read_file(self, repo: Repo, path: str, ref: str | None = None) -> bytes | None:
        """One file's bytes at a ref (default branch when None), or None when absent."""
        ...

    def blob_url(self, repo: Repo, path: str, ref: str | None = None) -> str:
        """A URL naming one file at a ref, as a catalog location would use."""
        ...

    def list_repos(self, owner: str | None = None) -> list[Repo]:
        """Every repo of an owner (all owners for the embedded forge when None)."""
        ...

    def find_pull_request(self, repo: Repo, head: str) -> PullRequest | None:
        """The newest pull request from branch `head`, in any state, or None."""
        ...

    def open_pull_request(
        self, repo: Repo, head: str, base: str, title: str, body: str, labels: list[str]
    ) -> PullRequest:
        """Open a pull request from `head` into `base`."""
        ...

    def update_pull_request(self, repo: Repo, number: int, title: str, body: str, labels: list[str]) -> PullRequest:
        """Replace a pull request's title, body and labels."""
        ...
