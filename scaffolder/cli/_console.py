"""Terminal output: rich spinners, progress bars and tables on a terminal, plain lines elsewhere.

rich is imported only when something is drawn on a terminal, so `scaffold --help` and piped
output never load it. `NO_COLOR` turns colour off (rich reads it), `TERM=dumb` and a stream that
is not a terminal give plain lines, and `--quiet` gives nothing.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


def fancy(stream: IO[str]) -> bool:
    """Whether `stream` is a terminal rich may draw on (not piped, not `TERM=dumb`)."""
    try:
        return stream.isatty() and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError):
        return False


def console(stderr: bool = False, **options: Any) -> Console:
    """A rich console on stdout or stderr; colourless when `NO_COLOR` is set. Text is shown as it
    is: a repo or step named `[bold]` is not markup."""
    from rich.console import Console

    no_color = bool(os.environ.get("NO_COLOR")) or None
    return Console(stderr=stderr, no_color=no_color, highlight=False, markup=False, emoji=False, **options)


def rich_table(rows: list[list[str]], headers: list[str], width: int | None = None) -> str:
    """`rows` drawn as a rich table (bold coloured headers, no borders), as text for `click.echo`."""
    from rich.table import Table

    out = io.StringIO()
    con = console(file=out, force_terminal=True, width=width or shutil.get_terminal_size().columns)
    style = "" if os.environ.get("NO_COLOR") else "bold cyan"  # NO_COLOR: no escape codes at all
    grid = Table(*headers, box=None, header_style=style, pad_edge=False, show_edge=False)
    for row in rows:
        grid.add_row(*(str(c) for c in row))
    con.print(grid)
    return out.getvalue().rstrip("\n")


class Steps:
    """Progress of one or several runs of `new`/`resume`: a rich bar and spinner on a terminal,
    one line per step elsewhere. In a batch every line starts with the service it belongs to."""

    def __init__(self, quiet: bool, batch: bool = False) -> None:
        self.quiet, self.batch = quiet, batch
        self.service = ""
        self.progress: Progress | None = None
        self.task: Any = None

    def prefix(self) -> str:
        return f"{self.service}: " if self.batch and self.service else ""

    def on_service(self, name: str) -> None:
        """The next events belong to the service `name`."""
        self.service = name
        self.task = None

    def on_event(self, event: Any) -> None:
        """Show one runner event (start, done, skipped, replayed, failed)."""
        if self.quiet:
            return
        label = f"{self.prefix()}[{event.index}/{event.total}] {event.step.id} ({event.step.action})"
        if self.progress is None:
            _plain(event, label)
            return
        if self.task is None:
            self.task = self.progress.add_task(self.prefix().rstrip(": ") or "steps", total=event.total)
        if event.kind == "start":
            self.progress.update(self.task, description=label)
            return
        self.progress.console.print(_line(event, label))
        if event.kind != "failed":
            self.progress.update(self.task, completed=event.index)

    @contextmanager
    def shown(self) -> Iterator[Steps]:
        """Draw the bar while the block runs (on a terminal only)."""
        with _bar(self.quiet) as progress:
            self.progress = progress
            try:
                yield self
            finally:
                self.progress = None


@contextmanager
def _bar(quiet: bool) -> Iterator[Progress | None]:
    """A rich progress bar on stderr while the block runs, on a terminal and not quiet; else None."""
    if quiet or not fancy(sys.stderr):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console(stderr=True), transient=True) as progress:
        yield progress


def _line(event: Any, label: str) -> str:
    if event.kind == "done":
        return f"{label} done in {event.seconds:.2f}s"
    if event.kind == "skipped":
        return f"{label} skipped (its `if` is false)"
    if event.kind == "replayed":
        return f"{label} already done, not repeated"
    return f"{label} FAILED"


def _plain(event: Any, label: str) -> None:
    if event.kind != "start":
        click.echo(_line(event, label), err=True)


class Counter:
    """Progress through a known number of items (a migration campaign's repos): a rich bar on a
    terminal, one line per item elsewhere."""

    def __init__(self, quiet: bool, what: str) -> None:
        self.quiet, self.what = quiet, what
        self.progress: Progress | None = None
        self.task: Any = None

    def item(self, name: str, state: str, done: int, total: int) -> None:
        """One item finished in `state`."""
        if self.quiet:
            return
        line = f"[{done}/{total}] {name}: {state}"
        if self.progress is None:
            click.echo(line, err=True)
            return
        if self.task is None:
            self.task = self.progress.add_task(self.what, total=total)
        self.progress.console.print(line)
        self.progress.update(self.task, completed=done)

    def note(self, line: str) -> None:
        """A line between the items (e.g. why the run is waiting), above the bar on a terminal."""
        if self.quiet:
            return
        if self.progress is None:
            click.echo(line, err=True)
        else:
            self.progress.console.print(line)

    @contextmanager
    def shown(self) -> Iterator[Counter]:
        with _bar(self.quiet) as progress:
            self.progress = progress
            try:
                yield self
            finally:
                self.progress = None


@contextmanager
def spinner(quiet: bool) -> Iterator[Any]:
    """A `say(message)` for long work of unknown length: each message on its own line, and on a
    terminal a spinner showing the latest one until the block ends."""
    if quiet:
        yield lambda message: None
        return
    if not fancy(sys.stderr):
        yield lambda message: click.echo(message, err=True)
        return
    con = console(stderr=True)
    with con.status("working") as status:

        def say(message: str) -> None:
            con.print(message)
            status.update(message)

        yield say


@contextmanager
def busy(message: str, enabled: bool = True) -> Iterator[None]:
    """A transient spinner saying `message` while the block runs, on a terminal only (off while
    a prompt may ask something: the two would fight over the screen)."""
    if not enabled or not fancy(sys.stderr):
        yield
        return
    with console(stderr=True).status(message):
        yield
