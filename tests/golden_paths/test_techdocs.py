"""The built-in golden paths keep Backstage's promise: each generated project ships TechDocs that
describe it and build with `mkdocs build --strict` (as a golden-path check), and its catalog entry
names its template with Backstage's standard annotation."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tomllib
import uuid
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from scaffolder import yamlio
from scaffolder.catalogs.backstage import BackstageCatalog
from scaffolder.guild.checks import run_checks
from tests.golden_paths.rendering import render_project
from tests.golden_paths.test_builtin_golden_paths import EXAMPLES, PATHS, answers_of
from tests.servers.backstage_server import BackstageServer


def mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(("name", "example"), EXAMPLES)
def test_generated_docs_describe_the_project_and_build_strictly(name: str, example: str, tmp_path: Path) -> None:
    template, answers = answers_of(name, example)
    project = tmp_path / answers.values["name"]
    render_project(template, answers, project)
    config = YAML(typ="safe").load((project / "mkdocs.yml").read_text())
    assert "techdocs-core" in config["plugins"]
    index = (project / "docs/index.md").read_text()
    for value in (answers.values["owner"], answers.values["description"], answers.values["lifecycle"]):
        assert value in index, value
    assert f"`{template.name}` golden path, version {template.version}" in index
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stdout + built.stderr
    site = (project / "site/index.html").read_text()
    assert answers.values["description"].split()[0] in site
    assert (project / "site/techdocs_metadata.json").is_file()  # TechDocs' own output, from techdocs-core
    assert "site/" in (project / ".gitignore").read_text().splitlines()


@pytest.mark.parametrize(("name", "example"), EXAMPLES)
def test_catalog_entry_names_its_template_and_docs(name: str, example: str, tmp_path: Path) -> None:
    template, answers = answers_of(name, example)
    render_project(template, answers, tmp_path / "ws")
    info = YAML(typ="safe").load((tmp_path / "ws/catalog-info.yaml").read_text())
    annotations = info["metadata"]["annotations"]
    assert annotations["backstage.io/source-template"] == f"template:default/{name}"
    assert annotations["scaffold.dev/template-version"] == template.version
    assert annotations["backstage.io/techdocs-ref"] == "dir:."


@pytest.mark.parametrize("name", PATHS)
def test_the_golden_path_checks_build_the_docs_strictly(name: str, tmp_path: Path) -> None:
    """The `docs` check is part of `scaffold template test`, and strict: a broken link fails it
    (`--quiet` would hide the warning from `--strict`, so the check must not pass it)."""
    template, answers = answers_of(name, "minimal.yaml")
    project = tmp_path / "ws"
    render_project(template, answers, project)
    docs = [c for c in template.model.spec.checks if c.name == "docs"]
    assert [c.run for c in docs] == [["python", "-m", "mkdocs", "build", "--strict"]]
    model = template.model.model_copy(deep=True)
    model.spec.checks = docs
    checker = dataclasses.replace(template, model=model)  # only the docs check, as template test runs it
    assert [(r.name, r.ok) for r in run_checks(checker, answers, project)] == [("docs", True)]

    with (project / "docs/index.md").open("a") as index:
        index.write("\nSee [the runbook](runbook.md).\n")
    (failed,) = run_checks(checker, answers, project)
    assert not failed.ok and "runbook.md" in failed.output


@pytest.mark.parametrize("name", ["backend-service", "data-pipeline"])
def test_python_projects_declare_their_docs_tooling(name: str, tmp_path: Path) -> None:
    """`pip install -e '.[docs]'` is what the README and the checks' environment install."""
    template, answers = answers_of(name, "minimal.yaml")
    render_project(template, answers, tmp_path / "ws")
    extras = tomllib.loads((tmp_path / "ws/pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert extras["test"] == ["pytest>=8"]
    assert {d.split(">")[0] for d in extras["docs"]} == {"mkdocs", "mkdocs-techdocs-core"}


def test_the_website_declares_its_docs_tooling(tmp_path: Path) -> None:
    """A Node project declares its docs tooling as a standard dependency group (PEP 735), in a
    pyproject.toml that declares nothing else."""
    template, answers = answers_of("website", "minimal.yaml")
    render_project(template, answers, tmp_path / "ws")
    declared = tomllib.loads((tmp_path / "ws/pyproject.toml").read_text())
    assert set(declared) == {"dependency-groups"}
    assert {d.split(">")[0] for d in declared["dependency-groups"]["docs"]} == {"mkdocs", "mkdocs-techdocs-core"}
    assert mkdocs_build(tmp_path / "ws").returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", PATHS)
def test_backstage_keeps_the_template_link(name: str, backstage: BackstageServer, tmp_path: Path) -> None:
    """Registered in Backstage's own catalog backend, the entity keeps both annotations, so its
    plugins can link it to `template:default/NAME` and find its TechDocs."""
    template, answers = answers_of(name, "minimal.yaml")
    workspace = tmp_path / "ws"
    render_project(template, answers, workspace)
    info = workspace / "catalog-info.yaml"
    entity = YAML(typ="safe").load(info.read_text())
    entity["metadata"]["name"] = f"{entity['metadata']['name']}-{uuid.uuid4().hex[:8]}"  # unique per session
    info.write_text(yamlio.dump(entity))
    catalog = BackstageCatalog(backstage.base_url, token=backstage.token, poll_interval=0.1)
    catalog.validate(entity, str(info))
    ref = catalog.register(entity, str(info)).entity_ref
    try:
        got = catalog.get(ref)
        assert got is not None
        annotations = got["metadata"]["annotations"]
        assert annotations["backstage.io/source-template"] == f"template:default/{name}"
        assert annotations["backstage.io/techdocs-ref"] == "dir:."
    finally:
        catalog.unregister(ref)
