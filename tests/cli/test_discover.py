"""`migrate` and `migrate status` find a golden path's repos through the catalog (the embedded SQLite
one here), confirm each by its record, and report catalog entries that are wrong, repo by repo."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from scaffolder import config
from scaffolder.catalogs.sqlite import SqliteCatalog
from tests.cli.conftest import Invoke, as_json
from tests.cli.test_migrate import break_record, lines


def make(invoke: Invoke, *names: str) -> None:
    for name in names:
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")


def catalog() -> SqliteCatalog:
    found = config.open_catalog(config.load())
    assert isinstance(found, SqliteCatalog)
    return found


def rewrite_entity(name: str, **annotations: str) -> None:
    """Change what the catalog says about a component (as a stale or hand-edited catalog would)."""
    cat = catalog()
    ref = f"component:default/{name}"
    entity: dict[str, Any] = cat.get(ref) or {}
    entity["metadata"]["annotations"].update(annotations)
    with sqlite3.connect(cat.path) as conn:
        conn.execute("UPDATE entities SET body = ? WHERE ref = ?", (json.dumps(entity, sort_keys=True), ref))


def by_repo(status: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(r["repo"]): r for r in status["repos"]}


def test_new_entities_name_their_template_and_the_catalog_finds_them_by_index(invoke: Invoke, library: Path) -> None:
    make(invoke, "alpha", "beta")
    annotations = catalog().get("component:default/alpha")["metadata"]["annotations"]  # type: ignore[index]
    assert annotations["backstage.io/source-template"] == "template:default/mini"
    assert annotations["scaffold.dev/template-version"] == "1.0.0"
    assert annotations["backstage.io/source-location"].endswith("/local/alpha.git/tree/main/")
    found = catalog().find("backstage.io/source-template", "template:default/mini")
    assert [e["metadata"]["name"] for e in found] == ["alpha", "beta"]
    plan = catalog().query_plan("backstage.io/source-template", "template:default/mini")
    assert "USING INDEX entities_annotation_0" in plan, plan  # a SEARCH through the index, not a SCAN
    assert catalog().find("backstage.io/source-template", "template:default/other") == []


def test_an_older_catalog_file_gains_the_index_and_keeps_its_entities(invoke: Invoke, library: Path) -> None:
    make(invoke, "alpha")
    cat = catalog()
    with sqlite3.connect(cat.path) as conn:  # a catalog written by a scaffold before the index existed
        conn.execute("DROP INDEX entities_annotation_0")
        conn.execute("DROP INDEX entities_annotation_1")
        conn.execute("PRAGMA user_version = 1")
    assert [e["metadata"]["name"] for e in cat.list()] == ["alpha"]  # still readable as it is
    assert [e["metadata"]["name"] for e in cat.find("scaffold.dev/template", "mini")] == ["alpha"]
    assert "USING INDEX entities_annotation_1" in cat.query_plan("scaffold.dev/template", "mini")


def test_status_and_migrate_find_the_fleet_through_the_catalog(invoke: Invoke, library: Path, tmp_path: Path) -> None:
    make(invoke, "alpha", "beta")
    # a repo made from mini that the catalog does not know (copied by hand on the forge)
    forge_root = config.load().forge_dir
    shutil.copytree(Path(forge_root) / "local" / "beta.git", Path(forge_root) / "local" / "stray.git")

    status = as_json(invoke("migrate", "status", "mini", "-o", "json"))
    assert status["discovery"] == "catalog" and sorted(by_repo(status)) == ["local/alpha", "local/beta"]
    scanned = as_json(invoke("migrate", "status", "mini", "--discover", "forge", "-o", "json"))
    assert scanned["discovery"] == "forge" and sorted(by_repo(scanned)) == ["local/alpha", "local/beta", "local/stray"]

    run = lines(invoke("migrate", "mini", "--discover", "catalog", "-o", "json").stdout)
    assert {str(o["repo"]): o["state"] for o in run[:-1]} == {"local/alpha": "opened", "local/beta": "opened"}
    assert "found through: catalog" in invoke("migrate", "status", "mini").stdout


def test_auto_scans_the_forge_when_the_catalog_does_not_list_the_golden_path(invoke: Invoke, library: Path) -> None:
    make(invoke, "alpha")
    catalog().unregister("component:default/alpha")
    status = as_json(invoke("migrate", "status", "mini", "-o", "json"))
    assert status["discovery"] == "forge" and list(by_repo(status)) == ["local/alpha"]
    assert "the catalog lists no entity made from mini" in status["notes"][0]
    only_catalog = as_json(invoke("migrate", "status", "mini", "--discover", "catalog", "-o", "json"))
    assert only_catalog["discovery"] == "catalog" and only_catalog["repos"] == []


def test_a_repo_gone_from_the_forge_fails_alone(invoke: Invoke, library: Path) -> None:
    make(invoke, "alpha", "beta", "gamma")
    forge_root = config.load().forge_dir
    shutil.rmtree(Path(forge_root) / "local" / "beta.git")  # deleted on the forge, still in the catalog

    status = invoke("migrate", "status", "mini", "-o", "json", code=1)
    repos = by_repo(as_json(status))
    assert repos["local/beta"]["state"] == "failed" and repos["local/beta"]["error"].startswith("gone:")
    assert "component:default/beta" in repos["local/beta"]["error"]
    assert repos["local/alpha"]["state"] == repos["local/gamma"]["state"] == "ok"

    run = lines(invoke("migrate", "mini", "-o", "json", code=1).stdout)
    states = {str(o["repo"]): o["state"] for o in run[:-1]}
    assert states == {"local/alpha": "opened", "local/beta": "failed", "local/gamma": "opened"}
    assert "gone" in invoke("migrate", "status", "mini", code=1).stdout


def test_the_record_wins_when_the_catalog_disagrees(invoke: Invoke, library: Path, tmp_path: Path) -> None:
    make(invoke, "alpha", "beta", "gamma")
    rewrite_entity("alpha", **{"scaffold.dev/template-version": "0.9.0"})  # a stale catalog entry
    # gamma's record now says it was made from another golden path; the catalog still says mini
    break_record(
        tmp_path,
        "gamma",
        "template: {name: other, version: 1.0.0, source: lib}\nanswers: {}\n"
        "run_id: r1\ncreated_at: '2026-01-01'\nfiles: {}\n",
    )
    status = as_json(invoke("migrate", "status", "mini", "-o", "json", code=None))
    repos = by_repo(status)
    assert repos["local/alpha"]["version"] == "1.0.0" and repos["local/alpha"]["state"] == "ok"
    assert repos["local/alpha"]["warning"] == "the catalog says 0.9.0, its record says 1.0.0 (the record wins)"
    assert repos["local/beta"]["warning"] is None
    assert repos["local/gamma"]["state"] == "failed"
    assert "catalog entity component:default/gamma is out of date" in repos["local/gamma"]["error"]

    run = lines(invoke("migrate", "mini", "-o", "json", code=1).stdout)
    alpha = next(o for o in run[:-1] if o["repo"] == "local/alpha")
    assert alpha["state"] == "opened" and alpha["from_version"] == "1.0.0"  # upgraded from the record's version
    assert "0.9.0" in str(alpha["warning"])
    gamma = next(o for o in run[:-1] if o["repo"] == "local/gamma")
    assert gamma["state"] == "failed" and "not migrated" in str(gamma["reason"])
    assert "warning: the catalog says 0.9.0" in invoke("migrate", "status", "mini", code=1).stdout


def test_an_entity_naming_no_repository_is_noted(invoke: Invoke, library: Path) -> None:
    make(invoke, "alpha")
    cat = catalog()
    entity = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "loose", "annotations": {"backstage.io/source-template": "template:default/mini"}},
        "spec": {"type": "service", "lifecycle": "production", "owner": "group:x"},
    }
    cat.register(entity, "/nowhere")
    status = as_json(invoke("migrate", "status", "mini", "-o", "json"))
    assert list(by_repo(status)) == ["local/alpha"]
    assert any("component:default/loose: names no repository" in n for n in status["notes"])


@pytest.mark.parametrize("how", ["bogus"])
def test_discover_takes_only_known_ways(invoke: Invoke, library: Path, how: str) -> None:
    assert "Invalid value for '--discover'" in invoke("migrate", "status", "mini", "--discover", how, code=2).stderr


def test_an_unreachable_catalog_falls_back_to_a_scan_unless_asked_for(
    invoke: Invoke, library: Path, scaffold_home: Path
) -> None:
    make(invoke, "alpha")
    (scaffold_home / "config.toml").write_text(
        '[profiles.down.catalog]\nkind = "backstage"\nbase_url = "http://127.0.0.1:9"\n'
    )  # the embedded forge, and a Backstage nobody listens for (port 9, discard)
    status = as_json(invoke("migrate", "status", "mini", "--profile", "down", "-o", "json"))
    assert status["discovery"] == "forge" and list(by_repo(status)) == ["local/alpha"]
    assert "the catalog cannot answer" in status["notes"][0] and "unreachable" in status["notes"][0]
    asked = invoke("migrate", "status", "mini", "--profile", "down", "--discover", "catalog", code=1)
    assert "unreachable" in asked.stderr and "Traceback" not in asked.stderr
