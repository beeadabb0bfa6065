"""`scaffolder.taken`: a name already used on the forge or in the catalog, found from the answers so
far through the runner's own preflight (the embedded forge and SQLite catalog; GitHub and the real
Backstage catalog backend in the slow test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder import config
from scaffolder.sources import load_template
from scaffolder.taken import NameCheck
from tests.cli.conftest import Invoke
from tests.cli.test_production import backstage_with_github, work_profile
from tests.formats.conftest import BACKSTAGE
from tests.helpers import MINIMAL, write_template
from tests.servers.backstage_server import BackstageServer
from tests.servers.github_api import GitHubServer

__all__ = ["backstage_with_github", "work_profile"]  # fixtures shared with test_production
BACKEND = Path(__file__).resolve().parents[2] / "golden_paths" / "backend-service"


def test_a_repo_on_the_forge_is_found_from_the_name_alone(invoke: Invoke, tmp_path: Path) -> None:
    invoke("new", "backend-service", "--no-input", "--set", "name=orders-api", "--set", "owner=group:payments")
    check = NameCheck(load_template(BACKEND), config.load())
    [problem] = [p for p in check("name", {"name": "orders-api"}) if "forge" in p.message]
    assert "a repo of that name already exists on the forge" in problem.message
    assert check("name", {"name": "orders-v2"}) == []
    assert check("owner", {"name": "orders-api", "owner": "group:payments"}) == []  # not what names the repo


def test_a_name_in_the_catalog_is_found(invoke: Invoke) -> None:
    catalog = config.open_catalog(config.load())
    entity = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "billing"},
        "spec": {"type": "service", "lifecycle": "production", "owner": "group:payments"},
    }
    catalog.register(entity, location="https://git.example.test/billing/catalog-info.yaml")
    check = NameCheck(load_template(BACKEND), config.load())
    assert [p.where for p in check("name", {"name": "billing"})] == ["component:default/billing"]


def test_a_backstage_repo_url_is_checked_by_publish_githubs_preflight(invoke: Invoke) -> None:
    sets = ["--set", "name=orders-api", "--set", "owner=group:payments"]
    invoke("new", str(BACKSTAGE), "--no-input", *sets, "--set", "repoUrl=github.com?owner=acme&repo=orders-api")
    check = NameCheck(load_template(BACKSTAGE), config.load())
    answers = {"name": "other", "owner": "group:payments", "repoUrl": "github.com?owner=acme&repo=orders-api"}
    assert any("already exists on the forge" in p.message for p in check("repoUrl", answers))
    assert check("repoUrl", {**answers, "repoUrl": "github.com?owner=acme&repo=fresh"}) == []


def test_the_check_waits_for_every_answer_the_repo_name_needs(invoke: Invoke, tmp_path: Path) -> None:
    invoke("new", "backend-service", "--no-input", "--set", "name=orders-api", "--set", "owner=group:payments")
    publish = "action: repo:create\n      input:\n        name: ${{ parameters.name }}\n"
    template_yaml = MINIMAL.replace("    - id: port", "    - id: org\n      type: string\n    - id: port", 1).replace(
        publish, publish + "        owner: ${{ parameters.org }}\n"
    )
    folder = write_template(tmp_path / "t", template_yaml, {"README.md": "x\n"})
    template = load_template(folder)
    assert "parameters.org" in repr(template.steps[2].input)
    check = NameCheck(template, config.load())
    assert [p for p in check("name", {"name": "orders-api"}) if "forge" in p.message] == []  # org not known yet
    taken = check("org", {"name": "orders-api", "org": "local"})
    assert any("already exists on the forge" in p.message for p in taken)


def test_the_catalogs_groups_are_the_owner_candidates() -> None:
    catalog = config.open_catalog(config.load())
    group = {"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "payments"}, "spec": {}}
    catalog.register(group, location="https://git.example.test/org/groups.yaml")
    check = NameCheck(load_template(BACKEND), config.load())
    assert check.candidates(True) == ["group:payments"]
    assert check.candidates(False) == []


@pytest.mark.slow
def test_github_and_the_backstage_catalog(
    invoke: Invoke, work_profile: GitHubServer, backstage_with_github: BackstageServer, library: Path
) -> None:
    args = ["--profile", "work", "--no-input", "-q", "--set", "name=alpha", "--set", "owner=group:payments"]
    invoke("new", "mini@1.0.0", *args)
    settings = config.load("work")
    check = NameCheck(load_template(library / "mini"), settings)
    where = sorted(p.where for p in check("name", {"name": "alpha", "owner": "group:payments"}))
    assert where == ["acme/alpha", "component:default/alpha"]  # the GitHub repo and the Backstage entity
    assert check("name", {"name": "gamma", "owner": "group:payments"}) == []
