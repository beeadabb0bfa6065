"""Paths for the `fs:*` actions: inside the workspace, never `.git`, never the workspace itself.

Unlike `ctx.resolve`, the last component is not followed when it is a symlink, so renaming or
deleting a link acts on the link, not on what it points to (its folder is still resolved, so a
planted link cannot carry the action outside the workspace).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from scaffolder.action import GIT_MESSAGE, ActionContext, Problem, RenderError, git_component, lexical_problem


def workspace_path(ctx: ActionContext, relative: str, action_id: str) -> Path:
    """The workspace path `relative` names; RenderError when it escapes, is the workspace or
    names `.git` (any spelling, at any depth)."""
    rel = PurePosixPath(relative.replace("\\", "/"))
    parts = [p for p in rel.parts if p != "."]
    if not parts or parts[-1] == "..":
        raise RenderError(f"{action_id} refuses a path", [Problem(relative or "(empty)", "names the workspace itself")])
    if git_component(relative) is not None:
        raise RenderError(f"{action_id} refuses a path", [Problem(relative, GIT_MESSAGE)])
    parent = ctx.resolve("/".join(parts[:-1])) if len(parts) > 1 else ctx.workspace.resolve()
    return parent / parts[-1]


def path_problems(paths: list[tuple[str, str]]) -> list[Problem]:
    """Preflight: each (where, path) that leaves the workspace or names `.git`, seen from its text
    alone, so the refusal comes before any run folder exists."""
    return [Problem(f"{where} {path!r}", bad) for where, path in paths if (bad := lexical_problem(path))]


def relative(ctx: ActionContext, path: Path) -> str:
    """`path` as a POSIX path relative to the workspace."""
    return path.relative_to(ctx.workspace.resolve()).as_posix()


def exists(path: Path) -> bool:
    """True for a file, a folder or a symlink (even a dangling one)."""
    return path.is_symlink() or path.exists()
