"""The catalog protocol: register a component, look it up, list, unregister.

An entity is a Backstage-shaped mapping (`apiVersion`, `kind`, `metadata`, `spec`). Its reference
is `kind:namespace/name` in lower case, as Backstage writes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Registration:
    """The outcome of registering: the entity's ref, where to see it, and whether it was new."""

    entity_ref: str
    url: str
    location: str
    created: bool


def entity_ref(entity: Mapping[str, Any]) -> str:
    """`component:default/orders-api` for a Component named orders-api in the default namespace."""
    kind = str(entity.get("kind", "")).lower()
    meta = entity.get("metadata") or {}
    namespace = str(meta.get("namespace") or "default").lower()
    return f"{kind}:{namespace}/{str(meta.get('name', '')).lower()}"


def parse_ref(ref: str, default_kind: str = "component") -> tuple[str, str, str]:
    """Split `[kind:][namespace/]name` into (kind, namespace, name), lower-cased."""
    kind, _, rest = ref.rpartition(":") if ":" in ref else (default_kind, "", ref)
    namespace, _, name = rest.rpartition("/") if "/" in rest else ("default", "", rest)
    return kind.lower(), namespace.lower(), name.lower()


class Catalog(Protocol):
    """A software catalog. Implementations: `SqliteCatalog` (embedded), `BackstageCatalog`."""

    kind: str

    def register(self, entity: Mapping[str, Any], location: str, dry_run: bool = False) -> Registration:
        """Register `entity`, found at `location` (a URL). Rerunning is a no-op."""
        ...

    def get(self, ref: str) -> dict[str, Any] | None:
        """The entity for `[kind:][namespace/]name`, or None."""
        ...

    def list(self, kind: str | None = "component") -> list[dict[str, Any]]:
        """Every entity of a kind (every kind when None), ordered by ref."""
        ...

    def unregister(self, ref: str) -> bool:
        """Remove the entity's location and the entity; False when it was not there."""
        ...
