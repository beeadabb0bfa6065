"""One scenario's template written three times, the same files in each tool's syntax:

- scaffold: a golden path (`template.yaml`, `skeleton/`, `{{ values.name }}`) in a folder library,
  1.0.0 as a release snapshot (cut by scaffold itself) and 2.0.0 as the current folder;
- cookiecutter (for cruft): `cookiecutter.json` and `{{cookiecutter.name}}/...`, a git repo tagged v1, v2;
- copier: `copier.yml`, a `.jinja` suffix on files with template syntax, a git repo tagged v1, v2.

Only the one variable's syntax differs; bytes, line endings and exec bits are the scenario's."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from upgrades_corpus import trees
from upgrades_corpus.model import NAME, VARIABLE, File, Scenario, Tree

GOLDEN_PATH = "corpus-template"
CUT_RELEASE = (
    "import sys; from pathlib import Path; from scaffolder.sources import cut_release; cut_release(Path(sys.argv[1]))"
)


@dataclass(frozen=True)
class Templates:
    library: Path  # scaffold's folder library holding GOLDEN_PATH
    cookiecutter: Path
    copier: Path


def _spelled(tree: Mapping[str, File], syntax: str) -> Tree:
    """`tree` with the variable written in one tool's syntax (binaries untouched)."""
    return {
        p: f if f.binary else File(f.data.replace(VARIABLE.encode(), syntax.encode()), f.exec) for p, f in tree.items()
    }


def _template_yaml(version: str) -> str:
    return f"""apiVersion: scaffold/v1
kind: GoldenPath
metadata:
  name: {GOLDEN_PATH}
  title: Upgrade corpus template
  description: One scenario of the upgrade corpus (upgrades_corpus/)
  owner: group:corpus
  lifecycle: experimental
spec:
  version: {version}
  type: service
  parameters:
    - id: name
      default: {NAME}
  steps:
    - id: skeleton
      action: fetch:template
      input:
        path: skeleton
"""


def write_scaffold(scenario: Scenario, library: Path, python: Path) -> Path:
    folder = library / GOLDEN_PATH
    for number, (version, files) in enumerate((("1.0.0", scenario.v1), ("2.0.0", scenario.v2)), start=1):
        shutil.rmtree(folder / "skeleton", ignore_errors=True)
        (folder / "skeleton").mkdir(parents=True)
        trees.write(folder / "skeleton", _spelled(files, "{{ values.name }}"))
        (folder / "template.yaml").write_text(_template_yaml(version), encoding="utf-8")
        changes = "".join(f"## [{v}] - 2026-12-01\n\n- Release {v}.\n\n" for v in ["2.0.0", "1.0.0"][2 - number :])
        (folder / "CHANGELOG.md").write_text(f"# Changelog\n\n{changes}", encoding="utf-8")
        if number == 1:
            subprocess.run([str(python), "-c", CUT_RELEASE, str(folder)], check=True, capture_output=True)
    return library


def write_cookiecutter(scenario: Scenario, root: Path, env: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for number, files in enumerate((scenario.v1, scenario.v2), start=1):
        trees.clear(root)
        (root / "cookiecutter.json").write_text(json.dumps({"name": NAME}) + "\n", encoding="utf-8")
        trees.write(root / "{{cookiecutter.name}}", _spelled(files, "{{ cookiecutter.name }}"))
        trees.commit_all(root, env, f"version {number}", tag=f"v{number}")
    return root


def write_copier(scenario: Scenario, root: Path, env: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for number, files in enumerate((scenario.v1, scenario.v2), start=1):
        trees.clear(root)
        (root / "copier.yml").write_text(f"name:\n  type: str\n  default: {NAME}\n", encoding="utf-8")
        (root / "{{ _copier_conf.answers_file }}.jinja").write_text(
            "# Changes here will be overwritten by Copier\n{{ _copier_answers|to_nice_yaml }}\n", encoding="utf-8"
        )
        suffix = {p: ".jinja" for p, f in files.items() if not f.binary and VARIABLE.encode() in f.data}
        trees.write(root, _spelled(files, "{{ name }}"), suffix)
        trees.commit_all(root, env, f"version {number}", tag=f"v{number}")
    return root


def write_all(scenario: Scenario, work: Path, python: Path, env: dict[str, str]) -> Templates:
    return Templates(
        write_scaffold(scenario, work / "library", python),
        write_cookiecutter(scenario, work / "cookiecutter", env),
        write_copier(scenario, work / "copier", env),
    )
