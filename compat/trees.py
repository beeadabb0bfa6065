"""Byte-for-byte comparison of two generated trees: contents, the exec bit and symlink targets.

Ignored, and only these (each is scaffold's own record of the run, which the native tool has no
counterpart for; see compat/README.md):

- `.git/`: each tool's repository data (scaffold publishes a repository; the native tools write files).
- `.scaffold/`: scaffold's record (answers, template version, file hashes), documented in docs/formats.md.
- `catalog-info.yaml` at the top, when the native tree has none: scaffold's `catalog:write` step adds one to
  cookiecutter and copier templates that do not write their own (docs/formats.md).
- files only the native tree has that the generated project's own `.gitignore` excludes, and empty folders:
  scaffold publishes a git repository, which holds what `git add` takes, as a user committing the native
  tool's output would.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

IGNORED_DIRS = (".git", ".scaffold")
ADDED_CATALOG = "catalog-info.yaml"


@dataclass(frozen=True)
class Node:
    """What the comparison sees of one path: a file's digest and exec bit, a symlink's target, or a folder."""

    kind: str  # "file", "link", "dir"
    digest: str = ""
    executable: bool = False
    target: str = ""


def read(root: Path) -> dict[str, Node]:
    """Every path under `root` (relative, POSIX) but the ignored folders; symlinks are not followed."""
    nodes: dict[str, Node] = {}
    for here, dirs, files in os.walk(root):
        rel_here = Path(here).relative_to(root)
        if rel_here == Path():
            dirs[:] = [d for d in dirs if d not in IGNORED_DIRS]
        for name in sorted(dirs):
            path = Path(here) / name
            if path.is_symlink():
                nodes[(rel_here / name).as_posix()] = Node("link", target=str(path.readlink()))
        for name in files:
            path = Path(here) / name
            rel = (rel_here / name).as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                nodes[rel] = Node("link", target=str(path.readlink()))
            else:
                nodes[rel] = Node("file", hashlib.sha256(path.read_bytes()).hexdigest(), bool(mode & stat.S_IXUSR))
        for name in dirs:
            if not (Path(here) / name).is_symlink() and not any(Path(here, name).iterdir()):
                nodes[(rel_here / name).as_posix()] = Node("dir")  # an empty folder (git cannot keep one)
    return nodes


def differences(scaffold: Path, native: Path, *, keep_empty_dirs: bool = False) -> list[str]:
    """The paths that differ between the two trees, each with why (`missing in scaffold`, `content`, ...), sorted.

    Empty folders are compared only with `keep_empty_dirs`: scaffold publishes a git repository, which cannot
    hold one, while the native tools write to disk.
    """
    ours, theirs = read(scaffold), read(native)
    if ADDED_CATALOG not in theirs:
        ours.pop(ADDED_CATALOG, None)
    if not keep_empty_dirs:
        ours = {k: v for k, v in ours.items() if v.kind != "dir"}
        theirs = {k: v for k, v in theirs.items() if v.kind != "dir"}
        theirs = {k: v for k, v in theirs.items() if k not in gitignored(native, sorted(set(theirs) - set(ours)))}
    found: list[str] = []
    for rel in sorted(set(ours) | set(theirs)):
        a, b = ours.get(rel), theirs.get(rel)
        if a == b:
            continue
        if a is None:
            found.append(f"{rel} (missing in scaffold)")
        elif b is None:
            found.append(f"{rel} (only in scaffold)")
        elif a.kind != b.kind:
            found.append(f"{rel} ({a.kind} in scaffold, {b.kind} in native)")
        elif a.kind == "link":
            found.append(f"{rel} (symlink target {a.target!r} vs {b.target!r})")
        elif a.digest != b.digest:
            found.append(f"{rel} (content)")
        else:
            found.append(f"{rel} (exec bit)")
    return found


def gitignored(root: Path, paths: list[str]) -> set[str]:
    """The `paths` (relative to `root`) that the tree's own `.gitignore` files exclude, as `git add` would."""
    if not paths:
        return set()
    if not (root / ".git").exists():
        subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    done = subprocess.run(
        ["git", "-C", str(root), "check-ignore", "--no-index", "--stdin"],
        input="\n".join(paths),
        capture_output=True,
        text=True,
        check=False,
    )
    return set(done.stdout.splitlines())
