"""`fs:rename`: rename (move) files or folders inside the workspace, as Backstage's action does.

Input `files: [{from, to, overwrite: false}]`, applied in order. Both paths stay inside the
workspace (`..`, absolute paths, `.git` in any spelling and links leading out are refused, before
the run when the text shows it). A missing source is
an error unless `missing_ok` (then it is reported in `skipped`); an existing target is an error
unless that entry has `overwrite: true`. Every entry is checked before anything moves. Used by
template migrations (`spec.migrations`) to follow a file the template renamed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from scaffolder.action import ActionContext, ActionError, ActionInput, ActionOutput, Example, Problem, define_action

from ._fs import exists, path_problems, relative, workspace_path

ID = "fs:rename"


class RenameFile(ActionInput):
    from_: str = Field(alias="from", description="Path to rename, relative to the workspace")
    to: str = Field(description="New path, relative to the workspace; folders are created")
    overwrite: bool = Field(False, description="Replace an existing file or folder at `to`")


class Input(ActionInput):
    files: list[RenameFile] = Field(min_length=1, description="Renames, applied in order")
    missing_ok: bool = Field(False, description="A missing `from` is skipped instead of an error")


class Renamed(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)
    from_: str = Field(alias="from")
    to: str


class Output(ActionOutput):
    renamed: list[Renamed] = Field(description="What was renamed (or would be, in a dry run)")
    skipped: list[str] = Field(description="Sources that were missing (with missing_ok)")


def _origin(path: Path, done: list[tuple[Path, Path]]) -> Path | None:
    """Where `path`'s content is on disk now, once the renames in `done` are applied (None: absent)."""
    for index in range(len(done) - 1, -1, -1):
        source, target = done[index]
        if path == target or target in path.parents:
            return _origin(source / path.relative_to(target), done[:index])
        if path == source or source in path.parents:
            return None
    return path if exists(path) else None


def _plan(ctx: ActionContext, inp: Input) -> tuple[list[tuple[Path, Path, bool]], list[str]]:
    """Check every entry against the workspace as it will be when its turn comes."""
    moves: list[tuple[Path, Path, bool]] = []
    skipped: list[str] = []
    problems: list[Problem] = []
    for index, item in enumerate(inp.files):
        where = f"{ID} files[{index}]"
        source = workspace_path(ctx, item.from_, ID)
        target = workspace_path(ctx, item.to, ID)
        done = [(s, t) for s, t, _ in moves]
        if source == target:
            problems.append(Problem(where, f"from and to are the same path ({item.to})"))
        elif source in target.parents:
            problems.append(Problem(where, f"cannot move {item.from_} into itself ({item.to})"))
        elif _origin(source, done) is None:
            if inp.missing_ok:
                skipped.append(item.from_)
            else:
                problems.append(Problem(where, f"{item.from_} does not exist (set missing_ok to skip it)"))
        elif _origin(target, done) is not None and not item.overwrite:
            problems.append(Problem(where, f"{item.to} already exists (set overwrite: true to replace it)"))
        else:
            moves.append((source, target, item.overwrite))
    if problems:
        raise ActionError(f"{ID} cannot rename", problems)
    return moves, skipped


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def preflight(ctx: ActionContext, inp: Input) -> list[Problem]:
    """Before any run: a `from` or `to` that leaves the workspace or names `.git` is refused."""
    paths = [
        (f"{ID} files[{i}].{key}", path)
        for i, f in enumerate(inp.files)
        for key, path in (("from", f.from_), ("to", f.to))
    ]
    return path_problems(paths)


def run(ctx: ActionContext, inp: Input) -> Output:
    moves, skipped = _plan(ctx, inp)
    renamed = [Renamed(from_=relative(ctx, s), to=relative(ctx, t)) for s, t, _ in moves]
    if ctx.dry_run:
        return Output(renamed=renamed, skipped=skipped)
    for source, target, overwrite in moves:
        if overwrite and exists(target):
            _remove(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        source.rename(target)
        ctx.log.info("renamed %s -> %s", relative(ctx, source), relative(ctx, target))
    return Output(renamed=renamed, skipped=skipped)


action = define_action(
    id=ID,
    description="Rename or move files and folders inside the workspace.",
    input=Input,
    output=Output,
    handler=run,
    supports_dry_run=True,
    preflight=preflight,
    examples=(
        Example(
            "Move a file into a new folder",
            {"files": [{"from": "docs/catalog-info.yaml", "to": "docs/catalog/catalog-info.yaml"}]},
        ),
        Example(
            "Replace one file with another",
            {"files": [{"from": "docs/catalog-info.yaml", "to": "catalog-info.yaml", "overwrite": True}]},
        ),
        Example(
            "A migration that tolerates repos where the file is already gone",
            {"files": [{"from": "setup.cfg", "to": "pyproject.toml"}], "missing_ok": True},
        ),
    ),
)
