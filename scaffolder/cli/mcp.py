"""`scaffold mcp`: serve golden paths to coding assistants over the Model Context Protocol."""

from __future__ import annotations

from pathlib import Path

import click

from scaffolder.cli._common import profile_option


@click.command("mcp")
@click.option(
    "--root",
    "roots",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder the tools may read and write in (repeatable; default: the current directory). "
    "Paths are resolved, symlinks included, and must stay inside one.",
)
@click.option(
    "--allow-writes",
    is_flag=True,
    help="Let the tools that change things run (create_from_golden_path, upgrade_repo); without it only "
    "their dry runs do.",
)
@click.option("--http", is_flag=True, help="Serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio.")
@click.option("--host", default="127.0.0.1", show_default=True, help="With --http: the address to bind.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="With --http: the port.")
@profile_option
def mcp_cmd(roots: tuple[Path, ...], allow_writes: bool, http: bool, host: str, port: int, profile: str | None) -> None:
    """Serve golden paths to coding assistants (Claude, Cursor, VS Code) over MCP.

    The tools call what the CLI calls and answer with its --output json. Golden paths never run
    code here: --trust is not offered (trusted_sources in the config still apply). Setup for each
    assistant: mcp.md in the documentation. Needs the `mcp` extra:
    pip install 'scaffold-golden-paths[mcp]'.
    """
    from scaffolder.errors import ConfigError

    try:
        from scaffolder.mcp.server import run
    except ModuleNotFoundError as exc:
        if exc.name is None or not exc.name.startswith("mcp"):
            raise
        raise ConfigError("scaffold mcp needs the MCP SDK: pip install 'scaffold-golden-paths[mcp]'") from None
    from scaffolder.mcp.roots import Roots
    from scaffolder.mcp.served import Served

    if not http and (host != "127.0.0.1" or port != 8765):
        raise click.UsageError("--host and --port go with --http")
    served = Served(Roots.of(list(roots)), profile=profile, allow_writes=allow_writes)
    run(served, "http" if http else "stdio", host, port)


COMMANDS = [mcp_cmd]
