"""What the converters share: names, the steps that publish and register a generated project,
and building the validated `Template`; and what the actions running cookiecutter and copier share:
one render at a time, the symlink check, Jinja errors as `file:line`, renders kept from preflight."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scaffolder.errors import Problem, TemplateError
from scaffolder.template import Template, TemplateModel, problems_from_validation

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
OWNER_PATTERN = r"^((group|user):)?([a-z0-9]+(-[a-z0-9]+)*/)?[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$"
OWNER_HELP = "the owner in the software catalog: group:NAME or user:NAME"
CATALOG_INFO = "catalog-info.yaml"
LABELS = {"backstage": "Backstage", "cookiecutter": "cookiecutter", "copier": "copier"}


def template_name(text: str) -> str:
    """A DNS-safe golden path name (`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`) from any text."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63].strip("-")
    return slug or "template"


def ident(text: str, taken: set[str] | None = None) -> str:
    """A parameter or step id (`^[A-Za-z_][A-Za-z0-9_]*$`) from any text, unique among `taken`."""
    out = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_") or "item"
    if out[0].isdigit():
        out = f"_{out}"
    if taken is not None:
        base, n = out, 2
        while out in taken:
            out, n = f"{base}_{n}", n + 1
        taken.add(out)
    return out


def owner_parameter(pid: str = "owner") -> dict[str, Any]:
    """The parameter asked when a template has no owner of its own but the catalog needs one."""
    return {
        "id": pid,
        "title": "Owner",
        "help": OWNER_HELP,
        "pattern": OWNER_PATTERN,
    }


def publish_steps(
    *,
    name: str,
    description: str,
    owner: str | None,
    writes_catalog_info: bool,
    files_expr: str,
) -> list[dict[str, Any]]:
    """catalog:write (unless the template writes its own catalog-info.yaml), repo:create and
    catalog:register, as every golden path ends. `name` and `owner` are expressions."""
    steps: list[dict[str, Any]] = []
    if not writes_catalog_info and owner is not None:
        steps.append(
            {
                "id": "catalog",
                "name": "Describe the component for the catalog",
                "action": "catalog:write",
                "if": f"${{{{ '{CATALOG_INFO}' not in {files_expr} }}}}",
                "input": {"name": name, "owner": owner, "description": description, "repo": {"name": name}},
            }
        )
    steps.append(
        {
            "id": "publish",
            "name": "Publish the repository",
            "action": "repo:create",
            "input": {"name": name, "description": description},
        }
    )
    steps.append(
        {
            "id": "register",
            "name": "Register it in the catalog",
            "action": "catalog:register",
            "input": {"target": "${{ steps.publish.output.catalog_info_url }}"},
        }
    )
    return steps


def build(data: dict[str, Any], folder: Path, *, file: str, fmt: str, doc: Any = None) -> Template:
    """Validate converted data as scaffold's model; every problem is reported against `file`."""
    try:
        model = TemplateModel.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, None, folder / file)
        raise TemplateError(f"the {LABELS[fmt]} template in {folder} cannot be converted", problems) from None
    return Template(model=model, path=folder.resolve(), doc=doc, file=file, format=fmt)


def fail(folder: Path, file: str, fmt: str, problems: list[Problem]) -> TemplateError:
    return TemplateError(f"the {LABELS[fmt]} template in {folder} cannot be run by scaffold", problems)
