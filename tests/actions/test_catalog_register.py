"""catalog:register through the action API on the embedded catalog, alone and after repo:create."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

from scaffolder import git
from scaffolder.action import ActionContext
from scaffolder.actions.catalog_register import action
from scaffolder.actions.repo_create import action as repo_create
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.errors import CatalogError, RenderError
from scaffolder.forges.local import LocalForge, parse_blob_url
from scaffolder.sources import load_template

TARGET = "file:///srv/forge/acme/orders-api.git#main:catalog-info.yaml"
ENTITY = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-api
  description: Orders service
spec:
  type: service
  lifecycle: production
  owner: group:payments
"""


@pytest.fixture
def ctx(tmp_path: Path) -> ActionContext:
    golden = tmp_path / "golden"
    golden.mkdir()
    (golden / "template.yaml").write_text(
        "apiVersion: scaffold/v1\nkind: GoldenPath\n"
        "metadata: {name: backend-service, owner: 'group:backend-guild'}\nspec: {version: 2.1.0}\n"
    )
    ws = tmp_path / "ws"
    (ws / "docs").mkdir(parents=True)
    (ws / "catalog-info.yaml").write_text(ENTITY)
    (ws / "docs" / "catalog-info.yaml").write_text(ENTITY)
    return ActionContext(
        workspace=ws,
        template_dir=golden,
        template=load_template(golden),
        parameters={"name": "orders-api"},
        forge=LocalForge(tmp_path / "forge", default_owner="acme"),
        catalog=SqliteCatalog(tmp_path / "catalog.db"),
        run_id="run-1",
        started_at="2026-01-01T00:00:00+00:00",
    )


def test_registers_the_workspace_entity(ctx: ActionContext) -> None:
    out = action.run(ctx, {"target": TARGET})
    assert out.entity_ref == "component:default/orders-api"
    assert out.location == TARGET
    assert out.created is True
    assert out.entity_url.endswith("catalog.db#component:default/orders-api")
    entity = ctx.catalog.get("orders-api")
    assert entity is not None and entity["spec"]["owner"] == "group:payments"


def test_rerun_is_a_no_op(ctx: ActionContext) -> None:
    first = action.run(ctx, {"target": TARGET})
    again = action.run(ctx, {"target": TARGET})
    assert again.model_dump() == {**first.model_dump(), "created": False}
    assert len(ctx.catalog.list()) == 1


def test_another_location_for_the_same_entity_is_a_conflict(ctx: ActionContext) -> None:
    action.run(ctx, {"target": TARGET})
    with pytest.raises(CatalogError, match="already registered from location"):
        action.run(ctx, {"target": "https://github.com/acme/orders-api/blob/main/catalog-info.yaml"})


def test_dry_run_writes_nothing(ctx: ActionContext, tmp_path: Path) -> None:
    ctx.dry_run = True
    out = action.run(ctx, {"target": TARGET})
    assert out.created is True
    assert not (tmp_path / "catalog.db").exists()


def test_missing_malformed_or_invalid_files(ctx: ActionContext) -> None:
    with pytest.raises(CatalogError, match="no entity to register"):
        action.run(ctx, {"target": TARGET, "catalog_info_path": "nope.yaml"})
    (ctx.workspace / "bad.yaml").write_text("kind: [unclosed\n")
    with pytest.raises(CatalogError, match=r"cannot read bad\.yaml") as info:
        action.run(ctx, {"target": TARGET, "catalog_info_path": "bad.yaml"})
    assert "bad.yaml:" in str(info.value)
    (ctx.workspace / "list.yaml").write_text("- a\n")
    with pytest.raises(CatalogError, match="must be a mapping"):
        action.run(ctx, {"target": TARGET, "catalog_info_path": "list.yaml"})
    (ctx.workspace / "invalid.yaml").write_text("apiVersion: x/v1\nkind: Component\nmetadata: {}\n")
    with pytest.raises(CatalogError, match="invalid") as invalid:
        action.run(ctx, {"target": TARGET, "catalog_info_path": "invalid.yaml"})
    assert {p.where for p in invalid.value.problems} >= {"metadata.name", "spec.owner"}


def test_paths_outside_the_workspace_are_refused(ctx: ActionContext) -> None:
    with pytest.raises(RenderError):
        action.run(ctx, {"target": TARGET, "catalog_info_path": "../catalog-info.yaml"})


def test_after_repo_create_the_location_names_the_pushed_file(ctx: ActionContext) -> None:
    published = repo_create.run(ctx, {"name": "orders-api"})
    out = action.run(ctx, {"target": published.catalog_info_url})
    assert out.location == published.catalog_info_url
    bare, ref, path = parse_blob_url(out.location)
    assert git.read_file(bare, ref, path) == ENTITY.encode()
    assert action.run(ctx, {"target": published.catalog_info_url}).created is False


@pytest.mark.parametrize("example", action.examples, ids=lambda e: e.description)
def test_examples_run(ctx: ActionContext, example: Any) -> None:
    out = action.run(ctx, example.input)
    assert out.created is True and out.location == example.input["target"]


def test_registered_through_the_entry_point() -> None:
    [ep] = [ep for ep in entry_points(group="scaffold.actions") if ep.name == "catalog-register"]
    assert ep.load() is action
