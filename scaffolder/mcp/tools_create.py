"""`plan_new` and `create_from_golden_path`: `scaffold new --no-input` (and `--dry-run`) as tools."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from scaffolder import redact
from scaffolder.mcp.results import answer, ok
from scaffolder.mcp.schema import parameters_schema
from scaffolder.mcp.served import Served
from scaffolder.mcp.tool import ScaffoldTool
from scaffolder.template import Template

GoldenPath = Annotated[
    str, Field(description="The golden path: NAME or NAME@VERSION (see list_golden_paths), or a folder under a root")
]
Answers = Annotated[
    dict[str, Any],
    Field(description="The answers, one per parameter id (show_golden_path lists them); the rest take defaults"),
]
CREATES = "create a repository on the forge, push the generated files and register it in the catalog"


def _raw_secrets(template: Template, given: dict[str, Any]) -> list[str]:
    """The secret answers as given, known before validation so no message can echo one."""
    return [str(given[p.id]) for p in template.parameters if p.secret and given.get(p.id) not in (None, "")]


def _run(served: Served, golden_path: str, parameters: dict[str, Any], dry_run: bool) -> CallToolResult:
    """Prepare and run one service the way `scaffold new --no-input` does, never trusting the golden path."""
    from scaffolder import create, sources

    settings = served.settings()
    found = sources.resolve(served.roots.golden_path_ref(golden_path), settings)
    redact.remember(_raw_secrets(found.template, parameters))
    prepared = create.prepare(found, [dict(parameters)], settings)
    redact.remember(prepared[0].answers.secret_values())
    try:
        outcome = create.run_prepared(prepared, settings, dry_run=dry_run, trusted=False)[0]
    finally:
        redact.remember(prepared[0].answers.secret_values())  # and what the run derived from them
    assert not isinstance(outcome, Exception)  # one service: run_prepared raises its error
    return ok(create.summary(outcome))


def tools(served: Served, templates: list[Template]) -> list[Tool]:
    """The two tools, their `parameters` argument described by every golden path's parameter schema."""

    def plan_new(golden_path: GoldenPath, parameters: Answers) -> CallToolResult:
        """Dry run of creating a service: the plan (each step, run or skipped) and the file tree. Nothing is created."""
        return answer(lambda: _run(served, golden_path, parameters, dry_run=True))

    def create_from_golden_path(
        golden_path: GoldenPath,
        parameters: Answers,
        dry_run: Annotated[bool, Field(description="Only say what would be done (as plan_new)")] = False,
    ) -> CallToolResult:
        """Create a service from a golden path: a forge repository with the generated files, registered in the
        catalog (`scaffold new --no-input`). Needs a server started with --allow-writes unless dry_run. Secret
        answers are used but never echoed back."""

        def run() -> CallToolResult:
            if not dry_run:
                served.require_writes("create_from_golden_path", CREATES)
            return _run(served, golden_path, parameters, dry_run)

        return answer(run)

    made: list[Tool] = [
        ScaffoldTool.from_function(plan_new, annotations=ToolAnnotations(read_only_hint=True, open_world_hint=True)),
        ScaffoldTool.from_function(
            create_from_golden_path,
            annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=True),
        ),
    ]
    for tool in made:
        _describe_answers(tool, templates)
    return made


def _describe_answers(tool: Tool, templates: list[Template]) -> None:
    """Advertise the golden paths by name and, for `parameters`, each one's schema (any of them)."""
    properties = tool.parameters["properties"]
    properties["golden_path"]["examples"] = [t.name for t in templates]
    if templates:
        properties["parameters"]["anyOf"] = [parameters_schema(t) for t in templates]
