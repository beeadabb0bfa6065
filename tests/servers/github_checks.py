"""The test server's check, merge and comment endpoints (a mix-in of `GitHubServer`), as GitHub documents them.

- `GET /repos/{owner}/{repo}/commits/{ref}/check-runs` and `…/commits/{ref}/status`: what tests
  reported with `add_check_run` / `add_status` (or `POST /repos/{owner}/{repo}/statuses/{sha}`).
- `PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge`: a real merge commit on the base branch;
  403 without push permission, 405 when the pull request is not open, conflicts, or its base
  branch's protection asks for approving reviews (none are ever given here), 409 when `sha` is
  not the head any more.
- `POST /repos/{owner}/{repo}/issues/{issue_number}/comments` (and `GET` to read them back).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .github_api import ApiError, Call, RepoState, _iso, _node_id, _now, _route


class ChecksApi:
    """Endpoints for following a pull request; mixed into `GitHubServer`, whose state it uses."""

    # -- test helpers --------------------------------------------------------------------------

    def add_check_run(
        self: Any,
        owner: str,
        name: str,
        sha: str,
        check: str,
        *,
        status: str = "completed",
        conclusion: str | None = "success",
        started_at: datetime | None = None,
    ) -> None:
        """Report a check run on a commit (as a GitHub App such as Actions would); a later run of
        the same name replaces the earlier one."""
        with self._lock:
            repo = self.repo(owner, name)
            runs = [r for r in repo.check_runs.setdefault(sha, []) if r["name"] != check]
            started = started_at or _now()
            runs.append(
                {
                    "id": next(self._ids),
                    "name": check,
                    "status": status,
                    "conclusion": conclusion if status == "completed" else None,
                    "started_at": started,
                    "completed_at": _now() if status == "completed" else None,
                }
            )
            repo.check_runs[sha] = runs

    def add_status(self: Any, owner: str, name: str, sha: str, context: str, state: str) -> None:
        """Report a commit status (as an older CI would)."""
        with self._lock:
            self._record_status(self.repo(owner, name), sha, context, state, None)

    def _record_status(
        self: Any, repo: RepoState, sha: str, context: str, state: str, description: str | None
    ) -> dict[str, Any]:
        status = {
            "id": next(self._ids),
            "context": context,
            "state": state,
            "description": description,
            "created_at": _now(),
        }
        repo.statuses.setdefault(sha, []).insert(0, status)  # newest first, as GitHub lists them
        return status

    # -- JSON shapes ---------------------------------------------------------------------------

    def _check_run_json(self: Any, repo: RepoState, sha: str, run: dict[str, Any]) -> dict[str, Any]:
        api = self.api(f"/repos/{repo.full_name}/check-runs/{run['id']}")
        return {
            "id": run["id"],
            "node_id": _node_id("CheckRun", run["id"]),
            "head_sha": sha,
            "external_id": None,
            "url": api,
            "html_url": self.html(f"/{repo.full_name}/runs/{run['id']}"),
            "details_url": None,
            "status": run["status"],
            "conclusion": run["conclusion"],
            "started_at": _iso(run["started_at"]),
            "completed_at": _iso(run["completed_at"]),
            "output": {
                "title": None,
                "summary": None,
                "text": None,
                "annotations_count": 0,
                "annotations_url": f"{api}/annotations",
            },
            "name": run["name"],
            "check_suite": {"id": run["id"] + 1},
            "app": None,
            "pull_requests": [],
        }

    def _status_json(self: Any, repo: RepoState, sha: str, status: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": status["id"],
            "node_id": _node_id("StatusContext", status["id"]),
            "url": self.api(f"/repos/{repo.full_name}/statuses/{sha}"),
            "avatar_url": None,
            "state": status["state"],
            "description": status["description"],
            "target_url": None,
            "context": status["context"],
            "created_at": _iso(status["created_at"]),
            "updated_at": _iso(status["created_at"]),
        }

    def _commit_of(self: Any, repo: RepoState, ref: str) -> str:
        sha = self.rev(repo.owner.login, repo.name, ref)
        if sha is None:
            raise ApiError(422, f"No commit found for SHA: {ref}")
        return str(sha)

    # -- endpoints -----------------------------------------------------------------------------

    @_route("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs")
    def list_check_runs(self: Any, call: Call) -> tuple[int, Any, dict[str, str]]:
        repo = self._find_repo(call)
        sha = self._commit_of(repo, call.params["ref"])
        runs = [self._check_run_json(repo, sha, r) for r in repo.check_runs.get(sha, [])]
        status, chunk, headers = self._page(call, runs)
        return status, {"total_count": len(runs), "check_runs": chunk}, headers

    @_route("GET", "/repos/{owner}/{repo}/commits/{ref}/status")
    def combined_status(self: Any, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call)
        sha = self._commit_of(repo, call.params["ref"])
        latest: dict[str, dict[str, Any]] = {}
        for status in repo.statuses.get(sha, []):  # newest first: the first per context counts
            latest.setdefault(status["context"], status)
        states = {s["state"] for s in latest.values()}
        state = (
            "failure"
            if states & {"failure", "error"}
            else "pending"
            if "pending" in states or not states
            else "success"
        )
        return 200, {
            "state": state,
            "sha": sha,
            "total_count": len(latest),
            "statuses": [self._status_json(repo, sha, s) for s in latest.values()],
            "repository": self._repo_json(repo, call.login),
            "commit_url": self.api(f"/repos/{repo.full_name}/commits/{sha}"),
            "url": self.api(f"/repos/{repo.full_name}/commits/{sha}/status"),
        }

    @_route("POST", "/repos/{owner}/{repo}/statuses/{sha}")
    def create_status(self: Any, call: Call) -> tuple[int, Any, dict[str, str]]:
        repo = self._find_repo(call, need="push")
        self._writable(repo)
        sha = self._commit_of(repo, call.params["sha"])
        body = call.body or {}
        context = body.get("context") or "default"
        status = self._record_status(repo, sha, context, body["state"], body.get("description"))
        data = self._status_json(repo, sha, status)
        data["creator"] = self._user_json(self.accounts[call.login.lower()]) if call.login else None
        return 201, data, {"Location": data["url"]}

    @_route("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge")
    def merge_pull_endpoint(self: Any, call: Call) -> tuple[int, Any]:
        repo = self._find_repo(call, need="push")
        self._writable(repo)
        pr = self._find_pull(repo, call)
        self._refresh_head(repo, pr)
        body = call.body or {}
        if pr.state != "open":
            raise ApiError(405, "Pull Request is not mergeable")
        if body.get("sha") and body["sha"] != pr.head_sha:
            raise ApiError(409, "Head branch was modified. Review and try the merge again.")
        reviews = (repo.protections.get(pr.base) or {}).get("required_pull_request_reviews")
        if reviews:
            count = int(reviews.get("required_approving_review_count", 1))
            reviews_are = "reviews are" if count > 1 else "review is"
            raise ApiError(405, f"At least {count} approving {reviews_are} required by reviewers with write access.")
        if not self._merges_cleanly(repo, pr):
            raise ApiError(405, "Pull Request is not mergeable")
        merge_sha = self.merge_pull(repo.owner.login, repo.name, pr.number, by=call.login)
        return 200, {"sha": merge_sha, "merged": True, "message": "Pull Request successfully merged"}

    def _merges_cleanly(self: Any, repo: RepoState, pr: Any) -> bool:
        return self._git(repo, "merge-tree", "--write-tree", pr.base_sha, pr.head_sha) is not None

    @_route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
    def create_comment(self: Any, call: Call) -> tuple[int, Any, dict[str, str]]:
        repo = self._find_repo(call)
        self._writable(repo)
        pr = self._find_pull(repo, call)  # issues are not modelled; pull requests are issues too
        comment = {"id": next(self._ids), "body": (call.body or {})["body"], "user": call.login, "at": _now()}
        repo.comments.setdefault(pr.number, []).append(comment)
        data = self._comment_json(repo, pr.number, comment)
        return 201, data, {"Location": data["url"]}

    @_route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
    def list_comments(self: Any, call: Call) -> tuple[int, Any, dict[str, str]]:
        repo = self._find_repo(call)
        pr = self._find_pull(repo, call)
        status, chunk, headers = self._page(call, repo.comments.get(pr.number, []))
        return status, [self._comment_json(repo, pr.number, c) for c in chunk], headers

    def _comment_json(self: Any, repo: RepoState, number: int, comment: dict[str, Any]) -> dict[str, Any]:
        user = self.accounts.get((comment["user"] or "").lower())
        return {
            "id": comment["id"],
            "node_id": _node_id("IssueComment", comment["id"]),
            "url": self.api(f"/repos/{repo.full_name}/issues/comments/{comment['id']}"),
            "html_url": self.html(f"/{repo.full_name}/pull/{number}#issuecomment-{comment['id']}"),
            "issue_url": self.api(f"/repos/{repo.full_name}/issues/{number}"),
            "body": comment["body"],
            "user": self._user_json(user) if user else None,
            "created_at": _iso(comment["at"]),
            "updated_at": _iso(comment["at"]),
            "author_association": "MEMBER",
        }

    def comments(self: Any, owner: str, name: str, number: int) -> list[str]:
        """The bodies of a pull request's comments, oldest first (for tests)."""
        return [c["body"] for c in self.repo(owner, name).comments.get(number, [])]
