"""Side effects of a run: what it changed outside its run folder, seen at the forge and catalog.

Actions reach the outside world only through the forge and the catalog they are handed, so the
runner hands them watched ones: any call that writes marks that side effects began, and what it
made (a repo's URL, a catalog entry's ref) is noted. A run that fails before any write created
nothing, so its folder can go; one that fails after says exactly what exists and how to finish.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from scaffolder.catalogs.base import Catalog
from scaffolder.forges.base import Forge

# Methods of a forge or catalog that change something; every other call only reads.
FORGE_WRITES = frozenset(
    {"create_repo", "push", "open_pull_request", "update_pull_request", "merge_pull_request", "close_pull_request"}
)
CATALOG_WRITES = frozenset({"register", "unregister"})

Note = Callable[[str, str], None]  # (what, which): e.g. ("repository", url)


def _made(method: str, args: tuple[Any, ...], kwargs: dict[str, Any], result: Any) -> tuple[str, str] | None:
    """What one write made, as (what, which); None for a write that makes nothing to report."""
    if method in ("create_repo", "push"):
        repo = result if method == "create_repo" else (args[0] if args else kwargs.get("repo"))
        url = getattr(repo, "url", None)
        return ("repository", str(url)) if url else None
    if method == "register":
        if kwargs.get("dry_run") or (len(args) > 2 and args[2]):
            return None
        ref = getattr(result, "entity_ref", None)
        return ("catalog_entry", str(ref)) if ref else None
    if method.endswith("pull_request"):
        url = getattr(result, "url", None)
        return ("pull_request", str(url)) if url else None
    return None


class _Watched:
    """Stands in for a forge or catalog, noting each write it passes on."""

    def __init__(self, inner: object, writes: frozenset[str], note: Note, began: Callable[[], None]) -> None:
        self._inner = inner
        self._writes = writes
        self._note = note
        self._began = began

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name not in self._writes or not callable(attr):
            return attr

        def write(*args: Any, **kwargs: Any) -> Any:
            if not (name == "register" and (kwargs.get("dry_run") or (len(args) > 2 and args[2]))):
                self._began()  # a write that fails may still have landed: it counts
            result = attr(*args, **kwargs)
            made = _made(name, args, kwargs, result)
            if made is not None:
                self._note(*made)
            return result

        return write


class Effects:
    """What one run changed outside its folder; `created` maps what to which (its URL or ref)."""

    def __init__(self, created: dict[str, str] | None = None, on_change: Callable[[], object] | None = None) -> None:
        self.created: dict[str, str] = dict(created or {})
        self.began = bool(self.created)
        self._on_change: Callable[[], object] = on_change or (lambda: None)

    def _mark(self) -> None:
        if not self.began:
            self.began = True
            self._on_change()

    def _note(self, what: str, which: str) -> None:
        if self.created.get(what) != which:
            self.created[what] = which
            self._on_change()

    def forge(self, forge: Forge) -> Forge:
        return cast(Forge, _Watched(forge, FORGE_WRITES, self._note, self._mark))

    def catalog(self, catalog: Catalog) -> Catalog:
        return cast(Catalog, _Watched(catalog, CATALOG_WRITES, self._note, self._mark))

    def describe(self) -> str:
        """`repository URL, catalog_entry REF` for messages; empty when nothing is known by name."""
        return ", ".join(f"{what.replace('_', ' ')} {which}" for what, which in self.created.items())
