"""`plan_new` and `create_from_golden_path`: `scaffold new --no-input` (and `--dry-run`) as tools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from scaffolder import redact
from scaffolder.errors import AnswersError, ScaffoldError
from scaffolder.mcp.results import answer, ok
from scaffolder.mcp.schema import parameters_schema
from scaffolder.mcp.served import Served
from scaffolder.mcp.tool import ScaffoldTool
from scaffolder.template import Template

if TYPE_CHECKING:
    from scaffolder.create import Prepared
    from scaffolder.runner import Outcome

GoldenPath = Annotated[
    str,
    Field(
        description="The golden path: NAME or NAME@VERSION (see list_golden_paths), a folder under a root, a git URL"
    ),
]
Answers = Annotated[
    dict[str, Any] | None,
    Field(description="The answers, one per parameter id (show_golden_path lists them); the rest take defaults"),
]
Services = Annotated[
    list[dict[str, Any]] | None,
    Field(
        description="Instead of parameters: several services' answers, created as one batch (all rehearsed first;"
        " a problem in any creates nothing)"
    ),
]
CREATES = "create a repository on the forge, push the generated files and register it in the catalog"


def _raw_secrets(template: Template, given: dict[str, Any]) -> list[str]:
    """The secret answers as given, known before validation so no message can echo one."""
    return [str(given[p.id]) for p in template.parameters if p.secret and given.get(p.id) not in (None, "")]


def _given(parameters: dict[str, Any] | None, services: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    if parameters is not None and services is not None:
        raise AnswersError("give parameters (one service) or services (a batch), not both")
    return [dict(values) for values in services] if services is not None else [dict(parameters or {})]


def _run(served: Served, golden_path: str, given: list[dict[str, Any]], dry_run: bool) -> CallToolResult:
    """Prepare and run services the way `scaffold new --no-input` does, never trusting the golden path."""
    from scaffolder import create, sources

    settings = served.settings()
    found = sources.resolve(served.roots.golden_path_ref(golden_path), settings)
    for values in given:
        redact.remember(_raw_secrets(found.template, values))
    prepared = create.prepare(found, given, settings)
    for item in prepared:
        redact.remember(item.answers.secret_values())
    try:
        results = create.run_prepared(prepared, settings, dry_run=dry_run, trusted=False)
    finally:
        for item in prepared:
            redact.remember(item.answers.secret_values())  # and what the run derived from them
    return _report(results, prepared)


def _report(results: list[Outcome | ScaffoldError], prepared: list[Prepared]) -> CallToolResult:
    """One service's summary, or a batch's results each named by its service (as `scaffold new -o json`)."""
    from scaffolder.create import summary
    from scaffolder.runs import service_name

    if len(results) == 1 and not isinstance(results[0], ScaffoldError):
        return ok(summary(results[0]))
    names = [service_name(item.answers.public()) or f"service {i + 1}" for i, item in enumerate(prepared)]
    data = [
        {"service": name, **(r.to_json() if isinstance(r, ScaffoldError) else summary(r))}
        for name, r in zip(names, results, strict=True)
    ]
    failed = sum(1 for r in results if isinstance(r, ScaffoldError))
    return ok({"results": data, "failed": failed}, 1 if failed else 0)


def tools(served: Served, templates: list[Template]) -> list[Tool]:
    """The two tools, their `parameters` argument described by every golden path's parameter schema."""

    def plan_new(golden_path: GoldenPath, parameters: Answers = None, services: Services = None) -> CallToolResult:
        """Dry run of creating a service: the plan (each step, run or skipped) and the file tree. Nothing is created."""
        return answer(lambda: _run(served, golden_path, _given(parameters, services), dry_run=True))

    def create_from_golden_path(
        golden_path: GoldenPath,
        parameters: Answers = None,
        services: Services = None,
        dry_run: Annotated[bool, Field(description="Only say what would be done (as plan_new)")] = False,
    ) -> CallToolResult:
        """Create a service from a golden path: a forge repository with the generated files, registered in the
        catalog (`scaffold new --no-input`). Needs a server started with --allow-writes unless dry_run. Secret
        answers are used but never echoed back."""

        def run() -> CallToolResult:
            if not dry_run:
                served.require_writes("create_from_golden_path", CREATES)
            return _run(served, golden_path, _given(parameters, services), dry_run)

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
        schemas = [parameters_schema(t) for t in templates]
        properties["parameters"] = {"description": properties["parameters"]["description"], "anyOf": schemas}
        properties["services"] = {
            "description": properties["services"]["description"],
            "type": "array",
            "items": {"anyOf": schemas},
        }
