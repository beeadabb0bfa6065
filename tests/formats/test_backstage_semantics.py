"""Backstage's templating semantics in scaffold (`scaffolder.nunjucks`): each hand-written fixture
under `fixtures/backstage_semantics/` is rendered by scaffold and by Backstage's own engine with the
same values, and the trees must be identical (bytes, exec bit), `.scaffold/` aside; scaffold's own
format stays strict."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from scaffolder.catalogs.null import NullCatalog
from scaffolder.errors import RenderError, TemplateError
from scaffolder.expressions import evaluate
from scaffolder.forges.local import LocalForge
from scaffolder.guild.lint import lint_path
from scaffolder.parameters import resolve
from scaffolder.runner import Runner
from scaffolder.sources import load_template
from tests.cli.conftest import Invoke
from tests.formats.conftest import FIXTURES
from tests.servers.backstage_engine import BackstageEngine

SEMANTICS = FIXTURES / "backstage_semantics"


def tree(root: Path) -> dict[str, tuple[bytes, bool]]:
    """Every file under `root` (`.scaffold/` aside): its bytes and whether it is executable."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not (Path(dirpath) == root and d == ".scaffold")]
        for name in filenames:
            path = Path(dirpath) / name
            out[path.relative_to(root).as_posix()] = (path.read_bytes(), os.access(path, os.X_OK))
    return out


def render_both(
    engine: BackstageEngine, tmp_path: Path, fixture: str, values: dict[str, Any], file: str = "template.yaml"
) -> tuple[dict[str, tuple[bytes, bool]], dict[str, tuple[bytes, bool]]]:
    source = shutil.copytree(SEMANTICS / fixture, tmp_path / "templates" / fixture)
    engine.render(source / file, values, tmp_path / "backstage")
    template = load_template(source)
    Runner(LocalForge(tmp_path / "forge"), NullCatalog()).render(template, resolve(template, values), tmp_path / "out")
    return tree(tmp_path / "out"), tree(tmp_path / "backstage")


@pytest.mark.parametrize("component", [None, "orders-component"], ids=["optional-missing", "optional-given"])
def test_undefined_values_render_empty_as_in_backstage(
    backstage_engine: BackstageEngine, tmp_path: Path, component: str | None
) -> None:
    values = {"name": "orders"} | ({"componentName": component} if component else {})
    ours, theirs = render_both(backstage_engine, tmp_path, "lenient", values)
    readme = theirs["README.md"][0].decode()
    assert ("No component name." in readme) is (component is None) and "Deep: []" in readme
    assert theirs["shared/NOTES.md"][0] == b"orders owned by [], tier [none]\n"
    assert b'echo "sha= ref="' in theirs[".github/workflows/ci.yml"][0]
    assert ("orders-component.txt" in theirs) is (component is not None)
    assert ours == theirs


@pytest.mark.parametrize(
    "values",
    [
        {"name": "orders", "kind": "api", "replicas": 2, "public": True},
        {"name": "web", "kind": "web", "replicas": 3, "public": False},
    ],
    ids=["api", "web"],
)
def test_javascript_semantics_in_expressions_and_skeletons(
    backstage_engine: BackstageEngine, tmp_path: Path, values: dict[str, Any]
) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "javascript", values)
    text = theirs[f"{'api' if values['kind'] == 'api' else 'web'}/values.txt"][0].decode()
    assert "path=undefined/" in text and "joined=a1" in text and "missing=undefined/" in text
    assert ours == theirs


def test_a_template_in_a_file_not_named_template_yaml_runs(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "named", {"name": "orders"}, file="my-template.yaml")
    assert load_template(SEMANTICS / "named").file == "my-template.yaml"
    assert "README.md" in theirs and ours == theirs


def test_v1beta2_is_refused_in_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "apiVersion: backstage.io/v1beta2\nkind: Template\nmetadata: {name: old}\n"
        "spec: {owner: me, type: service, templater: cookiecutter, path: '.', schema: {}}\n"
    )
    with pytest.raises(TemplateError) as caught:
        load_template(tmp_path)
    assert caught.value.message == "v1beta2 templates are not supported; scaffold runs scaffolder.backstage.io/v1beta3"
    assert len(caught.value.problems) == 1


def test_scaffold_format_stays_strict() -> None:
    with pytest.raises(RenderError, match="undefined"):
        evaluate("${{ parameters.nmae }}", {"parameters": {"name": "x"}}, "w")
    with pytest.raises(RenderError, match="undefined"):
        evaluate("a-${{ parameters.nmae }}", {"parameters": {"name": "x"}}, "w")
    backstage = {"$dialect": "nunjucks", "parameters": {"name": "x"}}
    assert evaluate("${{ parameters.nmae }}", backstage) is None
    assert evaluate('${{ parameters.a.b + "/" }}', backstage) == "undefined/"


LINTED = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: linted}
spec:
  owner: group:platform
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: fetch
      action: fetch:template
      if: ${{ parameters.name && parameters.nmae }}
      input:
        url: ./skeleton
        values:
          name: ${{ parameters.name }}
          owner: ${{ parameters.owner }}
"""


def test_lint_warns_about_undefined_names_in_a_backstage_template(tmp_path: Path, invoke: Invoke) -> None:
    (tmp_path / "skeleton").mkdir()
    (tmp_path / "template.yaml").write_text(LINTED)
    (tmp_path / "skeleton" / "README.md").write_text("${{ values.name }} ${{ values.nmae }} ${{ github.sha }}\n")
    found = {(f.rule, f.severity, f.message) for f in lint_path(tmp_path) if f.rule.endswith(("undefined", "syntax"))}
    assert (
        "expression-undefined",
        "warning",
        "parameters.owner is undefined: no parameter has the id 'owner'",
    ) in found
    assert (
        "skeleton-undefined",
        "warning",
        "values.nmae is undefined: it is not a key of step fetch's values input",
    ) in found
    assert (
        "skeleton-undefined",
        "warning",
        "'github' is undefined: a skeleton sees values only (it renders empty, as in Backstage)",
    ) in found
    assert {rule for rule, severity, _ in found if severity == "warning"} >= {"expression-syntax"}  # `&&`
    assert all(severity == "warning" for _, severity, _ in found)
    result = invoke("template", "lint", str(tmp_path), code=1)  # CHANGELOG and examples are still errors
    assert "values.nmae is undefined" in result.stdout and "[skeleton-undefined, warning]" in result.stdout
    assert "2 problem(s)" in result.stderr


def test_fetch_template_file_renders_one_file_as_backstage_does(
    backstage_engine: BackstageEngine, tmp_path: Path
) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "templatefile", {"name": "orders"})
    assert theirs == {"bin/orders-run.sh": (b'#!/bin/sh\necho "orders "\n', False)}  # contents only, a new mode
    assert ours == theirs


def test_a_number_parameter_is_a_number_in_expressions(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    source = shutil.copytree(SEMANTICS / "javascript", tmp_path / "numbers")
    text = (source / "template.yaml").read_text().replace("replicas: {type: integer}", "replicas: {type: number}")
    (source / "template.yaml").write_text(text)
    values = {"name": "web", "kind": "web", "replicas": 1.5, "public": False}
    engine_out, ours_out = tmp_path / "backstage", tmp_path / "out"
    backstage_engine.render(source / "template.yaml", values, engine_out)
    template = load_template(source)
    Runner(LocalForge(tmp_path / "forge"), NullCatalog()).render(template, resolve(template, values), ours_out)
    assert b"replicas=2.5" in (engine_out / "web" / "values.txt").read_bytes()
    assert tree(ours_out) == tree(engine_out)
    assert not [f for f in lint_path(source) if f.rule == "expression-syntax"]  # jsNumber is known


def test_cookiecutter_compat_sees_cookiecutter_only(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "cookiecompat", {"name": "orders", "public": True})
    assert theirs["orders.md"][0].startswith(b'# orders public=true json="orders"\nvalues are not seen: []\n')
    assert ours == theirs


def test_javascript_members_stay_within_the_sandbox() -> None:
    backstage = {"$dialect": "nunjucks", "parameters": {"name": "x", "meta": {"items": "key"}}}
    assert evaluate("${{ parameters.meta.items }}", backstage) == "key"  # a key, never dict.items
    assert evaluate("${{ parameters.name.upper }}", backstage) is None  # no Python method on text
    assert evaluate("${{ parameters.name.__class__ }}", backstage) is None
    with pytest.raises(RenderError, match="over the limit"):
        evaluate("${{ parameters.name.padStart(100000000000) }}", backstage)


def test_trim_blocks_and_lstrip_blocks_as_backstage(backstage_engine: BackstageEngine, tmp_path: Path) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "blocks", {"name": "orders"})
    assert theirs["both/config.yaml"][0] == b"service:\n  name: orders\n  ports:\n    - 80\n    - 443\n  named: true\n"
    assert theirs["none/config.yaml"][0].count(b"\n") > theirs["both/config.yaml"][0].count(b"\n")
    assert ours == theirs
