"""Over real stdio (a `scaffold mcp` process): from "which golden paths are there" to a created service,
its repo on the forge and its entity in the catalog, and to an upgrade plan for an existing repo, on the
embedded defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
from mcp import ClientSession
from mcp.client.stdio import stdio_client

from scaffolder import config, git, sources
from scaffolder.template import Parameter, Template
from tests.mcp.conftest import Talk, scaffold_json, stdio_params

TOOLS = {
    "list_golden_paths",
    "show_golden_path",
    "list_versions",
    "plan_new",
    "create_from_golden_path",
    "check_repo",
    "plan_upgrade",
    "upgrade_repo",
    "fleet_status",
    "catalog_lookup",
}
ANSWERS = {"name": "orders-api", "owner": "group:payments"}
JSON_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean"}


def _matches(schema: dict[str, Any], p: Parameter) -> None:
    """One property of an advertised schema says what the template model says of the parameter."""
    values = [c.value for c in p.choices or []]
    if p.type == "choice":
        assert schema["enum"] == values
    elif p.type == "multi-choice":
        assert schema["type"] == "array" and schema["items"]["enum"] == values
    else:
        assert schema["type"] == JSON_TYPES[p.type]
    computed = isinstance(p.default, str) and "${{" in p.default
    assert schema.get("default") == (None if computed else p.default), p.id
    if computed:
        assert str(p.default) in schema["description"]
    assert (schema.get("minimum"), schema.get("maximum")) == (p.minimum, p.maximum)
    assert schema.get("pattern") == (f"^(?:{p.pattern})$" if p.pattern else None)
    assert schema.get("x-scaffold-when") == p.when
    assert (p.help or "") in schema.get("description", "")
    assert schema.get("writeOnly", False) == p.secret


def _check_schema(schema: dict[str, Any], template: Template) -> None:
    assert schema["title"] == f"{template.name}@{template.version}"
    assert list(schema["properties"]) == [p.id for p in template.parameters]
    for p in template.parameters:
        _matches(schema["properties"][p.id], p)
    assert schema["required"] == [p.id for p in template.parameters if p.required and p.default is None and not p.when]


async def _journey(talk: Talk, session: ClientSession, root: Path) -> None:
    tools = {t.name: t for t in (await session.list_tools()).tools}
    assert set(tools) == TOOLS
    names = [entry["name"] for entry in await talk.data("list_golden_paths")]
    templates = [sources.resolve(name).template for name in names]
    assert {"backend-service", "website", "data-pipeline"} <= set(names)
    for tool in ("plan_new", "create_from_golden_path"):
        schema = tools[tool].input_schema
        assert schema["required"] == ["golden_path"]
        assert schema["properties"]["golden_path"]["examples"] == names
        advertised = schema["properties"]["parameters"]["anyOf"]
        assert schema["properties"]["services"]["items"]["anyOf"] == advertised
        for each, template in zip(advertised, templates, strict=True):
            _check_schema(each, template)
    shown = await talk.data("show_golden_path", golden_path="backend-service")
    assert shown["parameters_schema"] == advertised[names.index("backend-service")]
    assert tools["upgrade_repo"].annotations and tools["upgrade_repo"].annotations.destructive_hint
    assert tools["check_repo"].annotations and tools["check_repo"].annotations.read_only_hint

    plan = await talk.data("plan_new", golden_path="backend-service", parameters=ANSWERS)
    assert plan["dry_run"] is True and "catalog-info.yaml" in plan["files"]
    assert [step["id"] for step in plan["plan"]][-1] == "register"
    assert config.open_forge(config.load()).get_repo("local", "orders-api") is None  # nothing was created

    made = await talk.data("create_from_golden_path", golden_path="backend-service", parameters=ANSWERS)
    assert (made["dry_run"], made["entity_ref"]) == (False, "component:default/orders-api")
    repo = config.open_forge(config.load()).get_repo("local", "orders-api")
    assert repo is not None and made["repository"]["clone_url"] == repo.clone_url
    entity = await talk.data("catalog_lookup", ref="orders-api")
    assert entity == scaffold_json("catalog", "show", "orders-api")
    assert entity["spec"]["owner"] == "group:payments"
    owned = await talk.data("catalog_lookup", owner="group:payments")
    assert [e["metadata"]["name"] for e in owned["entities"]] == ["orders-api"]

    # and an existing repo, made from an older version, gets its upgrade plan
    old = {"name": "legacy-api", "owner": "group:payments"}
    legacy = await talk.data("create_from_golden_path", golden_path="backend-service@1.0.0", parameters=old)
    git.clone(legacy["repository"]["clone_url"], root / "legacy-api")
    plan_up = await talk.data("plan_upgrade", path="legacy-api")
    assert (plan_up["from_version"], plan_up["to_version"], plan_up["conflicts"]) == ("1.0.0", "2.1.0", [])
    assert plan_up["diff"]


def test_from_listing_to_a_created_service_and_an_upgrade_plan_over_stdio(root: Path) -> None:
    async def main() -> None:
        with anyio.fail_after(120):
            await talk()

    async def talk() -> None:
        async with (
            stdio_client(stdio_params(root, "--allow-writes")) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            await _journey(Talk(session), session, root)

    anyio.run(main)
