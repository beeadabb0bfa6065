"""Templates in other formats, run as golden paths: Backstage Software Templates, cookiecutter and
copier templates.

Each format is converted in memory into scaffold's own `Template` (the pydantic `TemplateModel`,
with `path` the template's folder), so the wizard, batch mode, validation, dry runs, records,
`scaffold upgrade` and campaigns work on it unchanged. What a folder holds decides its format
(`scaffolder.sources.foreign` detects it and calls the converter):

| the folder holds | format |
| --- | --- |
| `template.yaml` with `apiVersion: scaffold/v1` | scaffold's own |
| `template.yaml` with `apiVersion: scaffolder.backstage.io/…` | Backstage |
| `cookiecutter.json` | cookiecutter |
| `copier.yml` or `copier.yaml` | copier |

This package is light and sits below `scaffolder.sources`: the converters know the formats'
files, never where a template comes from. The cookiecutter and copier libraries are imported only
by the actions that run them (`fetch:cookiecutter`, `fetch:copier`).
"""

from __future__ import annotations

import re
from typing import Literal

from scaffolder.foreign_files import COOKIECUTTER_FILE, COPIER_FILES, copier_file
from scaffolder.template import TEMPLATE_FILE

Format = Literal["scaffold", "backstage", "cookiecutter", "copier"]
_BACKSTAGE_API = re.compile(r"^apiVersion:\s*['\"]?scaffolder\.backstage\.io/", re.M)


def is_backstage_text(text: str) -> bool:
    """Whether a template.yaml's text declares a Backstage Software Template."""
    return _BACKSTAGE_API.search(text) is not None


def is_backstage_doc(doc: object) -> bool:
    """Whether a loaded template.yaml is a Backstage Software Template."""
    return isinstance(doc, dict) and str(doc.get("apiVersion", "")).startswith("scaffolder.backstage.io/")


__all__ = [
    "COOKIECUTTER_FILE",
    "COPIER_FILES",
    "TEMPLATE_FILE",
    "Format",
    "copier_file",
    "is_backstage_doc",
    "is_backstage_text",
]
