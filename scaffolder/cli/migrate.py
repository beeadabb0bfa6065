"""`scaffold migrate NAME` (the migration bot) and `scaffold migrate status NAME`."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from scaffolder.cli._common import emit, output_option, profile_option, table, trust_option
from scaffolder.cli._console import Counter
from scaffolder.cli.completion import complete_golden_path

discover_option = click.option(
    "--discover",
    type=click.Choice(["auto", "catalog", "forge"]),
    default="auto",
    show_default=True,
    help="Find the repos through the catalog, by scanning the forge, or (auto) the catalog when it "
    "lists the golden path.",
)


class _DefaultToRun(click.Group):
    """`scaffold migrate NAME ...` runs a campaign; `scaffold migrate status NAME` reports."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """`migrate --help` describes the options of `migrate NAME` too (its hidden `run` command)."""
        super().format_options(ctx, formatter)
        run = self.commands["run"]
        options = [p for p in run.get_params(ctx) if isinstance(p, click.Option)]
        records = [r for p in options if (r := p.get_help_record(ctx)) is not None]
        with formatter.section("Options of `scaffold migrate NAME`"):
            formatter.write_dl(records)


@click.group("migrate", cls=_DefaultToRun)
def migrate_group() -> None:
    """Upgrade every repo made from a golden path, one pull request per repo.

    \b
    scaffold migrate NAME [--to VERSION] [--repo OWNER/NAME ...] [--dry-run]
                          [--concurrency N] [--shard I/N] [--set K=V] [--trust]
                          [--automerge] [--no-checks] [--discover auto|catalog|forge]
    scaffold migrate status NAME [--shard I/N] [--discover auto|catalog|forge]
    scaffold migrate report FILE [FILE ...] [--shards N] [-o markdown]
    """


def _progress(output: str, counter: Any) -> Any:
    """Each repo's outcome: a JSON line on stdout with `-o json`, a progress line or bar on stderr."""
    name = click.get_current_context().params.get("name")

    def on_outcome(outcome: Any, done: int, total: int) -> None:
        if output == "json":  # finished_at: `migrate report` keeps the newest outcome of a rerun shard
            line = {**outcome.to_json(), "golden_path": name, "finished_at": _now()}
            click.echo(json.dumps(line, sort_keys=True))
        counter.item(outcome.repo, outcome.state, done, total)

    return on_outcome


@migrate_group.command("run", hidden=True)
@click.argument("name", shell_complete=complete_golden_path)
@click.option("--to", "to_version", metavar="VERSION", help="Target version (default: the newest).")
@click.option("--repo", "repos", multiple=True, metavar="[OWNER/]NAME", help="Only these repos (repeatable).")
@click.option("--set", "-s", "sets", multiple=True, metavar="KEY=VALUE", help="Answers for new parameters.")
@click.option("--dry-run", is_flag=True, help="Upgrade in temporary clones; push and open nothing.")
@click.option("--concurrency", type=click.IntRange(1, 64), default=2, show_default=True, help="Repos in flight.")
@click.option(
    "--shard",
    metavar="I/N",
    help="Take only this deterministic share of the fleet (default: JOB_COMPLETION_INDEX of JOB_COMPLETIONS).",
)
@click.option("--write-interval", type=float, default=0.0, show_default=True, help="Seconds between forge writes.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr (the table and summary still print).")
@click.option(
    "--automerge",
    is_flag=True,
    help="Merge the PRs whose checks pass, with no conflicts and no human commits, for the version "
    "steps the golden path allows (spec.campaign.automerge).",
)
@click.option(
    "--no-checks",
    is_flag=True,
    help="On the embedded forge, do not run the golden path's checks on the PRs (they then have none).",
)
@discover_option
@trust_option
@profile_option
@output_option
def run_cmd(
    name: str,
    to_version: str | None,
    repos: tuple[str, ...],
    sets: tuple[str, ...],
    dry_run: bool,
    concurrency: int,
    shard: str | None,
    write_interval: float,
    quiet: bool,
    automerge: bool,
    no_checks: bool,
    discover: str,
    trust: bool,
    profile: str | None,
    output: str,
) -> None:
    """Run a migration campaign for golden path NAME."""
    from scaffolder import campaign, ci_files, config
    from scaffolder.formats.copier_questions import trusting
    from scaffolder.parameters import parse_set

    # A Kubernetes Indexed Job's pod runs the shard its completion index names.
    taken = campaign.Shard.parse(shard) if shard else ci_files.shard_from_env(os.environ)
    counter = Counter(quiet, f"migrating {name}")
    with trusting(trust), counter.shown():  # copier's questions may use the template's Jinja extensions
        result = campaign.run_campaign(
            config.load(profile),
            name,
            to=to_version,
            repos=repos,
            shard=taken,
            answers=parse_set(list(sets)),
            dry_run=dry_run,
            trust=trust,
            concurrency=concurrency,
            write_interval=write_interval,
            on_outcome=_progress(output, counter),
            discover=discover,  # type: ignore[arg-type]  # click checked the choice
            on_wait=lambda until, why: counter.note(_waiting(until, why)),
            automerge=automerge,
            run_checks=not no_checks,
        )
    if output == "json":
        closing = {**result.to_json(), **({"shard": f"{taken.index}/{taken.count}"} if taken else {})}
        click.echo(json.dumps(closing, sort_keys=True))
    else:
        click.echo(
            table([_row(o) for o in result.outcomes], ["REPO", "VERSION", "STATE", "PR", "CHECKS", "MERGE", "DETAIL"])
        )
        click.echo(f"\n{len(result.outcomes)} repos: " + ", ".join(f"{k} {v}" for k, v in result.summary.items()))
    if result.failed:
        click.get_current_context().exit(1)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _waiting(until: float, why: str) -> str:
    """The progress line saying the shared write budget holds this process back, and until when."""
    from datetime import datetime

    at = datetime.fromtimestamp(until).astimezone().strftime("%H:%M:%S")
    return f"waiting for the forge's rate budget until {at} ({why})"


def _row(o: Any) -> list[str]:
    said = o.reason or ", ".join(o.conflicts) or o.people_note or ""  # people_note: why nobody was asked
    said = said or (f"warning: {o.warning}" if o.warning else "")  # the catalog disagreed with the record
    detail = said.splitlines()[0][:70] if said else ""
    return [
        o.repo,
        f"{o.from_version or '-'} -> {o.to_version}",
        o.state,
        f"#{o.pr_number}" if o.pr_number else "",
        o.checks or "",
        o.merge or "",
        detail,
    ]


@migrate_group.command("status")
@click.argument("name", shell_complete=complete_golden_path)
@click.option("--shard", metavar="I/N", help="Only this share of the fleet.")
@click.option(
    "--html",
    "html",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the fleet as one self-contained HTML file.",
)
@discover_option
@profile_option
@output_option
def status_cmd(name: str, shard: str | None, html: str | None, discover: str, profile: str | None, output: str) -> None:
    """Where the fleet of golden path NAME stands: versions and migration PR states."""
    from scaffolder import campaign, config

    settings = config.load(profile)
    fleet = campaign.fleet_status(
        settings,
        name,
        shard=campaign.Shard.parse(shard) if shard else None,
        discover=discover,  # type: ignore[arg-type]  # click checked the choice
    )
    if not shard:  # the burndown counts whole fleets
        from scaffolder import history

        history.record_snapshot(settings.home, name, [e.version for e in fleet.entries if e.state == "ok"], "status")
    if html:
        from scaffolder.web.report import write_report

        write_report(settings, name, fleet, html)
    emit(output, fleet.to_json(), lambda: _status_text(fleet))
    if fleet.failed:
        click.get_current_context().exit(1)


def _status_text(fleet: Any) -> str:
    rows = [
        [
            e.repo,
            e.version or "?",
            f"#{e.pr_number} {e.pr_state} (-> {e.pr_target})" if e.pr_number else "-",
            e.checks or "",
            e.merge or "",
            f"FAILED: {e.error}".splitlines()[0][:70]
            if e.error
            else (f"catalog {e.catalog}"[:70] if e.catalog else (f"warning: {e.warning}"[:70] if e.warning else "")),
        ]
        for e in fleet.entries
    ]
    failed = len(fleet.failed)
    return (
        table(rows, ["REPO", "VERSION", "MIGRATION PR", "CHECKS", "MERGE", "DETAIL"])
        + "\n\nversions: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(fleet.versions.items()))
        + "\npull requests: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(fleet.pull_requests.items()))
        + "\nchecks: "
        + (", ".join(f"{k}: {v}" for k, v in sorted(fleet.checks.items())) or "-")
        + "\nmerge: "
        + (", ".join(f"{k}: {v}" for k, v in sorted(fleet.merges.items())) or "-")
        + (f"\nfailed: {failed} (their records cannot be read)" if failed else "")
        + f"\nfound through: {fleet.discovery}"
        + "".join(f"\nnote: {note}" for note in fleet.notes)
    )


def _remember_format(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Errors print as JSON too with `-o json` (as every command's `--output`)."""
    from scaffolder.cli._errors import OUTPUT_KEY

    ctx.meta[OUTPUT_KEY] = value
    return value


@migrate_group.command("report")
@click.argument("outcomes", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--shards", type=click.IntRange(1), help="Fail unless every shard 1..N has an outcome file.")
@click.option(
    "--output",
    "-o",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    callback=_remember_format,
    is_eager=True,
    help="markdown is a GitHub job summary (append it to $GITHUB_STEP_SUMMARY).",
)
def report_cmd(outcomes: tuple[Path, ...], shards: int | None, output: str) -> None:
    """Merge the JSON outcomes of every shard (`migrate -o json` files) into one fleet report."""
    from scaffolder import fleet_report

    report = fleet_report.load(outcomes, shards)
    if output == "json":
        click.echo(json.dumps(report.to_json(), indent=2, sort_keys=False))
    elif output == "markdown":
        click.echo(fleet_report.markdown(report), nl=False)
    else:
        click.echo(fleet_report.text(report))


COMMANDS = [migrate_group]
