"""`scaffold runs`: list, remove and prune run folders."""

from __future__ import annotations

from typing import Any

import click

from scaffolder.cli._common import emit, output_option, table

PRUNABLE = ["done", "broken", "failed", "interrupted"]


def _run_row(info: Any) -> dict[str, Any]:
    from dataclasses import asdict

    from scaffolder.runs import service_name

    return {"service": service_name(info.answers), **{k: v for k, v in asdict(info).items() if k != "outputs"}}


def _runs_table(runs: list[Any]) -> str:
    from scaffolder.runs import service_name

    return table(
        [
            [
                r.run_id,
                service_name(r.answers),
                f"{r.template}@{r.version}",
                r.status,
                (r.error or "").splitlines()[0][:60] if r.error else "",
            ]
            for r in runs
        ],
        ["RUN", "SERVICE", "GOLDEN PATH", "STATUS", "ERROR"],
    )


@click.group("runs", invoke_without_command=True)
@output_option
@click.pass_context
def runs_cmd(ctx: click.Context, output: str) -> None:
    """List runs (oldest first): service, golden path, status; resume failed and interrupted ones.

    A run whose process is gone (killed, machine rebooted) shows as `interrupted`; a folder that
    is not a readable run as `broken` (remove it with `scaffold runs rm ID` or `scaffold runs prune`).
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


def _duration(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float | None:
    from scaffolder.runs import parse_duration

    try:
        return None if value is None else parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@runs_cmd.command("prune")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(PRUNABLE),
    default=("done", "broken"),
    show_default=True,
    help="Remove the runs in this status (repeatable); a running run is never pruned.",
)
@click.option(
    "--older-than",
    metavar="DURATION",
    callback=_duration,
    help="Only runs started longer ago than this, e.g. 7d, 12h, 30m or 1w.",
)
@output_option
def runs_prune_cmd(statuses: tuple[str, ...], older_than: float | None, output: str) -> None:
    """Remove the folders (workspace, journal) of finished runs: done and broken ones by default."""
    from scaffolder import config
    from scaffolder.runs import age, list_runs

    runs_dir = config.load().runs_dir
    picked = [
        r for r in list_runs(runs_dir) if r.status in statuses and (older_than is None or age(r, runs_dir) > older_than)
    ]
    _remove(picked, output)


COMMANDS = [runs_cmd]
