"""The catalog protocol: register a component, look it up, list, unregister.

An entity is a Backstage-shaped mapping (`apiVersion`, `kind`, `metadata`, `spec`). Its reference
is `kind:namespace/name` in lower case, as Backstage writes it.
"""

from __future__ import annotations

import builtins
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

    def find(self, annotation: str, value: str) -> builtins.list[dict[str, Any]]:
        """Every entity whose annotation `annotation` equals `value`, ordered by ref (the catalog
        answers the query: an index in SQLite, a filter in Backstage)."""
        ...

    def unregister(self, ref: str) -> bool:
        """Remove the entity's location and the entity; False when it was not there."""
        ...

    def location_of(self, ref: str) -> str | None:
        """The location the entity was registered from (a URL), or None when it is not there."""
        ...

    def refresh(self, ref: str, current: Mapping[str, Any] | None) -> bool:
        """Bring the stored entity up to date with its location, whose entity now is `current`
        (None when scaffold cannot read the location). True when the stored entity changed."""
        ...

    def members(self, group: str) -> builtins.list[dict[str, Any]]:
        """The User entities that are members of a group (`[group:][namespace/]name`), ordered by ref."""
        ...


VERSION_ANNOTATION = "scaffold.dev/template-version"


def matches(stored: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Whether `stored` already says what `current` (the location's entity) says: the same spec
    and every annotation of `current` (a catalog adds annotations of its own)."""
    mine = (stored.get("metadata") or {}).get("annotations") or {}
    theirs = (current.get("metadata") or {}).get("annotations") or {}
    same_annotations = all(mine.get(key) == value for key, value in theirs.items())
    return same_annotations and (stored.get("spec") or {}) == (current.get("spec") or {})


def annotation(entity: Mapping[str, Any] | None, key: str) -> str | None:
    """One annotation's value, or None."""
    annotations = ((entity or {}).get("metadata") or {}).get("annotations") or {}
    value = annotations.get(key) if isinstance(annotations, Mapping) else None
    return str(value) if value is not None else None


def members_in(users: list[dict[str, Any]], group: Mapping[str, Any] | None, ref: str) -> list[dict[str, Any]]:
    """The users among `users` that belong to group `ref`, as Backstage relates them: a user's
    `spec.memberOf` names the group, or the group's `spec.members` names the user."""
    wanted = parse_ref(ref, "group")
    listed = {parse_ref(str(m), "user") for m in ((group or {}).get("spec") or {}).get("members") or []}
    found = []
    for user in users:
        member_of = {parse_ref(str(g), "group") for g in (user.get("spec") or {}).get("memberOf") or []}
        if wanted in member_of or parse_ref(entity_ref(user)) in listed:
            found.append(user)
    return sorted(found, key=entity_ref)
