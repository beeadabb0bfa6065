"""The issue's demonstration on the product's own golden path: a fleet made from
backend-service 1.0.0, some repos edited by hand, a migration campaign to the current version
(across 2.0.0's migration), the pull requests merged, and the fleet's status; the upgraded
services still pass their own tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder import config, git
from tests.cli.conftest import Invoke, as_json

pytestmark = pytest.mark.slow


def hand_edit(tmp_path: Path, name: str, path: str, old: str, new: str) -> None:
    forge = config.open_forge(config.load())
    repo = forge.get_repo("local", name)
    assert repo is not None
    work = forge.clone(repo, tmp_path / f"edit-{name}")
    file = work / path
    text = file.read_text()
    assert old in text, f"{path} of {name} has no {old!r}"
    file.write_text(text.replace(old, new, 1))
    git.commit_all(work, f"Team edit to {path}", "2026-11-01T00:00:00+00:00")
    forge.push(repo, work, ["HEAD:refs/heads/main"])


def test_fleet_of_backend_services_moves_from_1_to_2(invoke: Invoke, tmp_path: Path) -> None:
    fleet = {"orders-api": "true", "billing-api": "false", "stock-api": "true", "search-api": "true"}
    for name, kubernetes in fleet.items():
        invoke(
            "new",
            "backend-service@1.0.0",
            "--no-input",
            "-q",
            "--set",
            f"name={name}",
            "--set",
            "owner=group:payments",
            "--set",
            f"kubernetes={kubernetes}",
        )
    assert as_json(invoke("migrate", "status", "backend-service", "-o", "json"))["versions"] == {"1.0.0": 4}

    # a team edits the module that 2.0.0 renames (app.py -> api.py): the edit must follow the rename
    hand_edit(
        tmp_path,
        "orders-api",
        "src/orders_api/app.py",
        "        if len(name) > MAX_NAME:",
        "        # orders team: names come from users\n        if len(name) > MAX_NAME:",
    )
    # another team rewrites its README's first line
    hand_edit(tmp_path, "billing-api", "README.md", "# billing-api", "# Billing API (payments team)")

    lines = [json.loads(line) for line in invoke("migrate", "backend-service", "-o", "json").stdout.splitlines()]
    states = {o["repo"]: o["state"] for o in lines[:-1]}
    assert states == dict.fromkeys(
        ["local/billing-api", "local/orders-api", "local/search-api", "local/stock-api"], "opened"
    )

    for repo in states:
        invoke("forge", "merge", repo, "1")
    status = as_json(invoke("migrate", "status", "backend-service", "-o", "json"))
    assert status["versions"] == {"2.1.0": 4} and status["pull_requests"] == {"merged": 4}

    forge = config.open_forge(config.load())
    orders = forge.get_repo("local", "orders-api")
    assert orders is not None
    clone = forge.clone(orders, tmp_path / "orders-after")
    assert not (clone / "src/orders_api/app.py").exists()
    assert "# orders team: names come from users" in (clone / "src/orders_api/api.py").read_text()
    assert (clone / "src/orders_api/metrics.py").is_file()
    assert (clone / "mkdocs.yml").is_file() and (clone / "docs/index.md").is_file()  # 2.1.0's TechDocs
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=clone, capture_output=True, text=True
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr

    billing = forge.get_repo("local", "billing-api")
    assert billing is not None
    readme = forge.read_file(billing, "README.md")
    assert readme is not None and readme.startswith(b"# Billing API (payments team)")

    again = [json.loads(line) for line in invoke("migrate", "backend-service", "-o", "json").stdout.splitlines()]
    assert {o["state"] for o in again[:-1]} == {"merged"}  # a rerun opens nothing
