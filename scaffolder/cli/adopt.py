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
    if result.added:
        verb = "Would add" if result.dry_run else "Added"
        lines += ["", f"{verb} the files the repo lacked ({len(result.added)}):", *(f"  {r}" for r in result.added)]
    elif result.missing:
        lines += ["", f"Not in the repo ({len(result.missing)}; an upgrade keeps them deleted, as yours):"]
        lines += [f"  {rel}" for rel in result.missing]
        lines.append("Pass --add-missing to write them now.")
    if not result.dry_run:
        lines += ["", "Wrote .scaffold/record.yaml: commit it, then `scaffold upgrade` merges newer releases."]
    return "\n".join(lines)


def _ask(template: Any, given: Any) -> Any:
    from scaffolder import wizard

    return wizard.ask(template, dict(given))


@click.command("adopt")
@click.argument("path", type=click.Path(path_type=Path, file_okay=False, exists=True), required=False)
@click.option(
    "--template",
    "-t",
    "template_ref",
    metavar="NAME[@VERSION]|PATH|URL",
    help="The golden path (default: the template a .cruft.json or .copier-answers.yml names).",
)
@click.option("--set", "-s", "sets", multiple=True, metavar="KEY=VALUE", help="An answer (repeatable).")
@click.option("--no-input", is_flag=True, help="Never prompt; open answers take their defaults.")
@click.option("--dry-run", is_flag=True, help="Show the chosen base, each release's score and the answers.")
@click.option("--add-missing", is_flag=True, help="Also write the base's files the repo does not have.")
@trust_option
@profile_option
@output_option
def adopt_cmd(
    path: Path | None,
    template_ref: str | None,
    sets: tuple[str, ...],
    no_input: bool,
    dry_run: bool,
    add_missing: bool,
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
    from scaffolder.repo_answers import template_source

    root = path if path is not None else project_root(Path.cwd())
    template_ref = template_ref or template_source(root)
    if template_ref is None:
        raise click.UsageError("--template is required: the repo names no cruft or copier template")
    result = adopt_repo(
        root,
        template_ref,
        config.load(profile),
        answers=parse_set(list(sets)),
        ask=_ask if not no_input and sys.stdin.isatty() else None,
        dry_run=dry_run,
        trust=trust,
        add_missing=add_missing,
    )
    emit(output, result.to_json(), lambda: _text(result))


COMMANDS = [adopt_cmd]
