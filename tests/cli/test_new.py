"""`scaffold new` end to end on the embedded forge and catalog, and every bad input it refuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from scaffolder.record import RECORD_PATH
from tests.cli.conftest import Invoke, as_json
from tests.helpers import MINIMAL, write_template

NEW = ["new", "backend-service", "--no-input", "--set", "name=orders-api", "--set", "owner=group:payments"]


def _clone(url: str, dest: Path) -> Path:
    subprocess.run(["git", "clone", "-q", url, str(dest)], check=True)
    return dest


def test_backend_service_end_to_end(invoke: Invoke, tmp_path: Path, scaffold_home: Path) -> None:
    data = as_json(invoke(*NEW, "-o", "json"))
    assert data["template"] == "backend-service" and data["version"] == "2.1.0"
    assert data["entity_ref"] == "component:default/orders-api"
    assert data["repository"]["url"] and data["run_id"]
    repo = _clone(data["repository"]["clone_url"], tmp_path / "orders-api")

    # the generated project's own tests pass
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=repo, capture_output=True, text=True
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr

    # the workflow is valid against GitHub's workflow schema
    workflow = repo / ".github/workflows/ci.yml"
    check = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr

    # the manifests are valid Kubernetes 1.30 objects, strictly
    manifests = sorted((repo / "deploy/kubernetes").glob("*.yaml"))
    kinds = []
    for file in manifests:
        for doc in filter(None, yaml.safe_load_all(file.read_text())):
            kubernetes_validate.validate(doc, "1.30.0", strict=True)
            kinds.append(doc["kind"])
    assert {"Deployment", "Service"} <= set(kinds)

    # catalog-info names the owner; the record remembers the origin
    info = yaml.safe_load((repo / "catalog-info.yaml").read_text())
    assert info["spec"]["owner"] == "group:payments"
    record = yaml.safe_load((repo / RECORD_PATH).read_text())
    assert record["template"] == {"name": "backend-service", "version": "2.1.0", "source": "builtin", "ref": "2.1.0"}
    assert record["answers"]["name"] == "orders-api"
    assert "catalog-info.yaml" in record["files"]

    # the catalog and forge commands see it
    assert [r["full_name"] for r in as_json(invoke("forge", "repos", "-o", "json"))] == ["local/orders-api"]
    assert as_json(invoke("catalog", "show", "orders-api", "-o", "json"))["spec"]["owner"] == "group:payments"
    assert "component:default/orders-api" in invoke("catalog", "list").stdout


def test_text_output_says_where_things_are(invoke: Invoke, scaffold_home: Path) -> None:
    result = invoke(*NEW)
    assert f"repository:     file://{scaffold_home}/forge/local/orders-api.git" in result.stdout
    assert "catalog entry:  component:default/orders-api" in result.stdout
    assert "[6/6] register (catalog:register) done" in result.stderr


def test_a_taken_name_fails_before_any_side_effect(invoke: Invoke, scaffold_home: Path) -> None:
    invoke(*NEW)
    runs_before = sorted((scaffold_home / "runs").iterdir())
    result = invoke(*NEW, code=1)
    assert "a repo of that name already exists" in result.stderr
    assert sorted((scaffold_home / "runs").iterdir()) == runs_before


@pytest.mark.parametrize(
    ("args", "messages"),
    [
        (
            ["--set", "name=Orders_API", "--set", "owner=group:payments"],
            ["name: 'Orders_API' does not match the pattern"],
        ),
        (
            ["--set", "name=orders", "--set", "owner=group:p", "--set", "port=80"],
            ["port: must be at least 1024, got 80"],
        ),
        (["--set", "name=orders", "--set", "owner=group:p", "--set", "port=eighty"], ["port: expected an integer"]),
        (
            ["--set", "name=orders", "--set", "owner=group:p", "--set", "python_version=2.7"],
            ["python_version: '2.7' is not one of"],
        ),
        (
            ["--set", "name=orders", "--set", "owner=group:p", "--set", "kubernetes=perhaps"],
            ["kubernetes: expected true or false"],
        ),
        (["--set", "name=orders"], ["owner: is required"]),
        (["--set", "name=orders", "--set", "owner=group:p", "--set", "colour=blue"], ["colour: unknown parameter"]),
        (
            ["--set", "name=x", "--set", "owner=nobody", "--set", "colour=blue"],
            ["name: 'x'", "owner: 'nobody'", "colour: unknown"],
        ),
    ],
)
def test_invalid_answers(invoke: Invoke, scaffold_home: Path, args: list[str], messages: list[str]) -> None:
    result = invoke("new", "backend-service", "--no-input", *args, code=1)
    for message in messages:
        assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (scaffold_home / "runs").exists() and not (scaffold_home / "forge").exists()


def test_json_errors_are_machine_readable(invoke: Invoke) -> None:
    data = as_json(invoke("new", "backend-service", "--no-input", "--set", "name=x", "-o", "json", code=1))
    assert data["error"] == "AnswersError" and data["exit_code"] == 1
    assert {p["where"] for p in data["problems"]} == {"name", "owner"}


def test_batch_values_file_with_several_services(invoke: Invoke, tmp_path: Path) -> None:
    values = tmp_path / "services.yaml"
    values.write_text(
        "- {name: orders-api, owner: 'group:payments'}\n"
        "- {name: billing-api, owner: 'group:payments', kubernetes: false}\n"
    )
    data = as_json(invoke("new", "backend-service", "--values", str(values), "--no-input", "-o", "json"))
    assert [r["entity_ref"] for r in data["results"]] == [
        "component:default/orders-api",
        "component:default/billing-api",
    ]
    assert data["failed"] == 0


def test_one_bad_service_in_a_batch_creates_nothing(invoke: Invoke, tmp_path: Path, scaffold_home: Path) -> None:
    values = tmp_path / "services.json"
    values.write_text(
        json.dumps([{"name": "orders-api", "owner": "group:payments"}, {"name": "B", "owner": "group:payments"}])
    )
    result = invoke("new", "backend-service", "--values", str(values), "--no-input", code=1)
    assert "service 2: name" in result.stderr
    assert not (scaffold_home / "forge").exists()


def test_set_overrides_the_values_file(invoke: Invoke, tmp_path: Path) -> None:
    values = tmp_path / "v.yaml"
    values.write_text("name: orders-api\nowner: group:payments\nport: 9000\n")
    data = as_json(
        invoke(
            "new", "backend-service", "-f", str(values), "--set", "port=9100", "--no-input", "--dry-run", "-o", "json"
        )
    )
    k8s = next(p for p in data["plan"] if p["id"] == "k8s")
    assert k8s["input"]["port"] == 9100


@pytest.mark.parametrize("content", ["name: [unclosed\n", "- 1\n- 2\n", ""])
def test_malformed_values_file(invoke: Invoke, tmp_path: Path, content: str) -> None:
    values = tmp_path / "bad.yaml"
    values.write_text(content)
    result = invoke("new", "backend-service", "-f", str(values), "--no-input", code=1)
    assert "values file" in result.stderr and "Traceback" not in result.stderr


def test_dry_run_prints_the_plan_and_tree_and_creates_nothing(invoke: Invoke, scaffold_home: Path) -> None:
    result = invoke(*NEW, "--dry-run")
    assert "Dry run of backend-service@2.1.0: nothing was created." in result.stdout
    assert "  run  k8s" in result.stdout and "deploy/kubernetes/" in result.stdout
    assert not (scaffold_home / "runs").exists() and not (scaffold_home / "forge").exists()


def test_unknown_golden_path(invoke: Invoke) -> None:
    result = invoke("new", "backend-servce", "--no-input", code=1)
    assert "no golden path named 'backend-servce'; available: backend-service" in result.stderr


def test_undefined_variable_in_a_skeleton_names_file_and_line(
    invoke: Invoke, tmp_path: Path, scaffold_home: Path
) -> None:
    folder = write_template(tmp_path, files={"docs/a.md": "ok\n{{ values.nope }}\n"})
    result = invoke("new", str(folder), "--no-input", "--set", "name=orders-api", "--set", "owner=group:x", code=1)
    assert "docs/a.md:2: undefined variable" in result.stderr
    assert not (scaffold_home / "runs").exists()


RENDER_ONLY = """\
apiVersion: scaffold/v1
kind: GoldenPath
metadata: {name: render-only, owner: "group:test"}
spec:
  version: 0.1.0
  parameters:
    - {id: folder, type: string}
  steps:
    - {id: skeleton, action: fetch:template, input: {path: skeleton}}
    - {id: publish, action: repo:create, input: {name: render-only}}
"""


@pytest.mark.parametrize("folder", ["../../../etc", "/etc", "a/../../b"])
def test_a_name_that_escapes_the_workspace(invoke: Invoke, tmp_path: Path, scaffold_home: Path, folder: str) -> None:
    template = write_template(tmp_path, RENDER_ONLY, files={"{{ values.folder }}/x.txt": "x"})
    result = invoke("new", str(template), "--no-input", "--set", f"folder={folder}", code=1)
    assert "escapes the workspace" in result.stderr
    assert not (scaffold_home / "forge").exists() and not (scaffold_home / "runs").exists()
    assert not (tmp_path.parent / "etc" / "x.txt").exists()


def test_unknown_action_and_bad_step_input(invoke: Invoke, tmp_path: Path) -> None:
    text = MINIMAL.replace("action: catalog:write", "action: catalog:wrte").replace(
        "input: {path: skeleton}", "input: {path: skeleton, colour: 1}"
    )
    result = invoke(
        "new",
        str(write_template(tmp_path, text)),
        "--no-input",
        "--set",
        "name=orders-api",
        "--set",
        "owner=group:x",
        code=1,
    )
    assert "unknown action 'catalog:wrte'" in result.stderr
    assert "input colour: unknown key" in result.stderr


def test_broken_template_yaml(invoke: Invoke, tmp_path: Path) -> None:
    folder = write_template(tmp_path, MINIMAL.replace("kind: GoldenPath", "kind: [GoldenPath"))
    result = invoke("new", str(folder), "--no-input", code=1)
    assert "malformed YAML" in result.stderr and "template.yaml:" in result.stderr


def test_catalog_down_mid_run_then_resume(invoke: Invoke, scaffold_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scaffolder.catalogs.sqlite import SqliteCatalog
    from scaffolder.errors import CatalogError

    real = SqliteCatalog.register

    def down(self: SqliteCatalog, *args: object, **kwargs: object) -> object:
        raise CatalogError("the catalog is unreachable (injected)")

    monkeypatch.setattr(SqliteCatalog, "register", down)
    result = invoke(*NEW, code=1)
    run_id = result.stderr.split("scaffold resume ")[1].split(")")[0].strip()
    runs = as_json(invoke("runs", "-o", "json"))
    assert [(r["run_id"], r["status"]) for r in runs] == [(run_id, "failed")]
    monkeypatch.setattr(SqliteCatalog, "register", real)
    resumed = invoke("resume", run_id, "--no-input")
    assert "publish (repo:create) already done, not repeated" in resumed.stderr
    assert len(as_json(invoke("forge", "repos", "-o", "json"))) == 1
    assert len(as_json(invoke("catalog", "list", "-o", "json"))) == 1
    assert invoke("resume", run_id, code=1).stderr.startswith("error: run")


def test_a_bug_exits_3_with_a_traceback_log(
    invoke: Invoke, scaffold_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder import sources

    def boom(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(sources, "resolve", boom)
    result = invoke(*NEW, code=3)
    assert "unexpected error (a bug in scaffold): RuntimeError: boom" in result.stderr
    log = next((scaffold_home / "logs").glob("crash-*.log"))
    assert "Traceback" in log.read_text() and str(log) in result.stderr
