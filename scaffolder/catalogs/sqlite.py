"""The embedded catalog: entities and the locations they came from, in one SQLite file.

Every write is one transaction, so a failure leaves nothing half-written. An entity's `url` is
`sqlite:///ABS/PATH/catalog.db#KIND:NAMESPACE/NAME` (the database's file URI with the `sqlite`
scheme and the entity ref as fragment). Entities are checked against Backstage's rules first.
"""

from __future__ import annotations

import builtins
import json
import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scaffolder.catalogs.base import Registration, entity_ref, members_in, parse_ref
from scaffolder.errors import CatalogError, Problem

SCHEMA_VERSION = 2  # 2: indexes on the annotations that name an entity's golden path
# Annotations a query can find through an index (`find`): the golden path an entity came from.
INDEXED_ANNOTATIONS = ("backstage.io/source-template", "scaffold.dev/template")


def _annotation_sql(key: str) -> str:
    """The SQL expression reading one annotation from an entity's JSON body (indexed for some keys)."""
    return "json_extract(body, '$.metadata.annotations.\"" + key.replace('"', "").replace("'", "") + "\"')"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS locations (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS entities (
    ref TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    location_id INTEGER NOT NULL REFERENCES locations(id),
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_kind ON entities(kind);
""" + "".join(
    f"CREATE INDEX IF NOT EXISTS entities_annotation_{i} ON entities({_annotation_sql(key)});\n"
    for i, key in enumerate(INDEXED_ANNOTATIONS)
)
# Backstage: 1-63 chars, sequences of [a-zA-Z0-9] separated by one of [-_.].
NAME = re.compile(r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$")
# Namespaces are DNS labels.
NAMESPACE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KIND = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_DNS_LABEL = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?"
# `[dns-subdomain/]version`, like backstage.io/v1alpha1.
API_VERSION = re.compile(rf"^(?:{_DNS_LABEL}(?:\.{_DNS_LABEL})*/)?[A-Za-z0-9]{{1,63}}$")
REQUIRED_SPEC = {"component": ("type", "lifecycle", "owner")}


def validate_entity(entity: Any) -> list[Problem]:
    """Every way `entity` breaks Backstage's entity envelope rules (empty when it is valid)."""
    if not isinstance(entity, Mapping):
        return [Problem("entity", "must be a mapping")]
    problems: list[Problem] = []
    api, kind, meta = entity.get("apiVersion"), entity.get("kind"), entity.get("metadata")
    if not isinstance(api, str) or not API_VERSION.match(api):
        problems.append(Problem("apiVersion", "is required, like backstage.io/v1alpha1"))
    if not isinstance(kind, str) or not KIND.match(kind) or len(kind) > 63:
        problems.append(Problem("kind", "is required: letters and digits, like Component"))
    if not isinstance(meta, Mapping):
        problems.append(Problem("metadata", "is required and must be a mapping"))
        meta = {}
    name, namespace = meta.get("name"), meta.get("namespace")
    if not isinstance(name, str) or not NAME.match(name) or len(name) > 63:
        problems.append(
            Problem(
                "metadata.name",
                f"{name!r} must be 1-63 characters of [A-Za-z0-9] separated by '-', '_' or '.'",
            )
        )
    if namespace is not None and (
        not isinstance(namespace, str) or not NAMESPACE.match(namespace) or len(namespace) > 63
    ):
        problems.append(Problem("metadata.namespace", f"{namespace!r} must be a DNS label"))
    spec = entity.get("spec", {})
    if not isinstance(spec, Mapping):
        problems.append(Problem("spec", "must be a mapping"))
        spec = {}
    for key in REQUIRED_SPEC.get(str(kind).lower(), ()):
        value = spec.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(f"spec.{key}", f"is required for a {kind}"))
    return problems


def _describe(entity: Any) -> str:
    """A name for a possibly malformed entity, for error messages."""
    meta = entity.get("metadata") if isinstance(entity, Mapping) else None
    name = meta.get("name") if isinstance(meta, Mapping) else None
    return f"entity {name!r}" if isinstance(name, str) and name else "the entity"


class SqliteCatalog:
    """A catalog in a SQLite file (WAL mode); the schema is created on the first write."""

    kind = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = Path(path).expanduser().resolve()

    def url(self, ref: str) -> str:
        """Where an entity lives in this catalog: `sqlite:///…/catalog.db#kind:namespace/name`."""
        return "sqlite" + self.path.as_uri().removeprefix("file") + "#" + ref

    # -- connections -----------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed when the block ends, rolled back on any error."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._open()
        except (OSError, sqlite3.Error) as exc:
            raise CatalogError(f"cannot open the catalog {self.path}: {exc}") from None
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.executescript(_SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise CatalogError(f"the catalog {self.path} failed: {exc}") from None
        finally:
            conn.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection | None]:
        """A connection for reading, or None when the catalog has never been written."""
        if not self.path.is_file():
            yield None
            return
        try:
            conn = self._open()
        except sqlite3.Error as exc:
            raise CatalogError(f"cannot open the catalog {self.path}: {exc}") from None
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] < 1:
                yield None
            else:
                yield conn
        except sqlite3.Error as exc:
            raise CatalogError(f"the catalog {self.path} failed: {exc}") from None
        finally:
            conn.close()

    # -- the Catalog protocol --------------------------------------------------------------------

    def register(self, entity: Mapping[str, Any], location: str, dry_run: bool = False) -> Registration:
        problems = validate_entity(entity)
        if not location:
            problems.append(Problem("location", "is required"))
        if problems:
            raise CatalogError(f"cannot register {_describe(entity)}: it is invalid", problems)
        ref = entity_ref(entity)
        body = json.dumps(entity, sort_keys=True, default=str)
        if dry_run:
            with self._read() as conn:
                existing = self._existing(conn, ref) if conn is not None else None
            self._check_location(ref, existing, location)
            return Registration(ref, self.url(ref), location, created=existing is None)
        with self._write() as conn:
            existing = self._existing(conn, ref)
            self._check_location(ref, existing, location)
            location_id = self._ensure_location(conn, location)
            self._write_entity(conn, ref, entity, location_id, body)
        return Registration(ref, self.url(ref), location, created=existing is None)

    def get(self, ref: str) -> dict[str, Any] | None:
        kind, namespace, name = parse_ref(ref)
        with self._read() as conn:
            if conn is None:
                return None
            row = conn.execute("SELECT body FROM entities WHERE ref = ?", (f"{kind}:{namespace}/{name}",)).fetchone()
        return json.loads(row[0]) if row else None

    def list(self, kind: str | None = "component") -> list[dict[str, Any]]:
        with self._read() as conn:
            if conn is None:
                return []
            if kind is None:
                rows = conn.execute("SELECT body FROM entities ORDER BY ref").fetchall()
            else:
                rows = conn.execute("SELECT body FROM entities WHERE kind = ? ORDER BY ref", (kind.lower(),)).fetchall()
        return [json.loads(body) for (body,) in rows]

    def find(self, annotation: str, value: str) -> builtins.list[dict[str, Any]]:
        """Every entity whose annotation `annotation` is `value`, ordered by ref: one indexed
        query for the golden-path annotations (`INDEXED_ANNOTATIONS`)."""
        if annotation in INDEXED_ANNOTATIONS and self._schema_version() < SCHEMA_VERSION:
            with self._write():  # an older catalog file gains the indexes once
                pass
        with self._read() as conn:
            if conn is None:
                return []
            rows = conn.execute(
                f"SELECT body FROM entities WHERE {_annotation_sql(annotation)} = ? ORDER BY ref", (value,)
            ).fetchall()
        return [json.loads(body) for (body,) in rows]

    def query_plan(self, annotation: str, value: str) -> str:
        """SQLite's plan for `find` (how it finds the rows: a SEARCH through an index or a SCAN)."""
        with self._read() as conn:
            if conn is None:
                return ""
            rows = conn.execute(
                f"EXPLAIN QUERY PLAN SELECT body FROM entities WHERE {_annotation_sql(annotation)} = ? ORDER BY ref",
                (value,),
            ).fetchall()
        return "\n".join(str(row[-1]) for row in rows)

    def _schema_version(self) -> int:
        if not self.path.is_file():
            return SCHEMA_VERSION  # nothing to upgrade: the first write creates the current schema
        with self._read() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0]) if conn is not None else 0

    def members(self, group: str) -> builtins.list[dict[str, Any]]:
        """The users of a group, from users' `spec.memberOf` and the group's `spec.members`."""
        kind, namespace, name = parse_ref(group, "group")
        return members_in(self.list("user"), self.get(f"{kind}:{namespace}/{name}"), f"{kind}:{namespace}/{name}")

    def unregister(self, ref: str) -> bool:
        kind, namespace, name = parse_ref(ref)
        full = f"{kind}:{namespace}/{name}"
        with self._write() as conn:
            row = conn.execute("SELECT location_id FROM entities WHERE ref = ?", (full,)).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM entities WHERE ref = ?", (full,))
            conn.execute(
                "DELETE FROM locations WHERE id = ? AND NOT EXISTS (SELECT 1 FROM entities WHERE location_id = ?)",
                (row[0], row[0]),
            )
        return True

    def location_of(self, ref: str) -> str | None:
        kind, namespace, name = parse_ref(ref)
        with self._read() as conn:
            existing = self._existing(conn, f"{kind}:{namespace}/{name}") if conn is not None else None
        return existing[0] if existing else None

    def refresh(self, ref: str, current: Mapping[str, Any] | None) -> bool:
        """Store `current` (what the entity's location holds now) in place of the entity."""
        kind, namespace, name = parse_ref(ref)
        full = f"{kind}:{namespace}/{name}"
        if current is None:
            raise CatalogError(f"cannot refresh {full}: its location cannot be read")
        problems = validate_entity(current)
        if problems:
            raise CatalogError(f"cannot refresh {full}: its location now holds an invalid entity", problems)
        if entity_ref(current) != full:
            raise CatalogError(f"cannot refresh {full}: its location now describes {entity_ref(current)}")
        body = json.dumps(current, sort_keys=True, default=str)
        with self._write() as conn:
            existing = self._existing(conn, full)
            if existing is None:
                raise CatalogError(f"cannot refresh {full}: it is not in the catalog")
            if existing[1] == body:
                return False
            conn.execute("UPDATE entities SET body = ? WHERE ref = ?", (body, full))
        return True

    def locations(self) -> builtins.list[str]:
        """Every registered location target, sorted."""
        with self._read() as conn:
            if conn is None:
                return []
            rows = conn.execute("SELECT target FROM locations ORDER BY target").fetchall()
        return [target for (target,) in rows]

    # -- steps of a registration (separate so a test can fail one mid-transaction) ----------------

    @staticmethod
    def _existing(conn: sqlite3.Connection, ref: str) -> tuple[str, str] | None:
        row = conn.execute(
            "SELECT l.target, e.body FROM entities e JOIN locations l ON l.id = e.location_id WHERE e.ref = ?",
            (ref,),
        ).fetchone()
        return (row[0], row[1]) if row else None

    @staticmethod
    def _check_location(ref: str, existing: tuple[str, str] | None, location: str) -> None:
        if existing is not None and existing[0] != location:
            raise CatalogError(
                f"conflict: {ref} is already registered from location {existing[0]}",
                [Problem("location", f"{location} differs; unregister {ref} first to move it")],
            )

    @staticmethod
    def _ensure_location(conn: sqlite3.Connection, target: str) -> int:
        conn.execute("INSERT OR IGNORE INTO locations (target) VALUES (?)", (target,))
        row = conn.execute("SELECT id FROM locations WHERE target = ?", (target,)).fetchone()
        return int(row[0])

    @staticmethod
    def _write_entity(
        conn: sqlite3.Connection, ref: str, entity: Mapping[str, Any], location_id: int, body: str
    ) -> None:
        conn.execute(
            "INSERT INTO entities (ref, kind, location_id, body) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(ref) DO UPDATE SET body = excluded.body WHERE body != excluded.body",
            (ref, ref.partition(":")[0], location_id, body),
        )
