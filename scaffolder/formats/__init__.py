"""Templates in other formats, run as golden paths: Backstage Software Templates, cookiecutter and
copier templates.

Each format is converted in memory into scaffold's own `Template` (the pydantic `TemplateModel`,
with `path` the template's folder), so the wizard, batch mode, validation, dry runs, records,
`scaffold upgrade` and campaigns work on it unchanged. What a folder holds decides its format
(`scaffolder.sources.foreign` detects it and calls the converter):

| the folder holds | format |
| --- | --- |
| `template.yaml` with `apiVersion: scaffold/v1` | scaffold's own |
| `template.yaml` with `apiVersion: scaffolder.backstage.io/…` (or `backstage.io/…`) | Backstage |
| no `template.yaml`, and one `*.yaml` declaring a Backstage `kind: Template` | Backstage |
| `cookiecutter.json` | cookiecutter |
| `copier.yml` or `copier.yaml` | copier |

This package is light and sits below `scaffolder.sources`: the converters know the formats'
files, never where a template comes from; detecting a format imports no converter, pydantic or
YAML parser (a TAB detects every folder of a library). The cookiecutter and copier libraries are imported only
by the actions that run them (`fetch:cookiecutter`, `fetch:copier`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from scaffolder.foreign_files import COOKIECUTTER_FILE, COPIER_FILES, TEMPLATE_FILE, copier_file

Format = Literal["scaffold", "backstage", "cookiecutter", "copier"]
_BACKSTAGE_API = re.compile(r"^apiVersion:\s*['\"]?(?:scaffolder\.)?backstage\.io/", re.M)
_TEMPLATE_KIND = re.compile(r"^kind:\s*['\"]?Template['\"]?\s*(?:#.*)?$", re.M)
BACKSTAGE_API_VERSION = "scaffolder.backstage.io/v1beta3"  # the one Backstage version scaffold runs


def is_backstage_text(text: str) -> bool:
    """Whether a template.yaml's text declares a Backstage entity (any version: an older one is
    then refused in one sentence rather than read as scaffold's format)."""
    return _BACKSTAGE_API.search(text) is not None


def is_backstage_doc(doc: object) -> bool:
    """Whether a loaded template.yaml is a Backstage Software Template (any apiVersion)."""
    return isinstance(doc, dict) and str(doc.get("apiVersion", "")).startswith(
        ("scaffolder.backstage.io/", "backstage.io/")
    )


def backstage_template_file(folder: Path) -> str | None:
    """The name of the one `*.yaml`/`*.yml` at the top of `folder` that declares a Backstage
    `kind: Template` (Backstage does not need the name `template.yaml`); None when none or several."""
    found = []
    for file in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            head = file.read_text(encoding="utf-8", errors="replace")[:8192]
        except OSError:
            continue
        if is_backstage_text(head) and _TEMPLATE_KIND.search(head):
            found.append(file.name)
    return found[0] if len(found) == 1 else None


__all__ = [
    "BACKSTAGE_API_VERSION",
    "COOKIECUTTER_FILE",
    "COPIER_FILES",
    "TEMPLATE_FILE",
    "Format",
    "backstage_template_file",
    "copier_file",
    "is_backstage_doc",
    "is_backstage_text",
]
