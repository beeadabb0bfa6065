"""The built-in golden paths: each loads, its examples are valid answers, every step validates,
the rendered project passes its own tests, and the files the actions add are valid."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
from ruamel.yaml import YAML

from scaffolder import yamlio
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.errors import AnswersError
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import Answers, resolve
from scaffolder.plan import plan
from scaffolder.render import render_tree, write_files
from scaffolder.runner import Runner
from scaffolder.sources import load_template
from scaffolder.template import Template
from tests.golden_paths.rendering import render_project

LIBRARY = Path(__file__).resolve().parents[2] / "golden_paths"
# name -> (owning guild, catalog type, how the generated project runs its tests)
PATHS = {
    "backend-service": ("group:backend-guild", "service", "pytest"),
    "website": ("group:web-guild", "website", "node"),
    "data-pipeline": ("group:data-guild", "pipeline", "pytest"),
}
# The current version of each (earlier releases: tests/golden_paths/test_builtin_releases.py).
CURRENT = {"backend-service": "2.1.0", "website": "1.1.0", "data-pipeline": "1.2.0"}
EXAMPLES = [(name, f.name) for name in PATHS for f in sorted((LIBRARY / name / "examples").glob("*.yaml"))]


def template_of(name: str) -> Template:
    return load_template(LIBRARY / name)


def answers_of(name: str, example: str) -> tuple[Template, Answers]:
    template = template_of(name)
    given = yamlio.plain(yamlio.load(LIBRARY / name / "examples" / example))
    return template, resolve(template, given)


def render(template: Template, answers: Answers, dest: Path) -> list[str]:
    context = {"values": answers.public(), "template": {"name": template.name, "version": template.version}}
    return write_files(dest, render_tree(template.path / "skeleton", context))


def run_project_tests(kind: str, project: Path) -> None:
    if kind == "node":
        if shutil.which("node") is None:
            pytest.fail("node is needed to run the website's own tests: apt-get install nodejs (.ci/run does)")
        cmd = ["node", "--test"]
    else:
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"


def check_workflow(*paths: Path) -> None:
    exe = Path(sys.executable).with_name("check-jsonschema")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "check_jsonschema"]
    proc = subprocess.run(
        [*cmd, "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def kubernetes_kinds(folder: Path) -> list[str]:
    kinds = []
    for file in sorted(folder.glob("*.yaml")):
        for doc in YAML(typ="safe").load_all(file.read_text()):
            kubernetes_validate.validate(doc, "1.30.0", strict=True)
            kinds.append(doc["kind"])
    return kinds


@pytest.mark.parametrize("name", PATHS)
def test_golden_path_loads_with_its_metadata(name: str) -> None:
    template = template_of(name)
    owner, kind, _ = PATHS[name]
    assert template.name == name
    assert template.version == CURRENT[name]
    assert template.model.metadata.owner == owner
    assert template.model.spec.type == kind
    assert {link.title for link in template.model.spec.output.links} == {"Repository", "Catalog entry"}
    changelog = (LIBRARY / name / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[{re.escape(template.version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
    assert len(list((LIBRARY / name / "examples").glob("*.yaml"))) >= 2


def test_backend_service_steps_in_order() -> None:
    steps = template_of("backend-service").steps
    assert [(s.id, s.action) for s in steps] == [
        ("skeleton", "fetch:template"),
        ("catalog", "catalog:write"),
        ("ci", "ci:github-actions"),
        ("k8s", "kubernetes:manifests"),
        ("publish", "repo:create"),
        ("register", "catalog:register"),
    ]
    assert steps[3].if_ == "${{ parameters.kubernetes }}"


@pytest.mark.parametrize("name", PATHS)
def test_batch_mode_needs_only_name_and_owner(name: str) -> None:
    template = template_of(name)
    answers = resolve(template, {"name": "orders-api", "owner": "group:payments"})
    assert answers.values["description"].startswith(("orders-api", "Orders Api"))
    with pytest.raises(AnswersError) as err:
        resolve(template, {})
    assert sorted(p.where for p in err.value.problems) == ["name", "owner"]


@pytest.mark.parametrize(("name", "example"), EXAMPLES)
def test_example_answers_are_valid(name: str, example: str) -> None:
    template = template_of(name)
    given = yamlio.plain(yamlio.load(LIBRARY / name / "examples" / example))
    assert isinstance(given, dict)
    assert set(given) <= {p.id for p in template.parameters}
    resolve(template, given)


@pytest.mark.parametrize(("name", "example"), EXAMPLES)
def test_every_step_input_validates_against_its_action(name: str, example: str) -> None:
    template, answers = answers_of(name, example)
    planned = plan(template, answers)
    assert [p.step.id for p in planned] == [s.id for s in template.steps]


@pytest.mark.parametrize(("name", "example"), EXAMPLES)
def test_generated_project_passes_its_own_tests(name: str, example: str, tmp_path: Path) -> None:
    template, answers = answers_of(name, example)
    project = tmp_path / answers.values["name"]
    written = render(template, answers, project)
    for rel in written:
        text = (project / rel).read_text(encoding="utf-8")
        assert not re.search(r"\{\{|\{%|\{#", text), f"{rel} keeps template markup"
    run_project_tests(PATHS[name][2], project)
    if "[tool.ruff" in ((project / "pyproject.toml").read_text() if (project / "pyproject.toml").exists() else ""):
        run_lint(project)


def run_lint(project: Path) -> None:
    """The generated project's own lint job: ruff check and ruff format --check, with its settings."""
    ruff = Path(sys.executable).with_name("ruff")
    for args in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        proc = subprocess.run([str(ruff), *args], cwd=project, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"ruff {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"


@pytest.mark.parametrize(("name", "example"), EXAMPLES)
def test_rendering_is_deterministic(name: str, example: str) -> None:
    template, answers = answers_of(name, example)
    context = {"values": answers.public(), "template": {"name": template.name, "version": template.version}}
    assert render_tree(template.path / "skeleton", context) == render_tree(template.path / "skeleton", context)


@pytest.mark.parametrize(("name", "example"), EXAMPLES)
def test_files_added_by_the_steps_are_valid(name: str, example: str, tmp_path: Path) -> None:
    """Run the steps as the runner renders them and validate the files they add."""
    template, answers = answers_of(name, example)
    workspace = tmp_path / "ws"
    outputs = render_project(template, answers, workspace)

    info = YAML(typ="safe").load((workspace / "catalog-info.yaml").read_text())
    assert info["metadata"]["name"] == answers.values["name"]
    assert info["spec"]["owner"] == answers.values["owner"]
    assert info["spec"]["type"] == PATHS[name][1]
    assert info["metadata"]["annotations"]["scaffold.dev/template"] == name
    assert outputs["catalog"]["entity_ref"] == f"component:default/{answers.values['name']}"

    workflows = sorted((workspace / ".github/workflows").glob("*.yml"))
    assert workspace / ".github/workflows/ci.yml" in workflows
    check_workflow(*workflows)

    deploy = workspace / "deploy/kubernetes"
    if answers.values["kubernetes"]:
        kinds = kubernetes_kinds(deploy)
        expected = {"CronJob"} if name == "data-pipeline" else {"Deployment", "Service"}
        if answers.values.get("autoscaling"):
            expected.add("HorizontalPodAutoscaler")
        assert set(kinds) == expected
        assert info["metadata"]["annotations"]["backstage.io/kubernetes-id"] == answers.values["name"]
    else:
        assert not deploy.exists()
        assert "backstage.io/kubernetes-id" not in info["metadata"]["annotations"]


@pytest.mark.parametrize("name", PATHS)
def test_end_to_end_on_the_embedded_forge_and_catalog(name: str, tmp_path: Path) -> None:
    """A real run of the minimal example: the pushed repo passes its own tests."""
    template, answers = answers_of(name, "minimal.yaml")
    runner = Runner(forge=LocalForge(tmp_path / "forge"), catalog=SqliteCatalog(tmp_path / "catalog.db"))
    outcome = runner.start(template, "builtin", answers, tmp_path / "runs", profile="test")
    assert outcome.status == "done"
    assert outcome.steps["register"]["entity_ref"] == f"component:default/{answers.values['name']}"
    assert [link["title"] for link in outcome.links] == ["Repository", "Catalog entry"]
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", outcome.steps["publish"]["clone_url"], str(clone)], check=True)
    assert (clone / "catalog-info.yaml").is_file()
    assert (clone / ".github/workflows/ci.yml").is_file()
    run_project_tests(PATHS[name][2], clone)
