"""The embedded forge: bare git repos under a directory, pull requests as JSON files beside them.

Layout: `ROOT/OWNER/NAME.git` (bare, description in its `description` file),
`ROOT/OWNER/NAME.pulls/N.json` (its comments in `N.comments.json`) and commit statuses (what checks
reported on a commit, as GitHub's statuses) in `ROOT/OWNER/NAME.statuses/SHA.json`. URLs: a repo's
`url` and `clone_url` are its `file://` URI; a file's `blob_url` is `file:///ROOT/OWNER/NAME.git#REF:PATH`
(see `parse_blob_url`); a pull request's `url` is the `file://` URI of its JSON file, which also
records who is asked to review and who is assigned. Visibility, topics, teams and branch
protection are accepted and ignored.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from filelock import FileLock

from scaffolder import git
from scaffolder.errors import ForgeError, Problem, RepoConflict
from scaffolder.forges import local_git
from scaffolder.forges.base import Checks, CheckState, PullRequest, PullState, Repo, RepoSpec

NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_GIT_DEFAULT_DESCRIPTION = "Unnamed repository;"


def check_name(value: str, what: str) -> str:
    """`value` if it is a safe owner or repo name (no `/`, not `.` or `..`), else ForgeError."""
    if not NAME.match(value) or value in (".", "..") or value.endswith(".git"):
        raise ForgeError(
            f"invalid {what} name {value!r}",
            [Problem(what, "use 1-100 of A-Z a-z 0-9 . _ -, not '.' or '..' or a .git ending")],
        )
    return value


def parse_blob_url(url: str) -> tuple[Path, str, str]:
    """Split a local `blob_url` into (bare repo path, ref, file path)."""
    parts = urlsplit(url)
    ref, sep, path = unquote(parts.fragment).partition(":")
    if parts.scheme != "file" or not sep or not ref or not path:
        raise ForgeError(f"not a local forge blob URL: {url!r} (expected file:///…/NAME.git#REF:PATH)")
    return Path(unquote(parts.path)), ref, path


class LocalForge:
    """A directory of bare repos; every operation is plain git on local paths."""

    kind = "local"

    def __init__(self, root: Path, default_owner: str = "local") -> None:
        self.root = Path(root).expanduser().resolve()
        self._default_owner = check_name(default_owner, "owner")

    def default_owner(self) -> str:
        return self._default_owner

    # -- repos -------------------------------------------------------------------------------

    def _path(self, owner: str, name: str) -> Path:
        return self.root / check_name(owner, "owner") / f"{check_name(name, 'repo')}.git"

    def _repo(self, owner: str, name: str, path: Path, default_branch: str | None = None) -> Repo:
        uri = path.as_uri()
        branch = default_branch or (git.head_branch(path) if path.is_dir() else None) or "main"
        return Repo(owner, name, uri, uri, branch, self._description(path))

    @staticmethod
    def _description(path: Path) -> str:
        try:
            text = (path / "description").read_text(encoding="utf-8").strip()
        except OSError:
            return ""
        return "" if text.startswith(_GIT_DEFAULT_DESCRIPTION) else text

    def _bare(self, repo: Repo) -> Path:
        path = self._path(repo.owner, repo.name)
        if not (path / "HEAD").is_file():
            raise ForgeError(f"repo {repo.full_name} does not exist on the local forge {self.root}")
        return path

    def get_repo(self, owner: str, name: str) -> Repo | None:
        path = self._path(owner, name)
        return self._repo(owner, name, path) if (path / "HEAD").is_file() else None

    def planned_repo(self, spec: RepoSpec) -> Repo:
        owner = spec.owner or self._default_owner
        path = self._path(owner, spec.name)
        uri = path.as_uri()
        return Repo(owner, spec.name, uri, uri, spec.default_branch, spec.description)

    def create_repo(self, spec: RepoSpec) -> Repo:
        owner = spec.owner or self._default_owner
        path = self._path(owner, spec.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.mkdir()  # atomic claim of the name
        except FileExistsError:
            raise RepoConflict(f"repo {owner}/{spec.name} already exists on the forge") from None
        try:
            git.init_bare(path, spec.default_branch)
            (path / "description").write_text(spec.description + "\n", encoding="utf-8")
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        return self._repo(owner, spec.name, path, spec.default_branch)

    def push(
        self,
        repo: Repo,
        worktree: Path,
        refspecs: list[str],
        force: bool = False,
        lease: Mapping[str, str] | None = None,
    ) -> None:
        if lease and (worktree / ".git").is_dir():  # the campaign's push: no pack protocol (local_git)
            local_git.push_leased(worktree, self._bare(repo), refspecs, lease)
            return
        git.push(worktree, self._bare(repo).as_uri(), refspecs, force=force, lease=lease)

    def clone(self, repo: Repo, dest: Path, branch: str | None = None) -> Path:
        """A clone that borrows the bare repo's objects (`--shared`, nothing copied): a scratch
        clone, for as long as the forge's repo keeps its objects (pushes never drop any)."""
        return local_git.clone_shared(self._bare(repo), dest, branch)

    def head_sha(self, repo: Repo, branch: str) -> str | None:
        return git.rev_parse(self._bare(repo), f"refs/heads/{branch}^{{commit}}", bare=True)

    def tree_sha(self, repo: Repo, branch: str) -> str | None:
        """The tree of a branch's head, or None (not in the Forge protocol yet)."""
        return git.tree_sha(self._bare(repo), f"refs/heads/{branch}", bare=True)

    def read_file(self, repo: Repo, path: str, ref: str | None = None) -> bytes | None:
        return git.read_file(self._bare(repo), ref or repo.default_branch, path)

    def blob_url(self, repo: Repo, path: str, ref: str | None = None) -> str:
        return f"{self._path(repo.owner, repo.name).as_uri()}#{ref or repo.default_branch}:{path}"

    def list_repos(self, owner: str | None = None) -> list[Repo]:
        owners = [owner] if owner is not None else self._owners()
        repos = []
        for who in owners:
            folder = self.root / check_name(who, "owner")
            for path in sorted(folder.glob("*.git")) if folder.is_dir() else []:
                name = path.name.removesuffix(".git")
                if NAME.match(name) and (path / "HEAD").is_file():
                    repos.append(self._repo(who, name, path))
        return repos

    def _owners(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and NAME.match(p.name))

    # -- pull requests -------------------------------------------------------------------------

    def _pulls(self, repo: Repo) -> Path:
        return self._bare(repo).with_suffix(".pulls")

    def _load(self, repo: Repo, file: Path) -> PullRequest:
        """Read one pull request, marking it merged (persistently) once base contains its head."""
        data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
        if data["state"] == "open":
            bare = self._bare(repo)
            tip = self.head_sha(repo, data["head"])
            if tip is not None:
                data["head_sha"] = tip
            base = self.head_sha(repo, data["base"])
            if base is not None and git.is_ancestor(bare, data["head_sha"], base):
                data["state"] = "merged"
                self._save(file, data)
        return self._pull(file, data)

    @staticmethod
    def _pull(file: Path, data: dict[str, Any]) -> PullRequest:
        return PullRequest(
            number=int(data["number"]),
            url=file.as_uri(),
            head=data["head"],
            base=data["base"],
            title=data["title"],
            body=data["body"],
            state=data["state"],
            head_sha=data["head_sha"],
            labels=tuple(data.get("labels", [])),
            reviewers=tuple(data.get("requested_reviewers", [])),
            team_reviewers=tuple(data.get("requested_teams", [])),
            assignees=tuple(data.get("assignees", [])),
        )

    @staticmethod
    def _save(file: Path, data: Any, *, create: bool = False) -> None:
        """Write a pull request atomically: readers never see a partial file. With `create`, the
        number is claimed with a hard link, which fails if another writer claimed it first."""
        fd, name = tempfile.mkstemp(prefix=f".{file.stem}-", suffix=".tmp", dir=file.parent)
        tmp = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
            if create:
                os.link(tmp, file)  # raises FileExistsError when the number is taken
            else:
                tmp.replace(file)
        finally:
            tmp.unlink(missing_ok=True)

    def _files(self, repo: Repo) -> list[Path]:
        folder = self._pulls(repo)
        if not folder.is_dir():
            return []
        found = [p for p in folder.glob("*.json") if p.stem.isdigit()]
        return sorted(found, key=lambda p: int(p.stem))

    def pull_requests(self, repo: Repo) -> list[PullRequest]:
        """Every pull request of a repo, oldest first."""
        return [self._load(repo, f) for f in self._files(repo)]

    def find_pull_request(self, repo: Repo, head: str) -> PullRequest | None:
        matches = [pr for pr in self.pull_requests(repo) if pr.head == head]
        return matches[-1] if matches else None

    def open_pull_request(
        self, repo: Repo, head: str, base: str, title: str, body: str, labels: list[str]
    ) -> PullRequest:
        """Open a pull request; when one from `head` to `base` is already open (a retried or
        concurrent call), update that one instead, as scaffold's GitHub forge does. Runs under a
        file lock, so two processes cannot open two."""
        folder = self._pulls(repo)
        folder.mkdir(exist_ok=True)
        with FileLock(folder / ".lock"):
            for pr in self.pull_requests(repo):
                if pr.head == head and pr.base == base and pr.state == "open":
                    return self.update_pull_request(repo, pr.number, title, body, labels)
            return self._open(repo, head, base, title, body, labels)

    def _open(self, repo: Repo, head: str, base: str, title: str, body: str, labels: list[str]) -> PullRequest:
        bare = self._bare(repo)
        head_sha, base_sha = self.head_sha(repo, head), self.head_sha(repo, base)
        if head_sha is None or base_sha is None:
            missing = head if head_sha is None else base
            raise ForgeError(f"cannot open a pull request on {repo.full_name}: no branch {missing}")
        if git.is_ancestor(bare, head_sha, base_sha):
            raise ForgeError(f"cannot open a pull request on {repo.full_name}: {base} already contains {head}")
        folder = self._pulls(repo)
        folder.mkdir(exist_ok=True)
        state: PullState = "open"
        data = {
            "head": head,
            "base": base,
            "title": title,
            "body": body,
            "state": state,
            "labels": list(labels),
            "head_sha": head_sha,
        }
        files = self._files(repo)
        number = int(files[-1].stem) + 1 if files else 1
        while True:
            file = folder / f"{number}.json"
            try:
                self._save(file, {"number": number, **data}, create=True)
            except FileExistsError:
                number += 1
                continue
            return self._pull(file, {"number": number, **data})

    def _file(self, repo: Repo, number: int) -> Path:
        file = self._pulls(repo) / f"{int(number)}.json"
        if not file.is_file():
            raise ForgeError(f"repo {repo.full_name} has no pull request #{number}")
        return file

    def update_pull_request(self, repo: Repo, number: int, title: str, body: str, labels: list[str]) -> PullRequest:
        file = self._file(repo, number)
        current = self._load(repo, file)
        data = json.loads(file.read_text(encoding="utf-8"))
        data.update(title=title, body=body, labels=list(labels), head_sha=current.head_sha)
        data["state"] = current.state
        self._save(file, data)
        return self._pull(file, data)

    def merge_pull_request(self, repo: Repo, number: int, sha: str | None = None) -> PullRequest:
        """Merge an open pull request with a real merge commit into its base branch; with `sha`,
        only while that is still its head (as GitHub's merge button with `sha`)."""
        file = self._file(repo, number)
        current = self._load(repo, file)
        if current.state != "open":
            raise ForgeError(f"pull request #{number} of {repo.full_name} is {current.state}, not open")
        if sha is not None and current.head_sha != sha:
            raise ForgeError(
                f"cannot merge pull request #{number} of {repo.full_name}: its head moved to {current.head_sha[:12]}"
            )
        git.merge_into(
            self._bare(repo), current.base, current.head_sha, f"Merge pull request #{number} from {current.head}"
        )
        return self._load(repo, file)

    def close_pull_request(self, repo: Repo, number: int) -> PullRequest:
        """Close (decline) an open pull request; a merged one stays merged. Local forge only."""
        file = self._file(repo, number)
        current = self._load(repo, file)
        if current.state != "open":
            return current
        data = json.loads(file.read_text(encoding="utf-8"))
        data["state"] = "closed"
        self._save(file, data)
        return self._pull(file, data)

    def request_reviewers(self, repo: Repo, number: int, users: list[str], teams: list[str]) -> PullRequest:
        """Record who is asked to review on the pull request (each name once)."""
        return self._add_people(repo, number, {"requested_reviewers": users, "requested_teams": teams})

    def add_assignees(self, repo: Repo, number: int, users: list[str]) -> PullRequest:
        """Record the pull request's assignees, keeping those it has."""
        return self._add_people(repo, number, {"assignees": users})

    def _add_people(self, repo: Repo, number: int, people: Mapping[str, list[str]]) -> PullRequest:
        file = self._file(repo, number)
        with FileLock(file.parent / ".lock"):
            current = self._load(repo, file)
            data = json.loads(file.read_text(encoding="utf-8"))
            for key, names in people.items():
                have = list(data.get(key, []))
                data[key] = have + [n for n in dict.fromkeys(names) if n not in have]
            data.update(state=current.state, head_sha=current.head_sha)
            self._save(file, data)
        return self._pull(file, data)

    def mergeable(self, repo: Repo, number: int) -> bool | None:
        """Whether an open pull request merges into its base without conflicts."""
        pr = self._load(repo, self._file(repo, number))
        base = self.head_sha(repo, pr.base)
        if pr.state != "open" or base is None:
            return None
        return git.merges_cleanly(self._bare(repo), base, pr.head_sha)

    def comment_pull_request(self, repo: Repo, number: int, body: str) -> None:
        """Add a comment (kept in `N.comments.json`, oldest first)."""
        file = self._file(repo, number)
        with FileLock(file.parent / ".lock"):
            self._save(file.with_suffix(".comments.json"), [*self.comments(repo, number), {"body": body}])

    def comments(self, repo: Repo, number: int) -> list[dict[str, Any]]:
        """A pull request's comments, oldest first (local forge only)."""
        file = self._file(repo, number).with_suffix(".comments.json")
        return list(json.loads(file.read_text(encoding="utf-8"))) if file.is_file() else []

    # -- commit statuses ---------------------------------------------------------------------------

    def _statuses(self, repo: Repo, sha: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{40,64}", sha):
            raise ForgeError(f"not a commit SHA: {sha!r}")
        return self._bare(repo).with_suffix(".statuses") / f"{sha}.json"

    def set_status(self, repo: Repo, sha: str, context: str, state: CheckState, description: str = "") -> None:
        """Record what one check (`context`) reported on a commit; the latest report per context counts."""
        file = self._statuses(repo, sha)
        file.parent.mkdir(exist_ok=True)
        with FileLock(file.parent / ".lock"):
            data = json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}
            data[context] = {"state": state, "description": description, "created_at": _now()}
            self._save(file, data)

    def pull_checks(self, repo: Repo, sha: str) -> Checks:
        file = self._statuses(repo, sha)
        data: dict[str, Any] = json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}
        return Checks.combine([(name, v["state"], v.get("created_at")) for name, v in sorted(data.items())])


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")
