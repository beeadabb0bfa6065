"""`scaffold ci ...`: the files that run a sharded campaign on GitHub Actions or Kubernetes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from scaffolder.cli.completion import complete_golden_path


@click.group("ci")
def ci_group() -> None:
    """Write the files that run a migration campaign on CI engines, sharded.

    \b
    scaffold ci migrate-workflow NAME --shards N [--schedule CRON] [--write]
    scaffold ci migrate-job NAME --shards N --image IMAGE [--write]
    """


def _campaign_options(func: Any) -> Any:
    """The options every engine's file shares: what each shard process runs."""
    for option in reversed(
        [
            click.argument("name", shell_complete=complete_golden_path),
            click.option("--shards", type=int, required=True, help="How many shard processes split the fleet."),
            click.option("--profile", metavar="NAME", help="Config profile the shards use (SCAFFOLD_PROFILE)."),
            click.option("--concurrency", type=click.IntRange(1, 64), default=2, help="Repos in flight per shard."),
            click.option("--catalog-token-secret", metavar="SECRET", help="Secret holding BACKSTAGE_TOKEN, if needed."),
            click.option(
                "--migrate-arg",
                "extra",
                multiple=True,
                metavar="ARG",
                help="One more argument of each shard's `scaffold migrate` (repeatable), e.g. --automerge.",
            ),
            click.option("--write", is_flag=True, help="Write the file (see --path) instead of printing it."),
            click.option("--path", type=click.Path(dir_okay=False, path_type=Path), help="Where --write writes."),
            click.option("--force", is_flag=True, help="With --write: replace a file that holds something else."),
        ]
    ):
        func = option(func)
    return func


def _warn_if_unknown(name: str, profile: str | None) -> None:
    """A golden path this machine cannot find is likely a typo: say so (the CI's library may differ)."""
    from scaffolder import config, sources
    from scaffolder.errors import ScaffoldError, TemplateNotFound

    try:
        sources.resolve(name, config.load(profile))
    except TemplateNotFound as exc:
        click.echo(f"warning: {exc.message}; the shards will fail unless their library has it", err=True)
    except ScaffoldError:
        pass  # no usable config here: nothing to say about the name


def _deliver(text: str, write: bool, path: Path, force: bool) -> None:
    """Print the file, or write it (refusing to replace different content unless forced)."""
    if not write:
        click.echo(text, nl=False)
        return
    from scaffolder.errors import ConfigError

    if path.exists() and path.read_text(encoding="utf-8") != text and not force:
        raise ConfigError(f"{path} exists and holds something else; --force replaces it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    click.echo(f"wrote {path}", err=True)


@ci_group.command("migrate-workflow")
@_campaign_options
@click.option("--schedule", metavar="CRON", help="Also run on this cron schedule (UTC), e.g. '0 6 * * 1'.")
@click.option("--token-secret", default="SCAFFOLD_BOT_TOKEN", show_default=True, help="Secret holding the bot's token.")
@click.option("--config", "config_path", metavar="PATH", help="scaffold's config file, relative to the repo root.")
@click.option("--library", metavar="PATH|URL", help="Golden path library (SCAFFOLD_LIBRARY), relative to the repo.")
@click.option("--install", metavar="PIP-SPEC", help="What pip installs (default: this version of scaffold).")
@click.option("--timeout-minutes", type=click.IntRange(1, 360), default=60, show_default=True, help="Per shard.")
def migrate_workflow_cmd(
    name: str,
    shards: int,
    profile: str | None,
    concurrency: int,
    catalog_token_secret: str | None,
    extra: tuple[str, ...],
    write: bool,
    path: Path | None,
    force: bool,
    schedule: str | None,
    token_secret: str,
    config_path: str | None,
    library: str | None,
    install: str | None,
    timeout_minutes: int,
) -> None:
    """A GitHub Actions workflow running golden path NAME's campaign as a matrix of shards, then a fleet report."""
    from scaffolder import ci_files

    campaign = ci_files.Campaign(name, shards, profile, concurrency, token_secret, catalog_token_secret, extra)
    text = ci_files.workflow(
        campaign,
        schedule=schedule,
        install=install or ci_files.DEFAULT_INSTALL,
        config=config_path,
        library=library,
        timeout_minutes=timeout_minutes,
    )
    _warn_if_unknown(name, profile)
    _deliver(text, write, path or Path(ci_files.workflow_path(name)), force)


@ci_group.command("migrate-job")
@_campaign_options
@click.option("--image", required=True, metavar="IMAGE", help="scaffold's container image (see the Dockerfile).")
@click.option("--job-name", metavar="NAME", help="The Job's name (default: scaffold-migrate-NAME).")
@click.option("--parallelism", type=click.IntRange(1), help="Pods at once (default: all shards).")
@click.option("--backoff", type=click.IntRange(0, 100), default=2, show_default=True, help="Retries per shard.")
@click.option("--secret", default="scaffold-bot", show_default=True, help="Secret with key github-token.")
@click.option("--config-map", metavar="NAME", help="ConfigMap holding config.toml (mounted as SCAFFOLD_CONFIG).")
def migrate_job_cmd(
    name: str,
    shards: int,
    profile: str | None,
    concurrency: int,
    catalog_token_secret: str | None,
    extra: tuple[str, ...],
    write: bool,
    path: Path | None,
    force: bool,
    image: str,
    job_name: str | None,
    parallelism: int | None,
    backoff: int,
    secret: str,
    config_map: str | None,
) -> None:
    """A Kubernetes Indexed Job whose pod i runs shard i+1 of golden path NAME's campaign."""
    from scaffolder import ci_files

    campaign = ci_files.Campaign(
        name, shards, profile, concurrency, catalog_token_secret=catalog_token_secret, extra=extra
    )
    text = ci_files.indexed_job(
        campaign,
        image,
        job_name=job_name,
        parallelism=parallelism,
        backoff=backoff,
        secret=secret,
        config_map=config_map,
    )
    _warn_if_unknown(name, profile)
    _deliver(text, write, path or Path(f"scaffold-migrate-{name}-job.yaml"), force)


COMMANDS = [ci_group]
