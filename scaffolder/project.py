"""Where a generated project starts: the nearest folder upward holding a record, as git finds `.git`.

`upgrade`, `check` and `adopt` run from any folder inside a project; a monorepo folder made with
`scaffold new --into` has its own record, so the nearest one upward wins.
"""

from __future__ import annotations

from pathlib import Path

from scaffolder import git
from scaffolder import record as records
from scaffolder.errors import TemplateError


def find_root(path: Path) -> Path:
    """The nearest folder at or above `path` holding `.scaffold/record.yaml`; a TemplateError when none
    does (the search stops at the top of the git work tree holding `path`, or at `/`)."""
    start = path.resolve()
    if (start / records.RECORD_PATH).is_file():  # the usual case: no git process to find the top
        return start
    top = git.toplevel(start) if start.is_dir() else None
    for folder in (start, *start.parents):
        if (folder / records.RECORD_PATH).is_file():
            return folder
        if top is not None and folder == top:
            break
    above = "any folder above it" + (f" up to {top}" if top is not None else "")
    raise TemplateError(f"{start} has no {records.RECORD_PATH}, nor has {above}: it was not made by scaffold")


def project_root(path: Path) -> Path:
    """The folder a command meant for a whole project works on: the nearest one upward with a record,
    else the top of the git work tree holding `path`, else `path` itself."""
    try:
        return find_root(path)
    except TemplateError:
        pass
    start = path.resolve()
    return (git.toplevel(start) if start.is_dir() else None) or start
