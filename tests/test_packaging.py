"""The wheel: installs into a clean venv, claims only the `scaffolder` import name, and works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("*.whl"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    subprocess.run(
        [str(env_dir / "bin/python"), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True
    )
    return env_dir


def test_wheel_claims_only_the_scaffolder_namespace(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"scaffolder"}
    assert "scaffolder/actions/fetch_template.py" in names
    assert "scaffolder/golden_paths/backend-service/template.yaml" in names
    assert "scaffolder/golden_paths/backend-service/skeleton/.gitignore" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    # every package of the source tree ships (pyproject lists them explicitly)
    for init in sorted((ROOT / "scaffolder").rglob("__init__.py")):
        assert f"scaffolder/{init.relative_to(ROOT / 'scaffolder').as_posix()}" in names, init


def test_installed_wheel_works_from_a_clean_venv(installed: Path, tmp_path: Path) -> None:
    env = {**os.environ, "SCAFFOLD_HOME": str(tmp_path / "home"), "PATH": f"{installed / 'bin'}:{os.environ['PATH']}"}
    py = str(installed / "bin/python")
    run = lambda *args: subprocess.run(list(args), cwd=tmp_path, env=env, capture_output=True, text=True)  # noqa: E731

    assert run(py, "-c", "import actions").returncode != 0  # no generic top-level name
    assert run(py, "-c", "import golden_paths").returncode != 0
    assert run(py, "-m", "scaffolder", "--version").stdout.startswith("scaffold, version")
    listed = json.loads(run(str(installed / "bin/scaffold"), "list", "-o", "json").stdout)
    assert {"backend-service", "website", "data-pipeline"} <= {e["name"] for e in listed}
    assert all(str(installed) in e["path"] for e in listed)

    created = run(
        str(installed / "bin/scaffold"),
        "new",
        "backend-service",
        "--no-input",
        "--set",
        "name=orders-api",
        "--set",
        "owner=group:payments",
        "-o",
        "json",
    )
    assert created.returncode == 0, created.stderr
    data = json.loads(created.stdout)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", data["repository"]["clone_url"], str(clone)], check=True, env=env)
    assert (clone / ".gitignore").is_file() and (clone / "catalog-info.yaml").is_file()
    actions = json.loads(run(str(installed / "bin/scaffold"), "actions", "-o", "json").stdout)
    assert {"fetch:template", "repo:create", "catalog:register"} <= {a["id"] for a in actions}


def test_the_readme_command_works_from_the_repo_root(installed: Path, tmp_path: Path) -> None:
    """`python3 -m scaffolder new ...` run in a checkout imports the checkout's package, which
    must find actions/ and golden_paths/ beside it just as the wheel has them inside."""
    env = {**os.environ, "SCAFFOLD_HOME": str(tmp_path / "home")}
    args = ["-m", "scaffolder", "new", "backend-service", "--no-input", "--set", "name=orders-api"]
    created = subprocess.run(
        [str(installed / "bin/python"), *args, "--set", "owner=group:payments", "-o", "json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["entity_ref"] == "component:default/orders-api"


def test_the_installed_wheels_compiled_files_never_reach_a_project(installed: Path, tmp_path: Path) -> None:
    """pip byte-compiles the golden paths' skeletons at install time (it compiles by default);
    neither a dry run's file tree nor the created repository shows any of it."""
    from scaffolder.litter import is_litter

    [skeleton] = installed.glob("lib/python*/site-packages/scaffolder/golden_paths/backend-service/skeleton")
    assert list(skeleton.rglob("__pycache__/*.pyc")), "pip compiled nothing: the checks below would prove nothing"
    env = {**os.environ, "SCAFFOLD_HOME": str(tmp_path / "home")}
    args = [str(installed / "bin/scaffold"), "new", "backend-service", "--no-input", "--set", "name=orders-api"]
    run = lambda *more: subprocess.run(  # noqa: E731
        [*args, "--set", "owner=group:payments", *more], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    dry = run("--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "catalog-info.yaml" in dry.stdout and "__pycache__" not in dry.stdout and ".pyc" not in dry.stdout
    created = run("-o", "json")
    assert created.returncode == 0, created.stderr
    clone = tmp_path / "clone"
    url = json.loads(created.stdout)["repository"]["clone_url"]
    subprocess.run(["git", "clone", "-q", url, str(clone)], check=True)
    assert not [p for p in clone.rglob("*") if ".git" not in p.parts and is_litter(p.relative_to(clone).as_posix())]
