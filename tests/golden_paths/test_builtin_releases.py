"""The built-in library's releases: immutable snapshots that render exactly as when they were cut,
and whose generated projects still pass their own tests."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from scaffolder import sources, versions
from scaffolder.action import ActionContext
from scaffolder.expressions import render_value
from scaffolder.parameters import Answers, resolve
from scaffolder.plan import expression_context
from scaffolder.record import manifest, sha256
from scaffolder.registry import load_registry
from scaffolder.sources import snapshots
from scaffolder.template import Template
from tests.golden_paths.rendering import RENDERINGS, example_answers, render_project, rendering
from tests.golden_paths.test_builtin_golden_paths import PATHS, run_project_tests

LIBRARY = Path(__file__).resolve().parents[2] / "golden_paths"
# Every built-in release that is not the current version: (name, version).
RELEASED = [
    (name, folder.name)
    for name in PATHS
    for folder in sorted((LIBRARY / name / sources.RELEASES_DIR).glob("*"))
    if (folder / "template.yaml").is_file()
]
RELEASED_EXAMPLES = [
    (name, version, example.name)
    for name, version in RELEASED
    for example in sorted((LIBRARY / name / sources.RELEASES_DIR / version / "examples").glob("*.yaml"))
]


def test_backend_service_and_data_pipeline_have_releases() -> None:
    assert ("backend-service", "1.0.0") in RELEASED
    assert ("data-pipeline", "1.0.0") in RELEASED
    # the TechDocs releases (backend-service 2.1.0, data-pipeline 1.2.0, website 1.1.0) keep what they replaced
    assert {("backend-service", "2.0.0"), ("data-pipeline", "1.1.0"), ("website", "1.0.0")} <= set(RELEASED)


@pytest.mark.parametrize(("name", "version"), RELEASED)
def test_a_snapshot_is_exactly_its_manifest(name: str, version: str) -> None:
    """Recompute every hash: a released snapshot is never edited after it is cut."""
    snapshot = LIBRARY / name / sources.RELEASES_DIR / version
    listed = {}
    for line in (snapshot / snapshots.MANIFEST).read_text(encoding="utf-8").splitlines():
        digest, rel = line.split("  ", 1)
        listed[rel] = digest
    on_disk = {
        p.relative_to(snapshot).as_posix(): sha256(p.read_bytes())
        for p in snapshot.rglob("*")
        if p.is_file() and p.name != snapshots.MANIFEST and "__pycache__" not in p.parts
    }
    assert on_disk == listed
    assert sources.verify_snapshot(snapshot) == []


@pytest.mark.parametrize(("name", "version"), RELEASED)
def test_a_release_is_found_by_name_at_version(name: str, version: str) -> None:
    found = sources.resolve(f"{name}@{version}")
    assert (found.template.version, found.library, found.ref) == (version, sources.BUILTIN, version)
    assert found.template.path == LIBRARY / name / sources.RELEASES_DIR / version
    listed = {r.version: r for r in sources.resolve(name).versions()}
    assert listed[version].ref == f"releases/{version}" and listed[version].changelog
    assert listed[version].date


@pytest.mark.parametrize(
    "path", sorted(RENDERINGS.glob("*.json")), ids=lambda p: p.stem if isinstance(p, Path) else str(p)
)
def test_a_release_renders_as_it_did_before_it_was_snapshotted(path: Path) -> None:
    """`renderings/NAME-VERSION.json` was made from the top folder before it moved on."""
    name, version = path.stem.rsplit("-", 1)
    template = sources.resolve(name).release(version)
    assert rendering(template) == json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "version", "example"), RELEASED_EXAMPLES)
def test_a_released_project_passes_its_own_tests(name: str, version: str, example: str, tmp_path: Path) -> None:
    template = sources.resolve(name).release(version)
    answers = example_answers(template, example)
    project = tmp_path / answers.values["name"]
    render_project(template, answers, project)
    assert (project / "catalog-info.yaml").is_file()
    run_project_tests(PATHS[name][2], project)


# What each built-in upgrade does to the files of a project, after its migrations ran:
# (name, from, to) -> (paths only the old version has, paths only the new version has); PKG is the
# package folder. A path renamed by a migration is in neither.
UPGRADES = {
    ("backend-service", "1.0.0", "2.0.0"): (
        {"tests/test_server.py"},
        {".github/workflows/lint.yml", "src/PKG/metrics.py", "tests/test_main.py", "tests/test_metrics.py"},
    ),
    ("data-pipeline", "1.0.0", "1.1.0"): (set(), {"tests/test_load.py"}),
    ("backend-service", "2.0.0", "2.1.0"): (set(), {"mkdocs.yml", "docs/index.md"}),
    ("data-pipeline", "1.1.0", "1.2.0"): (set(), {"mkdocs.yml", "docs/index.md"}),
    ("website", "1.0.0", "1.1.0"): (set(), {"mkdocs.yml", "docs/index.md", "pyproject.toml"}),
}


def at_version(name: str, version: str) -> Template:
    """The built-in golden path at `version`: a release, or the current top folder."""
    source = sources.resolve(name)
    return source.template if source.template.version == version else source.release(version)


def _migrate(old: Template, new: Template, answers: Answers, tree: Path) -> list[str]:
    """Run the new version's migrations crossed from `old`, as `scaffold upgrade` does."""
    low, high = versions.key(old.version), versions.key(new.version)
    context = expression_context(new, answers.values, {}, "migration")
    ctx = ActionContext(tree, new.path, new, answers.values, forge=None, catalog=None, run_id="migration")  # type: ignore[arg-type]
    ran = []
    for migration in new.model.spec.migrations:
        if low < versions.key(migration.to) <= high:
            for step in migration.steps:
                load_registry().action(step.action).run(ctx, render_value(step.input, context))
                ran.append(f"{migration.to}:{step.id}")
    return ran


@pytest.mark.parametrize(("name", "old_version", "new_version"), list(UPGRADES), ids=lambda v: str(v))
def test_the_upgrade_accounts_for_every_file(name: str, old_version: str, new_version: str, tmp_path: Path) -> None:
    old, new = at_version(name, old_version), at_version(name, new_version)
    assert new.version == new_version
    only_old, only_new = UPGRADES[(name, old_version, new_version)]
    for example in sorted(p.name for p in (old.path / "examples").glob("*.yaml")):
        old_answers = example_answers(old, example)
        given = {k: v for k, v in old_answers.values.items() if v is not None}
        new_answers = resolve(new, given)  # parameters the new version added take their defaults
        pkg = old_answers.values["name"].replace("-", "_")
        old_tree, new_tree = tmp_path / example / "old", tmp_path / example / "new"
        render_project(old, old_answers, old_tree)
        render_project(new, new_answers, new_tree)
        before = set(manifest(old_tree))
        _migrate(old, new, new_answers, old_tree)
        migrated, rendered = manifest(old_tree), manifest(new_tree)
        assert {p.replace(f"/{pkg}/", "/PKG/") for p in set(migrated) - set(rendered)} == only_old, example
        assert {p.replace(f"/{pkg}/", "/PKG/") for p in set(rendered) - set(migrated)} == only_new, example
        for path in sorted(set(migrated) - before):  # a renamed file still resembles its new version
            a, b = (old_tree / path).read_text(), (new_tree / path).read_text()
            assert difflib.SequenceMatcher(None, a, b).ratio() > 0.5, path


def test_backend_service_2_renames_the_app_module() -> None:
    new = sources.resolve("backend-service").template
    (migration,) = new.model.spec.migrations
    assert migration.to == "2.0.0" and [s.action for s in migration.steps] == ["fs:rename"]
    text = sources.resolve("backend-service").changelog("1.0.0", "2.0.0")
    assert text.startswith("## 2.0.0 - ") and "**Breaking:**" in text and "## 1.0.0" not in text


def test_data_pipeline_1_1_is_backwards_compatible() -> None:
    """A minor release: no migration, no removed parameter, new parameters have defaults."""
    old, new = at_version("data-pipeline", "1.0.0"), at_version("data-pipeline", "1.1.0")
    assert not new.model.spec.migrations
    old_ids, new_ids = {p.id for p in old.parameters}, {p.id for p in new.parameters}
    assert old_ids <= new_ids
    assert all(new.parameter(i).default is not None for i in new_ids - old_ids)  # type: ignore[union-attr]
    assert [r.version for r in sources.resolve("data-pipeline").versions()] == ["1.0.0", "1.1.0", "1.2.0"]
