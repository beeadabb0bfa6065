"""What the converters share: names, the steps that publish and register a generated project,
and building the validated `Template`; and what the actions running cookiecutter and copier share:
one render at a time, the symlink check, Jinja errors as `file:line`, renders kept from preflight."""

from __future__ import annotations

import re
from collections.abc import Iterable
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


# Answers of a template that name who owns what it makes, best first: a team or organisation
# becomes `group:SLUG`, a person `user:SLUG` (the catalog owner when no other is given).
GROUP_KEYS = ("owner", "team", "team_name", "github_org", "organization", "organisation", "org")
USER_KEYS = ("github_username", "github_user", "gitlab_username", "username", "author", "author_name", "full_name")
FALLBACK_OWNER = "unknown"


def owner_parameter(pid: str = "owner", ids: Iterable[str] = ()) -> dict[str, Any]:
    """The optional parameter naming the catalog owner of a foreign template's project: by default
    from the template's own owner-like answer (`GROUP_KEYS`, `USER_KEYS`); the profile's
    `catalog.default_owner` is given for it when set (`create.prepare`)."""
    param: dict[str, Any] = {"id": pid, "title": "Owner", "help": OWNER_HELP, "pattern": OWNER_PATTERN}
    param["required"] = False
    key = next((k for k in (*GROUP_KEYS, *USER_KEYS) if k in set(ids) and k != pid), None)
    if key is not None:
        kind = "group" if key in GROUP_KEYS else "user"
        slug = f"(parameters.{key} | string | slugify)"
        param["default"] = f"${{{{ ('{kind}:' ~ {slug}) if parameters.{key} and {slug} else none }}}}"
    return param


def owner_expression(pid: str) -> str:
    """The catalog owner a converted template writes: the owner parameter, else `FALLBACK_OWNER`."""
    return f"${{{{ parameters.{pid} or '{FALLBACK_OWNER}' }}}}"


def catalog_owner_id(template: Template) -> str | None:
    """The id of the owner parameter scaffold added to a foreign template, or None."""
    if template.format == "scaffold":
        return None
    return next((p.id for p in template.parameters if p.help == OWNER_HELP), None)


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
