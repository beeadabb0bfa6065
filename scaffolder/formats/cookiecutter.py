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
`catalog-info.yaml`; an optional `owner` parameter is added for it, by default the profile's
`catalog.default_owner` or the template's owner-like answer: `_common.owner_parameter`),
`repo:create` named after the folder cookiecutter generated, and `catalog:register`. Hooks
(`hooks/pre_gen_project.py`, ...) and `_extensions` run only with trust.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scaffolder.errors import Problem
from scaffolder.foreign_files import COOKIECUTTER_FILE, cookiecutter_project_dir, read_cookiecutter_context
from scaffolder.formats._common import (
    IDENT,
    build,
    fail,
    owner_expression,
    owner_parameter,
    publish_steps,
    template_name,
)
from scaffolder.formats.versions import version_for
from scaffolder.template import Template

DESCRIPTION_KEYS = ("project_short_description", "description", "project_description", "short_description")


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
    context = read_cookiecutter_context(folder)
    where = str(folder / COOKIECUTTER_FILE)
    problems: list[Problem] = []
    if "template" in context or "templates" in context:
        problems.append(Problem(where, "nested templates (a 'templates' key) are not supported"))
    if cookiecutter_project_dir(folder) is None:
        problems.append(Problem(str(folder), "has no {{cookiecutter.NAME}} folder to render"))
    params = parameters(context, problems, where)
    if problems:
        raise fail(folder, COOKIECUTTER_FILE, "cookiecutter", problems)
    ids = {p["id"] for p in params}
    project = cookiecutter_project_dir(folder)
    writes_catalog_info = project is not None and (project / "catalog-info.yaml").is_file()
    owner = None
    if not writes_catalog_info:
        params.append(owner_parameter("catalog_owner" if "owner" in ids else "owner", ids))
        owner = owner_expression(params[-1]["id"])
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
