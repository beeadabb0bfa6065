"""Renames no migration declared, found by content similarity as git finds them (`git diff -M`, git's
own scoring and 50% threshold): the template's (old render -> new render) and the user's (old render
-> repo), so edits follow a file whichever side moved it."""

from __future__ import annotations

import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from scaffolder import git
from scaffolder.git_process import _git
from scaffolder.merge import FileState, Ours, State
from scaffolder.render import scratch_dir
from scaffolder.upgrade.trees import RECORD, Disk, Trees


def _write(root: Path, files: Mapping[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def similar_pairs(deleted: Mapping[str, bytes], added: Mapping[str, bytes]) -> list[tuple[str, str]]:
    """(deleted path, added path) pairs git's rename detection makes of these contents, sorted."""
    if not deleted or not added:
        return []
    with tempfile.TemporaryDirectory(prefix="scaffold-renames-", dir=scratch_dir()) as tmp:
        root = Path(tmp)
        _write(root / "a", deleted)
        _write(root / "b", added)
        args = ["diff", "--no-index", "--no-ext-diff", "--no-color", "-M", "--name-status", "-z"]
        _, out = _git(["-C", str(root), *args, "a", "b"], ok=(0, 1))
    fields = str(out).split("\0")
    pairs, i = [], 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        if status.startswith(("R", "C")):
            pairs.append((fields[i + 1].removeprefix("a/"), fields[i + 2].removeprefix("b/")))
            i += 3
        else:
            i += 2
    return sorted(pairs)


def template_renames(trees: Trees, disk: Disk) -> dict[str, str]:
    """Files the template moved (old path -> new path): gone from the new render, similar to one it
    adds; not where the user already has something at the new path."""
    gone = {r: s.data for r, s in trees.base.items() if r not in trees.theirs and isinstance(s, FileState)}
    if not gone:
        return {}
    new = {
        r: s.data
        for r, s in trees.theirs.items()
        if r not in trees.base and isinstance(s, FileState) and _ours(trees, disk, r) is None
    }
    return {a: b for a, b in similar_pairs(gone, new) if isinstance(_ours(trees, disk, a), FileState | None)}


def same_renames(trees: Trees, disk: Disk) -> dict[str, str]:
    """Files both sides moved to the same path (old path -> new path): gone from the new render and
    from the repo, and the template's new file, similar to the old one, is where the repo has one."""
    gone = {
        r: s.data
        for r, s in trees.base.items()
        if r not in trees.theirs and isinstance(s, FileState) and _ours(trees, disk, r) is None
    }
    if not gone:
        return {}
    landed = {
        r: s.data
        for r, s in trees.theirs.items()
        if r not in trees.base and isinstance(s, FileState) and isinstance(_ours(trees, disk, r), FileState)
    }
    return dict(similar_pairs(gone, landed))


def _ours(trees: Trees, disk: Disk, rel: str) -> Ours:
    return trees.ours[rel] if rel in trees.ours else disk.get(rel)


def _sizes_fit(size: int, sources: list[int]) -> bool:
    """Whether a file of `size` bytes could be 50% similar to one of `sources` (git skips the others too)."""
    return any(min(size, s) * 2 >= max(size, s) for s in sources)


def user_renames(
    trees: Trees, disk: Disk, moved: Mapping[str, str], list_files: Callable[[], list[str]]
) -> dict[str, str]:
    """Files the user moved (old path -> path in the repo) that the template changed (or moved): gone
    from the repo, similar to a file of the repo the template never generated. Nothing is listed or
    read unless such a file is gone."""
    gone: dict[str, bytes] = {}
    for rel, state in trees.base.items():
        theirs: State | None = trees.theirs.get(moved.get(rel, rel))
        if isinstance(state, FileState) and theirs != state and _ours(trees, disk, rel) is None:
            gone[rel] = state.data
    if not gone:
        return {}
    sizes = [len(d) for d in gone.values()]
    known = set(trees.base) | set(trees.theirs) | set(trees.ours) | {RECORD}
    added: dict[str, bytes] = {}
    for rel in list_files():
        try:
            st = (disk.root / rel).lstat()
        except OSError:
            continue
        if rel in known or not stat.S_ISREG(st.st_mode) or not _sizes_fit(st.st_size, sizes):
            continue
        found = disk.get(rel)
        if isinstance(found, FileState):
            added[rel] = found.data
    return dict(similar_pairs(gone, added))


def repo_files(worktree: Path) -> Callable[[], list[str]]:
    """The repo's files (what git tracks or would track), listed when called."""

    def listing() -> list[str]:
        if git.is_worktree(worktree):
            return git.list_files(worktree)
        return sorted(
            p.relative_to(worktree).as_posix()
            for p in worktree.rglob("*")
            if ".git" not in p.relative_to(worktree).parts and p.is_file()
        )

    return listing
