"""`scaffold config show`: the effective configuration, secrets masked."""

from __future__ import annotations

import click

from scaffolder.cli._common import emit, output_option, profile_option


@click.group("config")
def config_group() -> None:
    """Inspect the configuration (file from SCAFFOLD_CONFIG; env vars override)."""


@config_group.command("show")
@profile_option
@output_option
def show_cmd(profile: str | None, output: str) -> None:
    """Print the effective configuration with tokens masked."""
    from scaffolder import config, yamlio

    data = config.load(profile).masked()
    emit(output, data, lambda: yamlio.dump(data).rstrip())


COMMANDS = [config_group]
