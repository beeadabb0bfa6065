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
    from scaffolder import config, sources

    entries = sources.list_entries(config.load().libraries)
    data: list[dict[str, Any]] = [
        {
            "name": e.name,
            "version": e.template.version if e.template else None,
            "title": e.template.model.metadata.title if e.template else None,
            "owner": e.template.model.metadata.owner if e.template else None,
            "lifecycle": e.template.model.metadata.lifecycle if e.template else None,
            "library": e.library,
            "path": str(e.folder),
            "error": e.error.render() if e.error else None,
        }
        for e in entries
    ]
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


def _param(p: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "type": p.type,
        "title": p.title,
        "help": p.help,
        "required": p.required,
        "default": p.default,
        "choices": [c.value for c in p.choices] if p.choices else None,
        "pattern": p.pattern,
        "minimum": p.minimum,
        "maximum": p.maximum,
        "when": p.when,
        "secret": p.secret,
    }


@click.command("show")
@click.argument("template_ref", metavar="NAME[@VERSION]|PATH", shell_complete=complete_golden_path)
@output_option
def show_cmd(template_ref: str, output: str) -> None:
    """Show a golden path: metadata, parameters and steps."""
    from scaffolder import config, sources

    found = sources.resolve(template_ref, config.load())
    template, label = found.template, found.library
    meta = template.model.metadata
    params: list[dict[str, Any]] = [_param(p) for p in template.parameters]
    steps: list[dict[str, Any]] = [{"id": s.id, "action": s.action, "if": s.if_} for s in template.steps]
    data: dict[str, Any] = {
        "name": meta.name,
        "title": meta.title,
        "description": meta.description,
        "owner": meta.owner,
        "lifecycle": meta.lifecycle,
        "tags": meta.tags,
        "version": template.version,
        "library": label,
        "path": str(template.path),
        "parameters": params,
        "steps": steps,
    }

    def text() -> str:
        head = [
            f"{meta.title or meta.name} ({meta.name}@{template.version}, {meta.lifecycle})",
            f"owner: {meta.owner}",
            meta.description,
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

    found = list(reversed(sources.resolve(name, config.load()).versions()))
    data: list[dict[str, Any]] = [
        {
            "version": r.version,
            "current": r.current,
            "ref": r.ref,
            "library": r.library,
            "date": r.date,
            "changelog": r.changelog,
        }
        for r in found
    ]

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
