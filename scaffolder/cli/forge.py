"""`scaffold forge repos`: what is on the configured forge."""

from __future__ import annotations

import click

from scaffolder.cli._common import emit, output_option, profile_option, table


@click.group("forge")
def forge_group() -> None:
    """Look at the forge (embedded: bare git repos under $SCAFFOLD_HOME/forge)."""


@forge_group.command("repos")
@click.option("--owner", default=None, help="Only this owner's repos.")
@profile_option
@output_option
def repos_cmd(owner: str | None, profile: str | None, output: str) -> None:
    """List repositories on the forge."""
    from scaffolder import config

    repos = config.open_forge(config.load(profile)).list_repos(owner)
    data = [
        {"full_name": r.full_name, "url": r.url, "clone_url": r.clone_url, "description": r.description} for r in repos
    ]
    emit(output, data, lambda: table([[d["full_name"], d["clone_url"]] for d in data], ["REPO", "CLONE URL"]))


COMMANDS = [forge_group]
