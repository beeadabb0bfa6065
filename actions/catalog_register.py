"""`catalog:register`: register the workspace's catalog-info.yaml in the catalog under a location.

The location is the URL the catalog will know the entity by (usually `repo:create`'s
`catalog_info_url`); rerunning with the same location is a no-op.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from scaffolder.action import (
    ActionContext,
    ActionInput,
    ActionOutput,
    CatalogError,
    Example,
    Problem,
    define_action,
    yamlio,
)


class Input(ActionInput):
    target: str = Field(min_length=1, description="Location URL of catalog-info.yaml")
    catalog_info_path: str = Field("catalog-info.yaml", description="The entity file inside the workspace")


class Output(ActionOutput):
    entity_ref: str = Field(description="kind:namespace/name")
    entity_url: str = Field(description="Where the entity can be seen in the catalog")
    location: str
    created: bool = Field(description="False when the entity was already registered")


def _entity(ctx: ActionContext, relative: str) -> dict[str, Any]:
    path = ctx.resolve(relative)
    if not path.is_file():
        raise CatalogError("catalog:register has no entity to register", [Problem(relative, f"no file {path}")])
    try:
        doc = yamlio.plain(yamlio.load(path))
    except yamlio.YamlSyntaxError as exc:
        raise CatalogError(f"cannot read {relative}", [exc.problem]) from None
    if not isinstance(doc, dict):
        raise CatalogError(f"cannot read {relative}", [Problem(relative, "must be a mapping")])
    return doc


def run(ctx: ActionContext, inp: Input) -> Output:
    entity = _entity(ctx, inp.catalog_info_path)
    reg = ctx.catalog.register(entity, location=inp.target, dry_run=ctx.dry_run)
    return Output(entity_ref=reg.entity_ref, entity_url=reg.url, location=reg.location, created=reg.created)


action = define_action(
    id="catalog:register",
    description="Register the workspace's catalog-info.yaml in the software catalog.",
    input=Input,
    output=Output,
    handler=run,
    supports_dry_run=True,
    examples=(
        Example(
            "Register the entity repo:create published",
            {"target": "file:///srv/scaffold/forge/local/orders-api.git#main:catalog-info.yaml"},
        ),
        Example(
            "Register an entity file kept elsewhere in the repo",
            {
                "target": "https://github.com/acme/orders-api/blob/main/docs/catalog-info.yaml",
                "catalog_info_path": "docs/catalog-info.yaml",
            },
        ),
    ),
)
