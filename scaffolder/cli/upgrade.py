"""`scaffold upgrade`: move a generated repo to a newer version of its golden path."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from scaffolder.cli._common import emit, output_option, profile_option, trust_option

if TYPE_CHECKING:
    from scaffolder.upgrade import UpgradeResult


def _section(title: str, items: list[str]) -> list[str]:
    return [f"{title} ({len(items)}):", *(f"  {item}" for item in items)] if items else []


def _conflict(result: UpgradeResult, path: str) -> str:
    """One line of the NEEDS A HUMAN list: the path, its kind and what happened."""
    from scaffolder.merge import CONFLICT_KINDS

    kind = result.conflict_kinds.get(path, "content")
    return f"{path}  [{kind}] {CONFLICT_KINDS.get(kind, '')}".rstrip()


def _text(result: UpgradeResult, path: Path) -> str:
    if result.already_current:
        return f"{path} is already at {result.template} {result.to_version}."
    verb = "Would upgrade" if result.dry_run else "Upgraded"
    lines = [f"{verb} {path} from {result.template} {result.from_version} to {result.to_version}."]
    lines += _section("Added", result.added)
    lines += _section("Modified", result.modified)
    lines += _section("Deleted", result.deleted)
    lines += _section("Renamed", [f"{a} -> {b}" for a, b in result.renamed])
    lines += _section("Kept deleted (you deleted them; the template changed them)", result.kept_deleted)
    if result.conflicts:
        lines += _section("NEEDS A HUMAN", [_conflict(result, path) for path in result.conflicts])
        if result.dry_run:
            lines.append("An upgrade would leave these for you to resolve.")
        else:
            lines.append(
                "They are unmerged in git's index (`git status`, `git mergetool`): resolve each, `git add` it, "
                "then commit."
            )
    elif not result.dry_run:
        lines.append("Review with `git diff`, then commit.")
    if result.dry_run and result.diff:
        lines += ["", result.diff.rstrip("\n")]
    return "\n".join(lines)


def _ask(template: Any, given: Any) -> Any:
    from scaffolder import wizard

    return wizard.ask(template, dict(given))


@click.command("upgrade")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--to", "to_version", metavar="VERSION", help="Target version (default: the newest).")
@click.option("--set", "-s", "sets", multiple=True, metavar="KEY=VALUE", help="An answer: new parameters, secrets.")
@click.option("--no-input", is_flag=True, help="Never prompt; new parameters take their defaults.")
@click.option("--dry-run", is_flag=True, help="Write nothing; print the diff the upgrade would make.")
@trust_option
@click.option("--allow-dirty", is_flag=True, help="Upgrade even with uncommitted changes (they cannot be undone).")
@click.option(
    "--conflict-style",
    type=click.Choice(["diff3", "merge", "zdiff3"]),
    help="Conflict markers: diff3 shows the base too (default: config `conflict_style`, else diff3).",
)
@profile_option
@output_option
def upgrade_cmd(
    path: Path,
    to_version: str | None,
    sets: tuple[str, ...],
    no_input: bool,
    dry_run: bool,
    trust: bool,
    allow_dirty: bool,
    conflict_style: Literal["merge", "diff3", "zdiff3"] | None,
    profile: str | None,
    output: str,
) -> None:
    """Upgrade the repo holding PATH (default: here) to a newer version of its golden path.

    The record is found upward from PATH, as git finds `.git` (in a monorepo, the nearest one).

    Re-renders the recorded version and the target with the recorded answers, runs the
    version's migrations, merges every file three ways with your edits, and writes the new
    record. Nothing is committed: review with `git diff`, then commit.

    \b
    Exit codes: 0 upgraded (or already at that version), 4 something needs a human
    (listed under NEEDS A HUMAN, unmerged in git's index), 1 bad input or the last
    upgrade's conflicts still unresolved.
    """
    from scaffolder import config
    from scaffolder.cli._console import busy
    from scaffolder.errors import EXIT_CONFLICTS
    from scaffolder.formats.copier_questions import trusting
    from scaffolder.parameters import parse_set
    from scaffolder.project import find_root
    from scaffolder.upgrade import upgrade_repo

    path = find_root(path)
    interactive = not no_input and sys.stdin.isatty()
    with trusting(trust), busy(f"upgrading {path}", enabled=not interactive):  # copier may use Jinja extensions
        result = upgrade_repo(
            path,
            config.load(profile),
            to=to_version,
            answers=parse_set(list(sets)),
            ask=_ask if interactive else None,
            dry_run=dry_run,
            trust=trust,
            allow_dirty=allow_dirty,
            conflict_style=conflict_style,
        )
    emit(output, result.to_json(include_diff=dry_run), lambda: _text(result, path))
    if result.conflicts:
        click.get_current_context().exit(EXIT_CONFLICTS)


COMMANDS = [upgrade_cmd]
