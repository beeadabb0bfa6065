"""One place where failures become messages and exit codes."""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from scaffolder import redact
from scaffolder.errors import EXIT_BUG, EXIT_INTERRUPTED, ScaffoldError

OUTPUT_KEY = "scaffold.output"
TOKEN_ENVS = ("GITHUB_TOKEN", "BACKSTAGE_TOKEN")


def configured_tokens() -> list[str]:
    """Every token the configuration names (GitHub and Backstage): each profile's `token`, the
    variables its `token_env` names, and the default variables. Never raises."""
    envs = set(TOKEN_ENVS)
    tokens: list[str] = []
    try:
        import tomllib

        from scaffolder.config import config_path

        path = config_path()
        data: Any = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        profiles = data.get("profiles") if isinstance(data, dict) else None
        for profile in profiles.values() if isinstance(profiles, dict) else ():
            for section in profile.values() if isinstance(profile, dict) else ():
                if not isinstance(section, dict):
                    continue
                if isinstance(section.get("token"), str):
                    tokens.append(section["token"])
                if isinstance(section.get("token_env"), str):
                    envs.add(section["token_env"])
    except Exception:  # a broken config must not stop an error from being shown
        pass
    tokens += [os.environ.get(name) or "" for name in envs]
    return [t for t in tokens if len(t) >= 4]


def mask(text: str) -> str:
    """`text` without any secret answer, value computed from one, or configured token."""
    return redact.text(text, [*redact.known(), *configured_tokens()])


def _mask_data(data: Any) -> Any:
    return redact.data(data, [*redact.known(), *configured_tokens()])


def _crash_log(exc: BaseException) -> Path | None:
    try:
        from scaffolder.config import home

        logs = home() / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        path = logs / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.log"
        path.write_text(mask("".join(traceback.format_exception(exc))), encoding="utf-8")
        return path
    except OSError:
        return None


@contextmanager
def handle(ctx: click.Context) -> Iterator[None]:
    """Map exceptions raised by a command to output and an exit code; nothing shown holds a
    secret the command met (`redact.scope`) or a configured token."""
    with redact.scope():
        try:
            yield
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except ScaffoldError as exc:
            if ctx.meta.get(OUTPUT_KEY) == "json":
                click.echo(mask(json.dumps(_mask_data(exc.to_json()), indent=2)))
            click.echo(mask(f"error: {exc.render()}"), err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as exc:
            log = _crash_log(exc)
            where = f"; the traceback is in {log}" if log else ""
            message = mask(f"unexpected error (a bug in scaffold): {type(exc).__name__}: {exc}{where}")
            click.echo(message, err=True)
            if ctx.meta.get(OUTPUT_KEY) == "json":
                data = {"error": "Bug", "message": mask(str(exc)), "log": str(log), "exit_code": 3}
                click.echo(json.dumps(data))
            sys.stderr.flush()
            ctx.exit(EXIT_BUG)
