"""The answers a repository already states about itself, for `scaffold adopt`.

Read from, lowest precedence first: project metadata (`pyproject.toml`'s `[project]`, `package.json`),
the catalog entry (`catalog-info.yaml`), a cookiecutter replay (`.cookiecutter.json`), a cruft
`.cruft.json` and a copier answers file (`.copier-answers.yml`). The last three hold the exact answers
the repo was made with, so a cruft- or copier-made repo needs no question at all. Private keys
(`_commit`, `_src_path`, `_private`) are left out; a file that does not parse is skipped.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scaffolder import yamlio

Found = dict[str, tuple[Any, str]]  # parameter id -> (value, the file it came from)


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _yaml(path: Path) -> Any:
    return yamlio.plain(yamlio.load(path))


def _pyproject(root: Path) -> dict[str, Any]:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    return {k: project[k] for k in ("name", "description") if isinstance(project.get(k), str)}


def _package_json(root: Path) -> dict[str, Any]:
    data = _json(root / "package.json")
    return {k: data[k] for k in ("name", "description") if isinstance(data.get(k), str)}


def _catalog_info(root: Path) -> dict[str, Any]:
    data = _yaml(root / "catalog-info.yaml")
    meta, spec = data.get("metadata") or {}, data.get("spec") or {}
    out = {k: meta[k] for k in ("name", "description") if isinstance(meta.get(k), str)}
    out.update({k: spec[k] for k in ("owner", "lifecycle", "system") if isinstance(spec.get(k), str)})
    return out


def _cookiecutter_replay(root: Path) -> dict[str, Any]:
    data = _json(root / ".cookiecutter.json")
    context = data.get("cookiecutter", data) if isinstance(data, dict) else {}
    return dict(context) if isinstance(context, dict) else {}


def _cruft(root: Path) -> dict[str, Any]:
    context = (_json(root / ".cruft.json").get("context") or {}).get("cookiecutter") or {}
    return dict(context) if isinstance(context, dict) else {}


def _copier(root: Path) -> dict[str, Any]:
    data = _yaml(root / ".copier-answers.yml")
    return dict(data) if isinstance(data, dict) else {}


READERS: list[tuple[str, Callable[[Path], dict[str, Any]]]] = [
    ("pyproject.toml", _pyproject),
    ("package.json", _package_json),
    ("catalog-info.yaml", _catalog_info),
    (".cookiecutter.json", _cookiecutter_replay),
    (".cruft.json", _cruft),
    (".copier-answers.yml", _copier),
]


def discover(root: Path) -> Found:
    """Every answer the files of `root` state, each with the file it came from (later files win)."""
    found: Found = {}
    for name, read in READERS:
        if not (root / name).is_file():
            continue
        try:
            values = read(root)
        except (OSError, ValueError, AttributeError, yamlio.YamlSyntaxError):
            continue  # not what the file should hold: nothing is taken from it
        for key, value in values.items():
            if isinstance(key, str) and not key.startswith("_") and value is not None:
                found[key] = (value, name)
    return found


def template_source(root: Path) -> str | None:
    """The template a cruft- or copier-made repo names (`.cruft.json`'s `template`, copier's `_src_path`)."""
    for name, read, key in ((".cruft.json", _json, "template"), (".copier-answers.yml", _yaml, "_src_path")):
        if (root / name).is_file():
            try:
                value = read(root / name).get(key)
            except (OSError, ValueError, AttributeError, yamlio.YamlSyntaxError):
                continue
            if isinstance(value, str) and value:
                return value
    return None
