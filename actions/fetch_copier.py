"""`fetch:copier`: render a copier template with copier's library API (`run_copy`) into the
workspace.

The answers go to copier as `data`, with `defaults=True`, so what was not answered takes copier's
own default and copier's `when`, validators, `_exclude`, `_subdirectory` and templates suffix
apply as they do in copier. copier renders (in Jinja's sandbox, as copier always does) into a
temporary folder; its files then go into the workspace, where scaffold's path rules apply.

A template folder of the golden path (`path`) is rendered as it is on disk: copier gets a copy
without `.git`, so the version scaffold loaded is the one rendered, and `.copier-answers.yml`
records the golden path's name as `_src_path`. A git URL (`url`) is rendered at `vcs_ref` by
copier itself. `_tasks` and `_jinja_extensions` are code: they run only when the golden path is
trusted (`--trust`, `trusted_sources`); without trust the step refuses, before anything runs,
naming each task. copier's user settings (its own trust list) are not read.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from pydantic import Field

from scaffolder.action import ActionContext, ActionInput, ActionOutput, Example, define_action
from scaffolder.errors import ActionError, Problem, RenderError
from scaffolder.formats import copier as cp
from scaffolder.formats import copier_file
from scaffolder.formats._common import stdout_to_stderr
from scaffolder.paths import inside
from scaffolder.render import read_tree, scratch_dir


class Input(ActionInput):
    path: str = Field(".", description="The copier template's folder, relative to the golden path")
    url: str | None = Field(None, description="Instead of path: a git URL copier fetches itself (at vcs_ref)")
    vcs_ref: str | None = Field(
        None, description="With url: the tag or commit to render (default: copier's, the latest tag)"
    )
    values: dict[str, Any] = Field(default_factory=dict, description="Answers (copier's data); none: its default")
    target_path: str = Field(".", alias="targetPath", description="Where the project goes in the workspace")


class Output(ActionOutput):
    files: list[str] = Field(description="Paths written, relative to the workspace")


def _template(ctx: ActionContext, inp: Input) -> Path:
    folder = inside(ctx.template_dir, inp.path) if inp.path not in ("", ".") else ctx.template_dir.resolve()
    if copier_file(folder) is None:
        raise RenderError("fetch:copier has no template", [Problem(inp.path, f"no copier.yml in {folder}")])
    return folder


def _untrusted(ctx: ActionContext, inp: Input) -> list[Problem]:
    if ctx.trusted or inp.url is not None:
        return []  # copier checks a URL's template itself (unsafe=False)
    folder = _template(ctx, inp)
    return [
        Problem(str(folder / file), f"{what} would run: it runs only with trust (--trust)")
        for file, what in cp.code_features(folder)
    ]


def preflight(ctx: ActionContext, inp: Input) -> list[Problem]:
    """A template that runs code (tasks, extensions) needs trust; said before anything runs."""
    try:
        return _untrusted(ctx, inp)
    except RenderError as exc:
        return list(exc.problems)


def _copy_source(folder: Path, dest: Path) -> Path:
    """The template as it is on disk, without git (and without scaffold's release snapshots)."""

    def ignore(directory: str, names: list[str]) -> list[str]:
        skip = [n for n in names if n == ".git"]
        if Path(directory) == folder and "releases" in names and any((folder / "releases").glob("*/.sha256")):
            skip.append("releases")
        return skip

    shutil.copytree(folder, dest, symlinks=True, ignore=ignore)
    return dest


def _render(ctx: ActionContext, inp: Input, tmp: Path) -> Path:
    from copier import Settings, run_copy
    from copier.errors import CopierError, UnsafeTemplateError

    data = {k: v for k, v in inp.values.items() if v is not None}
    dst = tmp / "out"
    if inp.url is not None:
        src, label = inp.url, None
    else:
        src, label = str(_copy_source(_template(ctx, inp), tmp / ctx.template.name)), ctx.template.name
    try:
        with stdout_to_stderr():  # one render at a time: copier's tasks change the working folder
            run_copy(
                src,
                dst,
                data=data,
                defaults=True,
                unsafe=ctx.trusted,
                vcs_ref=inp.vcs_ref,
                quiet=True,
                overwrite=True,
                settings=Settings(),
            )
    except UnsafeTemplateError as exc:
        raise ActionError(f"the copier template runs code, which needs trust (--trust): {exc}") from None
    except (CopierError, ValueError, TypeError, OSError, subprocess.CalledProcessError) as exc:
        text = str(exc).strip() or type(exc).__name__
        raise ActionError(
            "copier cannot render the template", [Problem(src, line) for line in text.splitlines()[:10]]
        ) from None
    if label is not None:
        _relabel(dst, src, label)
    return dst


def _relabel(dst: Path, src: str, label: str) -> None:
    """`_src_path: <the temporary copy>` in copier's answers file -> the golden path's name, so
    the same answers always give the same file."""
    for answers in dst.glob(".copier-answers*.yml"):
        text = answers.read_text(encoding="utf-8")
        answers.write_text(
            re.sub(rf"^(_src_path:\s*){re.escape(src)}\s*$", rf"\g<1>{label}", text, flags=re.M), encoding="utf-8"
        )



def run(ctx: ActionContext, inp: Input) -> Output:
    untrusted = _untrusted(ctx, inp)
    if untrusted:
        raise ActionError("the copier template runs code, which needs trust (--trust); nothing was rendered", untrusted)
    with tempfile.TemporaryDirectory(prefix="scaffold-copier-", dir=scratch_dir()) as tmp:
        files = read_tree(_render(ctx, inp, Path(tmp)), "copier")
    return Output(files=ctx.write_files(inp.target_path, files))


action = define_action(
    id="fetch:copier",
    description="Render a copier template (with copier's run_copy) into the workspace.",
    input=Input,
    output=Output,
    handler=run,
    supports_dry_run=True,
    preflight=preflight,
    examples=(
        Example(
            "Render the copier template in the golden path's copier/ folder",
            {"path": "copier", "values": {"project_name": "Orders API"}},
        ),
    ),
)
