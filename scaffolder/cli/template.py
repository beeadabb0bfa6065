"""`scaffold template ...`: tools for the guilds that write golden paths."""

from __future__ import annotations

from pathlib import Path

import click

from scaffolder.cli._common import emit, output_option


@click.group("template")
def template_group() -> None:
    """Tools for golden-path authors."""


@template_group.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--base", metavar="REF", help="Git ref to check version bumps against (e.g. origin/main).")
@output_option
@click.pass_context
def lint_cmd(ctx: click.Context, paths: tuple[Path, ...], base: str | None, output: str) -> None:
    """Check golden paths: format, Jinja, names, actions and inputs, owner, changelog, versions.

    PATH is a golden path's folder or its template.yaml, or a library folder (every golden path
    in it). Prints FILE:LINE: PROBLEM [RULE] for every problem (the rules: guilds.md in the documentation) and exits 1
    when there is any error (a warning, such as a name a Backstage template leaves undefined,
    does not fail).
    """
    from scaffolder.guild.lint import lint

    results = lint(paths, base=base)
    findings = [finding for found in results.values() for finding in found]
    emit(
        output,
        [f.to_json() for f in findings],
        lambda: "\n".join(
            line for path, found in results.items() for line in ([str(f) for f in found] or [f"{path}: ok"])
        ),
    )
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        bad = sum(1 for found in results.values() if any(f.severity == "error" for f in found))
        click.echo(f"{len(errors)} problem(s) in {bad} of {len(results)} golden path(s)", err=True)
        ctx.exit(1)


@template_group.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of template.yaml (for editors and CI)."""
    from scaffolder.template import json_schema

    click.echo(json_schema())


from scaffolder.cli.template_tools import register  # noqa: E402  (test, new, release)

register(template_group)

COMMANDS = [template_group]
