"""`scaffold list`, `scaffold show`, `scaffold versions` and `scaffold actions`: what golden paths,
releases and actions exist."""

from __future__ import annotations

from typing import Any

import click

from scaffolder.cli._common import emit, output_option, table
from scaffolder.cli.completion import complete_golden_path


@click.command("list")
@output_option
def list_cmd(output: str) -> None:
    """List the golden paths of every library."""
    from scaffolder import config
    from scaffolder.golden_path_info import list_data

    data = list_data(config.load())
    emit(
        output,
        data,
        lambda: table(
            [
                [
                    d["name"],
                    d["version"] or "-",
                    d["owner"] or "-",
                    d["lifecycle"] or "-",
                    d["title"] or f"BROKEN: {d['error']}".splitlines()[0],
                ]
                for d in data
            ],
            ["NAME", "VERSION", "OWNER", "LIFECYCLE", "TITLE"],
        ),
    )


@click.command("show")
@click.argument("template_ref", metavar="NAME[@VERSION]|PATH", shell_complete=complete_golden_path)
@output_option
def show_cmd(template_ref: str, output: str) -> None:
    """Show a golden path: metadata, parameters and steps."""
    from scaffolder import config
    from scaffolder.golden_path_info import show_data

    data = show_data(template_ref, config.load())
    params: list[dict[str, Any]] = data["parameters"]
    steps: list[dict[str, Any]] = data["steps"]

    def text() -> str:
        head = [
            f"{data['title'] or data['name']} ({data['name']}@{data['version']}, {data['lifecycle']})",
            f"owner: {data['owner']}",
            data["description"],
            "",
            "Parameters:",
            table(
                [
                    [
                        p["id"],
                        p["type"] + (f" {p['choices']}" if p["choices"] else ""),
                        "yes" if p["required"] and p["default"] is None else "no",
                        "" if p["default"] is None else str(p["default"]),
                        p["help"] or "",
                    ]
                    for p in params
                ],
                ["ID", "TYPE", "REQUIRED", "DEFAULT", "HELP"],
            ),
            "",
            "Steps:",
            table([[s["id"], s["action"], str(s["if"] or "")] for s in steps], ["ID", "ACTION", "IF"]),
        ]
        return "\n".join(head)

    emit(output, data, text)


@click.command("versions")
@click.argument("name", shell_complete=complete_golden_path)
@output_option
def versions_cmd(name: str, output: str) -> None:
    """List a golden path's released versions, newest first, with their changelog.

    `scaffold new NAME@VERSION` creates from one of them.
    """
    from scaffolder import config, sources
    from scaffolder.golden_path_info import release_data

    found = list(reversed(sources.resolve(name, config.load()).versions()))
    data = [release_data(r) for r in found]

    def text() -> str:
        lines = [f"{name}: {len(found)} version(s) in {found[0].library}, newest first" if found else name]
        for r in found:
            where = [] if r.kind == "current" else [r.ref]
            lines += ["", "  ".join([r.version, r.date or "-", *where, *(["(current)"] if r.current else [])])]
            lines += [f"    {line}".rstrip() for line in (r.changelog or "(no changelog entry)").splitlines()]
        return "\n".join(lines)

    emit(output, data, text)


@click.command("actions")
@output_option
def actions_cmd(output: str) -> None:
    """List the installed actions (built-in and from plugins)."""
    from scaffolder.registry import load_registry

    registry = load_registry()
    actions = [registry[i] for i in registry.ids()]
    data = [
        {
            "id": a.id,
            "description": a.description,
            "supports_dry_run": a.supports_dry_run,
            "input_schema": a.input.model_json_schema(by_alias=True),
            "output_schema": a.output.model_json_schema(),
        }
        for a in actions
    ]
    emit(output, data, lambda: table([[a.id, a.description] for a in actions], ["ID", "DESCRIPTION"]))


COMMANDS = [list_cmd, show_cmd, versions_cmd, actions_cmd]
