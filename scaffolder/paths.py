"""Keeping paths inside a workspace: `..`, absolute paths and symlinks that lead out are refused."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from scaffolder.errors import Problem, RenderError


def inside(root: Path, relative: str | Path) -> Path:
    """`root / relative`, resolved; raises RenderError if the result is not under `root`.

    Symlinks already present on disk are followed before the check, so a link planted in the
    workspace cannot carry a write outside it.
    """
    rel = str(relative)
    if not rel or PurePosixPath(rel).is_absolute() or Path(rel).is_absolute():
        raise RenderError("path escapes the workspace", [Problem(rel or "(empty)", "must be a relative path")])
    if "\x00" in rel:
        raise RenderError("path escapes the workspace", [Problem(repr(rel), "contains a NUL byte")])
    base = root.resolve()
    try:
        target = (base / rel).resolve()
    except (OSError, RuntimeError) as exc:  # e.g. a symlink loop
        raise RenderError("path cannot be resolved", [Problem(rel, str(exc))]) from None
    if target != base and base not in target.parents:
        raise RenderError("path escapes the workspace", [Problem(rel, f"resolves outside {root}")])
    return target
