"""Complete `--help`: summaries are whole first paragraphs, never cut with "...", and every
command's help ends with the web addresses of the documentation (pip users have no docs/ folder).

click shortens a command's summary in its group's listing to fit one line; scaffold sets each
command's `short_help` to the first paragraph of its help instead, which click wraps but never cuts.
"""

from __future__ import annotations

import click

from scaffolder import urls


def summary(help_text: str) -> str:
    """The first paragraph of a help text, on one line (click's `\\b` no-rewrap marker dropped)."""
    paragraph = help_text.strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines() if line.strip() != "\b")


def complete(command: click.Command) -> None:
    """Give `command` and every subcommand a summary that is never cut and the documentation's address."""
    if command.help and not command.short_help:
        command.short_help = summary(command.help)
    if not command.epilog:
        lines = [f"Documentation: {urls.doc('cli.md')}"]
        if _trusts(command):
            lines.append(f"Security:      {urls.SECURITY}")
        command.epilog = "\b\n" + "\n".join(lines)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            complete(sub)


def _trusts(command: click.Command) -> bool:
    """Whether `command` (or a subcommand it runs) has `--trust`, so its help links the security policy."""
    subs = command.commands.values() if isinstance(command, click.Group) else ()
    return any(p.name == "trust" for p in command.params) or any(_trusts(sub) for sub in subs)
