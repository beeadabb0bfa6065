"""The runner: validation before side effects, the journal, resume after faults, Ctrl-C, secrets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scaffolder import record
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.errors import ActionError, CatalogError, Interrupted
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import resolve
from scaffolder.plan import plan
from scaffolder.runner import Runner
from scaffolder.runs import Run
from scaffolder.sources import load_template
from tests.helpers import MINIMAL, write_template

GIVEN = {"name": "orders-api", "owner": "group:payments", "api_token": "tok-SECRET-4242"}


class FlakyCatalog(SqliteCatalog):
    """A catalog that is unreachable for its first `failures` registrations."""

    def __init__(self, path: Path, failures: int = 1) -> None:
        super().__init__(path)
        self.failures = failures

    def register(self, entity: Any, location: str, dry_run: bool = False) -> Any:
        if self.failures > 0:
            self.failures -= 1
            raise CatalogError("catalog at sqlite:///x is unreachable (injected)")
        return super().register(entity, location, dry_run)


class CountingForge(LocalForge):
    created = 0

    def create_repo(self, spec: Any) -> Any:
        CountingForge.created += 1
        return super().create_repo(spec)


@pytest.fixture
def parts(tmp_path: Path) -> tuple[LocalForge, SqliteCatalog, Path]:
    CountingForge.created = 0
    return CountingForge(tmp_path / "forge"), SqliteCatalog(tmp_path / "catalog.db"), tmp_path / "runs"


def test_unknown_action_and_bad_input_are_reported_with_lines_before_anything_runs(tmp_path: Path) -> None:
    broken = (
        MINIMAL.replace("action: catalog:write", "action: catalog:wrte")
        .replace(
            "        description: ${{ parameters.name }} service\n",
            "        description: ${{ parameters.name }} service\n        colour: blue\n",
        )
        .replace("${{ steps.publish.output.catalog_info_url }}", "${{ steps.publish.output.nope }}")
    )
    folder = write_template(tmp_path, broken)
    template = load_template(folder)
    with pytest.raises(ActionError) as info:
        plan(template, resolve(template, GIVEN))
    text = info.value.render()
    lines = (folder / "template.yaml").read_text().splitlines()
    assert (
        f"template.yaml:{lines.index('      action: catalog:wrte') + 1}: step catalog: unknown action 'catalog:wrte'"
        in text
    )
    assert "step publish (repo:create): input colour: unknown key" in text
    assert "nope" in text
    assert len(info.value.problems) == 3


def test_a_run_journals_each_step_and_records_its_origin(
    parts: tuple[LocalForge, SqliteCatalog, Path], tmp_path: Path
) -> None:
    forge, catalog, runs = parts
    template = load_template(write_template(tmp_path))
    outcome = Runner(forge, catalog).start(template, "test", resolve(template, GIVEN), runs, "local")
    run = Run.open(runs, outcome.run_id)
    assert list(run.journal()) == ["skeleton", "catalog", "publish", "register"]
    assert run.info().status == "done"
    assert outcome.links == [{"title": "Repository", "url": outcome.steps["publish"]["repo_url"]}]
    rec = record.read(run.workspace)
    assert rec.template.name == "mini" and rec.answers["name"] == "orders-api"
    assert rec.secret_parameters == ["api_token"] and "api_token" not in rec.answers
    assert set(rec.files) == {"README.md", "src/orders_api/__init__.py", "catalog-info.yaml"}
    assert catalog.get("orders-api") is not None


def test_resume_after_the_catalog_was_down_makes_exactly_one_repo_and_entity(tmp_path: Path) -> None:
    forge, runs = CountingForge(tmp_path / "forge"), tmp_path / "runs"
    CountingForge.created = 0
    flaky = FlakyCatalog(tmp_path / "catalog.db", failures=1)
    template = load_template(write_template(tmp_path))
    answers = resolve(template, GIVEN)
    with pytest.raises(CatalogError) as info:
        Runner(forge, flaky).start(template, "test", answers, runs, "local")
    run_id = next(p.name for p in runs.iterdir())
    assert f"scaffold resume {run_id}" in info.value.render()
    run = Run.open(runs, run_id)
    assert run.info().status == "failed"
    assert list(run.journal()) == ["skeleton", "catalog", "publish"]
    outcome = Runner(forge, flaky).resume(run, template, answers)
    assert outcome.status == "done"
    assert CountingForge.created == 1
    assert [r.name for r in forge.list_repos()] == ["orders-api"]
    assert [e["metadata"]["name"] for e in flaky.list()] == ["orders-api"]


def test_a_crash_after_push_before_journal_resumes_without_a_second_repo(
    parts: tuple[LocalForge, SqliteCatalog, Path], tmp_path: Path
) -> None:
    forge, catalog, runs = parts
    template = load_template(write_template(tmp_path))
    answers = resolve(template, GIVEN)
    with pytest.raises(CatalogError):
        Runner(forge, FlakyCatalog(tmp_path / "c2.db")).start(template, "test", answers, runs, "local")
    run = Run.open(runs, next(p.name for p in runs.iterdir()))
    # Simulate a kill between the push and the journal write: drop the publish entry.
    lines = run.journal_path.read_text().splitlines()
    run.journal_path.write_text("\n".join(lines[:2]) + "\n" + '{"step": "publi')  # torn last line
    outcome = Runner(forge, catalog).resume(run, template, answers)
    assert outcome.steps["publish"]["created"] is False  # found its own content on the forge
    assert CountingForge.created == 1


def test_ctrl_c_leaves_a_resumable_journal(
    parts: tuple[LocalForge, SqliteCatalog, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forge, catalog, runs = parts
    template = load_template(write_template(tmp_path))
    answers = resolve(template, GIVEN)

    def interrupt(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(SqliteCatalog, "register", interrupt)
    with pytest.raises(Interrupted) as info:
        Runner(forge, catalog).start(template, "test", answers, runs, "local")
    assert info.value.exit_code == 130
    run = Run.open(runs, next(p.name for p in runs.iterdir()))
    assert run.info().status == "interrupted"
    monkeypatch.undo()
    assert Runner(forge, catalog).resume(run, template, answers).status == "done"


def test_secrets_never_reach_the_run_folder_or_the_repo(
    parts: tuple[LocalForge, SqliteCatalog, Path], tmp_path: Path
) -> None:
    forge, catalog, runs = parts
    files = {"README.md": "{{ values.name }}\n", "token.txt": "{{ values.api_token | default('none') }}\n"}
    template = load_template(write_template(tmp_path, files=files))
    Runner(forge, catalog).start(template, "test", resolve(template, GIVEN), runs, "local")
    for path in runs.rglob("*"):
        if path.is_file():
            assert b"tok-SECRET-4242" not in path.read_bytes(), path
    for path in (tmp_path / "forge").rglob("*"):
        if path.is_file():
            assert b"tok-SECRET-4242" not in path.read_bytes(), path


def test_dry_run_touches_nothing(parts: tuple[LocalForge, SqliteCatalog, Path], tmp_path: Path) -> None:
    forge, catalog, runs = parts
    template = load_template(write_template(tmp_path))
    outcome = Runner(forge, catalog).start(template, "test", resolve(template, GIVEN), runs, "local", dry_run=True)
    assert outcome.dry_run and "catalog-info.yaml" in outcome.files and ".scaffold/record.yaml" in outcome.files
    assert not runs.exists()
    assert forge.list_repos() == [] and catalog.list() == []


def test_if_false_skips_a_step(parts: tuple[LocalForge, SqliteCatalog, Path], tmp_path: Path) -> None:
    forge, catalog, runs = parts
    text = MINIMAL.replace(
        "    - id: register\n      action: catalog:register\n",
        "    - id: register\n      action: catalog:register\n      if: ${{ parameters.port > 9000 }}\n",
    )
    template = load_template(write_template(tmp_path, text))
    outcome = Runner(forge, catalog).start(template, "test", resolve(template, GIVEN), runs, "local")
    assert "register" not in outcome.steps
    assert json.loads((runs / outcome.run_id / "journal.jsonl").read_text().splitlines()[-1])["status"] == "skipped"
    assert catalog.list() == []
