"""`template test` runs a generated project's checks in an environment built from the project's own
declared dependencies (cached per golden path, version and dependency list); when it cannot be
built it says so and names `--no-checks`; and it works from a plain install with no pytest or ruff."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from scaffolder.guild import check_env
from tests.cli.conftest import Invoke, as_json, invoke
from tests.test_guild import PYTEST_CHECK, write_golden_path

__all__ = ["invoke"]  # the CLI fixture
ROOT = Path(__file__).resolve().parents[2]
# A dependency list no other test declares, so each test builds its own environment.
PYPROJECT = """\
[project]
name = "x"
version = "0.1.0"
dependencies = []

[project.optional-dependencies]
test = ["pytest>=8"]

[dependency-groups]
lint = ["pytest>=7"]

[tool.pytest.ini_options]
pythonpath = ["src"]
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user cache dir of this test's own: every environment is built from scratch."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "scaffold" / "check-envs"


def _golden_path(tmp_path: Path) -> Path:
    folder = write_golden_path(tmp_path / "lib", checks=PYTEST_CHECK)
    (folder / "skeleton" / "pyproject.toml").write_text(PYPROJECT)
    return folder


def test_declared_requirements(tmp_path: Path) -> None:
    assert check_env.declared_requirements(tmp_path) is None
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace("dependencies = []", 'dependencies = ["click"]'))
    assert check_env.declared_requirements(tmp_path) == ["click", "pytest>=7", "pytest>=8"]


def test_checks_run_in_a_cached_environment_built_from_the_declared_dependencies(
    invoke: Invoke, tmp_path: Path, cache: Path
) -> None:
    folder = _golden_path(tmp_path)
    (data,) = as_json(invoke("template", "test", str(folder), "--update-snapshots", "-o", "json"))
    assert data["ok"] and [c["ok"] for c in data["examples"][0]["checks"]] == [True]
    (env,) = [p for p in cache.iterdir() if p.is_dir()]
    assert env.name.startswith("mini-1.0.0-")
    assert json.loads((env / check_env.READY).read_text()) == ["pytest>=7", "pytest>=8"]
    made = (env / check_env.READY).stat().st_mtime_ns
    (again,) = as_json(invoke("template", "test", str(folder), "-o", "json"))
    assert again["ok"] and (env / check_env.READY).stat().st_mtime_ns == made  # reused, not rebuilt


def test_an_environment_that_cannot_be_built_says_so_and_names_no_checks(
    invoke: Invoke, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _golden_path(tmp_path)
    invoke("template", "test", str(folder), "--update-snapshots", "--no-checks")
    # offline: no index answers, no local wheels, no config file adding any
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "no-wheels"))
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_DEFAULT_TIMEOUT", "2")
    result = invoke("template", "test", str(folder), code=1)
    assert "cannot build the environment for the checks of mini 1.0.0: pip could not install" in result.stdout
    assert "run `scaffold template test PATH --no-checks` to test without the checks" in result.stdout
    assert not [p for p in cache.iterdir() if p.is_dir()]  # nothing half-built is kept
    invoke("template", "test", str(folder), "--no-checks")


@pytest.mark.slow
def test_template_test_passes_after_a_plain_install_without_pytest_or_ruff(tmp_path: Path, cache: Path) -> None:
    wheels = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = str(env_dir / "bin" / "python")
    subprocess.run([py, "-m", "pip", "install", "-q", *wheels.glob("*.whl")], check=True, capture_output=True)
    for tool in ("pytest", "ruff"):  # a plain install has neither
        assert subprocess.run([py, "-c", f"import {tool}"], capture_output=True).returncode != 0
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    golden = ROOT / "golden_paths" / "backend-service"
    result = subprocess.run(
        [str(env_dir / "bin" / "scaffold"), "template", "test", str(golden), "-o", "json"],
        env={**env, "PATH": f"{env_dir / 'bin'}:{env['PATH']}"},
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    (data,) = json.loads(result.stdout)
    checks = [c for e in data["examples"] for c in e["checks"]]
    assert {c["name"] for c in checks} >= {"unit tests", "ruff check"} and all(c["ok"] for c in checks)
