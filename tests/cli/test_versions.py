"""`scaffold versions` and `scaffold new NAME@VERSION`, on the built-in library and a git library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scaffolder.record import RECORD_PATH
from tests.cli.conftest import Invoke, as_json
from tests.test_releases import git, write_golden_path

ANSWERS = ["--no-input", "--set", "name=orders-api", "--set", "owner=group:payments"]


def test_versions_of_a_builtin_golden_path(invoke: Invoke) -> None:
    text = invoke("versions", "backend-service").stdout
    assert text.startswith("backend-service: 3 version(s) in builtin, newest first\n")
    lines = text.splitlines()
    current = next(i for i, line in enumerate(lines) if line.startswith("2.1.0  "))
    middle = next(i for i, line in enumerate(lines) if line.startswith("2.0.0  "))
    old = next(i for i, line in enumerate(lines) if line.startswith("1.0.0  "))
    assert current < middle < old
    assert lines[current].endswith("  (current)") and lines[old].endswith("  releases/1.0.0")
    assert lines[middle].endswith("  releases/2.0.0")
    assert "    - **Breaking:** the WSGI module" in text  # the changelog, indented
    assert "### Added" in "\n".join(lines[old:])


def test_versions_as_json(invoke: Invoke) -> None:
    data = as_json(invoke("versions", "data-pipeline", "-o", "json"))
    assert [(v["version"], v["current"], v["ref"], v["library"]) for v in data] == [
        ("1.2.0", True, "current", "builtin"),
        ("1.1.0", False, "releases/1.1.0", "builtin"),
        ("1.0.0", False, "releases/1.0.0", "builtin"),
    ]
    assert set(data[0]) == {"version", "current", "ref", "library", "date", "changelog"}
    assert data[0]["changelog"].startswith("Backwards compatible") and data[1]["date"]


def test_versions_of_an_unknown_golden_path(invoke: Invoke) -> None:
    result = invoke("versions", "nope", code=1)
    assert "no golden path named 'nope'" in result.stderr
    assert as_json(invoke("versions", "nope", "-o", "json", code=1))["error"] == "TemplateNotFound"


def test_new_from_an_older_release(invoke: Invoke, tmp_path: Path) -> None:
    data = as_json(invoke("new", "backend-service@1.0.0", *ANSWERS, "-o", "json"))
    assert (data["template"], data["version"]) == ("backend-service", "1.0.0")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", data["repository"]["clone_url"], str(clone)], check=True)
    record = yaml.safe_load((clone / RECORD_PATH).read_text())
    assert record["template"]["version"] == "1.0.0" and record["template"]["source"] == "builtin"
    assert "log_level" not in record["answers"]  # a 2.0.0 parameter
    assert (clone / "src/orders_api/app.py").is_file() and not (clone / "src/orders_api/metrics.py").exists()
    info = yaml.safe_load((clone / "catalog-info.yaml").read_text())
    assert info["metadata"]["annotations"]["scaffold.dev/template-version"] == "1.0.0"
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=clone, capture_output=True, text=True
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr


def test_new_and_show_refuse_an_unknown_version(invoke: Invoke, scaffold_home: Path) -> None:
    result = invoke("new", "backend-service@9.9.9", *ANSWERS, code=1)
    wanted = "backend-service@9.9.9 is not a release in builtin; available: 2.1.0 (current), 2.0.0, 1.0.0"
    assert wanted in result.stderr
    assert not (scaffold_home / "forge").exists()
    assert as_json(invoke("show", "backend-service@1.0.0", "-o", "json"))["version"] == "1.0.0"


@pytest.fixture
def git_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A bare git library with mini tagged v1.0.0 and v2.0.0, configured through SCAFFOLD_LIBRARY."""
    work = tmp_path / "work"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    for version in ("1.0.0", "2.0.0"):
        write_golden_path(work, version, f"# {{{{ values.name }}}} at {version}\n")
        git(work, "add", "-A")
        git(work, "commit", "-q", "-m", f"mini {version}")
        git(work, "tag", f"mini/v{version}")
    git(tmp_path, "clone", "-q", "--bare", str(work), str(tmp_path / "lib.git"))
    url = f"git+file://{tmp_path / 'lib.git'}"
    monkeypatch.setenv("SCAFFOLD_LIBRARY", url)
    return url


def test_versions_and_new_from_a_git_library(invoke: Invoke, git_url: str, tmp_path: Path) -> None:
    data = as_json(invoke("versions", "mini", "-o", "json"))
    assert [(v["version"], v["current"], v["ref"], v["library"]) for v in data] == [
        ("2.0.0", True, "mini/v2.0.0", git_url),
        ("1.0.0", False, "mini/v1.0.0", git_url),
    ]
    assert "2.0.0  2026-03-01  mini/v2.0.0  (current)" in invoke("versions", "mini").stdout
    made = as_json(invoke("new", "mini@1.0.0", *ANSWERS, "-o", "json"))
    assert made["version"] == "1.0.0"
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", made["repository"]["clone_url"], str(clone)], check=True)
    assert (clone / "README.md").read_text() == "# orders-api at 1.0.0\n"
    record = yaml.safe_load((clone / RECORD_PATH).read_text())
    assert (record["template"]["version"], record["template"]["source"]) == ("1.0.0", git_url)


def test_versions_has_help(invoke: Invoke) -> None:
    assert "newest first" in invoke("versions", "--help").stdout
