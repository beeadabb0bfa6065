"""cookiecutter templates (a folder with `cookiecutter.json` and a `{{cookiecutter.x}}/` folder),
converted to golden paths.

| cookiecutter.json | parameter |
| --- | --- |
| `"name": "text"` | string, that default |
| `"name": "{{ cookiecutter.other ... }}"` | string, optional: left empty, cookiecutter computes it |
| `"name": ["a", "b"]` | choice, default the first |
| `"name": true` / `false` | boolean (cookiecutter 2.x boolean variables) |
| `"name": 3` | string, default "3" (cookiecutter renders every value as text) |
| `"name": {...}` (a dict variable), `"_private"`, `"__private"` | not asked: cookiecutter uses its value |
| `"__prompts__"` | titles and choice labels |

The steps: `fetch:cookiecutter` renders the template with the answers (cookiecutter itself does,
so `_copy_without_render`, private and computed variables behave as in cookiecutter), then the
usual end of a golden path: `catalog:write` (only when the template writes no
`catalog-info.yaml`; an `owner` parameter is added for it), `repo:create` named after the folder
cookiecutter generated, and `catalog:register`. Hooks (`hooks/pre_gen_project.py`, ...) and
`_extensions` run only with trust.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scaffolder.errors import Problem
from scaffolder.formats import COOKIECUTTER_FILE
from scaffolder.formats._common import IDENT, build, fail, owner_parameter, publish_steps, template_name
from scaffolder.formats.versions import version_for
from scaffolder.template import Template

HOOK_NAMES = ("pre_prompt", "pre_gen_project", "post_gen_project")
DESCRIPTION_KEYS = ("project_short_description", "description", "project_description", "short_description")
SAFE_EXTENSIONS = ("cookiecutter.extensions.", "jinja2.ext.", "jinja2_time.")


def hooks(folder: Path) -> list[str]:
    """The hook scripts cookiecutter would run (paths relative to the template)."""
    found = []
    hooks_dir = folder / "hooks"
    if hooks_dir.is_dir():
        for path in sorted(hooks_dir.iterdir()):
            stem = path.name.split(".", 1)[0] if not path.name.startswith(".") else ""
            if path.is_file() and stem in HOOK_NAMES and not path.name.endswith("~"):
                found.append(f"hooks/{path.name}")
    return found


def read_context(folder: Path) -> dict[str, Any]:
    """cookiecutter.json, in order; TemplateError naming the file when it is not a JSON object."""
    file = folder / COOKIECUTTER_FILE
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise fail(
            folder, COOKIECUTTER_FILE, "cookiecutter", [Problem(str(file), f"is not valid JSON: {exc}")]
        ) from None
    if not isinstance(data, dict):
        raise fail(folder, COOKIECUTTER_FILE, "cookiecutter", [Problem(str(file), "must be a JSON object")])
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


def code_features(folder: Path, context: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """What in this template runs code, as (file, what): hook scripts and Jinja extensions that
    come from the template (cookiecutter's and Jinja's own extensions are safe)."""
    context = read_context(folder) if context is None else context
    found = [(hook, "the hook script") for hook in hooks(folder)]
    extensions = context.get("_extensions", []) or []
    for ext in extensions if isinstance(extensions, list) else [extensions]:
        reason = unsafe_extension(str(ext), folder)
        if reason is not None:
            found.append((COOKIECUTTER_FILE, reason))
    return found


def project_dir(folder: Path) -> Path | None:
    """The `{{cookiecutter.x}}` folder cookiecutter renders."""
    for child in sorted(folder.iterdir()):
        if child.is_dir() and "cookiecutter" in child.name and "{{" in child.name and "}}" in child.name:
            return child
    return None


def _prompt(prompts: dict[str, Any], key: str) -> tuple[str | None, dict[str, str]]:
    entry = prompts.get(key)
    if isinstance(entry, str):
        return entry, {}
    if isinstance(entry, dict):
        labels = {str(k): str(v) for k, v in entry.items() if k != "__prompt__"}
        title = entry.get("__prompt__")
        return (str(title) if title is not None else None), labels
    return None, {}


def parameters(context: dict[str, Any], problems: list[Problem], where: str) -> list[dict[str, Any]]:
    """cookiecutter.json's public variables as scaffold parameters (see the module docs)."""
    prompts = context.get("__prompts__") if isinstance(context.get("__prompts__"), dict) else {}
    assert isinstance(prompts, dict)
    out: list[dict[str, Any]] = []
    for key, value in context.items():
        if key.startswith("_") or isinstance(value, dict):
            continue
        if not IDENT.match(key):
            problems.append(Problem(where, f"variable {key!r} cannot be asked: use letters, digits and _"))
            continue
        title, labels = _prompt(prompts, key)
        param: dict[str, Any] = {"id": key, "title": title or key.replace("_", " ").capitalize()}
        if isinstance(value, bool):
            param.update(type="boolean", default=value)
        elif isinstance(value, list):
            items = [v for v in value if isinstance(v, str | int) and not isinstance(v, bool)]
            if not items or len(items) != len(value):
                problems.append(Problem(where, f"variable {key!r}: only lists of text or numbers are choices"))
                continue
            param.update(
                type="choice",
                choices=[{"value": v, "label": labels[str(v)]} if str(v) in labels else v for v in items],
                default=items[0],
            )
        elif isinstance(value, str) and ("{{" in value or "{%" in value):
            param.update(required=False, help=f"leave empty for the template's default: {value}")
        elif value is None:
            param["required"] = False
        else:
            param["default"] = str(value)
        out.append(param)
    return out


def convert(folder: Path, *, name: str | None = None, version: str | None = None) -> Template:
    """The cookiecutter template in `folder` as a golden path."""
    context = read_context(folder)
    where = str(folder / COOKIECUTTER_FILE)
    problems: list[Problem] = []
    if "template" in context or "templates" in context:
        problems.append(Problem(where, "nested templates (a 'templates' key) are not supported"))
    if project_dir(folder) is None:
        problems.append(Problem(str(folder), "has no {{cookiecutter.NAME}} folder to render"))
    params = parameters(context, problems, where)
    if problems:
        raise fail(folder, COOKIECUTTER_FILE, "cookiecutter", problems)
    ids = {p["id"] for p in params}
    project = project_dir(folder)
    writes_catalog_info = project is not None and (project / "catalog-info.yaml").is_file()
    owner = None
    if not writes_catalog_info:
        params.append(owner_parameter("catalog_owner" if "owner" in ids else "owner"))
        owner = f"${{{{ parameters.{params[-1]['id']} }}}}"
    plain = {p["id"] for p in params if p.get("required", True) or "default" in p}
    described = next((k for k in DESCRIPTION_KEYS if k in plain), None)
    directory = "${{ steps.fetch.output.directory }}"
    description = f"${{{{ parameters.{described} }}}}" if described else f"Made from the {folder.name} template"
    values = {p["id"]: f"${{{{ parameters.{p['id']} | default(none) }}}}" for p in params if p["id"] in context}
    data = {
        "apiVersion": "scaffold/v1",
        "kind": "GoldenPath",
        "metadata": {
            "name": name or template_name(folder.name),
            "title": folder.name,
            "description": f"cookiecutter template {folder.name}",
            "owner": "unknown",
            "tags": ["cookiecutter"],
        },
        "spec": {
            "version": version_for(folder, hint=version),
            "parameters": params,
            "steps": [
                {
                    "id": "fetch",
                    "name": "Render the cookiecutter template",
                    "action": "fetch:cookiecutter",
                    "input": {"path": ".", "values": values},
                },
                *publish_steps(
                    name=directory,
                    description=description,
                    owner=owner,
                    writes_catalog_info=writes_catalog_info,
                    files_expr="steps.fetch.output.files",
                ),
            ],
            "output": {"links": [{"title": "Repository", "url": "${{ steps.publish.output.repo_url }}"}]},
        },
    }
    return build(data, folder, file=COOKIECUTTER_FILE, fmt="cookiecutter")
