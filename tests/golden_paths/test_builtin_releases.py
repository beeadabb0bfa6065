"""The built-in library's releases: immutable snapshots that render exactly as when they were cut,
and whose generated projects still pass their own tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder import library, releases
from scaffolder.record import sha256
from tests.golden_paths.rendering import RENDERINGS, example_answers, render_project, rendering
from tests.golden_paths.test_builtin_golden_paths import PATHS, run_project_tests

LIBRARY = Path(__file__).resolve().parents[2] / "golden_paths"
# Every built-in release that is not the current version: (name, version).
RELEASED = [
    (name, folder.name)
    for name in PATHS
    for folder in sorted((LIBRARY / name / releases.RELEASES_DIR).glob("*"))
    if (folder / "template.yaml").is_file()
]
RELEASED_EXAMPLES = [
    (name, version, example.name)
    for name, version in RELEASED
    for example in sorted((LIBRARY / name / releases.RELEASES_DIR / version / "examples").glob("*.yaml"))
]


def test_backend_service_and_data_pipeline_have_releases() -> None:
    assert ("backend-service", "1.0.0") in RELEASED
    assert ("data-pipeline", "1.0.0") in RELEASED


@pytest.mark.parametrize(("name", "version"), RELEASED)
def test_a_snapshot_is_exactly_its_manifest(name: str, version: str) -> None:
    """Recompute every hash: a released snapshot is never edited after it is cut."""
    snapshot = LIBRARY / name / releases.RELEASES_DIR / version
    listed = {}
    for line in (snapshot / releases.MANIFEST).read_text(encoding="utf-8").splitlines():
        digest, rel = line.split("  ", 1)
        listed[rel] = digest
    on_disk = {
        p.relative_to(snapshot).as_posix(): sha256(p.read_bytes())
        for p in snapshot.rglob("*")
        if p.is_file() and p.name != releases.MANIFEST and "__pycache__" not in p.parts
    }
    assert on_disk == listed
    assert releases.verify_snapshot(snapshot) == []


@pytest.mark.parametrize(("name", "version"), RELEASED)
def test_a_release_is_found_by_name_at_version(name: str, version: str) -> None:
    found = library.locate(f"{name}@{version}")
    assert (found.template.version, found.library, found.ref) == (version, library.BUILTIN, version)
    assert found.template.path == LIBRARY / name / releases.RELEASES_DIR / version
    listed = {r.version: r for r in releases.list_releases(name)}
    assert listed[version].ref == f"releases/{version}" and listed[version].changelog
    assert listed[version].date


@pytest.mark.parametrize(
    "path", sorted(RENDERINGS.glob("*.json")), ids=lambda p: p.stem if isinstance(p, Path) else str(p)
)
def test_a_release_renders_as_it_did_before_it_was_snapshotted(path: Path) -> None:
    """`renderings/NAME-VERSION.json` was made from the top folder before it moved on."""
    name, version = path.stem.rsplit("-", 1)
    template = releases.find_release(name, version)
    assert rendering(template) == json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "version", "example"), RELEASED_EXAMPLES)
def test_a_released_project_passes_its_own_tests(name: str, version: str, example: str, tmp_path: Path) -> None:
    template = releases.find_release(name, version)
    answers = example_answers(template, example)
    project = tmp_path / answers.values["name"]
    render_project(template, answers, project)
    assert (project / "catalog-info.yaml").is_file()
    run_project_tests(PATHS[name][2], project)
