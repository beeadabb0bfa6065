"""`scaffold template ...`: tools for the guilds that write golden paths."""

from __future__ import annotations

import click


@click.group("template")
def template_group() -> None:
    """Tools for golden-path authors."""


@template_group.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of template.yaml (for editors and CI)."""
    from scaffolder.template import json_schema

    click.echo(json_schema())


COMMANDS = [template_group]
