"""The files of cookiecutter and copier templates as their own tools read them: `cookiecutter.json`,
its hooks and project folder, `copier.yml`, and what in them runs code (which needs trust).

Both the format converters (`scaffolder.formats`) and the actions that render these templates
(`fetch:cookiecutter`, `fetch:copier`) read them here; this module needs nothing of scaffold but
its errors and sandbox (copier renders in scaffold's sandbox: `copier_sandboxed`), and imports its
YAML readers only when it reads a file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from scaffolder.errors import Problem, TemplateError

# The files that make a folder a template (`scaffolder.formats`), here at the bottom so naming them
# (a TAB, `sources.foreign.detect`) imports neither pydantic nor a YAML parser.
TEMPLATE_FILE = "template.yaml"  # scaffold's own, or a Backstage Software Template
COOKIECUTTER_FILE = "cookiecutter.json"
COPIER_FILES = ("copier.yml", "copier.yaml")


def _cannot_run(label: str, folder: Path, problems: list[Problem]) -> TemplateError:
    return TemplateError(f"the {label} template in {folder} cannot be run by scaffold", problems)


def copier_file(folder: Path) -> Path | None:
    """The folder's `copier.yml` (or `copier.yaml`), or None."""
    return next((folder / f for f in COPIER_FILES if (folder / f).is_file()), None)


HOOK_NAMES = ("pre_prompt", "pre_gen_project", "post_gen_project")
SAFE_EXTENSIONS = ("cookiecutter.extensions.", "jinja2.ext.", "jinja2_time.")


def cookiecutter_hooks(folder: Path) -> list[str]:
    """The hook scripts cookiecutter would run (paths relative to the template)."""
    found = []
    hooks_dir = folder / "hooks"
    if hooks_dir.is_dir():
        for path in sorted(hooks_dir.iterdir()):
            stem = path.name.split(".", 1)[0] if not path.name.startswith(".") else ""
            if path.is_file() and stem in HOOK_NAMES and not path.name.endswith("~"):
                found.append(f"hooks/{path.name}")
    return found


def read_cookiecutter_context(folder: Path) -> dict[str, Any]:
    """cookiecutter.json, in order; TemplateError naming the file when it is not a JSON object."""
    file = folder / COOKIECUTTER_FILE
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _cannot_run("cookiecutter", folder, [Problem(str(file), f"is not valid JSON: {exc}")]) from None
    if not isinstance(data, dict):
        raise _cannot_run("cookiecutter", folder, [Problem(str(file), "must be a JSON object")])
    return data


def unsafe_extension(name: str, folder: Path) -> str | None:
    """Why the Jinja extension `name` is code only trust may run, or None when it is one of the safe
    ones (`SAFE_EXTENSIONS`: a class of cookiecutter's, Jinja's or jinja2_time's own module) and that
    module is installed outside the template. Looks modules up without importing anything."""
    from importlib.util import find_spec

    module, _, attr = name.replace(":", ".").rpartition(".")
    if f"{module}." not in SAFE_EXTENSIONS or not attr.isidentifier() or attr.startswith("_"):
        return f"the Jinja extension {name} (_extensions)"
    top = module.split(".")[0]
    root = folder.resolve()
    try:
        spec = find_spec(top)
    except (ImportError, ValueError):
        spec = None
    origin = Path(spec.origin).resolve() if spec is not None and spec.origin else None
    if origin is None or origin == root or root in origin.parents:
        return f"the Jinja extension {name} (_extensions; {top} is not installed, the template's own would run)"
    return None


def cookiecutter_code_features(folder: Path, context: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """What in this template runs code, as (file, what): hook scripts and Jinja extensions that
    come from the template (cookiecutter's and Jinja's own extensions are safe)."""
    context = read_cookiecutter_context(folder) if context is None else context
    found = [(hook, "the hook script") for hook in cookiecutter_hooks(folder)]
    extensions = context.get("_extensions", []) or []
    for ext in extensions if isinstance(extensions, list) else [extensions]:
        reason = unsafe_extension(str(ext), folder)
        if reason is not None:
            found.append((COOKIECUTTER_FILE, reason))
    return found


def cookiecutter_project_dir(folder: Path) -> Path | None:
    """The `{{cookiecutter.x}}` folder cookiecutter renders."""
    for child in sorted(folder.iterdir()):
        if child.is_dir() and "cookiecutter" in child.name and "{{" in child.name and "}}" in child.name:
            return child
    return None


MERGED_SETTINGS = ("_exclude", "_jinja_extensions", "_secret_questions", "_skip_if_exists")


def _load_copier_yaml(file: Path) -> dict[str, Any]:
    """copier.yml as copier's `load_template_config` reads it: PyYAML's safe loader (YAML 1.1:
    `yes`/`no` are booleans), every document merged, the list settings concatenated. A file with
    `!include` is read by copier's loader itself (which imports copier, so only then)."""
    import yaml

    from scaffolder import yamlio

    text = file.read_text(encoding="utf-8")
    if "!include" in text:
        from copier._template import load_template_config

        return dict(load_template_config(file, quiet=True))
    list(yamlio.loader("safe").load_all(text))  # scaffold's reader first: it refuses alias bombs
    docs = [doc for doc in yaml.load_all(text, Loader=yaml.SafeLoader) if doc]
    if not all(isinstance(doc, dict) for doc in docs):
        raise TypeError("must be a mapping of questions")
    merged: dict[str, Any] = {}
    for doc in docs:
        merged.update(doc)
    for option in MERGED_SETTINGS:
        if any(option in doc for doc in docs):
            merged[option] = [item for doc in docs for item in doc.get(option) or []]
    return merged


def read_copier_config(folder: Path) -> tuple[Path, dict[str, Any]]:
    """copier.yml as copier reads it (see `_load_copier_yaml`), as plain data."""
    from ruamel.yaml.error import YAMLError as RuamelYAMLError
    from yaml import YAMLError

    file = copier_file(folder)
    assert file is not None
    try:
        data = _load_copier_yaml(file)
    except (OSError, UnicodeDecodeError, YAMLError, RuamelYAMLError, ValueError, TypeError) as exc:
        text = str(exc).strip().splitlines()
        problem = Problem(str(file), f"cannot be read: {text[0] if text else type(exc).__name__}")
        raise _cannot_run("copier", folder, [problem]) from None
    return file, data


@cache
def _copier_sandbox_class() -> type:
    """copier's sandbox (which keeps paths' parsers and pydantic internals away) on scaffold's
    (huge `*`, `**`, `%` refused before they compute, the deadline checked on every call)."""
    from copier._jinja_ext import SandboxedEnvironment

    from scaffolder.sandbox import Sandbox

    return type("CopierSandbox", (Sandbox, SandboxedEnvironment), {})


@contextmanager
def copier_sandboxed() -> Iterator[None]:
    """copier builds its Jinja environments as `_copier_sandbox_class()` while the block lasts."""
    import copier._main

    saved = copier._main.__dict__["SandboxedEnvironment"]
    setattr(copier._main, "SandboxedEnvironment", _copier_sandbox_class())  # noqa: B010 (not public in copier)
    try:
        yield
    finally:
        setattr(copier._main, "SandboxedEnvironment", saved)  # noqa: B010


def copier_tasks(config: dict[str, Any]) -> list[str]:
    """The commands of copier's `_tasks`, as text."""
    out = []
    for task in config.get("_tasks", []) or []:
        command = task.get("command") if isinstance(task, dict) else task
        out.append(" ".join(str(c) for c in command) if isinstance(command, list) else str(command))
    return out


def copier_code_features(folder: Path) -> list[tuple[str, str]]:
    """What in this template runs code, as (file, what): tasks and Jinja extensions."""
    file, config = read_copier_config(folder)
    found = [(file.name, f"the task `{command}` (_tasks)") for command in copier_tasks(config)]
    found += [
        (file.name, f"the Jinja extension {ext} (_jinja_extensions)") for ext in config.get("_jinja_extensions") or []
    ]
    return found
