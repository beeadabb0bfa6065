"""`fetch:cookiecutter`: render a cookiecutter template with the cookiecutter library and put the
project it generates into the workspace.

cookiecutter renders into a temporary folder (`no_input`, the answers as `extra_context`), so
private variables, computed defaults, `_copy_without_render` and boolean variables behave exactly
as with cookiecutter; the single folder it generates becomes the workspace's content (or
`target_path`'s). Rendering runs in Jinja's sandbox (scaffold swaps cookiecutter's environment for
a sandboxed one). Hook scripts and Jinja `_extensions` from the template are code: they run only
when the golden path is trusted (`scaffold new --trust`, or `trusted_sources`); without trust
the step refuses, before anything runs, naming each one. cookiecutter's own user config and
replay files are not read or written.

Untrusted, the template folder is never importable, and the extensions cookiecutter will load are
checked again when it makes its environment (a nested template, an override), not only as
cookiecutter.json declares them; only cookiecutter's, Jinja's and jinja2_time's own, installed
outside the template, pass. Every folder, file and copy cookiecutter makes must stay in its output
folder (`_cookiecutter_fence`). A symlink leading out of the template is refused. The preflight
renders the template (no hook runs) within the render budget, so an escaping name (naming the file
and the answers), a refused extension or a render error (file:line) stops before any run; the run
takes that render when no hook would change it.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field

from scaffolder.action import (
    COOKIECUTTER_FILE,
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
    define_action,
    inside,
)
from scaffolder.action import foreign_files as cc

from . import _cookiecutter_backstage as bs
from ._cookiecutter_fence import FENCE, PathEscape, escape_problem, fenced
from ._cookiecutter_provenance import provenance, stamped
from ._foreign import KeptRenders, outside_links, stdout_to_stderr, template_error_problem

# What `_jinja2_env_vars` may set: syntax, whitespace and escaping; nothing that names code or a loader.
ENV_VARS = frozenset(
    {
        "block_start_string",
        "block_end_string",
        "variable_start_string",
        "variable_end_string",
        "comment_start_string",
        "comment_end_string",
        "line_statement_prefix",
        "line_comment_prefix",
        "trim_blocks",
        "lstrip_blocks",
        "newline_sequence",
        "keep_trailing_newline",
        "autoescape",
        "optimized",
    }
)


class Input(ActionInput):
    path: str = Field(".", alias="url", description="The cookiecutter template's folder, relative to the golden path")
    values: dict[str, Any] = Field(
        default_factory=dict, description="Answers (cookiecutter's extra_context); none: its default"
    )
    target_path: str = Field(".", alias="targetPath", description="Where the generated project goes in the workspace")
    backstage: bool = Field(
        False, description="Run as Backstage's fetch:cookiecutter: the folder is the project, values its context"
    )
    copy_without_render: list[str] | None = Field(
        None, alias="copyWithoutRender", description="With backstage: cookiecutter's _copy_without_render"
    )
    extensions: list[str] | None = Field(None, description="With backstage: cookiecutter's _extensions")


class Output(ActionOutput):
    directory: str = Field(description="The name of the folder cookiecutter generated (e.g. the project slug)")
    files: list[str] = Field(description="Paths written, relative to the workspace")


def _template(ctx: ActionContext, inp: Input) -> Path:
    folder = inside(ctx.template_dir, inp.path) if inp.path not in ("", ".") else ctx.template_dir.resolve()
    if inp.backstage and folder.is_dir():
        return folder  # Backstage makes the template around the folder
    if not (folder / "cookiecutter.json").is_file():
        raise RenderError(
            "fetch:cookiecutter has no template", [Problem(inp.path, f"no cookiecutter.json in {folder}")]
        )
    return folder


def _untrusted(ctx: ActionContext, folder: Path, inp: Input) -> list[Problem]:
    problems = outside_links(folder)
    if ctx.trusted:
        return problems
    if inp.backstage:  # the folder's hooks are files of the project: only the step's extensions run
        reasons = [cc.unsafe_extension(name, folder) for name in inp.extensions or []]
        features = [(COOKIECUTTER_FILE, f"{r} of the step") for r in reasons if r is not None]
    else:
        features = cc.cookiecutter_code_features(folder)
    return problems + [
        Problem(str(folder / file), f"{what} would run: it runs only with trust (--trust)") for file, what in features
    ]


# The preflight renders the template (without hooks) into a scratch folder; the run of the same
# step takes that render when it would be the same one: no hook runs and nothing changed.
_KEPT = KeptRenders()


def _key(ctx: ActionContext, folder: Path, inp: Input) -> tuple[str, str, str, bool]:
    return (ctx.run_id, str(folder), inp.model_dump_json(), ctx.trusted)


def preflight(ctx: ActionContext, inp: Input) -> list[Problem]:
    """Code needs trust, links stay inside; then the template is rendered (no hook runs), so an
    answer that makes a path escape, a refused extension or a render error fail before any run."""
    try:
        folder = _template(ctx, inp)
        problems = _untrusted(ctx, folder, inp)
        if problems or (ctx.trusted and "hooks/pre_prompt.py" in cc.cookiecutter_hooks(folder)):
            return problems  # a pre_prompt hook may change the template: the run's render is checked
        signature = ctx.rendering.skeleton_signature(folder)
        rendered = _render(ctx, folder, inp, hooks=False)
    except BudgetExceeded:
        raise
    except ScaffoldError as exc:
        return list(exc.problems) or [Problem(inp.path, exc.message)]
    if not cc.cookiecutter_hooks(folder):
        _KEPT.keep(_key(ctx, folder, inp), signature, rendered)
    return []


@cache
def _sandboxed_env_factory() -> Any:
    """cookiecutter's environment (its extensions, strict undefined) on scaffold's sandbox. The
    extensions it will load are checked here, when it is made: without trust only the safe ones."""
    from cookiecutter.environment import ExtensionLoaderMixin
    from jinja2 import StrictUndefined

    from scaffolder.action import Sandbox

    class SandboxedCookiecutterEnvironment(ExtensionLoaderMixin, Sandbox):  # type: ignore[misc]
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(undefined=StrictUndefined, **kwargs)

        def _read_extensions(self, context: dict[str, Any]) -> list[str]:
            names: list[str] = super()._read_extensions(context)
            fence = FENCE.get()
            if fence is not None and not fence.trusted:
                refused = [r for r in (cc.unsafe_extension(n, fence.folder) for n in names) if r is not None]
                if refused:
                    where = str(fence.folder / COOKIECUTTER_FILE)
                    problems = [Problem(where, f"{r} would run: it runs only with trust (--trust)") for r in refused]
                    raise ActionError(f"{fence.folder.name} runs code, which needs trust (--trust)", problems)
            return names

    def create_env_with_context(context: dict[str, Any]) -> Any:
        envvars = context.get("cookiecutter", {}).get("_jinja2_env_vars", {})
        envvars = {k: v for k, v in envvars.items() if k in ENV_VARS} if isinstance(envvars, dict) else {}
        return SandboxedCookiecutterEnvironment(context=context, keep_trailing_newline=True, **envvars)

    return create_env_with_context


def _sandbox() -> None:
    """Make every cookiecutter module render through the sandboxed environment."""
    import cookiecutter.generate
    import cookiecutter.hooks
    import cookiecutter.prompt
    import cookiecutter.utils

    factory = _sandboxed_env_factory()
    for module in (cookiecutter.generate, cookiecutter.hooks, cookiecutter.prompt, cookiecutter.utils):
        if getattr(module, "create_env_with_context", None) is not factory:
            module.create_env_with_context = factory


def _generate(ctx: ActionContext, folder: Path, inp: Input, out: Path, hooks: bool) -> Path:
    """The project cookiecutter generates from `folder` into `out`, in the sandbox and the fence."""
    from cookiecutter.exceptions import CookiecutterException, FailedHookException, UndefinedVariableInTemplate
    from cookiecutter.main import cookiecutter
    from jinja2 import TemplateError

    context = {k: v for k, v in inp.values.items() if v is not None and not inp.backstage}
    config = out.parent / "cookiecutter-config.yaml"
    config.write_text(
        json.dumps({"cookiecutters_dir": str(out.parent / "cc"), "replay_dir": str(out.parent / "replay")})
    )
    before = set(sys.modules)
    base = cc.cookiecutter_project_dir(folder)
    names = ("infile", "unrendered_dir")
    source, ref = ctx.template.origin or (str(ctx.template_dir), None)
    stamp = provenance(source, ref, inp.path, str(Path.cwd()))
    with stdout_to_stderr(), fenced(folder, out, ctx.trusted), stamped(stamp):
        _sandbox()
        try:
            with budget.limits(str(folder)):
                result = cookiecutter(
                    str(folder),
                    no_input=True,
                    extra_context=context,
                    output_dir=str(out),
                    config_file=str(config),
                    accept_hooks=hooks and ctx.trusted,
                )
        except BudgetExceeded as exc:  # the same error, naming the file and line it stopped in
            where = template_error_problem(exc, folder, names, base.name if base else "").where
            raise BudgetExceeded(exc.message, [Problem(where, p.message) for p in exc.problems[:1]]) from None
        except FailedHookException as exc:
            problem = Problem(str(folder / "hooks"), f"{exc} (its output is above)")
            raise ActionError(f"a hook of {folder.name} failed; nothing was written", [problem]) from None
        except PathEscape as exc:
            message = f"{folder.name} would write outside its project; nothing was written there"
            raise RenderError(message, [escape_problem(exc, folder, out.resolve())]) from None
        except UndefinedVariableInTemplate as exc:  # its text holds every answer: never shown
            problem = template_error_problem(exc.error, folder, names, base.name if base else "")
            where = problem.where if problem.where != str(folder) else str(folder / COOKIECUTTER_FILE)
            problem = Problem(where, f"{exc.message}: {problem.message}")
            raise RenderError(f"cookiecutter cannot render {folder.name}", [problem]) from None
        except TemplateError as exc:  # a Jinja error cookiecutter lets through (syntax, file names)
            problem = template_error_problem(exc, folder, names, base.name if base else "")
            raise RenderError(f"cookiecutter cannot render {folder.name}", [problem]) from None
        except (CookiecutterException, ValueError, TypeError, OSError) as exc:
            raise ActionError(
                f"cookiecutter cannot render {folder.name}", [Problem(str(folder), str(exc) or type(exc).__name__)]
            ) from None
        finally:  # a later render (another version) must import the template's modules afresh
            for name in set(sys.modules) - before:
                origin = getattr(sys.modules[name], "__file__", None) or ""
                if origin.startswith(str(folder)):
                    del sys.modules[name]
    return Path(result)


def _render(ctx: ActionContext, folder: Path, inp: Input, hooks: bool) -> tuple[str, list[RenderedFile]]:
    """(the folder cookiecutter generated, its files), rendered in a scratch folder scaffold owns."""
    with ctx.temp_dir("scaffold-cookiecutter-") as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        if inp.backstage:
            context = bs.context(folder, inp.values, inp.copy_without_render, inp.extensions)
            folder, hooks = bs.build(folder, Path(tmp) / "template", context), False
        project = _generate(ctx, folder, inp, out, hooks)
        return project.name, ctx.rendering.read_tree(project, "cookiecutter")


def run(ctx: ActionContext, inp: Input) -> Output:
    folder = _template(ctx, inp)
    untrusted = _untrusted(ctx, folder, inp)
    if untrusted:
        why = "runs code, which needs trust (--trust)" if any("would run" in p.message for p in untrusted) else ""
        raise ActionError(f"{folder.name} {why or 'links outside itself'}; nothing was rendered", untrusted)
    kept = _KEPT.take(_key(ctx, folder, inp), ctx.rendering.skeleton_signature(folder))
    directory, files = kept if kept is not None else _render(ctx, folder, inp, hooks=True)
    return Output(directory=directory, files=ctx.write_files(inp.target_path, files))


action = define_action(
    id="fetch:cookiecutter",
    description="Render a cookiecutter template (with the cookiecutter library) into the workspace.",
    input=Input,
    output=Output,
    handler=run,
    supports_dry_run=True,
    preflight=preflight,
    examples=(
        Example(
            "Render the cookiecutter template in the golden path's cookiecutter/ folder",
            {"path": "cookiecutter", "values": {"project_name": "Orders API"}},
        ),
    ),
)
