"""Conflicts a repository understands: every path an upgrade leaves for a human is left unmerged in git's
index (stages 1-3: base, yours, the template's), as `git merge` leaves it, so `git status`, `git diff`,
`git mergetool` and editors see it; and an upgrade refuses to run while the last one's are unresolved."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scaffolder import git
from scaffolder import record as records
from scaffolder.errors import Problem, UnresolvedConflicts
from scaffolder.git_process import _git, _wt
from scaffolder.merge import FileState, LinkState, State

NO_SHA = "0" * 40
MARKER = re.compile(rb"^(<{7} |>{7} )", re.MULTILINE)


@dataclass(frozen=True)
class Conflict:
    """One path needing a human: its kind (`scaffolder.merge.CONFLICT_KINDS`) and the index entries git
    would leave, as (stage, path, state): 1 the old render, 2 the repo before the upgrade, 3 the new render."""

    path: str
    kind: str
    stages: tuple[tuple[int, str, State], ...] = ()


def entries(path: str, base: object, ours: object, theirs: object) -> tuple[tuple[int, str, State], ...]:
    """The index stages of one path's three sides (sides that are not a file or symlink are left out)."""
    sides = ((1, base), (2, ours), (3, theirs))
    return tuple((n, path, s) for n, s in sides if isinstance(s, FileState | LinkState))


def _mode(state: State) -> str:
    if isinstance(state, LinkState):
        return "120000"
    return "100755" if state.executable else "100644"


def _bytes(state: State) -> bytes:
    return state.target.encode("utf-8", "surrogateescape") if isinstance(state, LinkState) else state.data


def _repo_of(worktree: Path) -> tuple[Path, str] | None:
    """The top of the git work tree holding `worktree` and `worktree`'s path in it ("" or "dir/"),
    so a project in a folder of a larger repository (a monorepo) is staged there; None outside git."""
    if git.is_worktree(worktree):
        return worktree, ""
    top = git.toplevel(worktree)
    if top is None:
        return None
    prefix = worktree.resolve().relative_to(top.resolve()).as_posix()
    return top.resolve(), "" if prefix == "." else prefix + "/"


def _hash_objects(worktree: Path, blobs: list[bytes]) -> list[str]:
    """Write the blobs into the repo's object store (verbatim: no filters); their ids, in order."""
    from scaffolder.action import scratch_dir  # the actions' contract loads only when conflicts are staged

    with tempfile.TemporaryDirectory(prefix="scaffold-stages-", dir=scratch_dir()) as tmp:
        paths = []
        for i, data in enumerate(blobs):
            path = Path(tmp) / str(i)
            path.write_bytes(data)
            paths.append(str(path))
        _, out = _git([*_wt(worktree), "hash-object", "-w", "--no-filters", "--", *paths])
    return str(out).split()


def stage(worktree: Path, conflicts: list[Conflict]) -> None:
    """Leave the conflicts' paths unmerged in the index of the git work tree at `worktree`."""
    staged = [c for c in conflicts if c.stages]
    repo = _repo_of(worktree) if staged else None
    if repo is None:
        return
    top, prefix = repo
    flat = [(n, prefix + path, state) for c in staged for n, path, state in c.stages]
    ids = _hash_objects(top, [_bytes(state) for _, _, state in flat])
    lines: list[str] = []
    for path in sorted({p for _, p, _ in flat}):
        lines.append(f"0 {NO_SHA}\t{path}")  # drop the merged (stage 0) entry, as git merge does
    for (n, path, state), sha in zip(flat, ids, strict=True):
        lines.append(f"{_mode(state)} {sha} {n}\t{path}")
    feed = "".join(line + "\0" for line in lines).encode("utf-8", "surrogateescape")
    _git([*_wt(top), "update-index", "-z", "--index-info"], stdin=feed)


def unmerged(worktree: Path) -> list[str]:
    """Paths under `worktree` git's index holds unmerged (`git ls-files -u`), relative to it."""
    repo = _repo_of(worktree)
    if repo is None:
        return []
    top, prefix = repo
    _, out = _git([*_wt(top), "ls-files", "-u", "-z"])
    paths = {entry.split("\t", 1)[1] for entry in str(out).split("\0") if "\t" in entry}
    return sorted(p.removeprefix(prefix) for p in paths if p.startswith(prefix))


def with_markers(worktree: Path, paths: list[str]) -> list[str]:
    """Those of `paths` (the last upgrade's conflicts) that still hold a `<<<<<<< ` or `>>>>>>> ` line."""
    found = []
    for rel in paths:
        path = worktree / rel
        if path.is_file() and not path.is_symlink() and MARKER.search(path.read_bytes()):
            found.append(rel)
    return found


def check_resolved(worktree: Path, rec: records.Record) -> None:
    """Refuse (exit 1) while the last upgrade's conflicts remain: paths unmerged in the index, or
    files it left with markers that still hold them."""
    problems = [Problem(p, "unmerged in git's index (git add it once resolved)") for p in unmerged(worktree)]
    named = {p.where for p in problems}
    marked = [p for p in with_markers(worktree, rec.conflicts) if p not in named]
    problems += [Problem(p, "still holds conflict markers") for p in marked]
    if problems:
        raise UnresolvedConflicts(
            "the last upgrade left conflicts that are not resolved: resolve them and commit, then upgrade again",
            problems,
        )
