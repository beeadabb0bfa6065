"""Options and output helpers shared by the commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from scaffolder.cli._errors import OUTPUT_KEY

F = TypeVar("F", bound=Callable[..., Any])


def _remember(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    ctx.meta[OUTPUT_KEY] = value
    return value


def output_option(func: F) -> F:
    """`--output text|json`: JSON goes to stdout with stable keys; progress stays on stderr."""
    return click.option(
        "--output",
        "-o",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        callback=_remember,
        is_eager=True,
        expose_value=True,
        help="Output format; json is for bots (its keys: cli.md in the documentation).",
    )(func)


def profile_option(func: F) -> F:
    return click.option(
        "--profile",
        metavar="NAME",
        default=None,
        help="Config profile naming the forge and catalog (default: SCAFFOLD_PROFILE, then the file's default).",
    )(func)


def trust_option(func: F) -> F:
    """`--trust`: let the golden path run code (migration scripts, cookiecutter hooks, copier
    tasks); golden paths from `trusted_sources` need no flag (`urls.SECURITY`)."""
    return click.option(
        "--trust",
        is_flag=True,
        help="Let the golden path run code (migration scripts, cookiecutter hooks, copier tasks); see Security below.",
    )(func)


def emit(output: str, data: Any, text: Callable[[], str]) -> None:
    """Print `data` as JSON or `text()` for people."""
    if output == "json":
        click.echo(json.dumps(data, indent=2, sort_keys=False, default=str))
    else:
        click.echo(text())


def table(rows: list[list[str]], headers: list[str]) -> str:
    """An aligned table: drawn by rich on a terminal, plain text (no colours) when piped, so it greps well."""
    if not rows:
        return "(none)"
    from scaffolder.cli._console import fancy

    if fancy(sys.stdout):
        from scaffolder.cli._console import rich_table

        return rich_table(rows, headers)
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])
