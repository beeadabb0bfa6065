"""SqliteCatalog on a real file: registration, no-op reruns, conflicts, validation, atomicity."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from scaffolder.catalogs.base import Catalog
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.errors import CatalogError

LOCATION = "file:///forge/acme/orders-api.git#main:catalog-info.yaml"


def component(name: str = "orders-api", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": name, "description": "Orders"},
        "spec": {"type": "service", "lifecycle": "production", "owner": "group:payments", **spec},
    }


@pytest.fixture
def catalog(tmp_path: Path) -> SqliteCatalog:
    return SqliteCatalog(tmp_path / "state" / "catalog.db")


def test_it_satisfies_the_catalog_protocol(catalog: SqliteCatalog) -> None:
    typed: Catalog = catalog
    assert typed.kind == "sqlite"


def test_register_then_get_and_list(catalog: SqliteCatalog) -> None:
    reg = catalog.register(component(), LOCATION)
    assert reg.entity_ref == "component:default/orders-api"
    assert reg.created is True
    assert reg.location == LOCATION
    assert reg.url == f"sqlite://{catalog.path}#component:default/orders-api"
    assert catalog.get("orders-api") == component()
    assert catalog.get("component:default/orders-api") == component()
    assert catalog.get("Component:Orders-API") == component()
    assert catalog.get("default/orders-api") == component()
    assert catalog.get("api:orders-api") is None
    assert catalog.list() == [component()]
    assert catalog.locations() == [LOCATION]
    journal = sqlite3.connect(catalog.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"


def test_rerun_is_a_no_op_and_updates_a_changed_body(catalog: SqliteCatalog) -> None:
    catalog.register(component(), LOCATION)
    again = catalog.register(component(), LOCATION)
    assert again.created is False
    changed = component(system="orders")
    assert catalog.register(changed, LOCATION).created is False
    assert catalog.get("orders-api") == changed
    assert len(catalog.list()) == 1
    assert catalog.locations() == [LOCATION]


def test_same_entity_from_another_location_is_a_conflict(catalog: SqliteCatalog) -> None:
    catalog.register(component(), LOCATION)
    with pytest.raises(CatalogError, match="already registered from location") as info:
        catalog.register(component(), "file:///elsewhere/catalog-info.yaml")
    assert LOCATION in info.value.message
    with pytest.raises(CatalogError, match="already registered"):
        catalog.register(component(), "file:///elsewhere/catalog-info.yaml", dry_run=True)
    assert catalog.locations() == [LOCATION]


def test_invalid_entity_names_every_problem(catalog: SqliteCatalog) -> None:
    bad = {
        "apiVersion": "not a version",
        "kind": "9Component",
        "metadata": {"name": "-bad--name-", "namespace": "Not_DNS"},
        "spec": {},
    }
    with pytest.raises(CatalogError) as info:
        catalog.register(bad, LOCATION)
    where = [p.where for p in info.value.problems]
    assert where == ["apiVersion", "kind", "metadata.name", "metadata.namespace"]
    assert not catalog.path.exists()  # nothing written, not even the schema


def test_component_needs_type_lifecycle_and_owner(catalog: SqliteCatalog) -> None:
    entity = component()
    entity["spec"] = {"type": " "}
    with pytest.raises(CatalogError) as info:
        catalog.register(entity, "")
    assert [p.where for p in info.value.problems] == ["spec.type", "spec.lifecycle", "spec.owner", "location"]


@pytest.mark.parametrize("entity", [None, [], {"kind": "Component"}, {"metadata": "x"}])
def test_malformed_entities_are_catalog_errors(catalog: SqliteCatalog, entity: Any) -> None:
    with pytest.raises(CatalogError):
        catalog.register(entity, LOCATION)


@pytest.mark.parametrize("name", ["a", "orders_api.v2", "A1-b2", "x" * 63])
def test_backstage_names_accepted(catalog: SqliteCatalog, name: str) -> None:
    assert catalog.register(component(name), LOCATION).created


@pytest.mark.parametrize("name", ["", "x" * 64, "a--b", "-a", "a.", "a b", "a/b", 7])
def test_backstage_names_refused(catalog: SqliteCatalog, name: Any) -> None:
    with pytest.raises(CatalogError) as info:
        catalog.register(component(name), LOCATION)
    assert [p.where for p in info.value.problems] == ["metadata.name"]


def test_dry_run_writes_nothing(catalog: SqliteCatalog) -> None:
    reg = catalog.register(component(), LOCATION, dry_run=True)
    assert reg.created is True
    assert not catalog.path.exists()
    catalog.register(component(), LOCATION)
    assert catalog.register(component("other"), LOCATION, dry_run=True).created is True
    assert catalog.register(component(), LOCATION, dry_run=True).created is False
    assert [e["metadata"]["name"] for e in catalog.list()] == ["orders-api"]


def test_list_by_kind_and_all_kinds_ordered_by_ref(catalog: SqliteCatalog) -> None:
    group = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Group",
        "metadata": {"name": "payments", "namespace": "acme"},
        "spec": {"type": "team", "children": []},
    }
    catalog.register(component("zeta"), "loc-z")
    catalog.register(component("alpha"), "loc-a")
    catalog.register(group, "loc-g")
    assert [e["metadata"]["name"] for e in catalog.list()] == ["alpha", "zeta"]
    assert [e["metadata"]["name"] for e in catalog.list("Group")] == ["payments"]
    assert [e["metadata"]["name"] for e in catalog.list(None)] == ["alpha", "zeta", "payments"]
    assert catalog.get("group:acme/payments") == group


def test_unregister_removes_entity_and_orphaned_location(catalog: SqliteCatalog) -> None:
    catalog.register(component("a"), "shared")
    catalog.register(component("b"), "shared")
    assert catalog.unregister("component:default/a") is True
    assert catalog.locations() == ["shared"]  # b still comes from there
    assert catalog.unregister("b") is True
    assert catalog.locations() == []
    assert catalog.unregister("b") is False
    assert catalog.list() == []
    # Unregistered, it may now come from another location.
    assert catalog.register(component("b"), "elsewhere").created is True


def test_reads_on_a_missing_catalog_create_nothing(catalog: SqliteCatalog) -> None:
    assert catalog.get("x") is None
    assert catalog.list(None) == []
    assert catalog.locations() == []
    assert not catalog.path.exists()


def test_failure_mid_transaction_leaves_nothing(catalog: SqliteCatalog, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(SqliteCatalog, "_write_entity", staticmethod(boom))
    with pytest.raises(RuntimeError, match="disk on fire"):
        catalog.register(component(), LOCATION)
    monkeypatch.undo()
    assert catalog.locations() == []  # the location inserted before the failure was rolled back
    assert catalog.list(None) == []
    assert catalog.register(component(), LOCATION).created is True


def test_a_corrupt_database_is_a_catalog_error(tmp_path: Path) -> None:
    path = tmp_path / "catalog.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CatalogError, match="catalog"):
        SqliteCatalog(path).register(component(), LOCATION)
    with pytest.raises(CatalogError, match="catalog"):
        SqliteCatalog(path).list()
