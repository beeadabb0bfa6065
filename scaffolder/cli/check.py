"""`scaffold check`: is this repo on the newest version of its golden path?"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from scaffolder.cli._common import emit, output_option, profile_option

if TYPE_CHECKING:
    from scaffolder.check import CheckResult


def _text(result: CheckResult) -> str:
    where = f"{result.path}: {result.template}"
    if result.status == "current":
        return f"{where} {result.current} is the newest version."
    if result.status == "ahead":
        return f"{where} {result.current} is newer than {result.target}."
    lines = [f"{where} {result.current} is behind {result.target} ({', '.join(result.newer)} released since)."]
    if result.changelog:
        lines += ["", result.changelog]
    lines += ["", f"Upgrade with: scaffold upgrade {result.path}"]
    return "\n".join(lines)


@click.command("check")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False, exists=True), default=".")
@click.option("--to", "to_version", metavar="VERSION", help="Compare with this version (default: the newest).")
@profile_option
@output_option
def check_cmd(path: Path, to_version: str | None, profile: str | None, output: str) -> None:
    """Say whether the repo holding PATH (default: here) is on the newest version of its golden path.

    The record is found upward from PATH, as git finds `.git`. Writes nothing.

    \b
    Exit codes: 0 on the newest (or --to) version, 5 behind it (the changelog
    between them is printed), 1 no record or unknown golden path.
    """
    from scaffolder import config
    from scaffolder.check import EXIT_BEHIND, check_repo

    result = check_repo(path, config.load(profile), to=to_version)
    emit(output, result.to_json(), lambda: _text(result))
    if result.behind:
        click.get_current_context().exit(EXIT_BEHIND)


COMMANDS = [check_cmd]
