"""Packaging the golden paths: nothing compiled, cached or left by a file manager in a working copy
reaches the wheel, so it cannot reach a project generated from an installed scaffold."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKELETON = "golden_paths/backend-service/skeleton"
PACKAGE = f"{SKELETON}/src/{{{{ values.name | snake }}}}"
# What a developer's working copy collects: byte code, tool caches, macOS and Windows droppings.
LITTER = [
    f"{PACKAGE}/__pycache__/api.cpython-311.pyc",
    f"{SKELETON}/tests/__pycache__/test_api.cpython-311-pytest-8.0.pyc",
    f"{SKELETON}/stray.pyc",
    f"{SKELETON}/stray.pyo",
    f"{SKELETON}/.pytest_cache/v/cache/nodeids",
    f"{SKELETON}/.mypy_cache/3.11/api.meta.json",
    f"{SKELETON}/.ruff_cache/0.6.0/123",
    f"{SKELETON}/.DS_Store",
    f"{PACKAGE}/.DS_Store",
    f"{SKELETON}/._README.md",
    "golden_paths/.DS_Store",
    "golden_paths/website/skeleton/src/Thumbs.db",
    "golden_paths/website/skeleton/desktop.ini",
]

pytestmark = pytest.mark.slow


def test_the_wheel_leaves_a_working_copys_litter_out(tmp_path: Path) -> None:
    tree = tmp_path / "src"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, tracked.decode().split("\0")):
        if (ROOT / rel).is_file():
            (tree / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, tree / rel)
    for rel in LITTER:
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_bytes(b"litter")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), "."],
        cwd=tree,
        check=True,
        capture_output=True,
    )
    names = set(zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist())
    shipped = {n.removeprefix("scaffolder/") for n in names if n.startswith("scaffolder/golden_paths/")}
    assert not shipped & set(LITTER)
    assert not [n for n in shipped if "__pycache__" in n or "_cache/" in n or n.endswith((".pyc", ".pyo"))]
    # everything tracked under golden_paths ships, dotfiles and release manifests included
    wanted = {rel for rel in tracked.decode().split("\0") if rel.startswith("golden_paths/")}
    assert wanted <= shipped, sorted(wanted - shipped)[:5]
    assert f"{SKELETON}/.gitignore" in shipped and "golden_paths/backend-service/releases/2.0.0/.sha256" in shipped
