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
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field

from scaffolder.action import ActionContext, ActionInput, ActionOutput, Example, define_action
from scaffolder.errors import ActionError, Problem, RenderError
from scaffolder.formats import cookiecutter as cc
from scaffolder.formats._common import stdout_to_stderr
from scaffolder.paths import inside
from scaffolder.render import read_tree, scratch_dir


class Input(ActionInput):
    path: str = Field(".", alias="url", description="The cookiecutter template's folder, relative to the golden path")
    values: dict[str, Any] = Field(
        default_factory=dict, description="Answers (cookiecutter's extra_context); none: its default"
    )
    target_path: str = Field(".", alias="targetPath", description="Where the generated project goes in the workspace")


class Output(ActionOutput):
    directory: str = Field(description="The name of the folder cookiecutter generated (e.g. the project slug)")
    files: list[str] = Field(description="Paths written, relative to the workspace")


def _template(ctx: ActionContext, inp: Input) -> Path:
    folder = inside(ctx.template_dir, inp.path) if inp.path not in ("", ".") else ctx.template_dir.resolve()
    if not (folder / "cookiecutter.json").is_file():
        raise RenderError(
            "fetch:cookiecutter has no template", [Problem(inp.path, f"no cookiecutter.json in {folder}")]
        )
    return folder


def _untrusted(ctx: ActionContext, folder: Path) -> list[Problem]:
    if ctx.trusted:
        return []
    return [
        Problem(str(folder / file), f"{what} would run: it runs only with trust (--trust)")
        for file, what in cc.code_features(folder)
    ]


def preflight(ctx: ActionContext, inp: Input) -> list[Problem]:
    """A template that runs code (hooks, extensions) needs trust; said before anything runs."""
    try:
        return _untrusted(ctx, _template(ctx, inp))
    except RenderError as exc:
        return list(exc.problems)


@cache
def _sandboxed_env_factory() -> Any:
    """cookiecutter's environment (its extensions, strict undefined) on Jinja's sandbox."""
    from cookiecutter.environment import ExtensionLoaderMixin
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    class SandboxedCookiecutterEnvironment(ExtensionLoaderMixin, SandboxedEnvironment):  # type: ignore[misc]
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(undefined=StrictUndefined, **kwargs)

    def create_env_with_context(context: dict[str, Any]) -> Any:
        envvars = context.get("cookiecutter", {}).get("_jinja2_env_vars", {})
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


def _generate(ctx: ActionContext, folder: Path, inp: Input, out: Path) -> Path:
    from cookiecutter.exceptions import CookiecutterException, FailedHookException
    from cookiecutter.main import cookiecutter

    context = {k: v for k, v in inp.values.items() if v is not None}
    config = out.parent / "cookiecutter-config.yaml"
    config.write_text(
        json.dumps({"cookiecutters_dir": str(out.parent / "cc"), "replay_dir": str(out.parent / "replay")})
    )
    before = set(sys.modules)
    with stdout_to_stderr():  # one render at a time: cookiecutter changes sys.path
        _sandbox()
        try:
            result = cookiecutter(
                str(folder),
                no_input=True,
                extra_context=context,
                output_dir=str(out),
                config_file=str(config),
                accept_hooks=ctx.trusted,
            )
        except FailedHookException as exc:
            problem = Problem(str(folder / "hooks"), f"{exc} (its output is above)")
            raise ActionError(f"a hook of {folder.name} failed; nothing was written", [problem]) from None
        except (CookiecutterException, ValueError, OSError) as exc:
            raise ActionError(
                f"cookiecutter cannot render {folder.name}", [Problem(str(folder), str(exc) or type(exc).__name__)]
            ) from None
        except Exception as exc:  # a Jinja error in a template file, a failing hook
            from jinja2 import TemplateError

            if not isinstance(exc, TemplateError):
                raise
            raise ActionError(f"cookiecutter cannot render {folder.name}", [Problem(str(folder), str(exc))]) from None
        finally:  # a later render (another version) must import the template's modules afresh
            for name in set(sys.modules) - before:
                origin = getattr(sys.modules[name], "__file__", None) or ""
                if origin.startswith(str(folder)):
                    del sys.modules[name]
    return Path(result)



def run(ctx: ActionContext, inp: Input) -> Output:
    folder = _template(ctx, inp)
    untrusted = _untrusted(ctx, folder)
    if untrusted:
        raise ActionError(f"{folder.name} runs code, which needs trust (--trust); nothing was rendered", untrusted)
    with tempfile.TemporaryDirectory(prefix="scaffold-cookiecutter-", dir=scratch_dir()) as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        project = _generate(ctx, folder, inp, out)
        written = ctx.write_files(inp.target_path, read_tree(project, "cookiecutter"))
        shutil.rmtree(out, ignore_errors=True)
    return Output(directory=project.name, files=written)


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
