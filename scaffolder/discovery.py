"""Finding a golden path's fleet: the repos made from it, in a stable order, optionally one share.

Two ways (`--discover`): ask the catalog for the entities annotated with the template they came
from (`backstage.io/source-template: template:default/NAME`, or scaffold's older
`scaffold.dev/template: NAME`) and confirm each through the record in its repo; or scan every repo
on the forge and read its record. `auto` (the default) asks the catalog when it can answer for
the golden path and scans otherwise. The record always wins: the catalog only says where to look.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urlsplit

from scaffolder import record as records
from scaffolder import yamlio
from scaffolder.catalogs.base import VERSION_ANNOTATION, annotation, entity_ref
from scaffolder.errors import CatalogError, ConfigError, ForgeError, Problem, ScaffoldError, TemplateError
from scaffolder.forges.base import Forge, Repo, RepoSpec
from scaffolder.record import RECORD_PATH, Record

if TYPE_CHECKING:
    from scaffolder.catalogs.base import Catalog
    from scaffolder.config import Settings

Discover = Literal["auto", "catalog", "forge"]
DISCOVER_CHOICES: tuple[Discover, ...] = ("auto", "catalog", "forge")
SOURCE_TEMPLATE = "backstage.io/source-template"
TEMPLATE = "scaffold.dev/template"
PROJECT_SLUG = "github.com/project-slug"
SOURCE_LOCATION = "backstage.io/source-location"
MANAGED_BY_LOCATION = "backstage.io/managed-by-location"
CONFIRM_THREADS = 8  # records read at once when confirming the catalog's answer


@dataclass(frozen=True)
class Shard:
    """`--shard I/N`: this run takes the repos whose name hashes to I (1-based) of N."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
        if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
            raise ConfigError(f"--shard must look like I/N with 1 <= I <= N, got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    def takes(self, full_name: str) -> bool:
        return zlib.crc32(full_name.lower().encode()) % self.count == self.index - 1


@dataclass
class Target:
    """One repo of the fleet and what its record says; `warning` when the catalog disagrees."""

    repo: Repo
    record: Record | None
    error: str | None = None
    warning: str | None = None

    @property
    def version(self) -> str | None:
        return self.record.template.version if self.record else None


@dataclass
class Found:
    """The fleet as found: its targets and how (`catalog` or `forge`), with why when it fell back."""

    targets: list[Target]
    how: Literal["catalog", "forge", "repos"]
    note: str | None = None
    entities: int = 0  # catalog entities that named the golden path
    problems: list[str] = field(default_factory=list)


def read_record(forge: Forge, repo: Repo) -> Record | None:
    """The record on the repo's default branch, or None when the repo was not made by scaffold."""
    data = forge.read_file(repo, RECORD_PATH)
    if data is None:
        return None
    try:
        return records.parse(data.decode("utf-8"), Path(RECORD_PATH))
    except yamlio.YamlSyntaxError as exc:
        raise TemplateError(f"{repo.full_name}: {RECORD_PATH} is malformed", [exc.problem]) from None
    except ValueError as exc:  # not UTF-8, or not a record
        problem = Problem(RECORD_PATH, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise TemplateError(f"{repo.full_name}: {RECORD_PATH} is invalid", [problem]) from None


def _reason(exc: Exception) -> str:
    return exc.render() if isinstance(exc, ScaffoldError) else f"{type(exc).__name__}: {exc}"


def _read(forge: Forge, repo: Repo) -> tuple[Record | None, str | None]:
    """The repo's record, or why it cannot be read (one repo's bad record never stops the fleet)."""
    try:
        return read_record(forge, repo), None
    except Exception as exc:  # a bug reading one repo is that repo's failure
        return None, f"unreadable record: {_reason(exc)}"


def scan(forge: Forge, name: str, repos: Iterable[Repo], shard: Shard | None, explicit: bool) -> list[Target]:
    """Read the record of every repo given (the forge's, or the `--repo`s) and keep the golden path's."""
    targets = []
    for repo in sorted(repos, key=lambda r: r.full_name.lower()):
        if shard and not shard.takes(repo.full_name):
            continue
        record, error = _read(forge, repo)
        if error:
            targets.append(Target(repo, None, error))
        elif record is not None and record.template.name == name:
            targets.append(Target(repo, record))
        elif explicit:
            targets.append(Target(repo, None, f"its record does not name {name}"))
    return targets


def explicit_repos(forge: Forge, refs: Iterable[str]) -> list[Repo]:
    """The `--repo`s, each looked up on the forge; a missing one is an error before anything runs."""
    found = []
    for ref in refs:
        owner, _, repo_name = ref.rpartition("/")
        repo = forge.get_repo(owner or forge.default_owner(), repo_name)
        if repo is None:
            raise ForgeError(f"no repo {ref!r} on the forge")
        found.append(repo)
    return found


def source_template(name: str) -> str:
    """Backstage's reference from an entity to its template: `template:default/NAME`."""
    return name if name.startswith("template:") else f"template:default/{name}"


def catalog_entities(catalog: Catalog, name: str) -> list[dict[str, Any]]:
    """The catalog's entities made from golden path `name`, by either annotation, ordered by ref."""
    found: dict[str, dict[str, Any]] = {}
    for key, value in ((SOURCE_TEMPLATE, source_template(name)), (TEMPLATE, name)):
        for entity in catalog.find(key, value):
            found.setdefault(entity_ref(entity), entity)
    return [found[ref] for ref in sorted(found)]


def slug_of_url(url: str | None) -> tuple[str, str] | None:
    """(owner, name) of the repo a Backstage location or source URL points into: GitHub's
    `…/OWNER/NAME/tree|blob/REF/…`, the embedded forge's `file:///…/OWNER/NAME.git[#REF:PATH]`."""
    if not url:
        return None
    parts = urlsplit(url[4:] if url.startswith("url:") else url)
    path = unquote(parts.path)
    path = re.split(r"/(?:tree|blob)/", path, maxsplit=1)[0].rstrip("/")
    segments = [p for p in path.split("/") if p]
    if len(segments) < 2:
        return None
    return segments[-2], segments[-1].removesuffix(".git")


def repo_of(entity: Mapping[str, Any], catalog: Catalog) -> tuple[str, str] | None:
    """The repo an entity lives in: `github.com/project-slug`, else `backstage.io/source-location`,
    else the location the catalog read it from (Backstage's conventions, in that order)."""
    slug = annotation(entity, PROJECT_SLUG)
    if slug and slug.count("/") == 1:
        owner, _, name = slug.partition("/")
        return owner, name
    for url in (annotation(entity, SOURCE_LOCATION), annotation(entity, MANAGED_BY_LOCATION)):
        found = slug_of_url(url)
        if found:
            return found
    return slug_of_url(catalog.location_of(entity_ref(entity)))


def _placeholder(owner: str, name: str) -> Repo:
    """A repo the forge does not hold, so it can still be reported by name."""
    return Repo(owner, name, "", "")


def branch_of(entity: Mapping[str, Any]) -> str | None:
    """The default branch `backstage.io/source-location` names (`…/tree/BRANCH/`), if any."""
    match = re.search(r"/tree/([^/]+)/?$", annotation(entity, SOURCE_LOCATION) or "")
    return unquote(match.group(1)) if match else None


def confirm(
    forge: Forge, name: str, entity: Mapping[str, Any], owner: str, repo_name: str, *, light: bool = False
) -> Target:
    """One catalog entity checked against its repo: gone, no record, another golden path, or a
    record whose version differs from the catalog's (the record wins; a warning says so). `light`
    reads the record straight from the repo the catalog describes (one forge call; enough for a
    status) and looks the repo up only when that fails."""
    ref = entity_ref(entity)
    branch = branch_of(entity)
    if light and branch:
        planned = forge.planned_repo(RepoSpec(name=repo_name, owner=owner, default_branch=branch))
        try:
            record = read_record(forge, planned)
        except Exception:  # gone, or unreadable: the full lookup below says which
            record = None
        if record is not None:
            return _checked(name, ref, entity, planned, record)
    try:
        repo = forge.get_repo(owner, repo_name)
    except Exception as exc:  # one repo's forge error is that repo's failure
        return Target(_placeholder(owner, repo_name), None, f"cannot read the repo: {_reason(exc)}")
    if repo is None:
        return Target(
            _placeholder(owner, repo_name), None, f"gone: the catalog entity {ref} names a repo the forge does not have"
        )
    record, error = _read(forge, repo)
    if error:
        return Target(repo, None, error)
    if record is None:
        return Target(repo, None, f"no {RECORD_PATH}, though the catalog entity {ref} says it was made from {name}")
    return _checked(name, ref, entity, repo, record)


def _checked(name: str, ref: str, entity: Mapping[str, Any], repo: Repo, record: Record) -> Target:
    """A repo with a record, checked against what its catalog entity says."""
    if record.template.name != name:
        return Target(
            repo,
            None,
            f"its record names {record.template.name}, not {name}: the catalog entity {ref} is out of date "
            "(the record wins; not migrated)",
        )
    listed = annotation(entity, VERSION_ANNOTATION)
    warning = None
    if listed and listed != record.template.version:
        warning = f"the catalog says {listed}, its record says {record.template.version} (the record wins)"
    return Target(repo, record, warning=warning)


def from_catalog(forge: Forge, catalog: Catalog, name: str, shard: Shard | None, light: bool = False) -> Found:
    """The fleet as the catalog lists it, each repo confirmed by its record (one per repo)."""
    entities = catalog_entities(catalog, name)
    found = Found([], "catalog", entities=len(entities))
    seen: set[str] = set()
    listed: list[tuple[str, str, dict[str, Any]]] = []
    for entity in entities:
        slug = repo_of(entity, catalog)
        if slug is None:
            found.problems.append(f"{entity_ref(entity)}: names no repository (no source-location or slug)")
            continue
        if f"{slug[0]}/{slug[1]}".lower() not in seen:
            seen.add(f"{slug[0]}/{slug[1]}".lower())
            listed.append((*slug, entity))
    mine = [
        (owner, repo_name, entity)
        for owner, repo_name, entity in sorted(listed, key=lambda item: f"{item[0]}/{item[1]}".lower())
        if not shard or shard.takes(f"{owner}/{repo_name}")
    ]
    # Each confirmation waits on the forge (a git process, an HTTP request): several at once.
    with ThreadPoolExecutor(max_workers=CONFIRM_THREADS) as pool:
        found.targets = list(pool.map(lambda item: confirm(forge, name, item[2], *item[:2], light=light), mine))
    return found


def find(
    forge: Forge,
    name: str,
    repos: Iterable[str] | None = None,
    shard: Shard | None = None,
    *,
    catalog: Catalog | None = None,
    discover: Discover = "forge",
    light: bool = False,
) -> Found:
    """The fleet of golden path `name`: the `--repo`s when given, else found as `discover` says
    (`light`: repos as the catalog describes them, looked up only when needed; see `confirm`)."""
    if discover not in DISCOVER_CHOICES:
        raise ConfigError(f"--discover must be one of {', '.join(DISCOVER_CHOICES)}, got {discover!r}")
    if repos:
        return Found(scan(forge, name, explicit_repos(forge, repos), shard, explicit=True), "repos")
    usable = catalog is not None and catalog.kind != "null"
    if discover == "catalog" and not usable:
        raise ConfigError("--discover catalog needs a catalog in the profile (sqlite or backstage)")
    note = None
    if discover != "forge" and catalog is not None and usable:
        try:
            found = from_catalog(forge, catalog, name, shard, light)
        except CatalogError as exc:
            if discover == "catalog":
                raise
            note = f"the catalog cannot answer ({exc.message}); scanned the forge"
        else:
            if found.entities or discover == "catalog":
                return found
            note = f"the catalog lists no entity made from {name}; scanned the forge"
    return Found(scan(forge, name, forge.list_repos(), shard, explicit=False), "forge", note)


def find_fleet(
    settings: Settings,
    forge: Forge,
    name: str,
    repos: Iterable[str] | None = None,
    shard: Shard | None = None,
    discover: Discover = "auto",
    catalog: Catalog | None = None,
    light: bool = False,
) -> Found:
    """`find` with the settings' catalog (opened only when discovery may ask it)."""
    if catalog is None and discover != "forge" and not repos:
        from scaffolder import config

        catalog = config.open_catalog(settings)
    return find(forge, name, repos, shard, catalog=catalog, discover=discover, light=light)
