"""Three-way merge of one file: the old render (base), the repo (ours) and the new render (theirs).

The rules, in order (content and the executable bit are decided separately):

- the template did not change the file: keep the repo's (a required file the user deleted comes back);
- the user did not change it: take the template's (write, or delete when the template deleted it);
- the user deleted it: it stays deleted (`kept_deleted`, a modify/delete conflict) unless the template
  marks it required;
- the template deleted a file the user changed: keep the user's and report a conflict;
- both changed it: `git merge-file`, clean or with conflict markers (diff3 style by default: the base
  between `|||||||` and `=======`); binary files are never merged: the user's is kept, a conflict;
- the template added a file where the user already has a different one: merged against an empty base.

A symlink (`LinkState`, its target text) is one value, never merged: when the user's side equals the
old render the template's side is taken (a link kept, retargeted, added, turned into a file or back);
when the user changed it too (another target, a file in its place) and the template's side differs,
the user's is kept and the path is a conflict.

Nothing here touches the disk except `git merge-file`'s temporary files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scaffolder import git

ConflictStyle = Literal["merge", "diff3", "zdiff3"]
CONFLICT_STYLES: tuple[ConflictStyle, ...] = ("merge", "diff3", "zdiff3")


@dataclass(frozen=True)
class FileState:
    """A regular file's content and whether it is executable (the only mode bit git keeps)."""

    data: bytes
    executable: bool = False


@dataclass(frozen=True)
class LinkState:
    """A symlink, by its target text (what `os.readlink` gives)."""

    target: str


State = FileState | LinkState


class Other:
    """Something at a path that is neither a regular file nor a symlink (a folder): never written through."""

    def __repr__(self) -> str:
        return "Other()"


OTHER = Other()
Ours = FileState | LinkState | Other | None


@dataclass(frozen=True)
class Decision:
    """What to do with one path of the repo."""

    action: Literal["keep", "write", "delete"]
    result: State | None = None  # the content (or link) to write
    conflict: bool = False  # markers written, or the user's version kept because both sides changed
    kept_deleted: bool = False  # the template changed it, the user had deleted it: left deleted
    markers: bool = False  # the written content holds conflict markers
    kind: str = ""  # what needs a human, when `conflict` or `kept_deleted` (see CONFLICT_KINDS)


KEEP = Decision("keep")

# Every case that needs a human, by kind (the `kind` of a Decision, of the JSON report and of the PR
# body), with what the user sees; named after git's own conflict types.
CONFLICT_KINDS = {
    "content": "both changed the same lines: conflict markers written",
    "add/add": "both added it, differently: conflict markers written",
    "binary": "both changed a binary file: yours kept",
    "modify/delete": "you deleted it, the template changed it: left deleted",
    "delete/modify": "the template deleted it, you changed it: yours kept",
    "rename/rename": "you and the template renamed it differently: both kept",
    "symlink": "both changed a symlink (or a file into one): yours kept",
    "blocked": "something of yours (a folder, a symlinked folder) stands where the template writes: yours kept",
}


@dataclass(frozen=True)
class Labels:
    """How conflict markers name the three sides."""

    ours: str = "yours"
    base: str = "template (old)"
    theirs: str = "template (new)"
    style: ConflictStyle = "diff3"  # diff3 (git's `merge.conflictStyle`) shows the base between ||||||| and =======


def merge_text(base: bytes, ours: bytes, theirs: bytes, labels: Labels = Labels()) -> tuple[bytes, bool]:
    """Merge three versions of a text file; returns (merged bytes, whether conflicts remain)."""
    if ours == theirs:
        return ours, False
    if ours == base:
        return theirs, False
    if theirs == base:
        return ours, False
    merged, conflicts = git.merge_file(ours, base, theirs, (labels.ours, labels.base, labels.theirs), labels.style)
    return merged, conflicts > 0


def _binary(data: bytes) -> bool:
    """git's binary heuristic (`render.is_binary`), imported on first use: the render module loads Jinja."""
    from scaffolder.render import is_binary

    return is_binary(data)


def _executable(base: FileState | None, ours: FileState, theirs: FileState) -> bool:
    """The executable bit, merged three ways: the template's change applies unless the user changed it too."""
    base_x = base.executable if base is not None else theirs.executable
    return theirs.executable if ours.executable == base_x else ours.executable


def _decide_link(base: State | None, ours: State, theirs: State) -> Decision:
    """One side at least is a symlink: taken whole from the template when the user left the
    old render's as it was, else the user's is kept (a conflict unless both agree)."""
    if ours == theirs:
        return KEEP
    if ours == base:
        return Decision("write", theirs)
    return Decision("keep", conflict=True, kind="symlink")


def decide(
    base: State | None,
    ours: Ours,
    theirs: State | None,
    *,
    required: bool = False,
    labels: Labels = Labels(),
) -> Decision:
    """Apply the merge rules to one path (see the module docstring); `labels.style` picks the markers."""
    if base == theirs:  # the template did not change it
        if ours is None and theirs is not None and required:
            return Decision("write", theirs)
        return KEEP
    if isinstance(ours, Other):
        return Decision("keep", conflict=True, kind="blocked")
    if theirs is None:  # the template deleted it
        if ours is None:
            return KEEP
        if ours == base or (isinstance(ours, FileState) and isinstance(base, FileState) and ours.data == base.data):
            return Decision("delete")
        return Decision("keep", conflict=True, kind="delete/modify")
    if ours is None:
        if base is not None and not required:
            return Decision("keep", conflict=True, kept_deleted=True, kind="modify/delete")
        return Decision("write", theirs)  # added by the template, or required and restored
    if not (isinstance(base, FileState | None) and isinstance(ours, FileState) and isinstance(theirs, FileState)):
        return _decide_link(base, ours, theirs)
    executable = _executable(base, ours, theirs)
    if ours.data == theirs.data:
        data, conflict = ours.data, False
    elif base is not None and ours.data == base.data:
        data, conflict = theirs.data, False
    elif any(_binary(x) for x in (ours.data, theirs.data, base.data if base else b"")):
        return Decision("keep", conflict=True, kind="binary")
    else:
        data, conflict = merge_text(base.data if base is not None else b"", ours.data, theirs.data, labels)
    result = FileState(data, executable)
    kind = ("content" if base is not None else "add/add") if conflict else ""
    if result == ours:
        return Decision("keep", conflict=conflict, kind=kind)
    return Decision("write", result, conflict=conflict, markers=conflict, kind=kind)
