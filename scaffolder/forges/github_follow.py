"""Following a pull request on GitHub (PyGithub): its checks, whether it merges, merging, commenting.

A mix-in of `GitHubForge` (which gives it `_repo`, `_errors` and `_pulls`). Checks are GitHub's two kinds read
for the head commit: check runs (`GET /repos/{owner}/{repo}/commits/{ref}/check-runs`, GitHub Actions
and apps) and commit statuses (`GET …/commits/{ref}/status`, older CI), reduced to one state by
`Checks.combine`. Merging sends the head SHA the bot saw, so a commit pushed since is never merged.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from github import GithubException

from scaffolder.errors import ForgeError
from scaffolder.forges.base import Checks, CheckState, PullRequest, Repo
from scaffolder.forges.github_errors import GitHubErrors, message
from scaffolder.forges.github_pulls import GitHubPulls

if TYPE_CHECKING:
    from github.Repository import Repository as GhRepository

log = logging.getLogger("scaffolder.forges.github")

# A check run's conclusion once completed (GitHub's list); anything not completed is pending.
_CONCLUSIONS: dict[str | None, CheckState] = {
    "success": "success",
    "neutral": "success",
    "skipped": "success",
    "timed_out": "timed-out",
}
_STATUSES: dict[str, CheckState] = {"success": "success", "pending": "pending"}  # error, failure: failure


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


class GitHubFollow:
    """The checks, merge and comment half of the GitHub forge."""

    _errors: GitHubErrors
    _pulls: GitHubPulls

    def _repo(self, owner: str, name: str) -> GhRepository:
        raise NotImplementedError  # GitHubForge's

    def _me(self) -> str:
        raise NotImplementedError  # GitHubForge's

    def pull_checks(self, repo: Repo, sha: str) -> Checks:
        """The check runs and commit statuses of commit `sha`, reduced to one state."""
        commit = self._repo(repo.owner, repo.name).get_commit(sha)

        def read() -> Checks:
            items: list[tuple[str, str, str | None]] = []
            for run in commit.get_check_runs():
                state = _CONCLUSIONS.get(run.conclusion, "failure") if run.status == "completed" else "pending"
                items.append((run.name, state, _iso(run.started_at)))
            for status in commit.get_combined_status().statuses:
                items.append((status.context, _STATUSES.get(status.state, "failure"), _iso(status.created_at)))
            return Checks.combine(items)

        return self._errors.call(f"read the checks of {sha[:12]} in {repo.full_name}", read)

    def mergeable(self, repo: Repo, number: int) -> bool | None:
        """GitHub's own answer (None while it is still computing it)."""
        gh = self._repo(repo.owner, repo.name)
        found: bool | None = self._errors.call(
            f"read pull request #{number} of {repo.full_name}", lambda: gh.get_pull(number).mergeable
        )
        return found

    def merge_pull_request(self, repo: Repo, number: int, sha: str | None = None) -> PullRequest:
        """Merge with a merge commit (only while `sha` is the head, when given); a token that may
        not merge, a branch protection that blocks it or a moved head is a ForgeError saying so."""
        gh = self._repo(repo.owner, repo.name)
        what = f"merge pull request #{number} of {repo.full_name}"
        log.info("%s", what)

        def merge() -> None:
            pr = gh.get_pull(number)
            try:
                if sha:
                    pr.merge(merge_method="merge", sha=sha)
                else:
                    pr.merge(merge_method="merge")
            except GithubException as exc:
                if exc.status != 405 or not self._merged_by_me(gh, number, sha):
                    raise

        self._errors.call(what, merge, lambda exc: _explain_merge(what, exc))
        return self._pulls.get(repo, number)

    def _merged_by_me(self, gh: GhRepository, number: int, sha: str | None) -> bool:
        """Whether this token merged the PR (at `sha`) already: PyGithub retries a rate-limited
        merge whose first try went through, and GitHub answers the retry 405 (not mergeable)."""
        pr = gh.get_pull(number)
        by = pr.merged_by.login if pr.merged and pr.merged_by is not None else None
        return sha is not None and by is not None and by.lower() == self._me().lower() and pr.head.sha == sha

    def comment_pull_request(self, repo: Repo, number: int, body: str) -> None:
        """Add a comment to the pull request's conversation (it is an issue too)."""
        gh = self._repo(repo.owner, repo.name)
        what = f"comment on pull request #{number} of {repo.full_name}"
        self._errors.call(what, lambda: gh.get_issue(number).create_comment(body))


def _explain_merge(what: str, exc: GithubException) -> ForgeError | None:
    """Words GitHub's refusals to merge: 403 (no right to), 405 (not mergeable: protection,
    conflicts, already merged), 409 (the head moved since the SHA given)."""
    said = message(exc) or "no reason given"
    if exc.status == 403:
        return ForgeError(f"cannot {what}: no merge rights: GitHub refused (403: {said})")
    if exc.status == 405:
        return ForgeError(f"cannot {what}: GitHub refused (405: {said})")
    if exc.status == 409:
        return ForgeError(f"cannot {what}: its head moved since the bot looked (409: {said})")
    return None
