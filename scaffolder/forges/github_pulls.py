"""Pull requests on GitHub (PyGithub): find, open, read, update, close, label.

Used by `GitHubForge`, which hands it a way to get a lazy PyGithub repository and its
`GitHubErrors`; every call goes through that one error wrapper.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from github import GithubException

from scaffolder.errors import ForgeError
from scaffolder.forges.base import PullRequest, PullState, Repo
from scaffolder.forges.github_errors import GitHubErrors, describe, errors, message

if TYPE_CHECKING:
    from github.PullRequest import PullRequest as GhPullRequest
    from github.Repository import Repository as GhRepository
    from github.Requester import Requester

log = logging.getLogger("scaffolder.forges.github")


class GitHubPulls:
    """The pull-request half of the GitHub forge."""

    def __init__(
        self, repo: Callable[[str, str], GhRepository], requester: Callable[[], Requester], errors: GitHubErrors
    ) -> None:
        self._repo = repo
        self._requester = requester
        self._errors = errors

    def find(self, repo: Repo, head: str) -> PullRequest | None:
        """The newest pull request from branch `head`, open or not."""
        gh = self._repo(repo.owner, repo.name)
        what = f"find pull requests from {head} in {repo.full_name}"

        def newest() -> PullRequest | None:
            pulls = gh.get_pulls(state="all", head=f"{repo.owner}:{head}", sort="created", direction="desc")
            return next((_to_pull(pr) for pr in pulls), None)

        return self._errors.call(
            what, newest, _unseen(what, "the repository does not exist or the token cannot see it")
        )

    def open(self, repo: Repo, head: str, base: str, title: str, body: str, labels: list[str]) -> PullRequest:
        """Open a pull request; one from `head` into `base` already open is updated instead."""
        gh = self._repo(repo.owner, repo.name)
        what = f"open a pull request from {head} into {base} in {repo.full_name}"
        log.info("%s", what)

        def create() -> GhPullRequest | PullRequest:
            try:
                return gh.create_pull(base=base, head=head, title=title, body=body)
            except GithubException as exc:
                # e.g. our earlier POST went through but its answer was lost and PyGithub retried
                if exc.status == 422 and "already exists" in _details(exc):
                    existing = self.find(repo, head)
                    if existing is not None and existing.state == "open" and existing.base == base:
                        return existing
                raise

        pr = self._errors.call(what, create, lambda exc: _explain_open(what, exc, head, base))
        if isinstance(pr, PullRequest):
            log.info("pull request #%d from %s is already open", pr.number, head)
            return self.update(repo, pr.number, title, body, labels)
        if labels:
            self._errors.call(f"label pull request #{pr.number} of {repo.full_name}", lambda: self._label(pr, labels))
            return _with_labels(_to_pull(pr), labels)
        return _to_pull(pr)

    def get(self, repo: Repo, number: int) -> PullRequest:
        """One pull request by number."""
        gh = self._repo(repo.owner, repo.name)
        what = f"read pull request #{number} of {repo.full_name}"
        return self._errors.call(what, lambda: _to_pull(_fetched(gh.get_pull(number))))

    def update(self, repo: Repo, number: int, title: str, body: str, labels: list[str]) -> PullRequest:
        """Set a pull request's title, body and labels (only what differs is sent)."""
        gh = self._repo(repo.owner, repo.name)
        what = f"update pull request #{number} of {repo.full_name}"
        log.info("%s", what)

        def update() -> PullRequest:
            pr = _fetched(gh.get_pull(number))
            if pr.title != title or (pr.body or "") != body:
                pr.edit(title=title, body=body)
            if sorted(label.name for label in pr.labels) != sorted(labels):
                self._label(pr, labels)
                return _with_labels(_to_pull(pr), labels)
            return _to_pull(pr)

        return self._errors.call(what, update, _unseen(what, "no such pull request (or the token cannot see it)"))

    def close(self, repo: Repo, number: int) -> PullRequest:
        """Close (decline) an open pull request; a merged or closed one is returned unchanged."""
        gh = self._repo(repo.owner, repo.name)
        what = f"close pull request #{number} of {repo.full_name}"

        def close() -> PullRequest:
            pr = _fetched(gh.get_pull(number))
            if pr.state == "open":
                log.info("%s", what)
                pr.edit(state="closed")
            return _to_pull(pr)

        return self._errors.call(what, close)

    def request_reviewers(self, repo: Repo, number: int, users: list[str], teams: list[str]) -> PullRequest:
        """Ask users (logins) and teams (slugs) to review; only those not asked yet are sent."""
        gh = self._repo(repo.owner, repo.name)
        what = f"request reviewers on pull request #{number} of {repo.full_name}"

        def request() -> PullRequest:
            pr = _fetched(gh.get_pull(number))
            current = _to_pull(pr)
            new_users = _new(users, current.reviewers)
            new_teams = _new(teams, current.team_reviewers)
            if not new_users and not new_teams:
                return current
            log.info("%s: %s", what, ", ".join([*new_users, *(f"team {t}" for t in new_teams)]))
            pr.create_review_request(reviewers=new_users, team_reviewers=new_teams)
            asked = (*current.reviewers, *new_users), (*current.team_reviewers, *new_teams)
            return replace(current, reviewers=asked[0], team_reviewers=asked[1])

        return self._errors.call(what, request, lambda exc: _explain_people(what, exc))

    def add_assignees(self, repo: Repo, number: int, users: list[str]) -> PullRequest:
        """Assign users (logins), keeping the current assignees (GitHub ignores who cannot be assigned)."""
        gh = self._repo(repo.owner, repo.name)
        what = f"assign pull request #{number} of {repo.full_name}"

        def assign() -> PullRequest:
            pr = _fetched(gh.get_pull(number))
            have = {a.login.lower() for a in pr.assignees}
            new = [u for u in dict.fromkeys(users) if u.lower() not in have]
            if new:
                log.info("%s to %s", what, ", ".join(new))
                pr.add_to_assignees(*new)
            return _to_pull(pr)

        return self._errors.call(what, assign, lambda exc: _explain_people(what, exc))

    def _label(self, pr: GhPullRequest, labels: list[str]) -> None:
        """Replace a pull request's labels with the body GitHub's description documents
        (`{"labels": [...]}`; PyGithub's `set_labels` sends a bare list, which it does not)."""
        url = f"{pr.issue_url}/labels"
        if labels:
            self._requester().requestJsonAndCheck("PUT", url, input={"labels": list(labels)})
        else:  # the PUT body needs at least one label: remove them all instead
            self._requester().requestJsonAndCheck("DELETE", url)


def _details(exc: GithubException) -> str:
    return " ".join(describe(e) for e in errors(exc))


def _explain_open(what: str, exc: GithubException, head: str, base: str) -> ForgeError | None:
    """Words the 422 answers of opening a pull request: a missing branch, nothing to merge."""
    if exc.status != 422:
        return None
    fields = {str(e.get("field")) for e in errors(exc)}
    if fields & {"head", "base"}:
        missing = " and ".join(b for f, b in (("head", head), ("base", base)) if f in fields)
        return ForgeError(f"cannot {what}: no branch {missing} on GitHub")
    if "No commits between" in _details(exc):
        return ForgeError(f"cannot {what}: {base} already contains every commit of {head}")
    return None


def _new(names: list[str], have: tuple[str, ...]) -> list[str]:
    """`names` not in `have` (GitHub compares logins and slugs case-insensitively), each once."""
    seen = {h.lower() for h in have}
    return [n for n in dict.fromkeys(names) if n.lower() not in seen]


def _explain_people(what: str, exc: GithubException) -> ForgeError | None:
    """Words GitHub's 422 on review requests (not a collaborator, the author, an unknown team)."""
    if exc.status != 422:
        return None
    return ForgeError(f"cannot {what}: {_details(exc) or message(exc) or 'GitHub refused it'}")


def _unseen(what: str, reason: str) -> Callable[[GithubException], ForgeError | None]:
    """Words a 404 answer as `reason`."""
    return lambda exc: ForgeError(f"cannot {what}: {reason}") if exc.status == 404 else None


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
        reviewers=tuple(user.login for user in pr.requested_reviewers or []),
        team_reviewers=tuple(team.slug for team in pr.requested_teams or []),
        assignees=tuple(user.login for user in pr.assignees or []),
    )


def _fetched(pr: GhPullRequest) -> GhPullRequest:
    """Make a lazy pull request fetch itself now (so a 404 surfaces here)."""
    _ = pr.title
    return pr


def _with_labels(pr: PullRequest, labels: list[str]) -> PullRequest:
    return replace(pr, labels=tuple(labels))
