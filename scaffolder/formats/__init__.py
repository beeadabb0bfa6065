"""Templates in other formats, run as golden paths: Backstage Software Templates, cookiecutter and
copier templates.

Each format is converted in memory into scaffold's own `Template` (the pydantic `TemplateModel`,
with `path` the template's folder), so the wizard, batch mode, validation, dry runs, records,
`scaffold upgrade` and campaigns work on it unchanged. What a folder holds decides its format:

| the folder holds | format |
| --- | --- |
| `template.yaml` with `apiVersion: scaffold/v1` | scaffold's own |
| `template.yaml` with `apiVersion: scaffolder.backstage.io/…` | Backstage |
| `cookiecutter.json` | cookiecutter |
| `copier.yml` or `copier.yaml` | copier |

This package is light: the cookiecutter and copier libraries are imported only by the actions
that run them (`fetch:cookiecutter`, `fetch:copier`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from scaffolder.template import TEMPLATE_FILE, Template

Format = Literal["scaffold", "backstage", "cookiecutter", "copier"]
COOKIECUTTER_FILE = "cookiecutter.json"
COPIER_FILES = ("copier.yml", "copier.yaml")
_BACKSTAGE_API = re.compile(r"^apiVersion:\s*['\"]?scaffolder\.backstage\.io/", re.M)


def is_backstage_text(text: str) -> bool:
    """Whether a template.yaml's text declares a Backstage Software Template."""
    return _BACKSTAGE_API.search(text) is not None


def is_backstage_doc(doc: object) -> bool:
    """Whether a loaded template.yaml is a Backstage Software Template."""
    return isinstance(doc, dict) and str(doc.get("apiVersion", "")).startswith("scaffolder.backstage.io/")


def copier_file(folder: Path) -> Path | None:
    return next((folder / f for f in COPIER_FILES if (folder / f).is_file()), None)


def detect(folder: Path) -> Format | None:
    """The format of the template in `folder`, or None when it holds none."""
    file = folder / TEMPLATE_FILE
    if file.is_file():
        try:
            head = file.read_text(encoding="utf-8", errors="replace")[:4096]
        except OSError:
            return "scaffold"
        return "backstage" if is_backstage_text(head) else "scaffold"
    if (folder / COOKIECUTTER_FILE).is_file():
        return "cookiecutter"
    if copier_file(folder) is not None:
        return "copier"
    return None


def is_template_dir(folder: Path) -> bool:
    """Whether `folder` holds a template of any supported format."""
    return detect(folder) is not None


def load_foreign(folder: Path, *, name: str | None = None, version: str | None = None) -> Template | None:
    """A cookiecutter or copier template converted to a `Template`, or None when `folder` holds
    neither. `name` and `version` are hints for formats that declare none (a release's name and
    version, known from its tag or snapshot folder)."""
    kind = detect(folder)
    if kind == "cookiecutter":
        from scaffolder.formats import cookiecutter

        return cookiecutter.convert(folder, name=name, version=version)
    if kind == "copier":
        from scaffolder.formats import copier

        return copier.convert(folder, name=name, version=version)
    return None


__all__ = [
    "COOKIECUTTER_FILE",
    "COPIER_FILES",
    "Format",
    "copier_file",
    "detect",
    "is_backstage_doc",
    "is_backstage_text",
    "is_template_dir",
    "load_foreign",
]
