"""`scaffold upgrade`: move a generated repo to a newer version of its golden path."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scaffolder.cli._common import emit, output_option, profile_option, trust_option
from scaffolder.cli._errors import SECRETS_KEY

if TYPE_CHECKING:
    from scaffolder.config import Settings
    from scaffolder.library import Found
    from scaffolder.record import Record
    from scaffolder.upgrade import UpgradeResult

DIRTY_SHOWN = 10


def _section(title: str, items: list[str]) -> list[str]:
    return [f"{title} ({len(items)}):", *(f"  {item}" for item in items)] if items else []


def _text(result: UpgradeResult, path: Path) -> str:
    verb = "Would upgrade" if result.dry_run else "Upgraded"
    lines = [f"{verb} {path} from {result.template} {result.from_version} to {result.to_version}."]
    lines += _section("Added", result.added)
    lines += _section("Modified", result.modified)
    lines += _section("Deleted", result.deleted)
    lines += _section("Renamed", [f"{a} -> {b}" for a, b in result.renamed])
    lines += _section("Kept deleted (you deleted them; the template changed them)", result.kept_deleted)
    if result.conflicts:
        lines += _section("CONFLICTS (both sides changed them)", result.conflicts)
        if result.dry_run:
            lines.append("An upgrade would leave these for you to resolve.")
        else:
            lines.append("Resolve the <<<<<<< markers (a file kept as yours needs a look too), then commit.")
    elif not result.dry_run:
        lines.append("Review with `git diff`, then commit.")
    if result.dry_run and result.diff:
        lines += ["", result.diff.rstrip("\n")]
    return "\n".join(lines)


def _check_clean(path: Path, allow_dirty: bool) -> None:
    from scaffolder import git
    from scaffolder.errors import Problem, ScaffoldError

    if allow_dirty:
        return
    if not git.is_worktree(path):
        raise ScaffoldError(
            f"{path} is not the top of a git work tree; an upgrade could not be undone",
            [Problem(str(path), "commit it to git first, or pass --allow-dirty")],
        )
    dirty = git.dirty_paths(path)
    if dirty:
        shown = [Problem(p, "uncommitted") for p in dirty[:DIRTY_SHOWN]]
        if len(dirty) > DIRTY_SHOWN:
            shown.append(Problem("", f"... and {len(dirty) - DIRTY_SHOWN} more"))
        raise ScaffoldError(
            f"{path} has uncommitted changes: commit or stash them first (or pass --allow-dirty), "
            "so the upgrade can be reviewed and undone with git",
            shown,
        )


def _locate(rec: Record, ref: str, settings: Settings) -> Found:
    """The golden path for `ref` in the configured libraries; a repo made from a template folder
    or repository (its record's source is that path or URL) finds its versions there too."""
    from scaffolder import library
    from scaffolder.errors import TemplateNotFound

    try:
        return library.locate(ref, settings.libraries)
    except TemplateNotFound:
        _, version = library.split_ref(ref)
        found = library.locate_recorded(rec.template.source, rec.template.name, version)
        if found is not None:
            return found
        raise


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
    profile: str | None,
    output: str,
) -> None:
    """Upgrade the repo at PATH (default: here) to a newer version of its golden path.

    Re-renders the recorded version and the target with the recorded answers, runs the
    version's migrations, merges every file three ways with your edits, and writes the new
    record. Nothing is committed: review with `git diff`, then commit.

    \b
    Exit codes: 0 upgraded (or already at that version), 4 conflicts remain
    (files with <<<<<<< markers, or kept as yours), 1 bad input.
    """
    from scaffolder import config, record
    from scaffolder.errors import EXIT_CONFLICTS
    from scaffolder.parameters import parse_set
    from scaffolder.upgrade import UpgradeResult, upgrade_tree

    ctx = click.get_current_context()
    path = path.resolve()
    given = parse_set(list(sets))
    rec = record.read(path)
    settings = config.load(profile)
    name, version = rec.template.name, rec.template.version
    target = _locate(rec, f"{name}@{to_version}" if to_version else name, settings)
    secret = {p.id for p in target.template.parameters if p.secret} | set(rec.secret_parameters)
    ctx.meta.setdefault(SECRETS_KEY, []).extend(str(v) for k, v in given.items() if k in secret)
    if target.template.version == version and not given:
        result = UpgradeResult(name, version, version, answers=dict(rec.answers), dry_run=dry_run)
        emit(output, result.to_json(include_diff=dry_run), lambda: f"{path} is already at {name} {version}.")
        return
    _check_clean(path, allow_dirty or dry_run)
    old = _locate(rec, f"{name}@{version}", settings)
    interactive = not no_input and sys.stdin.isatty()
    result = upgrade_tree(
        path,
        old.template,
        target.template,
        forge=config.open_forge(settings),
        answers=given,
        ask=_ask if interactive else None,
        dry_run=dry_run,
        trusted=trust or settings.trusts(target.library),
        source=target.library,
        ref=target.ref,
    )
    emit(output, result.to_json(include_diff=dry_run), lambda: _text(result, path))
    if result.conflicts:
        ctx.exit(EXIT_CONFLICTS)


COMMANDS = [upgrade_cmd]
