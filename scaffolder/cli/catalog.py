"""`scaffold catalog list|show`: what is in the configured software catalog."""

from __future__ import annotations

import click

from scaffolder.cli._common import emit, output_option, profile_option, table


@click.group("catalog")
def catalog_group() -> None:
    """Look at the software catalog (embedded: SQLite at $SCAFFOLD_HOME/catalog.db)."""


@catalog_group.command("list")
@click.option("--kind", default="component", show_default=True, help="Entity kind ('all' for every kind).")
@profile_option
@output_option
def list_cmd(kind: str, profile: str | None, output: str) -> None:
    """List catalog entities."""
    from scaffolder import config
    from scaffolder.catalogs.base import entity_ref

    entities = config.open_catalog(config.load(profile)).list(None if kind == "all" else kind)
    rows = [
        [
            entity_ref(e),
            str((e.get("spec") or {}).get("owner", "")),
            str((e.get("spec") or {}).get("type", "")),
            str((e.get("spec") or {}).get("lifecycle", "")),
        ]
        for e in entities
    ]
    emit(output, entities, lambda: table(rows, ["ENTITY", "OWNER", "TYPE", "LIFECYCLE"]))


@catalog_group.command("show")
@click.argument("ref", metavar="[KIND:][NAMESPACE/]NAME")
@profile_option
@output_option
def show_cmd(ref: str, profile: str | None, output: str) -> None:
    """Show one catalog entity."""
    from scaffolder import config, yamlio
    from scaffolder.errors import CatalogError

    entity = config.open_catalog(config.load(profile)).get(ref)
    if entity is None:
        raise CatalogError(f"no entity {ref!r} in the catalog")
    emit(output, entity, lambda: yamlio.dump(entity).rstrip())


COMMANDS = [catalog_group]
