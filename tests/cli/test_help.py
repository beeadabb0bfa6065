"""`--help` is complete: every option is described, no summary is cut with "...", and help names
documentation by its web address (pyproject's `[project.urls]`), never by a file in the source tree."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

import click
import pytest

from scaffolder import urls
from scaffolder.cli import cli
from tests.cli.conftest import Invoke

ROOT = Path(__file__).resolve().parents[2]
SOURCE_FILE = re.compile(r"(?<![/\w])(?:docs/[\w-]+\.md|SECURITY\.md|CONTRIBUTING\.md|README\.md)")


def _walk(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):  # through click's API: the top-level commands load lazily
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            found += _walk(sub, (*path, name))
    return found


COMMANDS = [(path, command) for path, command in _walk(cli) if not command.hidden]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "scaffold" for p, _ in COMMANDS])
def test_every_option_is_described_and_no_summary_is_cut(
    invoke: Invoke, path: tuple[str, ...], command: click.Command
) -> None:
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"scaffold {' '.join(path)} {param.opts[0]} has no description"
    shown = invoke(*path, "--help").stdout
    cut = [line for line in shown.splitlines()[1:] if line.rstrip().endswith(("...", "…"))]
    assert not cut, f"summaries cut short: {cut}"
    assert not SOURCE_FILE.findall(shown), f"help names files pip users do not have: {SOURCE_FILE.findall(shown)}"
    assert f"Documentation: {urls.DOCUMENTATION}" in shown


def test_migrate_help_describes_the_options_of_migrate_name(invoke: Invoke) -> None:
    shown = invoke("migrate", "--help").stdout
    for option, words in [("--concurrency", "Repos in flight"), ("--dry-run", "temporary clones"), ("--quiet", "")]:
        assert re.search(rf"{option}\b.*{words}", shown), option
    assert f"Security:      {urls.SECURITY}" in shown  # it has --trust


def test_project_urls_are_the_ones_help_shows() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["urls"]["Documentation"] == urls.DOCUMENTATION
    assert project["urls"]["Security"] == urls.SECURITY
    assert project["urls"]["Changelog"] == urls.CHANGELOG and project["urls"]["Homepage"] == urls.REPOSITORY
    assert "rich>=13" in project["dependencies"]


def test_the_lazy_summaries_are_the_commands_own(invoke: Invoke) -> None:
    """`--help` lists each command by the summary kept beside its module's name; it must stay the
    first paragraph of the command's own help, and every module's commands must be listed."""
    from scaffolder.cli import LAZY
    from scaffolder.cli._help import summary

    for name, lazy in LAZY.items():
        module, _, attribute = lazy.target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert command.name == name and lazy.summary == summary(command.help or ""), name
    defined = set()
    for file in sorted((ROOT / "scaffolder" / "cli").glob("*.py")):
        module = importlib.import_module(f"scaffolder.cli.{file.stem}")
        defined |= {command.name for command in getattr(module, "COMMANDS", [])}
    assert defined == set(LAZY)
    listed = invoke("--help").stdout
    assert all(re.search(rf"^  {name} +\S", listed, re.M) for name in LAZY)
