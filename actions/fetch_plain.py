"""`fetch:plain`: copy a folder (or one file) of the golden path into the workspace as it is.

Backstage's `fetch:plain` and `fetch:plain:file`: nothing is rendered, neither contents nor
paths. Only paths inside the golden path can be fetched; a symlink is copied as a symlink when it
leads to something copied with it, and refused otherwise, as in skeletons; `.git` (a folder that
would make git run the template's config) is refused, and so is a `targetPath` that leaves the
workspace or names `.git`, before any run. Compiled and cached files (`__pycache__`, `*.pyc`,
`.DS_Store`: `scaffolder.litter`) are left out.
"""

from __future__ import annotations

from pydantic import Field

from scaffolder.action import (
    GIT_MESSAGE,
    ActionContext,
    ActionInput,
    ActionOutput,
    Example,
    Problem,
    RenderedFile,
    RenderError,
    define_action,
    git_component,
    inside,
    is_git_name,
    is_litter,
    link_problems,
)


class Input(ActionInput):
    path: str = Field(".", alias="url", description="A folder or file of the golden path (Backstage: url)")
    target_path: str = Field(
        ".", alias="targetPath", description="Where to put it in the workspace (for a file: its new path)"
    )


class Output(ActionOutput):
    files: list[str] = Field(description="Paths written, relative to the workspace")


def _files(ctx: ActionContext, inp: Input) -> tuple[list[RenderedFile], str]:
    """The files to copy, and the workspace folder they go under."""
    source = inside(ctx.template_dir, inp.path) if inp.path not in ("", ".") else ctx.template_dir.resolve()
    if source.is_file():
        target = inp.target_path if inp.target_path not in ("", ".") else source.name
        folder, _, name = target.rstrip("/").rpartition("/")
        return [RenderedFile(name, source.read_bytes(), source.stat().st_mode & 0o777)], folder or "."
    if not source.is_dir():
        raise RenderError("fetch:plain cannot find what to copy", [Problem(inp.path, f"no file or folder {source}")])
    files, problems = [], []
    for file in sorted(source.rglob("*")):
        rel = file.relative_to(source).as_posix()
        if is_litter(rel):
            continue  # compiled, cached or left by a file manager (scaffolder.litter)
        if file.is_symlink() and git_component(rel) is None:
            files.append(RenderedFile(rel, b"", 0o777, link=str(file.readlink())))
        elif git_component(rel) is not None:
            if is_git_name(file.name):
                problems.append(Problem(rel, GIT_MESSAGE))
        elif file.is_file():
            files.append(RenderedFile(rel, file.read_bytes(), file.stat().st_mode & 0o777))
    links = {f.path: f.link for f in files if f.link is not None}
    problems += link_problems([f.path for f in files if f.link is None], links) if links else []
    if problems:
        raise RenderError(f"fetch:plain cannot copy {inp.path}", problems)
    return files, inp.target_path


def preflight(ctx: ActionContext, inp: Input) -> list[Problem]:
    try:
        _files(ctx, inp)
    except RenderError as exc:
        return list(exc.problems) or [Problem(inp.path, exc.message)]
    return []


def run(ctx: ActionContext, inp: Input) -> Output:
    files, folder = _files(ctx, inp)
    return Output(files=ctx.write_files(folder, files))


action = define_action(
    id="fetch:plain",
    description="Copy a folder or file of the golden path into the workspace, without rendering.",
    input=Input,
    output=Output,
    handler=run,
    supports_dry_run=True,
    preflight=preflight,
    examples=(
        Example("Copy the golden path's skeleton folder as it is", {"path": "skeleton"}),
        Example(
            "Copy one file to a new path (Backstage's fetch:plain:file)",
            {"url": "template.yaml", "targetPath": "docs/origin.yaml"},
        ),
    ),
)
