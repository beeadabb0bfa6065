"""Litter (`scaffolder.litter`) in a library's golden path, as pip's byte-compiling leaves it in
an installed one: `new --dry-run` does not list it, `new` does not create it, `upgrade` neither
reports nor writes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder import git
from scaffolder.litter import is_litter
from tests.cli.conftest import Invoke, as_json
from tests.test_litter import plant


@pytest.fixture
def littered(library: Path) -> Path:
    """The `mini` library with litter in its current skeleton and in its 1.0.0 release (as pip
    leaves in an installed library)."""
    plant(library / "mini" / "skeleton")
    plant(library / "mini" / "releases" / "1.0.0" / "skeleton")
    return library


NEW = ["--no-input", "--set", "name=orders-api", "--set", "owner=group:payments", "-o", "json"]


def test_a_dry_run_does_not_list_litter(invoke: Invoke, littered: Path) -> None:
    plan = as_json(invoke("new", "mini", *NEW, "--dry-run"))
    listed = json.dumps(plan)
    assert "README.md" in listed
    assert "__pycache__" not in listed and ".DS_Store" not in listed and "Thumbs.db" not in listed


def test_new_and_upgrade_never_carry_litter(invoke: Invoke, littered: Path, tmp_path: Path) -> None:
    data = as_json(invoke("new", "mini@1.0.0", *NEW))
    repo = git.clone(data["repository"]["clone_url"], tmp_path / "orders-api")
    assert not [p for p in repo.rglob("*") if ".git" not in p.parts and is_litter(p.relative_to(repo).as_posix())]
    upgraded = as_json(invoke("upgrade", str(repo), "-o", "json"))
    assert "__pycache__" not in json.dumps(upgraded) and ".DS_Store" not in json.dumps(upgraded)
    assert not [p for p in repo.rglob("*") if ".git" not in p.parts and is_litter(p.relative_to(repo).as_posix())]
