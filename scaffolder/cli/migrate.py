"""`scaffold migrate NAME` (the migration bot) and `scaffold migrate status NAME`."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from scaffolder.cli._common import emit, output_option, profile_option, table, trust_option


class _DefaultToRun(click.Group):
    """`scaffold migrate NAME ...` runs a campaign; `scaffold migrate status NAME` reports."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group("migrate", cls=_DefaultToRun)
def migrate_group() -> None:
    """Upgrade every repo made from a golden path, one pull request per repo.

    \b
    scaffold migrate NAME [--to VERSION] [--repo OWNER/NAME ...] [--dry-run]
                          [--concurrency N] [--shard I/N] [--set K=V] [--trust]
    scaffold migrate status NAME
    """


def _progress(output: str) -> Any:
    tty = sys.stderr.isatty()

    def on_outcome(outcome: Any, done: int, total: int) -> None:
        if output == "json":
            click.echo(json.dumps(outcome.to_json(), sort_keys=True))
        if tty:
            width = 30
            bar = "#" * (width * done // max(total, 1))
            click.echo(f"\r[{bar:<{width}}] {done}/{total} {outcome.repo}: {outcome.state}\x1b[K", err=True, nl=False)
            if done == total:
                click.echo("", err=True)
        else:
            click.echo(f"[{done}/{total}] {outcome.repo}: {outcome.state}", err=True)

    return on_outcome


@migrate_group.command("run", hidden=True)
@click.argument("name")
@click.option("--to", "to_version", metavar="VERSION", help="Target version (default: the newest).")
@click.option("--repo", "repos", multiple=True, metavar="[OWNER/]NAME", help="Only these repos (repeatable).")
@click.option("--set", "-s", "sets", multiple=True, metavar="KEY=VALUE", help="Answers for new parameters.")
@click.option("--dry-run", is_flag=True, help="Upgrade in temporary clones; push and open nothing.")
@click.option("--concurrency", type=click.IntRange(1, 64), default=2, show_default=True, help="Repos in flight.")
@click.option("--shard", metavar="I/N", help="Take only this deterministic share of the fleet (CI matrix).")
@click.option("--write-interval", type=float, default=0.0, show_default=True, help="Seconds between forge writes.")
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
    trust: bool,
    profile: str | None,
    output: str,
) -> None:
    """Run a migration campaign for golden path NAME."""
    from scaffolder import campaign, config, library
    from scaffolder.parameters import parse_set

    settings = config.load(profile)
    found = library.locate(f"{name}@{to_version}" if to_version else name, settings.libraries)
    new = found.template
    forge = config.open_forge(settings)
    targets = campaign.fleet(forge, name, repos or None, campaign.Shard.parse(shard) if shard else None)
    options = campaign.Options(
        name=name,
        new=new,
        resolve_old=lambda version: library.find(f"{name}@{version}", settings.libraries)[0],
        changelog=lambda old, to: _changelog(name, old, to, settings.libraries),
        answers=parse_set(list(sets)),
        dry_run=dry_run,
        trusted=trust or settings.trusts(found.library),
        concurrency=concurrency,
        write_interval=write_interval,
        source=found.library,
        ref=found.ref,
    )
    outcomes = campaign.run(forge, targets, options, _progress(output))
    counts = campaign.summary(outcomes)
    if output == "json":
        click.echo(json.dumps({"summary": counts, "total": len(outcomes), "to_version": new.version}, sort_keys=True))
    else:
        rows = [
            [
                o.repo,
                f"{o.from_version or '-'} -> {o.to_version}",
                o.state,
                f"#{o.pr_number}" if o.pr_number else "",
                (o.reason or ", ".join(o.conflicts) or "").splitlines()[0][:70] if (o.reason or o.conflicts) else "",
            ]
            for o in outcomes
        ]
        click.echo(table(rows, ["REPO", "VERSION", "STATE", "PR", "DETAIL"]))
        click.echo(f"\n{len(outcomes)} repos: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if counts.get("failed"):
        click.get_current_context().exit(1)


def _changelog(name: str, old: str, to: str, libraries: Any) -> str:
    from scaffolder import releases

    return releases.changelog_between(name, old, to, libraries)


@migrate_group.command("status")
@click.argument("name")
@click.option("--shard", metavar="I/N", help="Only this share of the fleet.")
@profile_option
@output_option
def status_cmd(name: str, shard: str | None, profile: str | None, output: str) -> None:
    """Where the fleet of golden path NAME stands: versions and migration PR states."""
    from dataclasses import asdict

    from scaffolder import campaign, config

    settings = config.load(profile)
    entries = campaign.status(config.open_forge(settings), name, campaign.Shard.parse(shard) if shard else None)
    versions: dict[str, int] = {}
    prs: dict[str, int] = {}
    for e in entries:
        versions[e.version or "?"] = versions.get(e.version or "?", 0) + 1
        prs[e.pr_state or "none"] = prs.get(e.pr_state or "none", 0) + 1
    failed = [e for e in entries if e.state == "failed"]
    data = {"repos": [asdict(e) for e in entries], "versions": versions, "pull_requests": prs, "failed": len(failed)}
    emit(
        output,
        data,
        lambda: (
            table(
                [
                    [
                        e.repo,
                        e.version or "?",
                        f"#{e.pr_number} {e.pr_state} (-> {e.pr_target})" if e.pr_number else "-",
                        f"FAILED: {e.error}".splitlines()[0][:70] if e.error else "",
                    ]
                    for e in entries
                ],
                ["REPO", "VERSION", "MIGRATION PR", "DETAIL"],
            )
            + "\n\nversions: "
            + ", ".join(f"{k}: {v}" for k, v in sorted(versions.items()))
            + "\npull requests: "
            + ", ".join(f"{k}: {v}" for k, v in sorted(prs.items()))
            + (f"\nfailed: {len(failed)} (their records cannot be read)" if failed else "")
        ),
    )
    if failed:
        click.get_current_context().exit(1)


COMMANDS = [migrate_group]
