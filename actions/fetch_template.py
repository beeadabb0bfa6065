"""`fetch:template`: render a skeleton folder of the golden path into the workspace.

File contents and paths are Jinja2 templates (sandboxed, strict undefined) seeing `values` (by
default every non-secret answer) and `template` (name, version); Backstage templates render in
the `nunjucks` dialect (`scaffolder.nunjucks`), seeing `values` only, as Backstage does. Binary files and files matching
`copy_without_render` are copied byte for byte. Nothing is written until every file has rendered.
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from scaffolder.action import (
    ActionContext,
    ActionInput,
    ActionOutput,
    Delimiters,
    Example,
    Problem,
    RenderedFile,
    RenderError,
    define_action,
    inside,
)
from scaffolder.action import globs as fileglobs  # `globs` is the name of a list below


class Input(ActionInput):
    path: str = Field(
        "skeleton",
        description="Skeleton folder, relative to the golden path; or one file (Backstage's fetch:template:file), "
        "whose contents render to the file `target_path` names",
    )
    target_path: str = Field(
        ".", alias="targetPath", description="Where to write, inside the workspace (for one file: its path)"
    )
    values: dict[str, Any] | None = Field(
        None, description="Variables for the skeleton (`values.x`); default: every non-secret answer"
    )
    copy_without_render: list[str] = Field(
        default_factory=list, alias="copyWithoutRender", description="Globs copied without rendering"
    )
    copy_without_templating: list[str] = Field(
        default_factory=list,
        alias="copyWithoutTemplating",
        description="Backstage's globs (globby: anchored at the skeleton's top, `*` within a folder, `**` "
        "across folders, `!` excludes): contents copied as they are, paths still rendered",
    )
    cookiecutter_compat: bool = Field(
        False,
        alias="cookiecutterCompat",
        description="Backstage's cookiecutter compatibility: `{{ }}` delimiters, values also as `cookiecutter`",
    )
    delimiters: Delimiters | None = Field(None, description="Other Jinja delimiters, e.g. for ${{ }}")
    template_suffix: str | None = Field(
        None, description="Render only files ending in this suffix (e.g. .jinja), stripping it"
    )
    dialect: Literal["jinja", "nunjucks"] = Field(
        "jinja",
        description="jinja: undefined names are errors; nunjucks (Backstage templates): undefined renders "
        "empty, values print as JavaScript prints them, CRLF is kept, and the skeleton sees only `values`",
    )


class Output(ActionOutput):
    files: list[str] = Field(description="Paths written, relative to the workspace")


# The preflight renders the whole skeleton in memory; the run of the same step that follows takes
# that render instead of making it again, when the run, the inputs and the skeleton's files (path,
# inode, size, mtime) are all the same. A few entries at most, each taken once.
_KEPT: dict[tuple[Any, ...], tuple[dict[str, Any], Any, list[RenderedFile]]] = {}
_KEPT_MAX = 4
_lock = threading.Lock()


def _one_file(ctx: ActionContext, inp: Input, source: Path) -> list[RenderedFile]:
    """Backstage's fetch:template:file: the file's contents rendered (not its name), written as
    the file `target_path` names, with a new file's usual mode (Backstage does not copy it)."""
    name = inp.target_path.rstrip("/").rpartition("/")[2]
    if inp.target_path in ("", ".") or not name:
        raise RenderError("fetch:template needs a file path", [Problem(inp.path, "targetPath must name the file")])
    with ctx.temp_dir("scaffold-file-") as tmp:
        (tmp / "file").write_bytes(source.read_bytes())
        rendered = _render(ctx, inp.model_copy(update={"path": "."}), template_dir=tmp)
    return [RenderedFile(name, rendered[0].content, 0o644)]


def _render(ctx: ActionContext, inp: Input, keep: bool = False, template_dir: Path | None = None) -> list[RenderedFile]:
    source = inside(template_dir or ctx.template_dir, inp.path)
    if source.is_file() and template_dir is None:
        return _one_file(ctx, inp, source)
    if not source.is_dir():
        raise RenderError("fetch:template cannot find its skeleton", [Problem(inp.path, f"no folder {source}")])
    secret = {p.id for p in ctx.template.parameters if p.secret}
    values = inp.values if inp.values is not None else {k: v for k, v in ctx.parameters.items() if k not in secret}
    context: dict[str, Any] = {"values": values}
    if inp.dialect == "jinja":
        context["template"] = {"name": ctx.template.name, "version": ctx.template.version}
    if inp.cookiecutter_compat:  # Backstage's skeleton then sees `cookiecutter` only
        context = {"cookiecutter": values} if inp.dialect == "nunjucks" else {**context, "cookiecutter": values}
    delimiters = inp.delimiters or Delimiters()
    globs = list(inp.copy_without_render)
    if inp.copy_without_templating:
        globs += [
            fileglobs.escape(rel) for rel in sorted(fileglobs.matching_files(source, inp.copy_without_templating))
        ]
    key = (ctx.run_id, str(ctx.template_dir), str(source), tuple(globs), delimiters, inp.template_suffix, inp.dialect)
    with _lock:
        kept = _KEPT.pop(key, None)
    if kept is not None and not keep and kept[0] == context and kept[1] == ctx.rendering.skeleton_signature(source):
        return kept[2]
    signature = ctx.rendering.skeleton_signature(source) if keep else None
    files = ctx.rendering.render_tree(
        source,
        context,
        copy_without_render=globs,
        delimiters=delimiters,
        template_suffix=inp.template_suffix,
        dialect=inp.dialect,
    )
    if keep:
        with _lock:
            while len(_KEPT) >= _KEPT_MAX:
                del _KEPT[next(iter(_KEPT))]
            _KEPT[key] = (copy.deepcopy(context), signature, files)
    return files


def preflight(ctx: ActionContext, inp: Input) -> list[Problem]:
    """Render in memory first, so an undefined variable or an escaping path fails before any run
    (`define_action` adds the check of `targetPath`)."""
    try:
        _render(ctx, inp, keep=True)
    except RenderError as exc:
        return list(exc.problems) or [Problem(inp.path, exc.message)]
    return []


def run(ctx: ActionContext, inp: Input) -> Output:
    files = _render(ctx, inp)
    if inside(ctx.template_dir, inp.path).is_file():  # one file: target_path is its path
        return Output(files=ctx.write_files(inp.target_path.rstrip("/").rpartition("/")[0] or ".", files))
    return Output(files=ctx.write_files(inp.target_path, files))


action = define_action(
    id="fetch:template",
    description="Render a skeleton folder (contents and paths) into the workspace.",
    input=Input,
    output=Output,
    handler=run,
    supports_dry_run=True,
    preflight=preflight,
    examples=(Example("Render the golden path's skeleton with every answer", {"path": "skeleton"}),),
)
