"""`scaffold new` and `scaffold resume`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scaffolder.cli._common import emit, output_option, profile_option, trust_option
from scaffolder.cli._console import Steps
from scaffolder.cli.completion import complete_golden_path

if TYPE_CHECKING:
    from scaffolder.create import Prepared
    from scaffolder.errors import ScaffoldError
    from scaffolder.parameters import Answers
    from scaffolder.runner import Outcome
    from scaffolder.template import Template


def _text(outcome: Outcome) -> str:
    from scaffolder.create import summary

    data = summary(outcome)
    if outcome.dry_run:
        lines = [f"Dry run of {data['template']}@{data['version']}: nothing was created.", "", "Plan:"]
        for step in data["plan"]:
            mark = "run " if step["runs"] else "skip"
            lines.append(f"  {mark} {step['id']:<12} {step['action']}")
        lines += ["", f"Files ({len(outcome.files)}):"] + [f"  {f}" for f in outcome.files]
        return "\n".join(lines)
    lines = [f"Created from {data['template']}@{data['version']} (run {data['run_id']})"]
    if data["repository"]:
        lines.append(f"  repository:     {data['repository']['url']}")
        lines.append(f"  clone:          git clone {data['repository']['clone_url']}")
    if data["entity_ref"]:
        lines.append(f"  catalog entry:  {data['entity_ref']}  ({data['entity_url']})")
    shown = {data["repository"]["url"], data["repository"]["clone_url"]} if data["repository"] else set()
    shown.add(data["entity_url"])
    for link in data["links"]:  # the golden path's output links, each URL once
        if link["url"] not in shown:
            shown.add(link["url"])
            lines.append(f"  {link['title']}: {link['url']}")
    return "\n".join(lines)


def _wizard_ask(template: Template, given: dict[str, Any], yes: bool, ref: str, settings: Any) -> Answers | None:
    """The wizard, with names checked against the forge and the catalog as they are typed and the
    catalog's groups suggested for a mistyped owner."""
    from scaffolder import hints, wizard
    from scaffolder.taken import NameCheck

    check = NameCheck(template, settings)
    return wizard.run(
        template,
        given,
        ref=ref,
        yes=yes,
        check=check,
        candidates=lambda param: check.candidates(hints.is_owner(param)),
    )


@click.command("new")
@click.argument("template_ref", metavar="NAME[@VERSION]|PATH", shell_complete=complete_golden_path)
@click.option(
    "--values",
    "-f",
    "values_file",
    type=click.Path(path_type=Path),
    help="YAML or JSON answers; a list creates several services.",
)
@click.option(
    "--set", "-s", "sets", multiple=True, metavar="KEY=VALUE", help="An answer (repeatable; overrides --values)."
)
@click.option("--no-input", is_flag=True, help="Never prompt; a missing required answer is an error.")
@click.option("--yes", "-y", is_flag=True, help="Skip the wizard's review and confirmation.")
@click.option("--dry-run", is_flag=True, help="Show the plan and the file tree; touch nothing outside a temp dir.")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr.")
@click.option(
    "--into",
    type=click.Path(path_type=Path, file_okay=False),
    help="Render into this local folder (new or existing) with its record; no forge repo, no catalog entry.",
)
@click.option("--force", is_flag=True, help="With --into: overwrite files that exist with other content.")
@click.option("--publish", is_flag=True, help="With --into: also create the forge repo and catalog entry.")
@trust_option
@profile_option
@output_option
def new_cmd(
    template_ref: str,
    values_file: Path | None,
    sets: tuple[str, ...],
    no_input: bool,
    yes: bool,
    dry_run: bool,
    quiet: bool,
    into: Path | None,
    force: bool,
    publish: bool,
    trust: bool,
    profile: str | None,
    output: str,
) -> None:
    """Create a repository from a golden path.

    Interactive by default (a wizard asks for every answer); with --no-input, or when stdin is
    not a terminal, answers come only from --values and --set.

    \b
    Example:
      scaffold new backend-service --no-input --set name=orders-api --set owner=group:payments
      scaffold new backend-service --into services/orders --set name=orders-api
    """
    from scaffolder import config, create, redact
    from scaffolder.formats.copier_questions import trusting
    from scaffolder.parameters import parse_set

    if (force or publish) and into is None:
        raise click.UsageError("--force and --publish go with --into DIR")
    settings = config.load(profile)
    overrides = parse_set(list(sets))
    given = create.load_values(values_file) if values_file else [{}]
    if into is not None and len(given) > 1:
        raise click.UsageError("--into DIR renders one service; the values file lists several")
    given = [{**values, **overrides} for values in given]
    interactive = not no_input and sys.stdin.isatty() and len(given) == 1
    ask = (lambda t, v: _wizard_ask(t, dict(v), yes, template_ref, settings)) if interactive else None
    with trusting(trust):  # copier's questions may use the template's Jinja extensions
        prepared: list[Prepared] = create.prepare(template_ref, given, settings, ask=ask)
    for item in prepared:
        redact.remember(item.answers.secret_values())
    if into is not None:
        _into(prepared[0], into, settings, force, publish, dry_run, trust, quiet, output)
        return
    steps = Steps(quiet, batch=len(prepared) > 1)
    with steps.shown():
        results = create.run_prepared(
            prepared,
            settings,
            dry_run=dry_run,
            on_event=steps.on_event,
            trusted=trust,
            on_service=lambda item: steps.on_service(_service(item, prepared)),
        )
    _report(results, prepared, output)


def _service(item: Prepared, batch: list[Prepared]) -> str:
    """The name a batch's output gives `item`: its name answer, else its place in the values file."""
    from scaffolder.runs import service_name

    return service_name(item.answers.public()) or f"service {batch.index(item) + 1}"


def _into(
    item: Prepared,
    into: Path,
    settings: Any,
    force: bool,
    publish: bool,
    dry_run: bool,
    trust: bool,
    quiet: bool,
    output: str,
) -> None:
    from scaffolder.local import render_into

    steps = Steps(quiet)
    with steps.shown():
        result = render_into(
            item, into, settings, force=force, publish=publish, dry_run=dry_run, trusted=trust, on_event=steps.on_event
        )

    def text() -> str:
        verb = "Would render" if result.dry_run else "Rendered"
        lines = [f"{verb} {result.template}@{result.version} into {result.dest} ({len(result.files)} files)"]
        lines += [f"  overwrite: {rel}" for rel in result.overwritten]
        if result.outcome is not None:
            lines += ["", _text(result.outcome)]
        if not result.dry_run:
            lines.append(f"  record:    {result.dest / '.scaffold' / 'record.yaml'} (`scaffold upgrade` reads it)")
        return "\n".join(lines)

    emit(output, result.to_json(), text)


def _report(results: list[Outcome | ScaffoldError], prepared: list[Prepared], output: str) -> None:
    """Results on stdout, errors on stderr; in a batch every error names its service."""
    from scaffolder.cli._errors import mask
    from scaffolder.create import summary
    from scaffolder.errors import ScaffoldError

    failures = [r for r in results if isinstance(r, ScaffoldError)]
    if len(results) == 1 and not failures:
        outcome = results[0]
        assert not isinstance(outcome, ScaffoldError)
        emit(output, summary(outcome), lambda: _text(outcome))
        return
    names = [_service(item, prepared) for item in prepared]
    data = [
        {"service": name, **(r.to_json() if isinstance(r, ScaffoldError) else summary(r))}
        for name, r in zip(names, results, strict=True)
    ]
    done = [(n, r) for n, r in zip(names, results, strict=True) if not isinstance(r, ScaffoldError)]
    lines = lambda: "\n".join(f"{n}: {line}" for n, r in done for line in _text(r).splitlines())  # noqa: E731
    emit(output, {"results": data, "failed": len(failures)}, lines)
    for name, result in zip(names, results, strict=True):
        if isinstance(result, ScaffoldError):
            for line in result.render().splitlines():
                click.echo(mask(f"{name}: error: {line}"), err=True)
    if failures:
        click.get_current_context().exit(1)


@click.command("resume")
@click.argument("run_id")
@click.option(
    "--set", "-s", "sets", multiple=True, metavar="KEY=VALUE", help="Secret answers (never stored, so give them again)."
)
@click.option("--no-input", is_flag=True, help="Never prompt for secrets; missing ones are an error.")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr.")
@trust_option
@profile_option
@output_option
def resume_cmd(
    run_id: str, sets: tuple[str, ...], no_input: bool, quiet: bool, trust: bool, profile: str | None, output: str
) -> None:
    """Finish a failed or interrupted run without repeating its finished steps."""
    from scaffolder import config, create, redact
    from scaffolder.parameters import parse_set
    from scaffolder.runs import Run

    settings = config.load(profile or Run.open(config.load().runs_dir, run_id).info().profile)
    secrets = parse_set(list(sets))
    redact.remember(str(v) for v in secrets.values())
    ask = None
    if not no_input and sys.stdin.isatty():
        from scaffolder import wizard

        ask = wizard.ask_secrets
    steps = Steps(quiet)
    with steps.shown():
        outcome = create.resume(run_id, settings, secrets, ask_secrets=ask, on_event=steps.on_event, trusted=trust)
    emit(output, create.summary(outcome), lambda: _text(outcome))


COMMANDS = [new_cmd, resume_cmd]
