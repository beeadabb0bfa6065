"""The catalog stays true on Backstage: after a migration PR is merged on GitHub (the spec-checked
test server), `scaffold migrate status` and `scaffold catalog refresh` ask the real Backstage
catalog backend to refresh the entity, and Backstage then shows the repo's new template version."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.catalogs.backstage import BackstageCatalog
from tests.cli.conftest import Invoke, as_json
from tests.cli.test_production import backstage_with_github, work_profile
from tests.servers.backstage_server import BackstageServer
from tests.servers.github_api import GitHubServer

__all__ = ["backstage_with_github", "work_profile"]  # fixtures shared with test_production
pytestmark = pytest.mark.slow
VERSION = "scaffold.dev/template-version"


def _shown(backstage: BackstageServer, name: str) -> str | None:
    entity = BackstageCatalog(backstage.base_url, token=backstage.token).get(f"component:default/{name}")
    assert entity is not None
    return str(entity["metadata"]["annotations"].get(VERSION))


def test_a_merge_seen_on_github_refreshes_the_backstage_entity(
    invoke: Invoke, work_profile: GitHubServer, backstage_with_github: BackstageServer, library: Path
) -> None:
    github = work_profile
    for name in ("alpha", "beta"):
        args = ["--profile", "work", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments"]
        invoke("new", "mini@1.0.0", *args)
    invoke("migrate", "mini", "--profile", "work", "-o", "json")
    assert _shown(backstage_with_github, "alpha") == "1.0.0"

    github.merge_pull("acme", "alpha", 1)  # merged on GitHub, by a person
    status = as_json(invoke("migrate", "status", "mini", "--profile", "work", "-o", "json"))
    # Backstage also reprocesses on its own every 2 s here: on a slow machine it may have caught up
    # before scaffold asked ("unchanged"); either way the entity is true when the command returns.
    states = {r["repo"]: r["catalog"] for r in status["repos"]}
    assert states["acme/alpha"] in ("refreshed", "unchanged") and states["acme/beta"] is None
    assert _shown(backstage_with_github, "alpha") == "2.0.0"
    assert _shown(backstage_with_github, "beta") == "1.0.0"

    github.merge_pull("acme", "beta", 1)
    ref = "component:default/beta"
    one = as_json(invoke("catalog", "refresh", ref, "--profile", "work", "-o", "json"))
    assert [(e["entity_ref"], e["version"]) for e in one["entities"]] == [(ref, "2.0.0")]
    assert one["entities"][0]["state"] in ("refreshed", "unchanged")
    assert _shown(backstage_with_github, "beta") == "2.0.0"
    again = as_json(invoke("catalog", "refresh", "--profile", "work", "-o", "json"))
    states = {e["entity_ref"]: e["state"] for e in again["entities"]}
    assert states["component:default/alpha"] == states[ref] == "unchanged"
