"""Issue 16's done-when on the embedded forge, through the CLI: a campaign opens PRs, runs their checks,
automerges the green minor ones, leaves the red and the major ones open with their reasons; after the
base moved a rerun rebases the untouched PRs; `migrate status` shows checks and merge state; the
catalog shows the new versions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from scaffolder.sources import cut_release
from tests.cli.conftest import Invoke, as_json
from tests.helpers import MINIMAL, V1_FILES, V2_FILES, write_template

CHECKS = """\
  campaign:
    checkTimeout: 5
  checks:
    - name: not-broken
      run: [python, -c, "import os, sys; sys.exit(1 if os.path.exists('BROKEN') else 0)"]
"""
V0_FILES = {"README.md": "# {{ values.name }}\n", "app.py": "def main():\n    return 'hello'\n"}


def make_library(tmp_path: Path, releases: list[tuple[str, dict[str, str]]]) -> Path:
    """A library whose golden path `mini` has each of `releases` released but the last, which is current."""
    lib = tmp_path / "lib"
    changelog = "# Changelog\n"
    for index, (version, files) in enumerate(releases):
        folder = write_template(
            tmp_path / f"src-{version}", MINIMAL.replace("  version: 1.0.0\n", f"  version: {version}\n{CHECKS}"), files
        )
        changelog = changelog.replace(
            "# Changelog\n", f"# Changelog\n\n## [{version}] - 2026-0{index + 1}-01\n\n- Release {version}.\n"
        )
        (folder / "CHANGELOG.md").write_text(changelog)
        target = lib / "mini"
        for name in ("skeleton", "template.yaml", "CHANGELOG.md"):
            old = target / name
            if old.is_dir():
                shutil.rmtree(old)
            elif old.exists():
                old.unlink()
        target.mkdir(parents=True, exist_ok=True)
        shutil.copytree(folder / "skeleton", target / "skeleton")
        shutil.copy(folder / "template.yaml", target / "template.yaml")
        shutil.copy(folder / "CHANGELOG.md", target / "CHANGELOG.md")
        if index < len(releases) - 1:
            cut_release(target)
    return lib


@pytest.fixture
def follow_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`mini` 0.9.0 and 1.0.0 released, 1.1.0 current (each with a check a repo fails with a BROKEN file)."""
    lib = make_library(tmp_path, [("0.9.0", V0_FILES), ("1.0.0", V1_FILES), ("1.1.0", V2_FILES)])
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    return lib


def outcomes(stdout: str) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return {str(o["repo"]).split("/")[1]: o for o in rows[:-1]}


def human_commit(name: str, tmp_path: Path, files: dict[str, str], branch: str = "main") -> None:
    from scaffolder import config, git

    forge = config.open_forge(config.load())
    repo = forge.get_repo(forge.default_owner(), name)
    assert repo is not None
    work = forge.clone(repo, tmp_path / f"human-{name}-{len(list(tmp_path.iterdir()))}", branch)
    for path, text in files.items():
        (work / path).write_text(text)
    git.commit_all(work, "A human edit", "2026-05-01T00:00:00+00:00")
    forge.push(repo, work, [f"HEAD:refs/heads/{branch}"])


def test_done_when_on_the_embedded_forge(invoke: Invoke, follow_library: Path, tmp_path: Path) -> None:
    for name, version in (("alpha", "1.0.0"), ("beta", "1.0.0"), ("delta", "0.9.0")):
        invoke("new", f"mini@{version}", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")
    human_commit("beta", tmp_path, {"BROKEN": "a red build\n"})

    run = outcomes(invoke("migrate", "mini", "--automerge", "--trust", "-o", "json").stdout)
    assert {r: (o["state"], o["checks"], o["merge"]) for r, o in run.items()} == {
        "alpha": ("merged", "success", "merged"),  # green minor
        "beta": ("opened", "failure", "checks failing"),  # red
        "delta": ("opened", "success", "major step"),  # 0.9.0 -> 1.1.0
    }
    assert run["alpha"]["catalog"] == "refreshed"

    for name in ("beta", "delta"):
        human_commit(name, tmp_path, {"NEWS.md": "the base moved\n"})
    rerun = outcomes(invoke("migrate", "mini", "--automerge", "--trust", "-o", "json").stdout)
    assert {r: (o["state"], o["reason"]) for r, o in rerun.items()} == {
        "alpha": ("merged", None),
        "beta": ("updated", "rebased onto the moved main"),
        "delta": ("updated", "rebased onto the moved main"),
    }

    table = invoke("migrate", "mini", "--trust").stdout  # no --automerge: nothing more is merged
    assert "CHECKS" in table and "MERGE" in table and "checks failing" in table and "major step" in table
    status = as_json(invoke("migrate", "status", "mini", "-o", "json"))
    assert {e["repo"]: (e["version"], e["checks"], e["merge"]) for e in status["repos"]} == {
        "local/alpha": ("1.1.0", None, "merged"),
        "local/beta": ("1.0.0", "failure", "checks failing"),
        "local/delta": ("0.9.0", "success", "major step"),
    }
    assert status["checks"] == {"failure": 1, "success": 1}
    assert status["merges"] == {"merged": 1, "checks failing": 1, "major step": 1}
    text = invoke("migrate", "status", "mini").stdout
    assert "CHECKS" in text and "MERGE" in text and "checks: failure: 1, success: 1" in text

    catalog = {
        e["metadata"]["name"]: e["metadata"]["annotations"]["scaffold.dev/template-version"]
        for e in as_json(invoke("catalog", "list", "-o", "json"))
    }
    assert catalog == {"alpha": "1.1.0", "beta": "1.0.0", "delta": "0.9.0"}


def test_no_checks_leaves_the_prs_without_checks(invoke: Invoke, follow_library: Path) -> None:
    invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", "name=alpha", "--set", "owner=group:payments")
    run = outcomes(invoke("migrate", "mini", "--trust", "--no-checks", "--automerge", "-o", "json").stdout)
    assert (run["alpha"]["state"], run["alpha"]["checks"], run["alpha"]["merge"]) == ("opened", "none", "no checks")
