"""catalog:write through the action API, with a fake forge standing in for the real ones."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from scaffolder.action import ActionContext
from scaffolder.actions.catalog_write import action
from scaffolder.errors import ActionError, RenderError
from scaffolder.forges.base import Repo, RepoSpec
from tests.actions.context import make_ctx as shared_make_ctx


@dataclass
class FakeForge:
    """Only what catalog:write uses: `kind` and `planned_repo`."""

    kind: str = "github"
    base: str = "https://github.com"

    def planned_repo(self, spec: RepoSpec) -> Repo:
        owner = spec.owner or "acme"
        url = f"{self.base}/{owner}/{spec.name}"
        return Repo(owner=owner, name=spec.name, url=url, clone_url=url + ".git")


def make_ctx(workspace: Path, forge: Any = None) -> ActionContext:
    return shared_make_ctx(workspace, forge=forge or FakeForge(), name="backend-service", version="1.2.3")


@pytest.fixture
def ctx(tmp_path: Path) -> ActionContext:
    return make_ctx(tmp_path / "ws")


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


FULL = {
    "name": "orders-api",
    "title": "Orders API",
    "description": "Takes and tracks orders",
    "owner": "group:payments",
    "system": "checkout",
    "tags": ["python", "http"],
    "annotations": {"pagerduty.com/service-id": "P123"},
    "links": [{"url": "https://runbooks.example.com/orders", "title": "Runbook", "icon": "docs"}],
    "repo": {"name": "orders-api", "owner": "payments-team"},
    "kubernetes_id": "orders-api",
}


def test_writes_a_full_component(ctx: ActionContext) -> None:
    out = action.run(ctx, FULL)
    assert out.file_path == "catalog-info.yaml"
    assert out.entity_ref == "component:default/orders-api"
    doc = load(ctx.workspace / "catalog-info.yaml")
    assert doc == {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {
            "name": "orders-api",
            "title": "Orders API",
            "description": "Takes and tracks orders",
            "annotations": {
                "backstage.io/kubernetes-id": "orders-api",
                "backstage.io/source-location": "url:https://github.com/payments-team/orders-api/tree/main/",
                "backstage.io/source-template": "template:default/backend-service",
                "github.com/project-slug": "payments-team/orders-api",
                "pagerduty.com/service-id": "P123",
                "scaffold.dev/template": "backend-service",
                "scaffold.dev/template-version": "1.2.3",
            },
            "tags": ["python", "http"],
            "links": [{"url": "https://runbooks.example.com/orders", "title": "Runbook", "icon": "docs"}],
        },
        "spec": {
            "type": "service",
            "lifecycle": "production",
            "owner": "group:payments",
            "system": "checkout",
        },
    }


def test_minimal_component_has_only_template_annotations(ctx: ActionContext) -> None:
    action.run(ctx, {"name": "tiny", "owner": "user:jane"})
    doc = load(ctx.workspace / "catalog-info.yaml")
    assert doc["metadata"] == {
        "name": "tiny",
        "annotations": {
            "backstage.io/source-template": "template:default/backend-service",
            "scaffold.dev/template": "backend-service",
            "scaffold.dev/template-version": "1.2.3",
        },
    }
    assert doc["spec"] == {"type": "service", "lifecycle": "production", "owner": "user:jane"}


def test_no_project_slug_on_other_forges(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, FakeForge(kind="local", base="file:///srv/forge"))
    action.run(ctx, {"name": "svc", "owner": "group:a", "repo": {"name": "svc"}})
    annotations = load(tmp_path / "catalog-info.yaml")["metadata"]["annotations"]
    assert "github.com/project-slug" not in annotations
    assert annotations["backstage.io/source-location"] == "url:file:///srv/forge/acme/svc/tree/main/"


def test_output_is_deterministic_and_custom_path(ctx: ActionContext) -> None:
    inp = {**FULL, "file_path": "docs/catalog/catalog-info.yaml"}
    action.run(ctx, inp)
    first = (ctx.workspace / "docs/catalog/catalog-info.yaml").read_bytes()
    action.run(ctx, dict(reversed(list(inp.items()))))
    assert (ctx.workspace / "docs/catalog/catalog-info.yaml").read_bytes() == first


def test_dry_run_writes_the_same_file(tmp_path: Path) -> None:
    wet, dry = make_ctx(tmp_path / "a"), make_ctx(tmp_path / "b")
    dry.dry_run = True
    assert action.supports_dry_run
    action.run(wet, FULL)
    action.run(dry, FULL)
    assert (tmp_path / "a/catalog-info.yaml").read_bytes() == (tmp_path / "b/catalog-info.yaml").read_bytes()


def test_every_problem_is_named_and_nothing_is_written(ctx: ActionContext) -> None:
    bad = {
        "name": "-bad__name-" + "x" * 60,
        "owner": "team:payments",
        "tags": ["Python", "ok", "a--b", "x" * 64],
        "annotations": {"bad key!": "v"},
        "system": "no spaces allowed",
    }
    with pytest.raises(ActionError) as err:
        action.run(ctx, bad)
    messages = [p.message for p in err.value.problems]
    text = err.value.render()
    assert any("1 to 63 characters" in m and "-bad__name-" in m for m in messages)
    assert any("runs of [A-Za-z0-9]" in m and "-bad__name-" in m for m in messages)
    assert any("group or user reference" in m for m in messages)
    for tag in ("'Python'", "'a--b'"):
        assert any(tag in m for m in messages), tag
    assert any("1 to 63 characters long, not 64" in m for m in messages)
    assert not any("'ok'" in m for m in messages)
    assert "bad key!" in text
    assert "no spaces allowed" in text
    wheres = {p.where for p in err.value.problems}
    assert {
        "catalog:write name",
        "catalog:write owner",
        "catalog:write tags[0]",
        "catalog:write tags[2]",
    } <= wheres
    assert not (ctx.workspace / "catalog-info.yaml").exists()


@pytest.mark.parametrize(
    "owner", ["group:payments", "user:jane", "payments", "group:finance/payments", "Group:Payments"]
)
def test_valid_owners(ctx: ActionContext, owner: str) -> None:
    action.run(ctx, {"name": "svc", "owner": owner})


@pytest.mark.parametrize("owner", ["", "group:", "system:payments", "group:bad name", "group:Bad_NS/x"])
def test_invalid_owners(ctx: ActionContext, owner: str) -> None:
    with pytest.raises(ActionError):
        action.run(ctx, {"name": "svc", "owner": owner})


@pytest.mark.parametrize("name", ["a", "A1", "orders_api.v2", "x" * 63, "a-b_c.d"])
def test_valid_names(ctx: ActionContext, name: str) -> None:
    action.run(ctx, {"name": name, "owner": "group:a"})


@pytest.mark.parametrize("name", ["", "x" * 64, "-a", "a-", "a--b", "a b", "a/b"])
def test_invalid_names(ctx: ActionContext, name: str) -> None:
    with pytest.raises(ActionError):
        action.run(ctx, {"name": name, "owner": "group:a"})


def test_unknown_input_keys_are_refused(ctx: ActionContext) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        action.run(ctx, {"name": "svc", "owner": "group:a", "ownr": "x"})


def test_refuses_paths_outside_the_workspace(ctx: ActionContext) -> None:
    with pytest.raises(RenderError):
        action.run(ctx, {"name": "svc", "owner": "group:a", "file_path": "../catalog-info.yaml"})


@pytest.mark.parametrize("example", action.examples, ids=lambda e: e.description)
def test_examples_run(ctx: ActionContext, example: Any) -> None:
    out = action.run(ctx, example.input)
    doc = load(ctx.workspace / out.file_path)
    assert doc["metadata"]["name"] == example.input["name"]
    assert out.entity_ref == f"component:default/{example.input['name']}"
