"""`scaffold new`, `scaffold resume` and `scaffold runs`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scaffolder.cli._common import emit, output_option, profile_option, table, trust_option

if TYPE_CHECKING:
    from scaffolder.create import Prepared
    from scaffolder.errors import ScaffoldError
    from scaffolder.parameters import Answers
    from scaffolder.runner import Event, Outcome
    from scaffolder.template import Template


def _progress(quiet: bool) -> Any:
    """One line per step on stderr; on a terminal the running step is shown, then replaced."""
    tty = sys.stderr.isatty()

    def on_event(event: Event) -> None:
        if quiet:
            return
        label = f"[{event.index}/{event.total}] {event.step.id} ({event.step.action})"
        if event.kind == "start":
            if tty:
                click.echo(f"{label} ...", err=True, nl=False)
        elif event.kind == "done":
            click.echo(f"{chr(13) if tty else ''}{label} done in {event.seconds:.2f}s", err=True)
        elif event.kind == "skipped":
            click.echo(f"{label} skipped (its `if` is false)", err=True)
        elif event.kind == "replayed":
            click.echo(f"{label} already done, not repeated", err=True)
        elif event.kind == "failed":
            click.echo(f"{chr(13) if tty else ''}{label} FAILED", err=True)

    return on_event


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
    for link in data["links"]:
        lines.append(f"  {link['title']}: {link['url']}")
    return "\n".join(lines)


def _wizard_ask(template: Template, given: dict[str, Any], yes: bool) -> Answers | None:
    from scaffolder import wizard

    answers = wizard.ask(template, given)
    if not yes and not wizard.confirm(template, answers):
        return None
    return answers


@click.command("new")
@click.argument("template_ref", metavar="NAME[@VERSION]|PATH")
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
@click.option("--yes", "-y", is_flag=True, help="Skip the wizard's confirmation.")
@click.option("--dry-run", is_flag=True, help="Show the plan and the file tree; touch nothing outside a temp dir.")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr.")
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
    """
    from scaffolder import config, create, redact
    from scaffolder.formats.copier_questions import trusting
    from scaffolder.parameters import parse_set

    settings = config.load(profile)
    overrides = parse_set(list(sets))
    given = create.load_values(values_file) if values_file else [{}]
    given = [{**values, **overrides} for values in given]
    interactive = not no_input and sys.stdin.isatty() and len(given) == 1
    ask = (lambda t, v: _wizard_ask(t, dict(v), yes)) if interactive else None
    with trusting(trust):  # copier's questions may use the template's Jinja extensions
        prepared: list[Prepared] = create.prepare(template_ref, given, settings, ask=ask)
    for item in prepared:
        redact.remember(item.answers.secret_values())
    results = create.run_prepared(prepared, settings, dry_run=dry_run, on_event=_progress(quiet), trusted=trust)
    _report(results, output)


def _report(results: list[Outcome | ScaffoldError], output: str) -> None:
    from scaffolder.create import summary
    from scaffolder.errors import ScaffoldError

    failures = [r for r in results if isinstance(r, ScaffoldError)]
    if len(results) == 1 and not failures:
        outcome = results[0]
        assert not isinstance(outcome, ScaffoldError)
        emit(output, summary(outcome), lambda: _text(outcome))
        return
    data = [r.to_json() if isinstance(r, ScaffoldError) else summary(r) for r in results]
    emit(
        output,
        {"results": data, "failed": len(failures)},
        lambda: "\n\n".join(f"error: {r.render()}" if isinstance(r, ScaffoldError) else _text(r) for r in results),
    )
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
    outcome = create.resume(run_id, settings, secrets, ask_secrets=ask, on_event=_progress(quiet), trusted=trust)
    emit(output, create.summary(outcome), lambda: _text(outcome))


def _run_row(info: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {k: v for k, v in asdict(info).items() if k != "outputs"}


def _runs_table(runs: list[Any]) -> str:
    return table(
        [
            [r.run_id, f"{r.template}@{r.version}", r.status, (r.error or "").splitlines()[0][:60] if r.error else ""]
            for r in runs
        ],
        ["RUN", "GOLDEN PATH", "STATUS", "ERROR"],
    )


@click.group("runs", invoke_without_command=True)
@output_option
@click.pass_context
def runs_cmd(ctx: click.Context, output: str) -> None:
    """List runs (oldest first) with their status; failed, interrupted and dead ones can be resumed.

    A run whose process is gone shows as `dead`; a folder that is not a readable run as `broken`
    (remove it with `scaffold runs rm ID` or `scaffold runs prune`).
    """
    if ctx.invoked_subcommand is not None:
        return
    from scaffolder import config
    from scaffolder.runs import list_runs

    runs = list_runs(config.load().runs_dir)
    emit(output, [_run_row(r) for r in runs], lambda: _runs_table(runs))


def _remove(runs: list[Any], output: str) -> None:
    from scaffolder import config
    from scaffolder.runs import Run

    runs_dir = config.load().runs_dir
    for info in runs:
        Run(runs_dir / info.run_id).remove()
    emit(
        output,
        {"removed": [_run_row(r) for r in runs]},
        lambda: "\n".join(f"removed run {r.run_id} ({r.status})" for r in runs) or "no run to remove",
    )


@runs_cmd.command("rm")
@click.argument("run_ids", nargs=-1, required=True, metavar="RUN_ID...")
@click.option("--force", is_flag=True, help="Also remove runs that still look running.")
@output_option
def runs_rm_cmd(run_ids: tuple[str, ...], force: bool, output: str) -> None:
    """Remove run folders (any status); what a run created on the forge or in the catalog stays."""
    from scaffolder import config
    from scaffolder.errors import Problem, RunError
    from scaffolder.runs import list_runs

    by_id = {r.run_id: r for r in list_runs(config.load().runs_dir)}
    problems = [Problem(i, "no such run") for i in run_ids if i not in by_id]
    problems += [
        Problem(i, f"still running (pid {by_id[i].pid}); stop it first or use --force")
        for i in run_ids
        if i in by_id and by_id[i].status == "running" and not force
    ]
    if problems:
        raise RunError("nothing was removed", problems)
    _remove([by_id[i] for i in dict.fromkeys(run_ids)], output)


@runs_cmd.command("prune")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["broken", "dead", "interrupted", "failed", "done"]),
    default=("broken",),
    show_default=True,
    help="Remove the runs in this status (repeatable).",
)
@output_option
def runs_prune_cmd(statuses: tuple[str, ...], output: str) -> None:
    """Remove every run folder in the given statuses (by default the broken ones)."""
    from scaffolder import config
    from scaffolder.runs import list_runs

    _remove([r for r in list_runs(config.load().runs_dir) if r.status in statuses], output)


COMMANDS = [new_cmd, resume_cmd, runs_cmd]
