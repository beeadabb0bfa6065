"""Globs, matched by one library (`wcmatch`) in the two dialects templates use.

- scaffold's own (`copy_without_render`, `required_files`), as `fnmatch` matches them: `*` spans
  folders, a glob matches the path or the file name, and one starting with `/` only the whole path.
- Backstage's (`copyWithoutTemplating`), as globby matches them (`dot: true`, directory expansion):
  `*` and `?` stop at `/`, `**` spans folders, a glob is anchored at the skeleton's top (`*.png` is
  only the top folder's PNGs), `{a,b}` expands, a leading `!` excludes the files matched so far, and
  a glob naming a folder means everything in it.

wcmatch is imported on first use (and each set of globs compiled once), so loading a template
costs nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path


@functools.lru_cache(maxsize=64)
def _matchers(globs: tuple[str, ...]) -> tuple[Callable[[str], bool], Callable[[str], bool]]:
    """Matchers for the globs starting with `/` (the whole path) and the others (path or name)."""
    from wcmatch import fnmatch

    def matcher(patterns: list[str]) -> Callable[[str], bool]:
        if not patterns:
            return lambda _: False
        regexes, _ = fnmatch.translate(patterns, flags=fnmatch.CASE | fnmatch.DOTMATCH | fnmatch.FORCEUNIX)
        regex = re.compile("|".join(regexes))
        return lambda text: regex.match(text) is not None

    return matcher([g for g in globs if g.startswith("/")]), matcher([g for g in globs if not g.startswith("/")])


def matches(rel: str, globs: Iterable[str]) -> bool:
    """Whether a scaffold glob matches `rel` (a POSIX path): its path or its file name; a glob
    starting with `/` only the whole path."""
    key = tuple(globs)
    if not key:
        return False
    anchored, loose = _matchers(key)
    return anchored(f"/{rel}") or loose(rel) or loose(rel.rsplit("/", 1)[-1])


def escape(rel: str) -> str:
    """`rel` as a scaffold glob that matches only that path (anchored with a leading `/`)."""
    from wcmatch import fnmatch

    return "/" + fnmatch.escape(rel)


def matching_files(root: Path, patterns: Iterable[str]) -> set[str]:
    """The files under `root` (POSIX paths relative to it) that Backstage's globs select, in order:
    each glob adds the files it matches, or with `!` takes them away again."""
    import bracex
    from wcmatch import glob

    flags = glob.GLOBSTAR | glob.DOTMATCH | glob.FORCEUNIX | glob.CASE
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink())
    chosen: set[str] = set()
    for raw in patterns:
        negate = raw.startswith("!")
        text = re.sub(r"^(\./)+", "", raw[1:] if negate else raw).rstrip("/")
        for pattern in bracex.expand(text) if text else []:
            if pattern and (root / pattern).is_dir() and not re.search(r"[*?\[{]", pattern):
                pattern += "/**"
            regex = re.compile("|".join(glob.translate(pattern, flags=flags)[0]))
            hits = {f for f in files if regex.match(f)}
            chosen = chosen - hits if negate else chosen | hits
    return chosen
