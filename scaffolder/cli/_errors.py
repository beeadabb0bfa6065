"""One place where failures become messages and exit codes."""

from __future__ import annotations

import json
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from scaffolder.errors import EXIT_BUG, EXIT_INTERRUPTED, ScaffoldError

OUTPUT_KEY = "scaffold.output"
SECRETS_KEY = "scaffold.secrets"


def _mask(ctx: click.Context, text: str) -> str:
    from scaffolder import redact

    return redact.text(text, ctx.meta.get(SECRETS_KEY, []))


def _crash_log(ctx: click.Context, exc: BaseException) -> Path | None:
    try:
        from scaffolder.config import home

        logs = home() / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        path = logs / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.log"
        path.write_text(_mask(ctx, "".join(traceback.format_exception(exc))), encoding="utf-8")
        return path
    except OSError:
        return None


@contextmanager
def handle(ctx: click.Context) -> Iterator[None]:
    """Map exceptions raised by a command to output and an exit code."""
    try:
        yield
    except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
        raise
    except ScaffoldError as exc:
        if ctx.meta.get(OUTPUT_KEY) == "json":
            data = exc.to_json()
            click.echo(_mask(ctx, json.dumps(data, indent=2)))
        click.echo(_mask(ctx, f"error: {exc.render()}"), err=True)
        ctx.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        ctx.exit(EXIT_INTERRUPTED)
    except Exception as exc:
        log = _crash_log(ctx, exc)
        where = f"; the traceback is in {log}" if log else ""
        click.echo(_mask(ctx, f"unexpected error (a bug in scaffold): {type(exc).__name__}: {exc}{where}"), err=True)
        if ctx.meta.get(OUTPUT_KEY) == "json":
            click.echo(json.dumps({"error": "Bug", "message": _mask(ctx, str(exc)), "log": str(log), "exit_code": 3}))
        sys.stderr.flush()
        ctx.exit(EXIT_BUG)
