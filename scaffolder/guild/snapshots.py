"""Snapshots of rendered examples: one text file per example, `snapshots/EXAMPLE.txt`.

A snapshot lists every file the golden path renders for one example answers file, with the
content of each text file inline, so a pull request that changes what repos get shows that change
as a plain diff. One file per example (not a tree of real files) keeps generated code away from
the library's own tools: no linter, test runner, `.gitignore` or workflow picks it up.

The format, made to be read in a diff::

    # comments (what this is, how to regenerate it)
    === README.md
      every line of the file, indented by two spaces (an empty line stays empty)
    === bin/run  [executable]
    === bin/tool  [executable; binary: 5120 bytes, sha256 …]
    === empty.txt  [empty]
    === VERSION  [no newline at end]
    === logo.png  [binary: 1234 bytes, sha256 …]
    === data/big.csv  [not shown: 90000 bytes, sha256 …]

Text files larger than `INLINE_LIMIT` and binary files are recorded by size and SHA-256 only.
The record (`.scaffold/record.yaml`) is never part of a render, so run ids and dates never are.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

SNAPSHOTS_DIR = "snapshots"
SUFFIX = ".txt"
INLINE_LIMIT = 64 * 1024
DIFF_LINES = 30  # per file, in reports
_HEADER = re.compile(r"^=== (?P<path>.+?)(?:  \[(?P<attrs>[^\]]*)\])?$")
_OPAQUE = re.compile(r"^(?P<kind>binary|not shown): (?P<size>\d+) bytes, sha256 (?P<sha>[0-9a-f]{64})$")


class SnapshotError(ValueError):
    """A snapshot file that does not follow the format (edited by hand?)."""


@dataclass(frozen=True)
class Entry:
    """One file of a render: its text (None when not shown inline), or its size and hash."""

    path: str
    sha256: str
    size: int
    executable: bool = False
    text: str | None = None
    binary: bool = False


def _is_text(data: bytes) -> str | None:
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def entry(path: str, data: bytes, executable: bool = False) -> Entry:
    text = _is_text(data)
    inline = text if text is not None and len(data) <= INLINE_LIMIT else None
    return Entry(path, hashlib.sha256(data).hexdigest(), len(data), executable, inline, text is None)


def read_tree(root: Path, exclude: frozenset[str] = frozenset()) -> dict[str, Entry]:
    """Every regular file under `root` by POSIX path (`.git` and `exclude` left out)."""
    out: dict[str, Entry] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            st = path.lstat()
            if rel in exclude or not stat.S_ISREG(st.st_mode):
                continue
            out[rel] = entry(rel, path.read_bytes(), bool(st.st_mode & stat.S_IXUSR))
    return dict(sorted(out.items()))


def dump(entries: dict[str, Entry], comments: list[str]) -> str:
    """The snapshot text of a render."""
    lines = [f"# {c}" if c else "#" for c in comments]
    for item in entries.values():
        attrs = ["executable"] if item.executable else []
        body: list[str] = []
        if item.text is None:
            kind = "binary" if item.binary else "not shown"
            attrs.append(f"{kind}: {item.size} bytes, sha256 {item.sha256}")
        elif item.text == "":
            attrs.append("empty")
        else:
            body = item.text.split("\n")
            if item.text.endswith("\n"):
                body.pop()
            else:
                attrs.append("no newline at end")
        lines.append(f"=== {item.path}" + (f"  [{'; '.join(attrs)}]" if attrs else ""))
        lines.extend(f"  {line}" if line else "" for line in body)
    return "\n".join(lines) + "\n"


def parse(text: str) -> dict[str, Entry]:
    """The entries of a snapshot; SnapshotError names the first line that breaks the format."""
    out: dict[str, Entry] = {}
    current: tuple[str, list[str], set[str], re.Match[str] | None] | None = None

    def close() -> None:
        if current is None:
            return
        path, body, attrs, opaque = current
        executable = "executable" in attrs
        if opaque is not None:
            binary = opaque["kind"] == "binary"
            out[path] = Entry(path, opaque["sha"], int(opaque["size"]), executable, None, binary)
            return
        content = "" if "empty" in attrs else "\n".join(body) + ("" if "no newline at end" in attrs else "\n")
        data = content.encode("utf-8")
        out[path] = Entry(path, hashlib.sha256(data).hexdigest(), len(data), executable, content)

    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        header = _HEADER.match(line)
        if header:
            close()
            attrs = {a.strip() for a in (header["attrs"] or "").split(";") if a.strip()}
            opaque = next((m for m in map(_OPAQUE.match, attrs) if m), None)
            attrs = {a for a in attrs if not _OPAQUE.match(a)}
            if attrs - {"executable", "empty", "no newline at end"}:
                raise SnapshotError(f"line {number}: unknown attribute in {line!r}")
            current = (header["path"], [], attrs, opaque)
        elif current is None:
            if line and not line.startswith("#"):
                raise SnapshotError(f"line {number}: expected a comment or '=== PATH'")
        elif line == "" or line.startswith("  "):
            current[1].append(line[2:])
        else:
            raise SnapshotError(f"line {number}: a content line must start with two spaces")
    close()
    return out


@dataclass(frozen=True)
class Difference:
    """How one file of the render differs from the snapshot."""

    path: str
    kind: str  # added (not in the snapshot), removed (no longer rendered), changed, mode
    diff: str  # a short unified diff (truncated), or a one-line description

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "kind": self.kind, "diff": self.diff}


def _short_diff(path: str, old: str, new: str, limit: int = DIFF_LINES) -> str:
    lines = list(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"snapshot/{path}", f"rendered/{path}", n=2
        )
    )
    lines = [line if line.endswith("\n") else line + "\n" for line in lines]
    if len(lines) > limit:
        lines = [*lines[:limit], f"... ({len(lines) - limit} more diff lines)\n"]
    return "".join(lines)


def compare(expected: dict[str, Entry], actual: dict[str, Entry]) -> list[Difference]:
    """Every file that differs between a snapshot and a render, by path."""
    found = []
    for path in sorted(expected.keys() | actual.keys()):
        old, new = expected.get(path), actual.get(path)
        if old is None and new is not None:
            found.append(Difference(path, "added", _short_diff(path, "", new.text or "") if new.text else "new file"))
        elif new is None and old is not None:
            found.append(Difference(path, "removed", "no longer rendered"))
        elif old is not None and new is not None and old.sha256 != new.sha256:
            if old.text is not None and new.text is not None:
                found.append(Difference(path, "changed", _short_diff(path, old.text, new.text)))
            else:
                what = f"content differs (sha256 {old.sha256[:12]} -> {new.sha256[:12]})"
                found.append(Difference(path, "changed", what))
        elif old is not None and new is not None and old.executable != new.executable:
            mode = "now executable" if new.executable else "no longer executable"
            found.append(Difference(path, "mode", mode))
    return found
