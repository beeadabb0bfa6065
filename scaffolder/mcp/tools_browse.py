"""The read-only tools: `list_golden_paths`, `show_golden_path`, `list_versions`, `fleet_status`, `catalog_lookup`."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from scaffolder.mcp.results import answer, ok
from scaffolder.mcp.served import Served
from scaffolder.mcp.tool import ScaffoldTool

Name = Annotated[str, Field(description="A golden path's name (see list_golden_paths)")]
Ref = Annotated[str, Field(description="A golden path: NAME or NAME@VERSION, or a folder under a root")]


def _show(served: Served, golden_path: str) -> dict[str, Any]:
    """`scaffold show -o json`, plus `parameters_schema`: the answers it takes, as JSON Schema."""
    from scaffolder import sources
    from scaffolder.golden_path_info import show_data
    from scaffolder.mcp.schema import parameters_schema

    ref = served.roots.golden_path_ref(golden_path)
    settings = served.settings()
    return {**show_data(ref, settings), "parameters_schema": parameters_schema(sources.resolve(ref, settings).template)}


def _lookup(served: Served, ref: str | None, owner: str | None, kind: str) -> Any:
    """One entity (`scaffold catalog show -o json`) or every entity of `kind` an owner owns."""
    from scaffolder import config
    from scaffolder.errors import AnswersError, CatalogError

    if (ref is None) == (owner is None):
        raise AnswersError("catalog_lookup takes one of ref (an entity) or owner (a team or person)")
    catalog = config.open_catalog(served.settings())
    if ref is not None:
        entity = catalog.get(ref)
        if entity is None:
            raise CatalogError(f"no entity {ref!r} in the catalog")
        return entity
    wanted = {owner, owner.split(":", 1)[-1]} if owner else set()
    owned = [e for e in catalog.list(None if kind == "all" else kind) if (e.get("spec") or {}).get("owner") in wanted]
    return {"owner": owner, "entities": owned}


def tools(served: Served) -> list[Tool]:
    """The read-only tools over golden paths, the fleet and the catalog."""
    from scaffolder.golden_path_info import list_data, versions_data

    def list_golden_paths() -> CallToolResult:
        """Every golden path of every library: name, version, title, owner, lifecycle (`scaffold list`)."""
        return answer(lambda: ok(list_data(served.settings())))

    def show_golden_path(golden_path: Ref) -> CallToolResult:
        """A golden path's metadata, steps and parameters (types, defaults, help, conditions), with
        `parameters_schema`: the JSON Schema of the answers plan_new and create_from_golden_path take."""
        return answer(lambda: ok(_show(served, golden_path)))

    def list_versions(golden_path: Name) -> CallToolResult:
        """A golden path's released versions, newest first, each with its changelog (`scaffold versions`)."""
        return answer(lambda: ok(versions_data(golden_path, served.settings())))

    def fleet_status(golden_path: Name) -> CallToolResult:
        """The repos made from a golden path: each one's version and migration PR (`scaffold migrate status`).
        The catalog entity of a repo whose migration PR merged is refreshed from the repo, as the CLI does."""
        from scaffolder import campaign

        def run() -> CallToolResult:
            fleet = campaign.fleet_status(served.settings(), golden_path)
            return ok(fleet.to_json(), 1 if fleet.failed else 0)

        return answer(run)

    def catalog_lookup(
        ref: Annotated[str | None, Field(description="An entity: [KIND:][NAMESPACE/]NAME")] = None,
        owner: Annotated[str | None, Field(description="A team or person, e.g. group:payments")] = None,
        kind: Annotated[str, Field(description="With owner: the entity kind ('all' for every kind)")] = "component",
    ) -> CallToolResult:
        """One catalog entity by reference, or the entities an owner owns."""
        return answer(lambda: ok(_lookup(served, ref, owner, kind)))

    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    return [
        ScaffoldTool.from_function(fn, annotations=read_only)
        for fn in (list_golden_paths, show_golden_path, list_versions, fleet_status, catalog_lookup)
    ]
