"""The `scaffold` command line: thin commands over the library, one module per command group.

Only click is imported at start-up; each command imports the library parts it needs, so
`scaffold --help` stays fast. Errors are handled once, in `ScaffoldGroup.invoke`: expected ones
print one message and exit with their code, bugs leave a traceback in a log file and exit 3.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from scaffolder import __version__, urls
from scaffolder.cli._errors import handle
from scaffolder.cli._help import complete


class ScaffoldGroup(click.Group):
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


def _register() -> None:
    from scaffolder.cli import (
        adopt,
        browse,
        catalog,
        check,
        ci,
        config_cmd,
        forge,
        mcp,
        migrate,
        new,
        runs,
        serve,
        template,
        upgrade,
    )

    for module in (
        new,
        runs,
        upgrade,
        check,
        adopt,
        migrate,
        ci,
        browse,
        forge,
        catalog,
        template,
        config_cmd,
        mcp,
        serve,
    ):
        for command in module.COMMANDS:
            cli.add_command(command)
    complete(cli)


_register()


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="scaffold", args=sys.argv[1:])
