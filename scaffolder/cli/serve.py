"""`scaffold serve`: the web dashboard (the `web` extra), read-only unless `--allow-actions`."""

from __future__ import annotations

import click

from scaffolder.cli._common import profile_option

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command("serve")
@profile_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--allow-actions",
    is_flag=True,
    help="Show the buttons (open migration PRs, merge, re-run checks); off by default: read-only.",
)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True, help="Request threads.")
def serve_cmd(profile: str | None, host: str, port: int, allow_actions: bool, threads: int) -> None:
    """Serve the dashboard: golden paths, each fleet with its burndown, each repo with its upgrade preview.

    \b
    Needs the web extra: pip install 'scaffold-golden-paths[web]'.
    For a team, run it behind the organisation's auth proxy (see the dashboard docs).
    """
    from scaffolder import config
    from scaffolder.errors import ConfigError

    try:
        import waitress

        from scaffolder.web.app import create_app
    except ImportError as exc:
        raise ConfigError(
            f"scaffold serve needs the web extra ({exc.name} is missing): pip install 'scaffold-golden-paths[web]'"
        ) from None
    settings = config.load(profile)
    _log_actions(settings.logs_dir)
    app = create_app(settings, allow_actions=allow_actions)
    mode = "actions allowed" if allow_actions else "read-only"
    click.echo(f"scaffold dashboard on http://{_url_host(host)}:{port}/ ({mode}; Ctrl-C stops it)", err=True)
    if allow_actions and host not in LOOPBACK:
        click.echo("warning: actions are allowed on a non-loopback address: put an auth proxy in front", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="scaffold")


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _log_actions(logs: object) -> None:
    """Every button press goes to stderr and to `$SCAFFOLD_HOME/logs/serve.log`."""
    import logging
    from pathlib import Path

    logger = logging.getLogger("scaffolder.web.actions")
    logger.setLevel(logging.INFO)
    logger.propagate = False  # waitress configures the root logger too: one line per action
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    stream = logging.StreamHandler()
    stream.setFormatter(fmt)
    logger.addHandler(stream)
    try:
        Path(str(logs)).mkdir(parents=True, exist_ok=True)
        file = logging.FileHandler(Path(str(logs)) / "serve.log", encoding="utf-8")
        file.setFormatter(fmt)
        logger.addHandler(file)
    except OSError as exc:
        click.echo(f"warning: actions are logged to stderr only ({exc})", err=True)


COMMANDS = [serve_cmd]
