"""The catalog stays true on the embedded forge and catalog: a merged migration PR (merged with
`scaffold forge merge`, or seen merged by `scaffold migrate status`) brings the repo's new template
version into the SQLite catalog, and `scaffold catalog refresh [REF]` re-reads entities on demand."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke, as_json

VERSION = "scaffold.dev/template-version"


def _version(invoke: Invoke, name: str) -> str:
    entity = as_json(invoke("catalog", "show", name, "-o", "json"))
    return str(entity["metadata"]["annotations"][VERSION])


def _migrated(invoke: Invoke, *names: str) -> None:
    for name in names:
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")
    invoke("migrate", "mini", "-o", "json")


def test_forge_merge_refreshes_the_catalog_entity(invoke: Invoke, library: Path) -> None:
    _migrated(invoke, "alpha")
    assert _version(invoke, "alpha") == "1.0.0"
    merged = as_json(invoke("forge", "merge", "alpha", "1", "-o", "json"))
    assert merged["state"] == "merged"
    assert merged["catalog"] == {
        "entity_ref": "component:default/alpha",
        "state": "refreshed",
        "location": merged["catalog"]["location"],
        "version": "2.0.0",
        "error": None,
    }
    assert _version(invoke, "alpha") == "2.0.0"


def test_forge_merge_says_what_the_catalog_shows(invoke: Invoke, library: Path) -> None:
    _migrated(invoke, "alpha")
    out = invoke("forge", "merge", "alpha", "1").stdout
    assert out.splitlines() == [
        "merged local/alpha#1 into main",
        "catalog: component:default/alpha refreshed (template version 2.0.0)",
    ]


def test_migrate_status_refreshes_entities_whose_pr_was_merged_elsewhere(invoke: Invoke, library: Path) -> None:
    from scaffolder import config

    _migrated(invoke, "alpha", "beta")
    forge = config.open_forge(config.load())
    alpha = forge.get_repo("local", "alpha")
    assert alpha is not None
    forge.merge_pull_request(alpha, 1)  # type: ignore[attr-defined]  # merged on the forge, not by scaffold
    assert _version(invoke, "alpha") == "1.0.0"

    status = as_json(invoke("migrate", "status", "mini", "-o", "json"))
    catalog = {r["repo"]: r["catalog"] for r in status["repos"]}
    assert catalog == {"local/alpha": "refreshed", "local/beta": None}
    assert (_version(invoke, "alpha"), _version(invoke, "beta")) == ("2.0.0", "1.0.0")
    again = as_json(invoke("migrate", "status", "mini", "-o", "json"))
    assert {r["repo"]: r["catalog"] for r in again["repos"]}["local/alpha"] == "unchanged"
    assert "catalog unchanged" in invoke("migrate", "status", "mini").stdout


def test_catalog_refresh_one_or_all(invoke: Invoke, library: Path) -> None:
    from scaffolder import config

    _migrated(invoke, "alpha", "beta")
    forge = config.open_forge(config.load())
    for name in ("alpha", "beta"):
        repo = forge.get_repo("local", name)
        assert repo is not None
        forge.merge_pull_request(repo, 1)  # type: ignore[attr-defined]

    one = as_json(invoke("catalog", "refresh", "alpha", "-o", "json"))
    assert [(e["entity_ref"], e["state"], e["version"]) for e in one["entities"]] == [
        ("component:default/alpha", "refreshed", "2.0.0")
    ]
    assert _version(invoke, "beta") == "1.0.0"

    every = as_json(invoke("catalog", "refresh", "-o", "json"))
    assert [(e["entity_ref"], e["state"], e["version"]) for e in every["entities"]] == [
        ("component:default/alpha", "unchanged", "2.0.0"),
        ("component:default/beta", "refreshed", "2.0.0"),
    ]
    assert every["failed"] == 0
    text = invoke("catalog", "refresh").stdout
    assert "component:default/beta" in text and "unchanged" in text and "TEMPLATE VERSION" in text


def test_refreshing_an_unknown_entity_fails_with_exit_1(invoke: Invoke, library: Path) -> None:
    result = invoke("catalog", "refresh", "nope", "-o", "json", code=1)
    data = json.loads(result.stdout)
    assert data["failed"] == 1
    assert data["entities"][0]["error"] == "component:default/nope is not in the catalog"
