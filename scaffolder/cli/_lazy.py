"""Commands that load when they run (click's documented lazy-group pattern): `scaffold --help`,
`--version` and a TAB import no command module, and a command imports only its own.

The group lists each command by a `Lazy` entry (module, attribute, summary): `--help` and the
completion of command names show the summary without importing the module; a test checks each
summary still equals the first paragraph of the command's help.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

import click
from click.shell_completion import CompletionItem

from scaffolder.cli._help import complete


class Lazy(NamedTuple):
    """Where a command lives (`module:attribute`) and its one-line summary for `--help`."""

    target: str
    summary: str


class LazyGroup(click.Group):
    """A group whose commands are imported by name on first use, then kept like any other."""

    def __init__(self, *args: object, lazy: dict[str, Lazy] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.add_command(self.load(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def load(self, name: str) -> click.Command:
        """Import command `name`'s module and give the command its complete help (`_help.complete`)."""
        module, _, attribute = self.lazy[name].target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy[name].target} is not a click command")
        complete(command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of `--help`, from the summaries: no command module is imported."""
        rows = [(name, self._summary(name)) for name in self.list_commands(ctx) if not self._hidden(name)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        """Command names (and options) starting with `incomplete`, without importing a command."""
        items = [
            CompletionItem(name, help=self._summary(name))
            for name in self.list_commands(ctx)
            if name.startswith(incomplete) and not self._hidden(name)
        ]
        return items + click.Command.shell_complete(self, ctx, incomplete)

    def _summary(self, name: str) -> str:
        loaded = self.commands.get(name)
        return loaded.get_short_help_str(limit=10_000) if loaded is not None else self.lazy[name].summary

    def _hidden(self, name: str) -> bool:
        loaded = self.commands.get(name)
        return loaded is not None and loaded.hidden
