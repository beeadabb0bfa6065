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


_MAX_HOPS = 40  # links followed in one resolution before it counts as a loop (Linux's limit)


class _Leaves(Exception):
    """A link's resolution left the tree, looped or crossed something that is not a folder."""


def _walk(start: list[str], target: str, links: dict[str, str], hops: list[int]) -> list[str]:
    """The components `target` leads to from the folder `start`, following the tree's own links
    as the kernel would (each link's target from its own folder); _Leaves when `..` climbs above
    the top or when more than `_MAX_HOPS` links are followed (a cycle)."""
    parts = list(start)
    for part in target.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise _Leaves("leads out of the generated project")
            parts.pop()
            continue
        parts.append(part)
        joined = "/".join(parts)
        if joined in links:
            hops[0] += 1
            if hops[0] > _MAX_HOPS:
                raise _Leaves("is a cycle of links")
            parts = _walk(parts[:-1], links[joined], links, hops)
    return parts


def link_target_problem(rel: str, target: str, links: dict[str, str], exists: set[str]) -> str | None:
    """What is wrong with the symlink `rel` -> `target` in a generated tree whose links are `links`
    (path -> target) and whose files and folders are `exists`, or None when it is fine: the target
    must be relative, portable and free of `.git`, and, followed from the link's own folder through
    the tree's other links, must stay inside the tree and reach something in it."""
    if not target or "\x00" in target or "\\" in target:
        return f"is a symlink to {target!r}, which is not a portable relative path"
    if target.startswith("/") or _DRIVE.match(target):
        return f"is a symlink to {target}, an absolute path"
    if git_component(target) is not None:
        return f"is a symlink to {target}, which {GIT_MESSAGE}"
    try:
        final = _walk(rel.split("/")[:-1], target, links, [0])
    except _Leaves as exc:
        return f"is a symlink to {target}, which {exc}"
    if final and "/".join(final) not in exists:
        return f"is a symlink to {target}, which is not in the generated project (a dangling link)"
    return None


def link_problems(paths: list[str], links: dict[str, str]) -> list[Problem]:
    """Every problem with the symlinks (`links`: path -> target) of a generated tree whose other
    entries are the files `paths`: targets that leave it (`link_target_problem`), and paths the
    render would write through a link."""
    exists = set(paths) | set(links)
    for rel in [*paths, *links]:
        parts = rel.split("/")
        exists.update("/".join(parts[:i]) for i in range(1, len(parts)))
    problems = []
    for rel in sorted([*paths, *links]):
        parts = rel.split("/")
        through = next(("/".join(parts[:i]) for i in range(1, len(parts)) if "/".join(parts[:i]) in links), None)
        if through is not None:
            problems.append(Problem(rel, f"would be written through the symlink {through} -> {links[through]}"))
        elif rel in links and (bad := link_target_problem(rel, links[rel], links, exists)) is not None:
            problems.append(Problem(rel, bad))
    return problems
