"""Backstage's globs (`copyWithoutTemplating`), matched as Backstage matches them (globby, with
`dot: true` and directory expansion), so a Backstage skeleton copies the same files verbatim.

Unlike `fnmatch` (scaffold's `copy_without_render`), `*` and `?` stop at `/`, `**` spans folders,
a glob is anchored at the skeleton's top (`*.png` is only the top folder's PNGs), `{a,b}` expands,
a leading `!` excludes, and a glob naming a folder means everything in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path


def _braces(pattern: str) -> list[str]:
    match = re.search(r"\{([^{}]*,[^{}]*)\}", pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [x for part in match[1].split(",") for x in _braces(head + part + tail)]


def _regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape("["))
                i += 1
            else:
                body = pattern[i + 1 : end]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
                i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def matching_files(root: Path, patterns: Iterable[str]) -> set[str]:
    """The files under `root` (POSIX paths relative to it) that Backstage's globs select."""
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink())
    chosen: set[str] = set()
    for raw in patterns:
        negate = raw.startswith("!")
        text = re.sub(r"^(\./)+", "", raw[1:] if negate else raw).rstrip("/")
        for pattern in _braces(text):
            if pattern and (root / pattern).is_dir() and not re.search(r"[*?\[{]", pattern):
                pattern += "/**"
            regex = _regex(pattern)
            hits = {f for f in files if regex.match(f)}
            chosen = chosen - hits if negate else chosen | hits
    return chosen


def fnmatch_escape(rel: str) -> str:
    """`rel` as an fnmatch glob that matches only that path (anchored: see render's `_matches`)."""
    return "/" + re.sub(r"([*?\[])", r"[\1]", rel)
