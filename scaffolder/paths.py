"""Keeping paths inside a workspace: `..`, absolute paths, `.git` and symlinks that lead out are refused.

`.git` is git's own folder (or a `gitdir:` file): a template that wrote one could make git run
its commands (`core.fsmonitor`, hooks, filters) or read another tree. No path a template renders,
fetches, renames or deletes may name it, in any spelling a file system would take for it.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from scaffolder.errors import Problem, RenderError

# Code points HFS+ ignores in names (git's is_hfs_dotgit), so `.g\u200cit` is `.git` on a Mac.
_IGNORED = dict.fromkeys([*range(0x200C, 0x2010), *range(0x202A, 0x202F), *range(0x206A, 0x2070), 0xFEFF])
_SEPARATORS = re.compile(r"[/\\]")
_DRIVE = re.compile(r"^[A-Za-z]:")
GIT_MESSAGE = "names .git, git's own folder, which a template may never write"


def is_git_name(name: str) -> bool:
    """Whether some file system takes this one path component for `.git`: any case, trailing dots
    or spaces (Windows), code points HFS+ ignores, or NTFS's short name `git~1`."""
    clean = name.translate(_IGNORED).rstrip(". ").lower()
    return clean in (".git", "git~1")


def git_component(rel: str) -> str | None:
    """The first component of `rel` (split on `/` and `\\`) that names `.git`, or None."""
    if "g" not in rel.lower():
        return None
    return next((part for part in _SEPARATORS.split(rel) if is_git_name(part)), None)


def lexical_problem(rel: str) -> str | None:
    """What is wrong with `rel` as a workspace path, seen from its text alone (no file system):
    absolute, a drive, a NUL byte, climbing out with `..`, or naming `.git`. None when fine.

    Preflights use it for inputs known before the run (a `targetPath`, `fs:rename`'s `to`), so
    the refusal comes before any run folder exists; `inside` checks the same and more at run time.
    """
    if not rel:
        return "must be a relative path"
    if "\x00" in rel:
        return "contains a NUL byte"
    if rel.startswith(("/", "\\")) or _DRIVE.match(rel) or PurePosixPath(rel).is_absolute():
        return "must be a relative path"
    depth = 0
    for part in _SEPARATORS.split(rel):
        if part == "..":
            depth -= 1
            if depth < 0:
                return "climbs out of the workspace with '..'"
        elif part not in ("", "."):
            depth += 1
    if git_component(rel) is not None:
        return GIT_MESSAGE
    return None


def inside(root: Path, relative: str | Path) -> Path:
    """`root / relative`, resolved; raises RenderError if the result is not under `root` or names `.git`.

    Symlinks already present on disk are followed before the check, so a link planted in the
    workspace cannot carry a write outside it.
    """
    rel = str(relative)
    if not rel or PurePosixPath(rel).is_absolute() or Path(rel).is_absolute():
        raise RenderError("path escapes the workspace", [Problem(rel or "(empty)", "must be a relative path")])
    if "\x00" in rel:
        raise RenderError("path escapes the workspace", [Problem(repr(rel), "contains a NUL byte")])
    if git_component(rel) is not None:
        raise RenderError("path names .git", [Problem(rel, GIT_MESSAGE)])
    base = root.resolve()
    try:
        target = (base / rel).resolve()
    except (OSError, RuntimeError) as exc:  # e.g. a symlink loop
        raise RenderError("path cannot be resolved", [Problem(rel, str(exc))]) from None
    if target != base and base not in target.parents:
        raise RenderError("path escapes the workspace", [Problem(rel, f"resolves outside {root}")])
    if target != base and git_component(target.relative_to(base).as_posix()) is not None:
        raise RenderError("path names .git", [Problem(rel, GIT_MESSAGE)])  # reached through a link
    return target
