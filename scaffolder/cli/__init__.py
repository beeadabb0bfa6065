"""The `scaffold` command line: thin commands over the library, one module per command group.

Only click is imported at start-up; a command's module is imported when it runs (`_lazy`), and
each command imports the library parts it needs, so `scaffold --help` and a TAB stay fast. Errors
are handled once, in `ScaffoldGroup.invoke`: expected ones print one message and exit with their
code, bugs leave a traceback in a log file and exit 3.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from scaffolder import __version__, urls
from scaffolder.cli._errors import handle
from scaffolder.cli._help import complete
from scaffolder.cli._lazy import Lazy, LazyGroup


class ScaffoldGroup(LazyGroup):
    """A group that turns exceptions into documented exit codes, in-process and as a script."""

    def invoke(self, ctx: click.Context) -> Any:
        with handle(ctx):
            return super().invoke(ctx)


@click.group(
    cls=ScaffoldGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=f"\b\nDocumentation: {urls.DOCUMENTATION}\nSecurity:      {urls.SECURITY}",
)
@click.version_option(__version__, "--version", prog_name="scaffold")
def cli() -> None:
    """Create repositories from golden paths and keep them on the path.

    \b
    Exit codes: 0 ok, 1 bad input or a remote refused (one message naming
    every problem), 2 usage, 3 unexpected (traceback in a log file),
    4 an upgrade left conflicts to resolve, 5 `check`: a newer version is
    out, 130 Ctrl-C.
    """


# Every command, by name: where it lives and its summary (the first paragraph of its help, shown by
# `--help` and TAB without importing it; tests/cli/test_help.py checks they agree). A module's
# COMMANDS list names the commands it defines.
LAZY = {
    "actions": Lazy("scaffolder.cli.browse:actions_cmd", "List the installed actions (built-in and from plugins)."),
    "adopt": Lazy(
        "scaffolder.cli.adopt:adopt_cmd",
        "Bring the repo at PATH (default: the repo holding the current folder) under a golden path.",
    ),
    "catalog": Lazy(
        "scaffolder.cli.catalog:catalog_group",
        "Look at the software catalog (embedded: SQLite at $SCAFFOLD_HOME/catalog.db).",
    ),
    "check": Lazy(
        "scaffolder.cli.check:check_cmd",
        "Say whether the repo holding PATH (default: here) is on the newest version of its golden path.",
    ),
    "ci": Lazy("scaffolder.cli.ci:ci_group", "Write the files that run a migration campaign on CI engines, sharded."),
    "config": Lazy(
        "scaffolder.cli.config_cmd:config_group",
        "Inspect the configuration (file from SCAFFOLD_CONFIG; env vars override).",
    ),
    "forge": Lazy(
        "scaffolder.cli.forge:forge_group", "Look at the forge (embedded: bare git repos under $SCAFFOLD_HOME/forge)."
    ),
    "list": Lazy("scaffolder.cli.browse:list_cmd", "List the golden paths of every library."),
    "mcp": Lazy(
        "scaffolder.cli.mcp:mcp_cmd", "Serve golden paths to coding assistants (Claude, Cursor, VS Code) over MCP."
    ),
    "migrate": Lazy(
        "scaffolder.cli.migrate:migrate_group", "Upgrade every repo made from a golden path, one pull request per repo."
    ),
    "new": Lazy("scaffolder.cli.new:new_cmd", "Create a repository from a golden path."),
    "resume": Lazy(
        "scaffolder.cli.new:resume_cmd", "Finish a failed or interrupted run without repeating its finished steps."
    ),
    "runs": Lazy(
        "scaffolder.cli.runs:runs_cmd",
        "List runs (oldest first): service, golden path, status; resume failed and interrupted ones.",
    ),
    "serve": Lazy(
        "scaffolder.cli.serve:serve_cmd",
        "Serve the dashboard: golden paths, each fleet with its burndown, each repo with its upgrade preview.",
    ),
    "show": Lazy("scaffolder.cli.browse:show_cmd", "Show a golden path: metadata, parameters and steps."),
    "template": Lazy("scaffolder.cli.template:template_group", "Tools for golden-path authors."),
    "upgrade": Lazy(
        "scaffolder.cli.upgrade:upgrade_cmd",
        "Upgrade the repo holding PATH (default: here) to a newer version of its golden path.",
    ),
    "versions": Lazy(
        "scaffolder.cli.browse:versions_cmd",
        "List a golden path's released versions, newest first, with their changelog.",
    ),
}
cli.lazy = LAZY
complete(cli)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="scaffold", args=sys.argv[1:])
