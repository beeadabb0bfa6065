"""`scaffold adopt`: bring a repo scaffold did not make under a golden path."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scaffolder.cli._common import emit, output_option, profile_option, table, trust_option

if TYPE_CHECKING:
    from scaffolder.adopt import AdoptResult


def _text(result: AdoptResult) -> str:
    verb = "Would adopt" if result.dry_run else "Adopted"
    lines = [f"{verb} {result.path} as {result.template} {result.base} (the release closest to it).", ""]
    rows = [
        [c.version, "-" if c.score is None else str(c.score), str(c.files), c.error or ""] for c in result.candidates
    ]
    lines += [table(rows, ["RELEASE", "LINES DIFFERING", "FILES", "ERROR"]), "", "Answers:"]
    lines += [f"  {k} = {v!r}  ({result.sources.get(k, '')})" for k, v in result.answers.items()]
    if not result.dry_run:
        lines += ["", "Wrote .scaffold/record.yaml: commit it, then `scaffold upgrade` merges newer releases."]
    return "\n".join(lines)


def _ask(template: Any, given: Any) -> Any:
    from scaffolder import wizard

    return wizard.ask(template, dict(given))


@click.command("adopt")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False, exists=True), required=False)
@click.option("--template", "-t", "template_ref", required=True, metavar="NAME[@VERSION]|PATH|URL")
@click.option("--set", "-s", "sets", multiple=True, metavar="KEY=VALUE", help="An answer (repeatable).")
@click.option("--no-input", is_flag=True, help="Never prompt; open answers take their defaults.")
@click.option("--dry-run", is_flag=True, help="Show the chosen base, each release's score and the answers.")
@trust_option
@profile_option
@output_option
def adopt_cmd(
    path: Path | None,
    template_ref: str,
    sets: tuple[str, ...],
    no_input: bool,
    dry_run: bool,
    trust: bool,
    profile: str | None,
    output: str,
) -> None:
    """Bring the repo at PATH (default: the repo holding the current folder) under a golden path.

    Answers come from the repo (catalog-info.yaml, pyproject.toml or package.json, a cruft
    .cruft.json, a copier .copier-answers.yml, a cookiecutter .cookiecutter.json), then --set,
    then the wizard. Every release (or only @VERSION) is rendered with them; the one whose files
    differ from the repo in the fewest lines becomes the base, and .scaffold/record.yaml is
    written. Commit it; `scaffold upgrade` then merges newer releases three ways.

    \b
    Example:
      scaffold adopt --template backend-service --set owner=group:payments --dry-run
    """
    from scaffolder import config
    from scaffolder.adopt import adopt_repo
    from scaffolder.parameters import parse_set
    from scaffolder.project import project_root

    result = adopt_repo(
        path if path is not None else project_root(Path.cwd()),
        template_ref,
        config.load(profile),
        answers=parse_set(list(sets)),
        ask=_ask if not no_input and sys.stdin.isatty() else None,
        dry_run=dry_run,
        trust=trust,
    )
    emit(output, result.to_json(), lambda: _text(result))


COMMANDS = [adopt_cmd]
