"""Keep the catalog true to the repos: re-read an entity's location through the forge and bring
the catalog's copy up to date (SQLite stores it; Backstage is asked to refresh and watched).

This runs after a pull request is merged (`scaffold forge merge`, or a merge seen by `scaffold
migrate status`) and for `scaffold catalog refresh`. A location is read through the forge when it
is one of the forge's file URLs (the embedded forge's `file:///…/NAME.git#REF:PATH`, GitHub's
`…/OWNER/NAME/blob/REF/PATH` or `/tree/`), or from disk when it is a plain file.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from scaffolder import yamlio
from scaffolder.catalogs.base import VERSION_ANNOTATION, Catalog, annotation, entity_ref, parse_ref
from scaffolder.errors import CatalogError, ScaffoldError
from scaffolder.forges.base import Forge, Repo
from scaffolder.forges.local import parse_blob_url

CATALOG_INFO = "catalog-info.yaml"
TEMPLATE_ANNOTATIONS = ("scaffold.dev/template", "backstage.io/source-template")
State = Literal["refreshed", "requested", "unchanged", "failed"]
# GitHub's file URLs: …/OWNER/NAME/blob/REF/PATH (Backstage writes …/tree/REF/PATH).
_GITHUB_FILE = re.compile(r"/([^/]+)/([^/]+)/(?:blob|tree)/([^/]+)/(.+)$")


@dataclass
class Refreshed:
    """What refreshing one entity did, and the template version the catalog now shows."""

    entity_ref: str
    state: State
    location: str | None = None
    version: str | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _repo_file(forge: Forge, owner: str, name: str, path: str, ref: str) -> bytes | None:
    repo = forge.get_repo(owner, name)
    return forge.read_file(repo, path, ref) if repo is not None else None


def read_location(forge: Forge, location: str) -> bytes | None:
    """The bytes at a catalog location, read through the forge (or from disk); None when it is
    not a location scaffold can read."""
    target = location[4:] if location.startswith("url:") else location
    if target.startswith("file:") and not target.startswith("file://"):
        target = target[5:]
    parts = urlsplit(target)
    if parts.scheme == "file" and "#" in target:
        bare, ref, path = parse_blob_url(target)
        return _repo_file(forge, bare.parent.name, bare.name.removesuffix(".git"), path, ref)
    if parts.scheme in ("http", "https"):
        match = _GITHUB_FILE.search(unquote(parts.path))
        if match is None:
            return None
        owner, name, ref, path = match.groups()
        return _repo_file(forge, owner, name, path, ref)
    local = Path(unquote(parts.path) if parts.scheme == "file" else target)
    return local.read_bytes() if local.is_file() else None


def _entity(data: bytes | None, where: str) -> dict[str, Any] | None:
    """The entity in a catalog-info file, or None when there is none."""
    if data is None:
        return None
    try:
        doc = yamlio.plain(yamlio.load(Path(where), data.decode("utf-8")))
    except yamlio.YamlSyntaxError as exc:
        raise CatalogError(f"cannot read the entity at {where}", [exc.problem]) from None
    return doc if isinstance(doc, dict) else None


def refresh_entity(catalog: Catalog, forge: Forge, ref: str) -> Refreshed:
    """Re-read one entity's location and bring the catalog's copy up to date."""
    kind, namespace, name = parse_ref(ref)
    full = f"{kind}:{namespace}/{name}"
    location: str | None = None
    try:
        location = catalog.location_of(full)
        if location is None:
            return Refreshed(full, "failed", error=f"{full} is not in the catalog")
        current = _entity(read_location(forge, location), location)
        changed = catalog.refresh(full, current)
        shown = catalog.get(full)
    except ScaffoldError as exc:
        return Refreshed(full, "failed", location, error=exc.render())
    except (OSError, UnicodeDecodeError) as exc:
        return Refreshed(full, "failed", location, error=f"cannot read {location}: {exc}")
    # Backstage was asked to refresh a location scaffold cannot read: it will, but unwatched.
    state: State = ("refreshed" if current is not None else "requested") if changed else "unchanged"
    return Refreshed(full, state, location, annotation(shown, VERSION_ANNOTATION))


def made_by_scaffold(entity: dict[str, Any]) -> bool:
    """Whether an entity names the golden path it came from."""
    return any(annotation(entity, key) for key in TEMPLATE_ANNOTATIONS)


def refresh_all(catalog: Catalog, forge: Forge, refs: list[str] | None = None) -> list[Refreshed]:
    """Refresh the given entities, or every entity made from a golden path."""
    if refs is None:
        refs = [entity_ref(e) for e in catalog.list(None) if made_by_scaffold(e)]
    return [refresh_entity(catalog, forge, ref) for ref in refs]


def refresh_repo(catalog: Catalog, forge: Forge, repo: Repo) -> Refreshed | None:
    """Refresh the entity a repo's `catalog-info.yaml` describes, when the catalog holds it
    (None when the repo has no such file or the catalog does not know the entity)."""
    try:
        entity = _entity(forge.read_file(repo, CATALOG_INFO), f"{repo.full_name}:{CATALOG_INFO}")
        if entity is None:
            return None
        ref = entity_ref(entity)
        if catalog.location_of(ref) is None:
            return None
    except ScaffoldError as exc:
        return Refreshed(f"{repo.full_name}:{CATALOG_INFO}", "failed", error=exc.render())
    return refresh_entity(catalog, forge, ref)
