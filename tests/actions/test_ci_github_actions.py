"""ci:github-actions through the action API; every workflow is checked against GitHub's schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from scaffolder.action import ActionContext
from scaffolder.actions.ci_github_actions import action
from scaffolder.errors import ActionError
from tests.actions.context import make_ctx


@pytest.fixture
def ctx(tmp_path: Path) -> ActionContext:
    return make_ctx(tmp_path / "ws")


def check_schema(*files: Path) -> None:
    """Validate workflows with check-jsonschema's vendored GitHub workflow schema (offline)."""
    exe = Path(sys.executable).with_name("check-jsonschema")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "check_jsonschema"]
    proc = subprocess.run(
        [*cmd, "--builtin-schema", "vendor.github-workflows", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def steps_of(job: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["name"], s.get("run") or s["uses"]) for s in job["steps"]]


COMBINATIONS: list[dict[str, Any]] = [
    {"language": "python"},
    {
        "language": "python",
        "python_version": "3.11",
        "docker_image": "orders-api:ci",
        "lint_command": "ruff check .",
    },
    {
        "language": "node",
        "node_version": "22",
        "install_command": "",
        "build_command": "npm run build",
    },
    {
        "language": "node",
        "docker_image": "site:ci",
        "dockerfile": "docker/Dockerfile",
        "docker_context": "docker",
    },
    {"language": "static", "test_command": "test -f index.html", "branches": ["main", "release/*"]},
    {
        "language": "python",
        "timeout_minutes": 60,
        "workflow_name": "Build",
        "file_path": ".github/workflows/build.yml",
    },
]


@pytest.mark.parametrize("inp", COMBINATIONS, ids=lambda i: "-".join(f"{k}={v}" for k, v in i.items())[:60])
def test_workflows_pass_the_github_schema(tmp_path: Path, inp: dict[str, Any]) -> None:
    ctx = make_ctx(tmp_path)
    out = action.run(ctx, inp)
    path = tmp_path / out.file_path
    check_schema(path)
    doc = load(path)
    branches = inp.get("branches", ["main"])
    assert doc["on"] == {"push": {"branches": branches}, "pull_request": {"branches": branches}}
    assert doc["permissions"] == {"contents": "read"}
    for job in doc["jobs"].values():
        assert job["runs-on"] == "ubuntu-latest"
        assert job["timeout-minutes"] == inp.get("timeout_minutes", 15)
        assert job["steps"][0]["uses"] == "actions/checkout@v4"
    assert ("docker" in doc["jobs"]) == ("docker_image" in inp)
    assert "&id" not in path.read_text()  # no YAML anchors


def test_python_defaults(ctx: ActionContext) -> None:
    out = action.run(ctx, {"language": "python"})
    assert out.file_path == ".github/workflows/ci.yml"
    doc = load(ctx.workspace / out.file_path)
    assert doc["name"] == "CI"
    assert steps_of(doc["jobs"]["test"]) == [
        ("Check out", "actions/checkout@v4"),
        ("Set up Python", "actions/setup-python@v5"),
        ("Install", 'python -m pip install --upgrade pip && python -m pip install -e ".[test]"'),
        ("Test", "python -m pytest -q"),
    ]
    assert doc["jobs"]["test"]["steps"][1]["with"] == {"python-version": "3.12"}


def test_node_with_every_step_in_order(ctx: ActionContext) -> None:
    action.run(
        ctx,
        {
            "language": "node",
            "node_version": "22",
            "lint_command": "npm run lint",
            "build_command": "npm run build",
        },
    )
    job = load(ctx.workspace / ".github/workflows/ci.yml")["jobs"]["test"]
    assert [name for name, _ in steps_of(job)] == [
        "Check out",
        "Set up Node.js",
        "Install",
        "Lint",
        "Build",
        "Test",
    ]
    assert job["steps"][1] == {
        "name": "Set up Node.js",
        "uses": "actions/setup-node@v4",
        "with": {"node-version": "22"},
    }


def test_docker_job_builds_without_pushing(ctx: ActionContext) -> None:
    action.run(ctx, {"language": "python", "docker_image": "orders-api:ci"})
    docker = load(ctx.workspace / ".github/workflows/ci.yml")["jobs"]["docker"]
    assert docker["needs"] == "test"
    build = docker["steps"][-1]
    assert build["uses"] == "docker/build-push-action@v6"
    assert build["with"] == {
        "context": ".",
        "file": "Dockerfile",
        "push": False,
        "tags": "orders-api:ci",
    }


def test_multi_line_commands_are_literal_blocks(ctx: ActionContext) -> None:
    action.run(ctx, {"language": "static", "test_command": "set -e\ntest -f index.html\n"})
    path = ctx.workspace / ".github/workflows/ci.yml"
    assert "run: |" in path.read_text()
    check_schema(path)
    assert load(path)["jobs"]["test"]["steps"][-1]["run"] == "set -e\ntest -f index.html"


def test_deterministic_and_dry_run_identical(tmp_path: Path) -> None:
    inp = COMBINATIONS[1]
    a, b = make_ctx(tmp_path / "a"), make_ctx(tmp_path / "b")
    b.dry_run = True
    action.run(a, inp)
    action.run(b, dict(reversed(list(inp.items()))))
    rel = ".github/workflows/ci.yml"
    assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_every_problem_is_named(ctx: ActionContext) -> None:
    with pytest.raises(ActionError) as err:
        action.run(ctx, {"language": "static", "branches": [" "], "docker_image": " "})
    wheres = {p.where for p in err.value.problems}
    assert wheres == {
        "ci:github-actions branches",
        "ci:github-actions test_command",
        "ci:github-actions docker_image",
    }
    assert not (ctx.workspace / ".github").exists()


def test_empty_python_version_is_refused(ctx: ActionContext) -> None:
    with pytest.raises(ActionError, match="python_version"):
        action.run(ctx, {"language": "python", "python_version": ""})


def test_bad_language_and_timeout_fail_validation(ctx: ActionContext) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        action.parse({"language": "ruby"})
    with pytest.raises(ValidationError):
        action.parse({"language": "python", "timeout_minutes": 0})


@pytest.mark.parametrize("example", action.examples, ids=lambda e: e.description)
def test_examples_run_and_validate(ctx: ActionContext, example: Any) -> None:
    out = action.run(ctx, example.input)
    check_schema(ctx.workspace / out.file_path)


def test_the_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  test:\n    steps: [{run: x}]\n")  # no runs-on
    with pytest.raises(AssertionError):
        check_schema(bad)
