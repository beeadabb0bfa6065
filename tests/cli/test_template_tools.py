"""`scaffold template test|new|release` through the CLI: every built-in golden path passes
`template test` (what CI runs), a breaking change shows up as a conflict in the upgrade impact,
and actions from another installed package work in templates."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, as_json

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = sorted(p.parent.name for p in (ROOT / "golden_paths").glob("*/template.yaml"))
PLUGIN = ROOT / "tests" / "plugins" / "scaffold-acme-actions"


@pytest.mark.parametrize("name", BUILTIN)
def test_every_builtin_golden_path_passes_template_test(invoke: Invoke, name: str, tmp_path: Path) -> None:
    """What CI runs: snapshots match, the generated projects' checks pass, and every example
    upgrades from the previous release without conflicts."""
    report = tmp_path / "summary.md"
    result = invoke("template", "test", str(ROOT / "golden_paths" / name), "--report", str(report), "-o", "json")
    (data,) = as_json(result)
    assert data["ok"] is True and data["golden_path"] == name
    assert set(data) >= {"golden_path", "version", "examples", "ok"}
    for example in data["examples"]:
        assert example["snapshot"] == "ok" and example["mismatched"] == []
        assert example["checks"] and all(c["ok"] for c in example["checks"])
        assert "docs" in {c["name"] for c in example["checks"]}  # its TechDocs built with mkdocs --strict
        if data["previous"] is not None:
            assert example["upgrade"]["from"] == data["previous"]
            assert example["upgrade"]["conflicts"] == []
            assert example["upgrade"]["files_changed"]
        else:
            assert example["upgrade"] is None
    assert f"`{name}` {data['version']}" in report.read_text()


def test_template_commands_have_help(invoke: Invoke) -> None:
    listed = invoke("template", "--help").stdout
    for command in ("test", "new", "release"):
        assert command in listed
        assert "Usage: " in invoke("template", command, "--help").stdout


def copy_backend_service(tmp_path: Path) -> Path:
    """The built-in backend-service (with its releases) in a library of its own."""
    dest = tmp_path / "lib" / "backend-service"
    shutil.copytree(ROOT / "golden_paths" / "backend-service", dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def test_a_breaking_change_shows_up_as_a_conflict_in_the_upgrade_impact(invoke: Invoke, tmp_path: Path) -> None:
    """The issue's check: a guild rewrites a line that teams edit (examples/edits/minimal.yaml
    edits it in 2.0.0's api.py), and `template test` shows the conflict the fleet would meet."""
    folder = copy_backend_service(tmp_path)
    api = folder / "skeleton" / "src" / "{{ values.name | snake }}" / "api.py"
    api.write_text(
        api.read_text().replace(
            "        if len(name) > MAX_NAME:", "        if len(name) > MAX_NAME or not name.isprintable():"
        )
    )
    report = tmp_path / "summary.md"
    args = ["template", "test", str(folder), "--no-checks", "--report", str(report)]
    mismatch = as_json(invoke(*args, "-o", "json", code=1))[0]
    assert {e["name"]: e["snapshot"] for e in mismatch["examples"]} == dict.fromkeys(
        ["autoscaled", "minimal", "no-kubernetes"], "mismatch"
    )

    (data,) = as_json(invoke(*args, "--update-snapshots", "-o", "json"))  # conflicts alone do not fail
    upgrades = {e["name"]: e["upgrade"] for e in data["examples"]}
    assert upgrades["minimal"]["conflicts"] == ["src/orders_api/api.py"]
    assert upgrades["minimal"]["edits"] == 4
    assert upgrades["autoscaled"]["conflicts"] == []  # nobody edited that line in these repos
    summary = report.read_text()
    assert "**1 conflict** in 3 examples" in summary and "<<<<<<< yours" in summary

    text = invoke(*args, "--strict", code=1).stdout
    assert "CONFLICT src/orders_api/api.py" in text and "FAILED: backend-service" in text


def test_template_new_then_test_then_release(invoke: Invoke, tmp_path: Path) -> None:
    lib = tmp_path / "golden_paths"
    created = as_json(
        invoke("template", "new", "queue-worker", "--owner", "group:platform-guild", "--dir", str(lib), "-o", "json")
    )
    assert created["golden_path"] == "queue-worker" and created["version"] == "0.1.0"
    assert "snapshots/minimal.txt" in created["files"]
    assert as_json(invoke("template", "test", str(lib / "queue-worker"), "-q", "-o", "json"))[0]["ok"] is True
    invoke("template", "lint", str(lib / "queue-worker"))

    refused = invoke("template", "new", "queue-worker", "--owner", "group:platform-guild", "--dir", str(lib), code=1)
    assert "already exists" in refused.stderr

    done = as_json(invoke("template", "release", str(lib / "queue-worker"), "-q", "-o", "json"))
    assert done["kind"] == "snapshot" and done["ref"] == "releases/0.1.0" and done["version"] == "0.1.0"
    assert done["test"]["ok"] is True and done["lint"]["findings"] == []
    assert (lib / "queue-worker" / "releases" / "0.1.0" / ".sha256").is_file()
    again = as_json(invoke("template", "release", str(lib / "queue-worker"), "-q", "-o", "json", code=1))
    assert again["error"] == "TemplateError" and "already released" in again["message"]


def test_template_test_text_output_and_no_upgrade(invoke: Invoke, tmp_path: Path) -> None:
    folder = copy_backend_service(tmp_path)
    text = invoke("template", "test", str(folder), "--no-checks", "--no-upgrade").stdout
    assert "backend-service 2.1.0" in text and "snapshot  ok (18 files)" in text
    assert "upgrade" not in text.split("\n", 1)[1] and text.rstrip().endswith("ok: 1 golden path passed")


@pytest.mark.slow
def test_actions_from_another_installed_package(tmp_path: Path) -> None:
    """A plugin package installed for real (pip, no network): `scaffold actions` lists its action,
    `scaffold new` runs it, and `scaffold template test` renders it into the snapshot."""
    import setuptools  # noqa: F401  (the plugin builds offline; .ci/run installs setuptools and wheel)

    src, site = tmp_path / "src", tmp_path / "site"
    shutil.copytree(PLUGIN, src)  # the build writes into the source tree: keep the repo clean
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
    installed = subprocess.run([*pip, "--target", str(site), str(src)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    assert (site / "scaffold_acme_actions" / "greet.py").is_file()

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "SCAFFOLD_HOME": str(tmp_path / "home")}

    def scaffold(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "scaffolder", *args], cwd=tmp_path, env=env, capture_output=True, text=True
        )

    actions = scaffold("actions", "-o", "json")
    assert actions.returncode == 0, actions.stderr
    greet = next(a for a in json.loads(actions.stdout) if a["id"] == "acme:greet")
    assert "greeting" in json.dumps(greet)

    folder = tmp_path / "lib" / "greeter"
    (folder / "skeleton").mkdir(parents=True)
    (folder / "examples").mkdir()
    (folder / "skeleton" / "README.md").write_text("# {{ values.name }}\n")
    (folder / "examples" / "minimal.yaml").write_text("name: orders-api\nowner: group:payments\n")
    (folder / "template.yaml").write_text(
        textwrap.dedent(
            """\
            apiVersion: scaffold/v1
            kind: GoldenPath
            metadata: {name: greeter, owner: group:test-guild}
            spec:
              version: 1.0.0
              parameters:
                - {id: name, pattern: '^[a-z][a-z0-9-]+$'}
                - {id: owner}
              steps:
                - {id: skeleton, action: fetch:template, input: {path: skeleton}}
                - id: greet
                  action: acme:greet
                  input: {name: '${{ parameters.name }}', greeting: Welcome}
                - {id: publish, action: repo:create, input: {name: '${{ parameters.name }}'}}
              checks:
                - name: the greeting is there
                  run: [python, -c, 'assert "Welcome, orders-api!" in open("GREETING.md").read()']
            """
        )
    )
    created = scaffold(
        "new", str(folder), "--no-input", "--set", "name=orders-api", "--set", "owner=group:x", "-o", "json"
    )
    assert created.returncode == 0, created.stderr
    outcome = json.loads(created.stdout)
    assert outcome["steps"]["greet"] == {"file_path": "GREETING.md", "text": "Welcome, orders-api!"}
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", outcome["repository"]["clone_url"], str(clone)], check=True, env=env)
    assert (clone / "GREETING.md").read_text().startswith("# Welcome, orders-api!")

    tested = scaffold("template", "test", str(folder), "--update-snapshots", "-o", "json")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert json.loads(tested.stdout)[0]["examples"][0]["checks"][0]["ok"] is True
    assert "=== GREETING.md\n  # Welcome, orders-api!\n" in (folder / "snapshots" / "minimal.txt").read_text()
