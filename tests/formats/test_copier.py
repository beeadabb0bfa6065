"""copier templates: converted (conditional and secret questions, computed defaults), refused
without trust (tasks), run end to end (batch, wizard) and upgraded from a git URL's releases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder import git, record
from scaffolder.parameters import resolve
from scaffolder.sources import cache, load_template
from tests.cli.conftest import Invoke, as_json
from tests.formats.conftest import CLEAR, COPIER, DOWN, ENTER, commit_and_tag, copy, edit, run_wizard

SETS = ["--set", "owner=group:payments"]


def new(ref: str | Path, *extra: str) -> list[str]:
    return ["new", str(ref), "--no-input", "-o", "json", *SETS, *extra]


def test_questions_become_parameters() -> None:
    template = load_template(COPIER)
    assert template.format == "copier" and template.file == "copier.yml" and template.name == "copier-pyservice"
    params = {p.id: p for p in template.parameters}
    assert list(params) == [
        "project_name", "project_slug", "description", "python_version", "use_database", "database",
        "database_password", "use_docker", "replicas", "owner", "repo_name",
    ]  # fmt: skip
    assert (
        params["project_slug"].default == "${{ (parameters.project_name | default(none)) | lower | replace(' ', '-') }}"
    )
    database = params["database"]
    assert database.type == "choice" and database.when == "${{ (parameters.use_database | default(none)) }}"
    assert next((c.value, c.label) for c in database.choices or []) == ("postgres", "PostgreSQL")
    assert params["database_password"].secret and params["database_password"].when == database.when
    assert params["replicas"].type == "integer" and params["replicas"].default == 2
    assert params["use_docker"].type == "boolean"
    assert params["repo_name"].default == "${{ parameters.project_slug | default('', true) | slugify }}"
    answers = resolve(template, {"project_name": "Stock Keeper", "owner": "group:x"})
    assert answers.values["project_slug"] == "stock-keeper" and answers.values["repo_name"] == "stock-keeper"
    assert "database" not in answers.values  # hidden: use_database is false
    assert [s.action for s in template.steps] == ["fetch:copier", "catalog:write", "repo:create", "catalog:register"]


def test_copier_evaluates_a_condition_scaffold_has_no_filter_for(tmp_path: Path) -> None:
    """`when` is computed by copier's Question (here an Ansible filter copier's environment has)."""
    folder = copy(COPIER, tmp_path / "t")
    edit(
        folder / "copier.yml",
        'when: "{{ use_database }}"\n\ndatabase_password',
        "when: \"{{ project_name | regex_search('[Dd]b') }}\"\n\ndatabase_password",
    )
    template = load_template(folder)
    assert template.parameter("database") is not None
    plain = resolve(template, {"project_name": "Stock Keeper", "owner": "group:x"}).values
    assert "database" not in plain and plain["project_slug"] == "stock-keeper"
    with_db = resolve(template, {"project_name": "Stock Db", "owner": "group:x"}).values
    assert with_db["database"] == "postgres"


def test_migrations_with_a_version_become_migration_scripts(tmp_path: Path) -> None:
    folder = copy(COPIER, tmp_path / "t")
    with (folder / "copier.yml").open("a") as fh:
        fh.write('\n_migrations:\n  - version: v2.0.0\n    command: "mv setup.cfg pyproject.toml"\n')
    migrations = load_template(folder).model.spec.migrations
    assert [(m.to, m.steps[0].script) for m in migrations] == [("2.0.0", ["sh", "-c", "mv setup.cfg pyproject.toml"])]


def test_tasks_are_refused_without_trust(invoke: Invoke, scaffold_home: Path) -> None:
    result = invoke(*new(COPIER), code=1)
    assert f"{COPIER}/copier.yml: the task `rm Dockerfile` (_tasks) would run" in result.stderr
    assert "the task `{{ _copier_python }} -c import pathlib;" in result.stderr
    assert not (scaffold_home / "runs").exists() and not (scaffold_home / "forge").exists()


def test_batch_mode_end_to_end(invoke: Invoke, tmp_path: Path, scaffold_home: Path) -> None:
    secret = "pw-S3CRET-9"
    result = invoke(
        *new(
            COPIER, "--trust", "--set", "use_docker=false", "--set", "use_database=yes",
            "--set", "database=sqlite", "--set", f"database_password={secret}",
        )
    )  # fmt: skip
    data = as_json(result)
    assert data["repository"]["full_name"] == "local/inventory-service"
    clone = git.clone(data["repository"]["clone_url"], tmp_path / "clone")
    assert not (clone / "Dockerfile").exists()  # the first task (its `when` held)
    assert (clone / "requirements.lock").read_text() == "# pinned by the template task\n"  # the second
    readme = (clone / "README.md").read_text()
    assert "Python 3.12, with a sqlite database; 2 replicas in production." in readme
    assert "still the template's default" not in readme  # the secret was given
    answers = (clone / ".copier-answers.yml").read_text()
    assert "_src_path: copier-pyservice\n" in answers and "database: sqlite" in answers
    assert (clone / "src" / "inventory_service" / "__init__.py").is_file()
    rec = record.read(clone)
    assert rec.secret_parameters == ["database_password"] and "database_password" not in rec.answers
    assert rec.answers["project_slug"] == "inventory-service"
    assert secret not in result.stdout + result.stderr
    for root in (scaffold_home, clone):
        for path in root.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), path


def test_a_hidden_question_is_not_asked_nor_recorded(invoke: Invoke, tmp_path: Path) -> None:
    data = as_json(invoke(*new(COPIER, "--trust", "--set", "project_name=Plain One")))
    clone = git.clone(data["repository"]["clone_url"], tmp_path / "clone")
    assert (clone / "Dockerfile").is_file() and "database" not in (clone / "README.md").read_text()
    assert "database" not in record.read(clone).answers


def test_the_wizard_end_to_end(tmp_path: Path) -> None:
    keys = "".join(
        [
            CLEAR + "Parcel Tracker" + ENTER,  # project_name
            ENTER,  # project_slug: computed, parcel-tracker
            ENTER,  # description
            DOWN + ENTER,  # python_version: 3.13
            "y",  # use_database
            DOWN + DOWN + ENTER,  # database: SQLite
            ENTER,  # database_password: the default (change-me)
            "n",  # use_docker
            CLEAR + "5" + ENTER,  # replicas
            "group:logistics" + ENTER,  # owner
            ENTER,  # repo_name: parcel-tracker
        ]
    )
    outcome = run_wizard(str(COPIER), keys, trusted=True)
    assert outcome.steps["publish"]["full_name"] == "local/parcel-tracker"
    clone = git.clone(outcome.steps["publish"]["clone_url"], tmp_path / "clone")
    readme = (clone / "README.md").read_text()
    assert "Python 3.13, with a sqlite database; 5 replicas in production." in readme
    assert "still the template's default: change it." in readme
    assert not (clone / "Dockerfile").exists()


def test_copier_validates_answers(invoke: Invoke, scaffold_home: Path) -> None:
    result = invoke(*new(COPIER, "--trust", "--set", "project_slug=Shouting", "--set", "repo_name=shouting"), code=1)
    assert "use lowercase letters" in result.stderr
    assert not (scaffold_home / "forge").exists()


def test_a_repo_is_upgraded_to_a_new_release_keeping_a_human_edit(invoke: Invoke, tmp_path: Path) -> None:
    repo = copy(COPIER, tmp_path / "templates" / "copier-pyservice")
    commit_and_tag(repo, "v1.0.0")
    url = f"file://{repo}"
    data = as_json(invoke(*new(url, "--trust")))
    assert data["version"] == "1.0.0"
    clone = git.clone(data["repository"]["clone_url"], tmp_path / "inventory-service")
    edit(clone / "pyproject.toml", 'version = "0.1.0"', 'version = "0.2.0"')
    git.commit_all(clone, "human edit", "2026-03-04T00:00:00+00:00")

    edit(repo / "template" / "pyproject.toml.jinja", "[project]\n", '[project]\nreadme = "README.md"\n')
    (repo / "template" / "CONTRIBUTING.md.jinja").write_text("Contributing to {{ project_name }}\n")
    git.commit_all(repo, "1.1.0", "2026-03-05T00:00:00+00:00")
    git.tag(repo, "v1.1.0")

    cache._fetched.clear()  # each command is a process of its own: it fetches the URL again
    result = as_json(invoke("upgrade", str(clone), "--trust", "-o", "json"))
    assert (result["from_version"], result["to_version"]) == ("1.0.0", "1.1.0")
    assert result["added"] == ["CONTRIBUTING.md"] and not result["conflicts"]
    pyproject = (clone / "pyproject.toml").read_text()
    assert 'readme = "README.md"' in pyproject and 'version = "0.2.0"' in pyproject
    assert (clone / "requirements.lock").is_file()  # made by a task, in both renders: untouched
    rec = record.read(clone)
    assert (rec.template.version, rec.template.ref, rec.template.source) == ("1.1.0", "v1.1.0", url)


def test_a_campaign_across_repos_made_from_a_library(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = tmp_path / "lib"
    folder = copy(COPIER, lib / "copier-pyservice")
    commit_and_tag(lib, "copier-pyservice/v1.0.0")
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    for name in ("Alpha Stock", "Beta Stock"):
        invoke(*new("copier-pyservice", "--trust", "-q", "--set", f"project_name={name}"))
    (folder / "template" / "SECURITY.md.jinja").write_text("Report issues in {{ project_name }} privately.\n")
    git.commit_all(lib, "1.1.0", "2026-03-06T00:00:00+00:00")
    git.tag(lib, "copier-pyservice/v1.1.0")

    status = as_json(invoke("migrate", "status", "copier-pyservice", "-o", "json"))
    assert status["versions"] == {"1.0.0": 2}
    refused = [
        json.loads(line) for line in invoke("migrate", "copier-pyservice", "-o", "json", code=1).stdout.splitlines()
    ]
    assert [r["state"] for r in refused[:-1]] == ["failed", "failed"]
    assert all("the task `rm Dockerfile` (_tasks) would run" in r["reason"] for r in refused[:-1])
    assert not as_json(invoke("forge", "prs", "-o", "json"))
    out = invoke("migrate", "copier-pyservice", "--trust", "-o", "json").stdout
    summary = [json.loads(line) for line in out.splitlines() if line.strip()][-1]
    assert summary["summary"] == {"opened": 2} and summary["to_version"] == "1.1.0"
    prs = as_json(invoke("forge", "prs", "-o", "json"))
    assert sorted(pr["repo"] for pr in prs) == ["local/alpha-stock", "local/beta-stock"]
