"""An upgrade's change as a unified diff in git's format (`git apply` takes it), and the lists of added,
modified, deleted and renamed files it reports."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from scaffolder.merge import FileState, LinkState, Ours, State
from scaffolder.upgrade.result import UpgradeResult
from scaffolder.upgrade.trees import RECORD, Disk


def _mode(state: State) -> str:
    if isinstance(state, LinkState):
        return "120000"
    return "100755" if state.executable else "100644"


def _data(state: State | None) -> bytes:
    """What git diffs for a state: a file's content, a symlink's target text."""
    if state is None:
        return b""
    return state.target.encode("utf-8", "surrogateescape") if isinstance(state, LinkState) else state.data


def _lines(data: bytes) -> list[str] | None:
    """Text lines (each ending in a newline, git's marker after an unterminated last line) or None
    for binary content."""
    from scaffolder.render import is_binary

    if is_binary(data):
        return None
    lines = data.decode("utf-8").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def file_diff(old_path: str | None, new_path: str | None, before: Ours, after: Ours) -> str:
    """One path's change in git's diff format (`git apply` takes it); a symlink's is its target
    text with mode 120000, and a file turned into a symlink (or back) is a deletion and an addition,
    as git shows a type change."""
    old = before if isinstance(before, FileState | LinkState) else None
    new = after if isinstance(after, FileState | LinkState) else None
    if old is not None and new is not None and type(old) is not type(new):
        return file_diff(old_path, old_path, old, None) + file_diff(new_path, new_path, None, new)
    a, b = old_path or new_path, new_path or old_path
    head = [f"diff --git a/{a} b/{b}"]
    if old is None and new is not None:
        head.append(f"new file mode {_mode(new)}")
    elif new is None and old is not None:
        head.append(f"deleted file mode {_mode(old)}")
    elif old is not None and new is not None and _mode(old) != _mode(new):
        head += [f"old mode {_mode(old)}", f"new mode {_mode(new)}"]
    if old_path and new_path and old_path != new_path:
        head += [f"rename from {old_path}", f"rename to {new_path}"]
    old_data, new_data = _data(old), _data(new)
    if old_data == new_data:
        return "\n".join(head) + "\n" if len(head) > 1 else ""
    old_lines, new_lines = _lines(old_data), _lines(new_data)
    from_name = f"a/{a}" if old is not None else "/dev/null"
    to_name = f"b/{b}" if new is not None else "/dev/null"
    if old_lines is None or new_lines is None:
        return "\n".join([*head, f"Binary files {from_name} and {to_name} differ"]) + "\n"
    body = difflib.unified_diff(old_lines, new_lines, from_name, to_name, n=3)
    text = "".join(line if line.endswith("\n") else line + "\n" for line in body)
    return "\n".join(head) + "\n" + text


def report(
    changes: Mapping[str, State | None], disk: Disk, renamed: list[tuple[str, str]], result: UpgradeResult
) -> str:
    """Fill the result's lists from the changes; returns the diff."""
    result.renamed = [(a, b) for a, b in renamed if a in changes and changes[a] is None and changes.get(b)]
    sources = {a for a, _ in result.renamed}
    targets = {b: a for a, b in result.renamed}
    parts: list[str] = []
    for rel in sorted(changes):
        before, after = disk.get(rel), changes[rel]
        if rel in sources:
            continue  # shown under its new name
        if rel in targets:
            origin = disk.get(targets[rel])
            parts.append(file_diff(targets[rel], rel, origin, after))
            if origin != after:
                result.modified.append(rel)
            continue
        parts.append(file_diff(rel, rel, before, after))
        if rel == RECORD:
            continue
        if after is None:
            result.deleted.append(rel)
        elif before is None:
            result.added.append(rel)
        else:
            result.modified.append(rel)
    return "".join(parts)
