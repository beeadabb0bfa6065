"""`scaffold catalog list|show|refresh`: what is in the configured software catalog, kept true to the repos."""

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


@catalog_group.command("refresh")
@click.argument("ref", required=False, metavar="[[KIND:][NAMESPACE/]NAME]")
@profile_option
@output_option
def refresh_cmd(ref: str | None, profile: str | None, output: str) -> None:
    """Re-read entities from their repos: one entity, or every entity made from a golden path.

    The embedded catalog stores what the repo's catalog-info.yaml says now; Backstage is asked to
    refresh the entity (POST /api/catalog/refresh) and watched until it shows it.
    """
    from scaffolder import config
    from scaffolder.catalogs.sync import refresh_all

    settings = config.load(profile)
    results = refresh_all(config.open_catalog(settings), config.open_forge(settings), [ref] if ref else None)
    failed = [r for r in results if r.state == "failed"]
    data = {"entities": [r.to_json() for r in results], "failed": len(failed)}
    rows = [[r.entity_ref, r.state, r.version or "-", (r.error or "").partition("\n")[0][:70]] for r in results]
    emit(output, data, lambda: table(rows, ["ENTITY", "STATE", "TEMPLATE VERSION", "DETAIL"]))
    if failed:
        click.get_current_context().exit(1)


COMMANDS = [catalog_group]
