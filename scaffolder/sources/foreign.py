"""Which format a template folder holds, and loading it in any format as a `Template`.

Scaffold's own `template.yaml` is validated by `scaffolder.template`; a Backstage, cookiecutter or
copier template is converted by its module in `scaffolder.formats`. Every other part of scaffold
loads golden paths through `load_template` here, so the model knows nothing of other formats.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.errors import TemplateError
from scaffolder.formats import (
    COOKIECUTTER_FILE,
    TEMPLATE_FILE,
    Format,
    backstage_template_file,
    copier_file,
    is_backstage_doc,
    is_backstage_text,
)

if TYPE_CHECKING:
    from scaffolder.template import Template


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
    if folder.is_dir() and backstage_template_file(folder) is not None:
        return "backstage"
    return None


def is_template_dir(folder: Path) -> bool:
    """Whether `folder` holds a template of any supported format."""
    return detect(folder) is not None


def load_foreign(folder: Path, *, name: str | None = None, version: str | None = None) -> Template | None:
    """A cookiecutter, copier or Backstage template (in a file not named template.yaml) converted
    to a `Template`, or None when `folder` holds none. `name` and `version` are hints for formats
    that declare none (a release's name and version, known from its tag or snapshot folder)."""
    kind = detect(folder)
    if kind == "backstage":
        from scaffolder import yamlio
        from scaffolder.formats import backstage

        file = backstage_template_file(folder)
        assert file is not None
        try:
            doc = yamlio.load(folder / file)
        except yamlio.YamlSyntaxError as exc:
            raise TemplateError(f"cannot load the Backstage template {folder / file}", [exc.problem]) from None
        return backstage.convert(folder, doc, version=version, file_name=file)
    if kind == "cookiecutter":
        from scaffolder.formats import cookiecutter

        return cookiecutter.convert(folder, name=name, version=version)
    if kind == "copier":
        from scaffolder.formats import copier

        return copier.convert(folder, name=name, version=version)
    return None


def load_template(folder: Path, *, name: str | None = None, version: str | None = None) -> Template:
    """Load and validate the template in `folder`, in any format; raises TemplateError listing
    every problem. `name` and `version` are hints for formats that declare none (a release's name
    and version); a golden path's own are never overridden."""
    if not (folder / TEMPLATE_FILE).is_file():
        foreign = load_foreign(folder, name=name, version=version)
        if foreign is not None:
            return foreign
        raise TemplateError(f"no {TEMPLATE_FILE} in {folder}")
    from scaffolder.template import from_document, read_document  # pydantic: only to load one

    doc = read_document(folder)
    if is_backstage_doc(doc):
        from scaffolder.formats import backstage

        return backstage.convert(folder, doc, version=version)
    return from_document(folder, doc)
