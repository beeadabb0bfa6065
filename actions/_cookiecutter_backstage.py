"""The template Backstage's `fetch:cookiecutter` hands cookiecutter (its module
`@backstage/plugin-scaffolder-backend-module-cookiecutter`): the fetched folder becomes the project
folder `{{cookiecutter and 'contents'}}` of a new template, whose `cookiecutter.json` is the fetched
folder's own (if any) overlaid with the step's `values`, `copyWithoutRender` as
`_copy_without_render` and `extensions` as `_extensions`.

As in Backstage, the fetched folder needs no `cookiecutter.json`, its hooks are files of the
project (they never run), and the step's `copyWithoutRender` and `extensions` replace the folder's
own `_copy_without_render` and `_extensions` (Backstage writes them even when the step has none,
which drops them). Values that are none are left out, as Backstage's JSON leaves out undefined ones.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from scaffolder.action import COOKIECUTTER_FILE, Problem, RenderError

CONTENTS = "{{cookiecutter and 'contents'}}"


def context(folder: Path, values: dict[str, Any], copy_without_render: Any, extensions: Any) -> dict[str, Any]:
    """The `cookiecutter.json` Backstage writes for the fetched `folder` and the step's inputs."""
    own: dict[str, Any] = {}
    file = folder / COOKIECUTTER_FILE
    if file.is_file():
        try:
            loaded = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RenderError("fetch:cookiecutter cannot read the template", [Problem(str(file), str(exc))]) from None
        own = loaded if isinstance(loaded, dict) else {}
    merged = {**own, **values, "_copy_without_render": copy_without_render, "_extensions": extensions}
    return {k: v for k, v in merged.items() if v is not None}


def build(folder: Path, dest: Path, ctx: dict[str, Any]) -> Path:
    """The template Backstage runs cookiecutter on, made in `dest` (a scratch folder): the fetched
    folder as its project folder, beside `ctx` as its `cookiecutter.json`."""
    dest.mkdir(parents=True)
    shutil.copytree(folder, dest / CONTENTS, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    (dest / COOKIECUTTER_FILE).write_text(json.dumps(ctx), encoding="utf-8")
    return dest
