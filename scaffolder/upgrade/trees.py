"""The three trees of an upgrade's merge: the old render (base), the new render (theirs) and the repo
(ours), read from disk or changed by the migrations; renames and edited files a migration deleted."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scaffolder import git
from scaffolder import record as records
from scaffolder.merge import OTHER, FileState, LinkState, Other, Ours, State
from scaffolder.parameters import Answers
from scaffolder.render import scratch_dir
from scaffolder.runner import Runner
from scaffolder.template import Template
from scaffolder.upgrade import renders
from scaffolder.upgrade.migrations import PlannedMigration, run_migrations

RECORD = records.RECORD_PATH


def _inside(root: Path, rel: str) -> bool:
    """Whether `root/rel`'s folder, symlinks followed, stays inside root."""
    parent = (root / rel).parent.resolve()
    return parent == root or root in parent.parents


def _through_link(root: Path, rel: str) -> bool:
    """Whether a folder on the way to `root/rel` is a symlink (what is there is not the repo's own path)."""
    parts = rel.split("/")[:-1]
    return any((root / "/".join(parts[: i + 1])).is_symlink() for i in range(len(parts)))


def read_state(root: Path, rel: str) -> Ours:
    """What is at `root/rel`: a regular file's state, a symlink's target, OTHER (folder, escape) or
    None (nothing, or only something reached through a symlinked folder: the repo has no such path)."""
    path = root / rel
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return OTHER  # a file stands where a folder on the way should be
    if "/" in rel and _through_link(root, rel):
        return None
    if stat.S_ISLNK(st.st_mode):
        return LinkState(str(path.readlink()))
    if not stat.S_ISREG(st.st_mode) or not _inside(root, rel):
        return OTHER
    return FileState(path.read_bytes(), bool(st.st_mode & stat.S_IXUSR))


def collect(root: Path) -> dict[str, State]:
    """Every regular file and symlink under `root` (no `.git`, no record), by POSIX path."""
    out: dict[str, State] = {}
    pending = [("", str(root))]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_symlink():
                out[rel] = LinkState(str(Path(entry.path).readlink()))
            elif entry.is_dir(follow_symlinks=False):
                if entry.name != ".git":
                    pending.append((rel + "/", entry.path))
            elif entry.is_file(follow_symlinks=False) and rel != RECORD:
                with open(entry.path, "rb") as fh:  # noqa: PTH123 (cheaper than a Path per file)
                    data = fh.read()
                    executable = bool(os.fstat(fh.fileno()).st_mode & stat.S_IXUSR)
                out[rel] = FileState(data, executable)
    return out


def _tree_files(worktree: Path) -> list[str]:
    """The files of the repo a migration may touch: what git tracks or would track."""
    if git.is_worktree(worktree):
        return git.list_files(worktree)
    return sorted(
        p.relative_to(worktree).as_posix()
        for p in worktree.rglob("*")
        if ".git" not in p.relative_to(worktree).parts and (p.is_file() or p.is_symlink())
    )


def _copy_tree(worktree: Path, files: Iterable[str], dest: Path) -> None:
    for rel in files:
        src = worktree / rel
        if not (src.is_symlink() or src.is_file()):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target, follow_symlinks=False)


class Disk:
    """The repo as it is on disk, read lazily and at most once per path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, Ours] = {}

    def get(self, rel: str) -> Ours:
        if rel not in self._cache:
            self._cache[rel] = read_state(self.root, rel)
        return self._cache[rel]


def _migration_changes(worktree: Path, files: list[str], copy: Path) -> dict[str, State | None]:
    """How the migrations changed the copy of the repo: path -> new state (None: deleted)."""
    after = set(collect(copy))
    changes: dict[str, State | None] = {}
    for rel in sorted(set(files) | after):
        before, now = read_state(worktree, rel), read_state(copy, rel)
        if isinstance(now, Other | LinkState) or isinstance(before, LinkState):
            continue  # a symlink or folder a migration left or made: not ours to write
        if before != now:
            changes[rel] = now
    return changes


def _keep_edited(
    ours: dict[str, State | None], disk: Disk, generated: Mapping[str, State], renamed: list[tuple[str, str]]
) -> list[str]:
    """Undo a migration's deletion of a generated file the user had edited (a human edit is never
    lost); returns those paths, reported as conflicts."""
    sources = {a for a, _ in renamed}
    kept = []
    for rel, now in list(ours.items()):
        before = disk.get(rel)
        made = generated.get(rel)
        same = isinstance(made, FileState) and isinstance(before, FileState) and made.data == before.data
        edited = isinstance(before, FileState) and made is not None and not same
        if now is None and rel not in sources and edited:
            del ours[rel]
            kept.append(rel)
    return kept


def _renames(changes: Mapping[str, State | None], disk: Disk) -> list[tuple[str, str]]:
    """Deleted and added paths holding the same content: the migrations renamed them."""
    gone: dict[bytes, list[str]] = {}
    for rel, now in changes.items():
        before = disk.get(rel)
        if now is None and isinstance(before, FileState):
            gone.setdefault(before.data, []).append(rel)
    pairs = []
    for rel, now in changes.items():
        if isinstance(now, FileState) and disk.get(rel) is None and gone.get(now.data):
            pairs.append((gone[now.data].pop(0), rel))
    return sorted(pairs)


@dataclass
class Trees:
    """The three sides of the merge, after migrations."""

    base: dict[str, State]  # the old version's render
    theirs: dict[str, State]  # the new version's render
    ours: dict[str, State | None] = field(default_factory=dict)  # the repo, where migrations changed it
    renamed: list[tuple[str, str]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited files a migration deleted: kept


def build_trees(
    worktree: Path,
    old: Template,
    new: Template,
    answers: tuple[Answers, Answers],
    migrations: list[PlannedMigration],
    runner: Runner,
    rec: records.Record,
    disk: Disk,
) -> Trees:
    """Render both versions (once each, with `runner`, or taken from an identical render earlier in
    the campaign, see `renders`) and run the migrations on the old render and a copy of the repo."""
    run_id, started_at = rec.run_id, rec.created_at
    forge, trusted = runner.forge, runner.trusted
    with tempfile.TemporaryDirectory(prefix="scaffold-upgrade-", dir=scratch_dir()) as tmp_name:
        tmp = Path(tmp_name)
        # The migrations run on the old render: it must be on disk then (a copy when shared).
        base = renders.render(
            runner, old, answers[0], tmp / "old", collect, run_id=run_id, started_at=started_at,
            on_disk=bool(migrations),
        )  # fmt: skip
        theirs = renders.render(runner, new, answers[1], tmp / "new", collect, run_id=run_id, started_at=started_at)
        if not migrations:
            return Trees(base, theirs)
        generated = dict(base)
        files = _tree_files(worktree)
        _copy_tree(worktree, files, tmp / "ours")
        extra = {"run_id": run_id, "started_at": started_at, "trusted": trusted}
        run_migrations(migrations, tmp / "old", "old-render", old, new, answers[1], forge, **extra)
        run_migrations(migrations, tmp / "ours", "repo", old, new, answers[1], forge, **extra)
        trees = Trees(collect(tmp / "old"), theirs, _migration_changes(worktree, files, tmp / "ours"))
    trees.renamed = _renames(trees.ours, disk)
    # A file a migration made that the new version does not generate belongs to the repo from now on.
    for rel in set(trees.base) - set(generated) - set(trees.theirs):
        del trees.base[rel]
    trees.kept = _keep_edited(trees.ours, disk, generated, trees.renamed)
    return trees
