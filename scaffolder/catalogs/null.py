"""A catalog that holds nothing and reaches nothing: for renders, which must never touch the network.

`register` answers with a placeholder registration (not created) whatever `dry_run` says;
lookups find nothing.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from scaffolder.catalogs.base import Registration, entity_ref


class NullCatalog:
    """The catalog handed to renders (`scaffold upgrade`): every call is a no-op."""

    kind = "null"

    def register(self, entity: Mapping[str, Any], location: str, dry_run: bool = False) -> Registration:
        ref = entity_ref(entity)
        return Registration(entity_ref=ref, url=f"null:{ref}", location=location, created=False)

    def get(self, ref: str) -> dict[str, Any] | None:
        return None

    def list(self, kind: str | None = "component") -> list[dict[str, Any]]:
        return []

    def find(self, annotation: str, value: str) -> builtins.list[dict[str, Any]]:
        return []

    def members(self, group: str) -> builtins.list[dict[str, Any]]:
        return []

    def unregister(self, ref: str) -> bool:
        return False

    def location_of(self, ref: str) -> str | None:
        return None

    def refresh(self, ref: str, current: Mapping[str, Any] | None) -> bool:
        return False
