"""Byte-exact projects end to end: a skeleton with CRLF files (with and without template syntax),
a file without a final newline, an executable script and a binary, rendered by `scaffold new --into`,
committed to git, and upgraded by `scaffold upgrade` with a team's edits in CRLF files."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from scaffolder import git
from scaffolder.sources import cut_release
from tests.cli.conftest import Invoke, as_json
from tests.helpers import MINIMAL, write_template

TEMPLATE = MINIMAL.replace("name: mini", "name: bytes")
V1 = {
    "README.md": b"# {{ values.name }}\r\n\r\nOwned by {{ values.owner }}.\r\n",
    "NOTES.txt": b"Line one\r\nLine two\r\nLine three\r\nLine four\r\nLine five\r\nLine six\r\n",
    "config.ini": b"[app]\r\nname = {{ values.name }}\r\n{% if values.port > 1024 %}\r\nport = {{ values.port }}\r\n"
    b"{% endif %}\r\n\r\n\r\n\r\n[log]\r\nlevel = info\r\n",
    "VERSION": b"{{ values.port }}",
    "bin/run.sh": b"#!/bin/sh\nexec app --name {{ values.name }}\n",
    "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00{{ values.name }}",
}
V2 = {
    **V1,
    "NOTES.txt": V1["NOTES.txt"].replace(b"Line six\r\n", b"Line six\r\nLine seven (2.0)\r\n"),
    "config.ini": V1["config.ini"].replace(b"level = info", b"level = debug"),
}
ANSWERS = ["--no-input", "--set", "name=orders-api", "--set", "owner=group:payments"]
DATE = "2026-03-01T00:00:00+00:00"


def _version(root: Path, version: str, files: dict[str, bytes]) -> Path:
    folder = write_template(root, TEMPLATE.replace("version: 1.0.0", f"version: {version}"), dict(files))
    (folder / "skeleton" / "bin" / "run.sh").chmod(0o755)
    return folder


@pytest.fixture
def bytes_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library holding `bytes`: 1.0.0 released, 2.0.0 current, both with CRLF skeleton files."""
    lib = tmp_path / "lib"
    shutil.copytree(_version(tmp_path / "v1", "1.0.0", V1), lib / "bytes")
    cut_release(lib / "bytes")
    shutil.rmtree(lib / "bytes" / "skeleton")
    v2 = _version(tmp_path / "v2", "2.0.0", V2)
    shutil.copytree(v2 / "skeleton", lib / "bytes" / "skeleton")
    shutil.copy(v2 / "template.yaml", lib / "bytes" / "template.yaml")
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    return lib


def _committed(repo: Path) -> dict[str, tuple[str, bytes]]:
    """Each file git holds at HEAD: its mode and its bytes."""
    listing = subprocess.run(["git", "ls-tree", "-r", "HEAD"], cwd=repo, capture_output=True, text=True, check=True)
    out = {}
    for line in listing.stdout.splitlines():
        meta, path = line.split("\t")
        mode, _, sha = meta.split()
        blob = subprocess.run(["git", "cat-file", "blob", sha], cwd=repo, capture_output=True, check=True)
        out[path] = (mode, blob.stdout)
    return out


def test_a_project_holds_the_skeleton_bytes_and_modes(invoke: Invoke, bytes_library: Path, tmp_path: Path) -> None:
    dest = tmp_path / "orders"
    invoke("new", "bytes@1.0.0", *ANSWERS, "--into", str(dest))
    git.init(dest)
    git.commit_all(dest, "orders", DATE)
    held = _committed(dest)
    assert held["README.md"] == ("100644", b"# orders-api\r\n\r\nOwned by group:payments.\r\n")
    assert held["NOTES.txt"] == ("100644", V1["NOTES.txt"])
    assert (
        held["config.ini"][1]
        == b"[app]\r\nname = orders-api\r\n\r\nport = 8080\r\n\r\n\r\n\r\n\r\n[log]\r\nlevel = info\r\n"
    )
    assert held["VERSION"] == ("100644", b"8080")
    assert held["bin/run.sh"] == ("100755", b"#!/bin/sh\nexec app --name orders-api\n")
    assert held["logo.png"] == ("100644", V1["logo.png"])
    assert stat.S_IMODE((dest / "bin" / "run.sh").stat().st_mode) & 0o111


def test_a_teams_crlf_edits_merge_three_ways_on_upgrade(invoke: Invoke, bytes_library: Path, tmp_path: Path) -> None:
    """The team edits the top of two CRLF files, the template the bottom: a clean merge keeping
    both, CRLF on every line, no conflict."""
    dest = tmp_path / "orders"
    invoke("new", "bytes@1.0.0", *ANSWERS, "--into", str(dest))
    notes, ini = dest / "NOTES.txt", dest / "config.ini"
    notes.write_bytes(notes.read_bytes().replace(b"Line one\r\n", b"Line one, ours\r\n"))
    ini.write_bytes(ini.read_bytes().replace(b"[app]\r\n", b"; team settings\r\n[app]\r\n"))
    git.init(dest)
    git.commit_all(dest, "orders, edited", DATE)

    data = as_json(invoke("upgrade", str(dest), "--no-input", "-o", "json"))
    assert (data["from_version"], data["to_version"]) == ("1.0.0", "2.0.0") and not data["conflicts"]
    assert notes.read_bytes() == (
        b"Line one, ours\r\nLine two\r\nLine three\r\nLine four\r\nLine five\r\nLine six\r\nLine seven (2.0)\r\n"
    )
    team = b"; team settings\r\n[app]\r\nname = orders-api\r\n\r\nport = 8080\r\n"
    assert ini.read_bytes() == team + b"\r\n\r\n\r\n\r\n[log]\r\nlevel = debug\r\n"
    assert (dest / "VERSION").read_bytes() == b"8080" and (dest / "logo.png").read_bytes() == V1["logo.png"]
    assert stat.S_IMODE((dest / "bin" / "run.sh").stat().st_mode) & 0o111
