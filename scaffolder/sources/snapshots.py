"""Snapshots: the releases of a folder library, `NAME/releases/VERSION/`, immutable once cut.

A snapshot is a full copy of a golden path's top folder (template.yaml, skeleton/, CHANGELOG.md,
examples/). Its `.sha256` manifest (`sha256sum -c` format) lists every file's hash, and loading a
release checks it, so a snapshot edited after it was cut is refused.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from scaffolder.errors import Problem, TemplateError
from scaffolder.litter import is_litter
from scaffolder.record import sha256
from scaffolder.sources.foreign import load_template

RELEASES_DIR = "releases"
MANIFEST = ".sha256"


def _snapshot_files(folder: Path) -> list[str]:
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if is_litter(rel.as_posix()) or rel.as_posix() == MANIFEST:  # pip compiles an installed release
            continue
        if path.is_file() or path.is_symlink():
            out.append(rel.as_posix())
    return out


def _digest(path: Path) -> str:
    """A file's sha256; a symlink's is that of its target text (as git hashes a link), never followed."""
    return sha256(str(path.readlink()).encode()) if path.is_symlink() else sha256(path.read_bytes())


def manifest_text(folder: Path) -> str:
    """The `.sha256` manifest of a snapshot folder, in `sha256sum` format (a symlink's line hashes its
    target text), sorted by path."""
    return "".join(f"{_digest(folder / rel)}  {rel}\n" for rel in _snapshot_files(folder))


def write_manifest(folder: Path) -> Path:
    path = folder / MANIFEST
    path.write_text(manifest_text(folder), encoding="utf-8")
    return path


def verify_snapshot(folder: Path) -> list[Problem]:
    """Every way a snapshot differs from its manifest: changed, missing or added files."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return [Problem(str(folder), f"has no {MANIFEST} manifest, so it cannot be proven unchanged")]
    expected: dict[str, str] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, sep, rel = line.partition("  ")
        if sep and rel:
            expected[rel] = digest
    actual = {rel: _digest(folder / rel) for rel in _snapshot_files(folder)}
    problems = []
    for rel in sorted(expected.keys() | actual.keys()):
        if rel not in actual:
            problems.append(Problem(f"{folder}/{rel}", "deleted from the release"))
        elif rel not in expected:
            problems.append(Problem(f"{folder}/{rel}", "added to the release"))
        elif actual[rel] != expected[rel]:
            problems.append(Problem(f"{folder}/{rel}", "changed after the release was cut"))
    return problems


def cut_release(golden_path: Path) -> Path:
    """Snapshot a golden path's top folder (all but `releases/`) as `releases/VERSION/`, with its
    manifest. Refuses when that release exists: released versions are immutable."""
    template = load_template(golden_path)
    dest = golden_path / RELEASES_DIR / template.version
    if dest.exists():
        raise TemplateError(f"{template.name}@{template.version} is already released at {dest}")
    tmp = Path(tempfile.mkdtemp(prefix=".cut-", dir=golden_path))
    try:
        snapshot = tmp / template.version
        shutil.copytree(
            golden_path,
            snapshot,
            symlinks=True,
            ignore=lambda d, names: [
                n
                for n in names
                if is_litter(n) or (Path(d) == golden_path and (n == RELEASES_DIR or n.startswith(".cut-")))
            ],
        )
        write_manifest(snapshot)
        dest.parent.mkdir(exist_ok=True)
        snapshot.rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest
