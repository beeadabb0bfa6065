"""copier templates (a folder with `copier.yml`), converted to golden paths.

- `type: str` (or a text default), `path`, `yaml`, `json`: string; `int`: integer; `float`:
  string checked as a number (copier converts it); `bool`: boolean;
- `choices` (a list, `[label, value]` pairs or `{label: value}`): choice with labels, or
  multi-choice with `multiselect: true`;
- `help`: help; `secret: true` (or `_secret_questions`): secret, never recorded;
- `default` and `when`: computed by copier itself (`CopierQuestions`, the template's
  `questions`) over the earlier answers; shown as a `${{ }}` translation where one exists;
  a question with any default (`""` too) needs no answer;
- `validator`: checked by copier when it renders.

The steps: `fetch:copier` renders the template with the answers (copier itself does, with
`defaults`, so `_exclude`, `_subdirectory`, `_templates_suffix` and validators behave as in copier;
`_tasks` and `_jinja_extensions` need trust), then `catalog:write` (only when the template
writes no `catalog-info.yaml`; an `owner` parameter is added), `repo:create` named by a
`repo_name` parameter (default: the project's slug) and `catalog:register`. copier
`_migrations` with a version become the golden path's migrations (scripts: they run with trust,
in `scaffold upgrade`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from scaffolder import versions
from scaffolder.errors import Problem
from scaffolder.foreign_files import read_copier_config
from scaffolder.formats._common import (
    IDENT,
    build,
    fail,
    owner_expression,
    owner_parameter,
    publish_steps,
    template_name,
)
from scaffolder.formats._jinja import translate
from scaffolder.formats.copier_questions import CopierQuestions
from scaffolder.formats.versions import version_for
from scaffolder.template import Template

NAME_KEYS = ("repo_name", "project_slug", "slug", "project_name", "package_name", "name")
DESCRIPTION_KEYS = ("project_description", "description", "short_description")
NUMBER = r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"


def _choices(raw: Any) -> list[dict[str, Any]] | None:
    items: list[tuple[Any, Any]] = []
    if isinstance(raw, dict):
        items = [(label, value["value"] if isinstance(value, dict) else value) for label, value in raw.items()]
    elif isinstance(raw, list):
        for item in raw:
            if isinstance(item, list | tuple) and len(item) == 2:
                items.append((item[0], item[1]))
            else:
                items.append((None, item))
    else:
        return None
    out = []
    for label, value in items:
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        out.append(
            {"value": value, "label": str(label)}
            if label is not None and str(label) != str(value)
            else {"value": value}
        )
    return out


def _question(
    key: str,
    spec: Any,
    names: set[str],
    secret_names: set[str],
    envops: dict[str, Any],
    problems: list[Problem],
    where: str,
) -> dict[str, Any] | None:
    spec = spec if isinstance(spec, dict) else {"default": spec}
    default = spec.get("default")
    has_default = "default" in spec
    kind = str(spec.get("type") or "")
    if not kind:
        kind = (
            {bool: "bool", int: "int", float: "float", str: "str"}.get(type(default), "yaml") if has_default else "yaml"
        )
    param: dict[str, Any] = {"id": key, "title": key.replace("_", " ").capitalize()}
    if spec.get("help"):
        param["help"] = str(spec["help"]).strip()
    if spec.get("secret") or key in secret_names:
        param["secret"] = True
    choices = _choices(spec["choices"]) if spec.get("choices") is not None else None
    if spec.get("choices") is not None and choices is None:
        problems.append(Problem(where, f"question {key}: only fixed choices of text or numbers are supported"))
        return None
    if choices is not None:
        param.update(type="multi-choice" if spec.get("multiselect") else "choice", choices=choices)
    elif kind == "bool":
        param["type"] = "boolean"
    elif kind == "int":
        param["type"] = "integer"
    elif kind == "float":
        param["pattern"] = NUMBER
    when = spec.get("when")
    if isinstance(when, bool):
        if not when:
            return None  # never asked: copier keeps its default
    elif when is not None:  # copier evaluates it (CopierQuestions); shown translated when it can be
        param["when"] = (translate(str(when), names, envops) if "{" in str(when) else None) or str(when)
    if has_default:
        param["required"] = False  # only a question without a default needs an answer in copier
        shown = _default(default, param, names, envops)
        if shown is not None:
            param["default"] = shown
    return param


def _default(default: Any, param: dict[str, Any], names: set[str], envops: dict[str, Any]) -> Any:
    """The default as scaffold shows it (copier computes the value itself: CopierQuestions)."""
    kind = param.get("type")
    if default is None or (isinstance(default, list | dict) and kind != "multi-choice"):
        return None
    if isinstance(default, str) and ("{{" in default or "{%" in default or "[[" in default):
        return None if kind in ("integer", "boolean") else (translate(default, names, envops) or default)
    if kind in ("boolean", "integer", "choice", "multi-choice"):
        return default
    return str(default)


def parameters(file: Path, config: dict[str, Any], problems: list[Problem]) -> list[dict[str, Any]]:
    """copier's questions as scaffold parameters, in order (see the module docs)."""
    envops = config.get("_envops") if isinstance(config.get("_envops"), dict) else {}
    assert isinstance(envops, dict)
    secret_names = {str(s) for s in config.get("_secret_questions") or []}
    names: set[str] = set()
    out = []
    for key, spec in config.items():
        if key.startswith("_"):
            continue
        where = str(file)
        if not IDENT.match(key):
            problems.append(Problem(where, f"question {key!r} cannot be asked: use letters, digits and _"))
            continue
        param = _question(key, spec, set(names), secret_names, envops, problems, where)
        names.add(key)
        if param is not None:
            out.append(param)
    return out


def migrations(config: dict[str, Any], problems: list[Problem], where: str) -> list[dict[str, Any]]:
    """copier `_migrations` that name a version, as scaffold migrations of `script` steps."""
    by_version: dict[str, list[dict[str, Any]]] = {}
    for item in config.get("_migrations") or []:
        if not isinstance(item, dict) or "version" not in item:
            continue
        version = str(item["version"]).removeprefix("v")
        if not versions.is_valid(version):
            problems.append(Problem(where, f"_migrations: version {item['version']!r} is not a semantic version"))
            continue
        commands = [item["command"]] if "command" in item else [*(item.get("before") or []), *(item.get("after") or [])]
        for command in commands:
            argv = [str(c) for c in command] if isinstance(command, list) else ["sh", "-c", str(command)]
            by_version.setdefault(version, []).append({"script": argv})
    return [{"to": version, "steps": steps} for version, steps in by_version.items()]


def convert(folder: Path, *, name: str | None = None, version: str | None = None) -> Template:
    """The copier template in `folder` as a golden path."""
    file, config = read_copier_config(folder)
    problems: list[Problem] = []
    params = parameters(file, config, problems)
    spec_migrations = migrations(config, problems, str(file))
    if problems:
        raise fail(folder, file.name, "copier", problems)
    ids = {p["id"] for p in params}
    subdir = folder / str(config.get("_subdirectory") or ".")
    writes_catalog_info = any(subdir.glob("catalog-info.yaml*"))
    owner = None
    if not writes_catalog_info:
        params.append(owner_parameter("catalog_owner" if "owner" in ids else "owner", ids))
        owner = owner_expression(params[-1]["id"])
    if "repo_name" not in ids:
        source = next((k for k in NAME_KEYS if k in ids), None)
        repo_param: dict[str, Any] = {
            "id": "repo_name",
            "title": "Repository name",
            "help": "the new repository's name on the forge",
            "pattern": r"^[A-Za-z0-9._-]{1,100}$",
        }
        if source is not None:
            repo_param["default"] = f"${{{{ parameters.{source} | default('', true) | slugify }}}}"
        else:  # no name question: the template's name (docs/formats.md, batch mode)
            repo_param["default"] = name or template_name(folder.name)
        params.append(repo_param)
    described = next((k for k in DESCRIPTION_KEYS if k in ids), None)
    description = (
        f"${{{{ parameters.{described} | default('', true) }}}}"
        if described
        else f"Made from the {folder.name} template"
    )
    values = {p["id"]: f"${{{{ parameters.{p['id']} | default(none) }}}}" for p in params if p["id"] in config}
    data = {
        "apiVersion": "scaffold/v1",
        "kind": "GoldenPath",
        "metadata": {
            "name": name or template_name(folder.name),
            "title": folder.name,
            "description": f"copier template {folder.name}",
            "owner": "unknown",
            "tags": ["copier"],
        },
        "spec": {
            "version": version_for(folder, hint=version),
            "parameters": params,
            "steps": [
                {
                    "id": "fetch",
                    "name": "Render the copier template",
                    "action": "fetch:copier",
                    "input": {"path": ".", "values": values},
                },
                *publish_steps(
                    name="${{ parameters.repo_name }}",
                    description=description,
                    owner=owner,
                    writes_catalog_info=writes_catalog_info,
                    files_expr="steps.fetch.output.files",
                ),
            ],
            "migrations": spec_migrations,
            "output": {"links": [{"title": "Repository", "url": "${{ steps.publish.output.repo_url }}"}]},
        },
    }
    template = build(data, folder, file=file.name, fmt="copier")
    return replace(template, questions=CopierQuestions(folder, config))
