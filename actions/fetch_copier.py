"""`fetch:copier`: render a copier template with copier's library API (`run_copy`) into the
workspace.

The answers go to copier as `data`, with `defaults=True`, so what was not answered takes copier's
own default and copier's `when`, validators, `_exclude`, `_subdirectory` and templates suffix
apply as they do in copier. copier renders (in Jinja's sandbox, as copier always does) into a
temporary folder; its files then go into the workspace, where scaffold's path rules apply.

A template that came from a git source at a tag (`PATH@VERSION`, a URL: the template's
`questions.origin`) is rendered by copier from that source at that ref, so `_commit`, `_src_path`
and `.copier-answers.yml` are copier's own; any other template folder (`path`) is rendered as it is
on disk from a copy without `.git`, `_src_path` being the golden path's name. A git URL (`url`) is
rendered at `vcs_ref` by copier itself. copier renders into a folder named as the repository,
given relative (`_folder_name`, `_copier_conf.dst_path`), as `copier copy SRC NAME` does.
`_tasks` and `_jinja_extensions` are code: they run only when the golden path is
trusted (`--trust`, `trusted_sources`); without trust the step refuses, before anything runs,
naming each task. copier's user settings (its own trust list) are not read.

A symlink leading out of the template is refused. The preflight renders the template (no task
runs) within the render budget, so a name that copier forbids (an answer or default that climbs out
or is absolute, named with the file and the answers) or a render error (file:line) stops before any
run; the run takes that render when no task would change it. git, when copier fetches a URL, may
use only the file, git, http(s) and ssh transports (`ext::` runs a command), with no hooks or
fsmonitor.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import Field

from scaffolder.action import (
    ActionContext,
    ActionError,
    ActionInput,
    ActionOutput,
    BudgetExceeded,
    Example,
    Problem,
    RenderedFile,
    RenderError,
    ScaffoldError,
    budget,
    copier_file,
    copier_sandboxed,
    define_action,
    inside,
)
from scaffolder.action import foreign_files as cp

from ._foreign import KeptRenders, outside_links, stdout_to_stderr, template_error_problem

# The transports git may use to fetch a template (`ext::` would run a command).
GIT_PROTOCOLS = "file:git:http:https:ssh"


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
    if inp.url is not None:
        return []  # copier checks a URL's template itself (unsafe=False) and its links
    folder = _template(ctx, inp)
    problems = outside_links(folder)
    if ctx.trusted:
        return problems
    return problems + [
        Problem(str(folder / file), f"{what} would run: it runs only with trust (--trust)")
        for file, what in cp.copier_code_features(folder)
    ]


# The preflight renders the template (no task runs) into a scratch folder; the run of the same step
# takes that render when it would be the same one: no task runs and nothing changed.
_KEPT = KeptRenders()


def _key(ctx: ActionContext, inp: Input) -> tuple[Any, ...]:
    values = json.dumps(inp.values, sort_keys=True, default=str)
    return (ctx.run_id, str(ctx.template_dir), inp.path, inp.url, inp.vcs_ref, values, ctx.trusted)


def _signature(ctx: ActionContext, inp: Input) -> Any:
    return ctx.rendering.skeleton_signature(_template(ctx, inp)) if inp.url is None else None


def _same_in_the_run(ctx: ActionContext, inp: Input) -> bool:
    """Whether the run would render what the preflight did: no task can run in either."""
    return not ctx.trusted or (inp.url is None and not cp.copier_tasks(cp.read_copier_config(_template(ctx, inp))[1]))


def preflight(ctx: ActionContext, inp: Input) -> list[Problem]:
    """Code needs trust, links stay inside; then copier renders (no task runs) into a scratch
    folder, so a path that escapes or a render error fails before any run."""
    try:
        problems = _untrusted(ctx, inp)
        if problems:
            return problems
        signature = _signature(ctx, inp)
        files = _render_files(ctx, inp, tasks=not ctx.trusted)  # untrusted: copier refuses tasks
    except BudgetExceeded:
        raise
    except ScaffoldError as exc:
        return list(exc.problems) or [Problem(inp.path, exc.message)]
    if _same_in_the_run(ctx, inp):
        _KEPT.keep(_key(ctx, inp), signature, files)
    return []


def _copy_source(folder: Path, dest: Path) -> Path:
    """The template as it is on disk, without git (and without scaffold's release snapshots)."""

    def ignore(directory: str, names: list[str]) -> list[str]:
        skip = [n for n in names if n == ".git"]
        if Path(directory) == folder and "releases" in names and any((folder / "releases").glob("*/.sha256")):
            skip.append("releases")
        return skip

    shutil.copytree(folder, dest, symlinks=True, ignore=ignore)
    return dest


@contextmanager
def _git_fenced() -> Iterator[None]:
    """git, as copier runs it to fetch a template: no `ext::` transport (it runs a command), no
    hooks, no fsmonitor, whatever the user's or a repository's configuration says."""
    from plumbum import local

    config = [("protocol.ext.allow", "never"), ("core.hooksPath", os.devnull), ("core.fsmonitor", "false")]
    count = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    env = {"GIT_ALLOW_PROTOCOL": GIT_PROTOCOLS, "GIT_CONFIG_COUNT": str(count + len(config))}
    for i, (key, value) in enumerate(config, start=count):
        env[f"GIT_CONFIG_KEY_{i}"], env[f"GIT_CONFIG_VALUE_{i}"] = key, value
    with local.env(**{**os.environ, **env}):  # plumbum's copy of the environment dates from its import
        yield


def _render(ctx: ActionContext, inp: Input, tmp: Path, tasks: bool = True) -> Path:
    from copier import Settings, run_copy
    from copier.errors import CopierError, ForbiddenPathError, UnsafeTemplateError
    from jinja2 import TemplateError
    from plumbum import local

    data = {k: v for k, v in inp.values.items() if v is not None}
    (tmp / "out").mkdir()
    dst = tmp / "out" / _folder_name(ctx)  # copier gets it relative, as `copier copy SRC NAME` from out/
    origin = getattr(ctx.template.questions, "origin", None) if inp.path in ("", ".") else None
    vcs_ref = inp.vcs_ref
    if inp.url is not None:
        src, label, folder = inp.url, None, Path(inp.url)
    elif origin is not None:  # the git source the template came from, at its ref, as copier reads it
        (src, vcs_ref), label, folder = origin, None, _template(ctx, inp)
        src = _copier_url(src)
    else:
        folder = _template(ctx, inp)
        src, label = str(_copy_source(folder, tmp / ctx.template.name)), ctx.template.name
    try:
        # one render at a time: copier's tasks change the working folder
        with stdout_to_stderr(), copier_sandboxed(), _git_fenced(), budget.limits(str(folder)), local.cwd(dst.parent):
            run_copy(
                src,
                Path(dst.name),
                data=data,
                defaults=True,
                unsafe=ctx.trusted,
                skip_tasks=not tasks,
                vcs_ref=vcs_ref,
                quiet=True,
                overwrite=True,
                settings=Settings(),
            )
    except BudgetExceeded as exc:  # the same error, naming the file and line it stopped in
        where = template_error_problem(exc, folder, ("src_relpath",)).where.replace(src, str(folder))
        raise BudgetExceeded(exc.message, [Problem(where, p.message) for p in exc.problems[:1]]) from None
    except UnsafeTemplateError as exc:
        raise ActionError(f"the copier template runs code, which needs trust (--trust): {exc}") from None
    except ForbiddenPathError as exc:
        raise RenderError("copier would write or read outside the project", [_forbidden(exc, folder)]) from None
    except AssertionError:  # copier's own invariant, broken by the template (a link named as a folder it writes)
        problem = Problem(str(folder), "copier stopped on its own check of the paths it renders (AssertionError)")
        raise RenderError("copier cannot render the template", [problem]) from None
    except (TemplateError, CopierError, ValueError, TypeError, OSError, subprocess.CalledProcessError) as exc:
        if isinstance(exc, TemplateError) or isinstance(exc.__cause__, TemplateError):  # the template's mistake
            problem = template_error_problem(exc, folder, ("src_relpath",))
            where = problem.where.replace(src, str(folder))
            if where == str(folder) and inp.url is None:  # a question's default or `when`
                where = str(copier_file(folder) or folder)
            raise RenderError("copier cannot render the template", [Problem(where, problem.message)]) from None
        text = (str(exc).strip() or type(exc).__name__).replace(src, str(folder))
        raise ActionError(
            "copier cannot render the template", [Problem(str(folder), line) for line in text.splitlines()[:10]]
        ) from None
    if label is not None:
        _relabel(dst, src, label)
    return dst


def _copier_url(source: str) -> str:
    """`source` as copier takes it: a URL copier does not see as git (`file://…`) gets `git+`."""
    from copier._vcs import get_repo

    return source if get_repo(source) is not None or "://" not in source else f"git+{source}"


def _folder_name(ctx: ActionContext) -> str:
    """The project folder's name (copier's `_folder_name`): the repository's, else the template's."""
    name = str(ctx.parameters.get("repo_name") or ctx.template.name)
    return name if name not in ("", ".", "..") and "/" not in name else ctx.template.name


def _forbidden(exc: BaseException, folder: Path) -> Problem:
    """copier's ForbiddenPathError as the template file (or setting) and the answers it took."""
    source, answers = "", dict[str, Any]()
    tb = exc.__traceback__
    while tb is not None:
        local = tb.tb_frame.f_locals
        if isinstance(local.get("src_relpath"), Path):
            source = str(local["src_relpath"])
        combined = getattr(local.get("self"), "answers", None)
        if type(combined).__name__ == "AnswersMap":
            answers = dict(combined.combined)  # type: ignore[union-attr]
        tb = tb.tb_next
    names = sorted(
        k
        for k, v in answers.items()
        if not k.startswith("_") and isinstance(v, str) and ("/" in v or "\\" in v or ".." in v)
    )
    whence = f" (from {', '.join(names)})" if names else ""
    path = str(exc).split("\n")[0].replace(" is forbidden", "")
    where = str(folder / source) if source else str(folder)
    return Problem(where, f"renders to {path}, outside the project folder{whence}")


def _render_files(ctx: ActionContext, inp: Input, tasks: bool = True) -> list[RenderedFile]:
    with ctx.temp_dir("scaffold-copier-") as tmp:
        return ctx.rendering.read_tree(_render(ctx, inp, Path(tmp), tasks), "copier")


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
        why = "runs code, which needs trust (--trust)" if any("would run" in p.message for p in untrusted) else ""
        raise ActionError(f"the copier template {why or 'links outside itself'}; nothing was rendered", untrusted)
    kept = _KEPT.take(_key(ctx, inp), _signature(ctx, inp))
    files = kept if kept is not None else _render_files(ctx, inp)
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
