"""The MCP server: the tools, resources and prompts over the library, served on stdio or Streamable HTTP."""

from __future__ import annotations

from typing import Literal

from mcp.server.mcpserver import MCPServer

from scaffolder import __version__, sources
from scaffolder.mcp import prompts, resources, tools_browse, tools_create, tools_repo
from scaffolder.mcp.served import Served

INSTRUCTIONS = """\
scaffold creates repositories from golden paths (versioned templates), registers them in the software
catalog and keeps them on the path (checks, upgrades). Start with list_golden_paths and show_golden_path;
plan_new and plan_upgrade show what would happen without changing anything. create_from_golden_path and
upgrade_repo change things only when the server was started with --allow-writes. Paths are confined to
the folders the server was given. A failed call returns the CLI's one-line message; its structured
content has `exit_code` and `meaning`."""


def build(served: Served) -> MCPServer:
    """A server whose tools call the same library functions as the CLI, with `served`'s limits."""
    settings = served.settings()
    templates = [e.template for e in sources.list_entries(settings.libraries) if e.template is not None]
    server: MCPServer = MCPServer(
        name="scaffold",
        title="scaffold: golden paths",
        version=__version__,
        instructions=INSTRUCTIONS,
        tools=[
            *tools_browse.tools(served),
            *tools_create.tools(served, templates),
            *tools_repo.tools(served),
        ],
        resources=resources.resources(settings),
        log_level="WARNING",
    )
    for prompt in prompts.prompts():
        server.add_prompt(prompt)
    return server


def run(
    served: Served, transport: Literal["stdio", "http"] = "stdio", host: str = "127.0.0.1", port: int = 8765
) -> None:
    """Serve until the client hangs up (stdio) or the process is stopped (HTTP, at http://HOST:PORT/mcp)."""
    server = build(served)
    if transport == "http":
        server.run("streamable-http", host=host, port=port)
    else:
        server.run("stdio")
