"""`fs:delete`: delete files or folders inside the workspace, as Backstage's action does.

Input `files: [PATH or GLOB]` (`*`, `?`, `[…]` and `**` as in pathlib's glob). A path that does
not exist is not an error (so a rerun is a no-op); a path that leaves the workspace, the
workspace itself and `.git` (any spelling, at any depth) are refused, before the run when the
text shows it (a glob never matches inside `.git`). Symlinks are
deleted, not followed. Used by template migrations (`spec.migrations`) for files a template
stopped generating.
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

from pydantic import Field

from scaffolder.action import (
    ActionContext,
    ActionInput,
    ActionOutput,
    Example,
    Problem,
    RenderError,
    define_action,
    git_component,
)

from ._fs import exists, path_problems, relative, workspace_path

ID = "fs:delete"
GLOB_CHARS = set("*?[")


class Input(ActionInput):
    files: list[str] = Field(min_length=1, description="Paths or globs, relative to the workspace")


class Output(ActionOutput):
    deleted: list[str] = Field(description="What was deleted (or would be, in a dry run), sorted")


def _matches(ctx: ActionContext, pattern: str) -> list[Path]:
    if not GLOB_CHARS & set(pattern):
        path = workspace_path(ctx, pattern, ID)
        return [path] if exists(path) else []
    rel = PurePosixPath(pattern)
    if rel.is_absolute() or ".." in rel.parts:
        raise RenderError(f"{ID} refuses a path", [Problem(pattern, "a glob must stay inside the workspace")])
    root = ctx.workspace.resolve()
    found = []
    for match in root.glob(pattern):
        parts = match.relative_to(root).parts
        if not parts or git_component("/".join(parts)) is not None:
            continue  # a glob never reaches into .git (a submodule's too)
        found.append(workspace_path(ctx, "/".join(parts), ID))
    return found


def preflight(ctx: ActionContext, inp: Input) -> list[Problem]:
    """Before any run: a path or glob that leaves the workspace or names `.git` is refused."""
    return path_problems([(f"{ID} files[{i}]", p) for i, p in enumerate(inp.files)])


def run(ctx: ActionContext, inp: Input) -> Output:
    targets: dict[Path, None] = {}
    for pattern in inp.files:
        for path in _matches(ctx, pattern):
            targets[path] = None
    # a folder's own deletion covers what is inside it
    roots = [p for p in targets if not any(q in p.parents for q in targets)]
    deleted = sorted(relative(ctx, p) for p in roots)
    if ctx.dry_run:
        return Output(deleted=deleted)
    for path in roots:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        ctx.log.info("deleted %s", relative(ctx, path))
    return Output(deleted=deleted)


action = define_action(
    id=ID,
    description="Delete files and folders (paths or globs) inside the workspace.",
    input=Input,
    output=Output,
    handler=run,
    supports_dry_run=True,
    preflight=preflight,
    examples=(
        Example("Delete one file", {"files": ["docs/catalog-info.yaml"]}),
        Example("Delete by glob, and a folder with everything in it", {"files": ["**/*.pyc", "docs"]}),
        Example("A path that is already gone is not an error", {"files": ["setup.cfg"]}),
    ),
)
