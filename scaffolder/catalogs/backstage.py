"""Backstage's software catalog, through its REST API (`/api/catalog`), with the standard library.

Locations. Backstage registers *locations* (where a `catalog-info.yaml` lives), not entities; it
reads the file and ingests the entities in it. `location` may be

- an `http(s)://` URL: a `url` location (the host must be readable by Backstage: an integration
  such as GitHub, or a host listed under `backend.reading.allow`);
- a local path, a `file://` URL or a `file:` location ref: a `file` location. The path is read
  *by the Backstage backend*, so it must exist on that machine, and the backend must allow `file`
  locations (stock Backstage accepts only `url`; `catalog.locations` or a module calling
  `setAllowedLocationTypes(['url', 'file'])` opens it, as the test backend does);
- a `url:<target>` location ref.

`register` checks first and writes last: it validates the entity (`POST /validate-entity`), then
reads the location without storing anything (`POST /locations?dryRun=true`) and checks it holds
the expected entity, and only then adds the location (`POST /locations`) and waits until the
entity is visible. Rerunning is a no-op. Deleting a location (`unregister`) removes every entity
that came from it.

`Registration.url` is the entity's page in the Backstage UI, `{app_url}/catalog/{namespace}/
{kind}/{name}`, when `app_url` is given; otherwise it is the entity's API URL,
`{base_url}/api/catalog/entities/by-name/{kind}/{namespace}/{name}`.
"""

from __future__ import annotations

import builtins
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from scaffolder import redact
from scaffolder.catalogs.base import Registration, entity_ref, matches, parse_ref
from scaffolder.errors import CatalogError, Problem

ORIGIN_LOCATION = "backstage.io/managed-by-origin-location"
MANAGED_BY_LOCATION = "backstage.io/managed-by-location"
PAGE_SIZE = 500


class _Response:
    """A decoded answer: the status and the JSON body (None when empty or not JSON)."""

    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body

    def error_message(self) -> str:
        """Backstage's `{"error": {"name", "message"}}` message, or a generic one."""
        error = self.body.get("error") if isinstance(self.body, dict) else None
        if isinstance(error, dict) and error.get("message"):
            return _clean(str(error["message"]))
        return f"HTTP {self.status}"


def _clean(message: str) -> str:
    """Drop the error-class prefixes Backstage repeats (`InputError: InputError: …`)."""
    for prefix in ("InputError: ",):
        while message.startswith(prefix):
            message = message[len(prefix) :]
    return message.strip()


def location_spec(location: str) -> tuple[str, str]:
    """`(type, target)` of a location: `url` for http(s) URLs and `url:` refs, else `file`."""
    if not location or not location.strip():
        raise CatalogError("cannot register: the location is empty")
    location = location.strip()
    if location.startswith("url:"):
        return "url", location[4:]
    if location.startswith("file://"):
        return "file", unquote(urlsplit(location).path)
    if location.startswith("file:"):
        return "file", location[5:]
    scheme = urlsplit(location).scheme.lower()
    if scheme in ("http", "https"):
        return "url", location
    if len(scheme) > 1:  # one letter is a Windows drive
        raise CatalogError(f"cannot register {location}: Backstage reads http(s) URLs and local files only")
    return "file", str(Path(location).expanduser().resolve())


class BackstageCatalog:
    """A Backstage catalog backend at `base_url` (e.g. `https://backstage.example.com`).

    `token` is sent as `Authorization: Bearer …` (a static external-access token or a service
    token). `wait_timeout` bounds how long `register` waits for Backstage to ingest a new
    location, polling every `poll_interval` seconds. `app_url` is the Backstage UI, used for
    `Registration.url`. `request_timeout` bounds each HTTP request.
    """

    kind = "backstage"

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        wait_timeout: float = 30.0,
        poll_interval: float = 0.5,
        *,
        app_url: str | None = None,
        request_timeout: float = 30.0,
    ) -> None:
        base = base_url.rstrip("/")
        self.base_url = base.removesuffix("/api/catalog")
        self.api_url = f"{self.base_url}/api/catalog"
        self._token = token or None
        self.wait_timeout = wait_timeout
        self.poll_interval = poll_interval
        self.app_url = app_url.rstrip("/") if app_url else None
        self.request_timeout = request_timeout

    def __repr__(self) -> str:  # never the token
        return f"BackstageCatalog({self.base_url!r}, token={'***' if self._token else None})"

    def url(self, ref: str) -> str:
        """Where a person (with `app_url`) or a client (without) finds the entity."""
        kind, namespace, name = parse_ref(ref)
        if self.app_url:
            return f"{self.app_url}/catalog/{_q(namespace)}/{_q(kind)}/{_q(name)}"
        return f"{self.api_url}/entities/by-name/{_q(kind)}/{_q(namespace)}/{_q(name)}"

    # -- HTTP ------------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        ok: tuple[int, ...] = (200,),
        expected: tuple[int, ...] = (),
        what: str = "",
    ) -> _Response:
        """Call the catalog API. Statuses in `ok` or `expected` return; anything else raises."""
        import http.client
        import urllib.error
        import urllib.request

        headers = {"Accept": "application/json", "User-Agent": "scaffold"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        request = urllib.request.Request(self.api_url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.request_timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise CatalogError(f"Backstage catalog at {self.base_url} is unreachable: {reason}") from None
        try:
            decoded: Any = json.loads(raw) if raw else None
        except ValueError:
            decoded = None
        # An answer that echoes the request (its Authorization header) must not carry the token
        # into an error message.
        decoded = redact.data(decoded, [self._token] if self._token else [])
        answer = _Response(status, decoded)
        if status in ok or status in expected:
            return answer
        doing = what or f"{method} {path.partition('?')[0]}"
        if status == 401:
            raise CatalogError(
                f"the Backstage token was refused by {self.base_url} (401 "
                f"{answer.error_message()}) while trying to {doing}",
                [
                    Problem(
                        "token",
                        "set a valid token (e.g. BACKSTAGE_TOKEN)"
                        if self._token
                        else "no token was given; set one (e.g. BACKSTAGE_TOKEN)",
                    )
                ],
            )
        if status == 403:
            raise CatalogError(
                f"Backstage at {self.base_url} does not allow this token to {doing}: {answer.error_message()}"
            )
        raise CatalogError(f"Backstage at {self.base_url} failed to {doing} ({status}): {answer.error_message()}")

    # -- checks ----------------------------------------------------------------------------------

    def validate(self, entity: Mapping[str, Any], location: str) -> None:
        """Check `entity` with Backstage's own processors; CatalogError lists every error.

        Nothing is stored and `location` is not read: it only fills the location annotations.
        """
        kind, target = location_spec(location)
        ref_target = target if kind == "url" else Path(target).as_uri()
        answer = self._request(
            "POST",
            "/validate-entity",
            {"location": f"url:{ref_target}", "entity": dict(entity)},
            expected=(400,),
            what="validate an entity",
        )
        if answer.status == 400:
            raise CatalogError(
                f"Backstage rejected {_describe(entity)}",
                [Problem(_describe(entity), m) for m in _error_list(answer)],
            )

    def _dry_run(self, kind: str, target: str, ref: str, dry_run: bool) -> bool | None:
        """Read the location without storing it: whether it is registered already (None when a
        dry run cannot read it yet). Raises when it cannot be read or lacks the entity."""
        answer = self._request(
            "POST",
            "/locations?dryRun=true",
            {"type": kind, "target": target},
            ok=(200, 201),
            expected=(400, 404),
            what=f"check the location {kind}:{target}",
        )
        if answer.status != 201 and answer.status != 200:
            message = answer.error_message()
            if dry_run and message.startswith("NotFoundError"):
                return None  # not published yet: fine for a dry run, the entity was validated
            raise CatalogError(
                f"Backstage cannot register {ref} from {kind}:{target}",
                [Problem(f"{kind}:{target}", message)],
            )
        body = answer.body if isinstance(answer.body, dict) else {}
        found = {entity_ref(e) for e in body.get("entities") or [] if isinstance(e, dict)}
        if ref not in found:
            others = sorted(r for r in found if not r.startswith("location:"))
            raise CatalogError(
                f"the location {kind}:{target} does not describe {ref}",
                [Problem(f"{kind}:{target}", f"it holds {', '.join(others) or 'no entities'}")],
            )
        return bool(body.get("exists"))

    # -- the Catalog protocol --------------------------------------------------------------------

    def register(self, entity: Mapping[str, Any], location: str, dry_run: bool = False) -> Registration:
        """Validate, dry-run, then add `location` and wait until `entity` is visible.

        A rerun is a no-op (`created=False`). With `dry_run`, stop after the checks; a location
        that does not exist yet (not pushed in a dry run) is then accepted.
        """
        kind, target = location_spec(location)
        ref = entity_ref(entity)
        self.validate(entity, location)
        existing = self.get(ref)
        if existing is not None:
            origin = _annotation(existing, ORIGIN_LOCATION) or _annotation(existing, MANAGED_BY_LOCATION)
            if origin and origin != f"{kind}:{target}":
                raise CatalogError(
                    f"conflict: {ref} is already registered from location {origin}",
                    [Problem("location", f"{kind}:{target} differs; unregister {ref} first")],
                )
        exists = self._dry_run(kind, target, ref, dry_run)
        if dry_run:
            return Registration(ref, self.url(ref), location, created=not exists)
        created = False
        if not exists:
            answer = self._request(
                "POST",
                "/locations",
                {"type": kind, "target": target},
                ok=(200, 201),
                expected=(409,),  # registered between the dry run and now
                what=f"register the location {kind}:{target}",
            )
            created = answer.status != 409
        if existing is None:
            self._wait_visible(ref, kind, target)
        return Registration(ref, self.url(ref), location, created=created)

    def _wait_visible(self, ref: str, kind: str, target: str) -> None:
        deadline = time.monotonic() + self.wait_timeout
        while True:
            if self.get(ref) is not None:
                return
            if time.monotonic() >= deadline:
                break
            time.sleep(max(0.0, min(self.poll_interval, deadline - time.monotonic())))
        problems = [Problem(f"{kind}:{target}", m) for m in self._processing_errors(kind, target)]
        raise CatalogError(
            f"{ref} was registered from {kind}:{target} but is not yet visible in Backstage "
            f"after {self.wait_timeout:g} s; rerun to wait again",
            problems,
        )

    def _processing_errors(self, kind: str, target: str) -> builtins.list[str]:
        """Errors Backstage recorded while processing the location's entity, if any."""
        try:
            answer = self._request("GET", "/locations", what="list locations")
            for item in answer.body or []:
                data = item.get("data", item) if isinstance(item, dict) else {}
                if data.get("type") == kind and data.get("target") == target:
                    k, ns, name = parse_ref(str(data.get("entityRef", "")))
                    entity = self.get(f"{k}:{ns}/{name}")
                    items = ((entity or {}).get("status") or {}).get("items") or []
                    return [_clean(str(i.get("message", ""))) for i in items if i.get("message")]
        except CatalogError:
            pass
        return []

    def get(self, ref: str) -> dict[str, Any] | None:
        kind, namespace, name = parse_ref(ref)
        answer = self._request(
            "GET",
            f"/entities/by-name/{_q(kind)}/{_q(namespace)}/{_q(name)}",
            expected=(404,),
            what=f"read {kind}:{namespace}/{name}",
        )
        if answer.status == 404 or not isinstance(answer.body, dict):
            return None
        return answer.body

    def list(self, kind: str | None = "component") -> builtins.list[dict[str, Any]]:
        return self._query(f"kind={kind.lower()}" if kind is not None else None)

    def members(self, group: str) -> builtins.list[dict[str, Any]]:
        """The users of a group through Backstage's own `memberOf` relations (which it builds from
        users' `spec.memberOf` and the group's `spec.members`)."""
        kind, namespace, name = parse_ref(group, "group")
        return self._query(f"kind=user,relations.memberof={kind}:{namespace}/{name}")

    def _query(self, filter_: str | None) -> builtins.list[dict[str, Any]]:
        """Every entity matching a `by-query` filter, page by page, ordered by ref."""
        query: dict[str, str | int] = {"limit": PAGE_SIZE}
        if filter_ is not None:
            query["filter"] = filter_
        entities: builtins.list[dict[str, Any]] = []
        while True:
            answer = self._request("GET", f"/entities/by-query?{urlencode(query)}", what="list entities")
            body = answer.body if isinstance(answer.body, dict) else {}
            entities.extend(e for e in body.get("items") or [] if isinstance(e, dict))
            cursor = (body.get("pageInfo") or {}).get("nextCursor")
            if not cursor:
                break
            query = {"limit": PAGE_SIZE, "cursor": cursor}
        return sorted(entities, key=entity_ref)

    def find(self, annotation: str, value: str) -> builtins.list[dict[str, Any]]:
        """Every entity whose annotation `annotation` is `value`, ordered by ref: Backstage filters
        (`GET /entities/by-query?filter=metadata.annotations.KEY=VALUE`), paging with its cursor."""
        if "," in value or "," in annotation:
            raise CatalogError(f"cannot query Backstage for {annotation}={value}: a filter value holds no comma")
        return self._query(f"metadata.annotations.{annotation}={value}")

    def unregister(self, ref: str) -> bool:
        """Delete the location `ref` came from (and so every entity from that location)."""
        kind, namespace, name = parse_ref(ref)
        full = f"{kind}:{namespace}/{name}"
        answer = self._request(
            "GET",
            f"/locations/by-entity/{_q(kind)}/{_q(namespace)}/{_q(name)}",
            expected=(404,),
            what=f"find the location of {full}",
        )
        location_id: str | None = None
        if answer.status == 200 and isinstance(answer.body, dict) and answer.body.get("id"):
            location_id = str(answer.body["id"])
        else:
            entity = self.get(full)
            if entity is None:
                return False
            location_id = self._location_id_from_annotations(entity)
            if location_id is None:
                raise CatalogError(
                    f"cannot unregister {full}: no registered location manages it",
                    [Problem(full, "it may come from app-config or an entity provider")],
                )
        deleted = self._request(
            "DELETE",
            f"/locations/{_q(location_id)}",
            ok=(200, 204),
            expected=(404,),
            what=f"delete the location of {full}",
        )
        return deleted.status != 404

    def location_of(self, ref: str) -> str | None:
        """The entity's `backstage.io/managed-by-location` (`url:…` or `file:…`), or None."""
        entity = self.get(ref)
        return _annotation(entity, MANAGED_BY_LOCATION) if entity is not None else None

    def refresh(self, ref: str, current: Mapping[str, Any] | None) -> bool:
        """Ask Backstage to reprocess the entity and its location (`POST /refresh`), then, when
        `current` is known, wait until Backstage shows it. True when the entity changed."""
        kind, namespace, name = parse_ref(ref)
        full = f"{kind}:{namespace}/{name}"
        before = self.get(full)
        if before is None:
            raise CatalogError(f"cannot refresh {full}: it is not in the Backstage catalog at {self.base_url}")
        if current is not None and matches(before, current):
            return False
        self._request("POST", "/refresh", {"entityRef": full}, ok=(200, 204), what=f"refresh {full}")
        if current is None:
            return True
        deadline, shown = time.monotonic() + self.wait_timeout, self.get(full)
        while time.monotonic() < deadline:
            time.sleep(self.poll_interval)
            shown = self.get(full)
            if shown is not None and matches(shown, current):
                return True
        raise CatalogError(
            f"Backstage was asked to refresh {full} but does not show its new content after "
            f"{self.wait_timeout:g} s; it will catch up on its next processing cycle (rerun to check)",
            [Problem(full, m) for m in self._errors_of(shown)],
        )

    @staticmethod
    def _errors_of(entity: Mapping[str, Any] | None) -> builtins.list[str]:
        items = ((entity or {}).get("status") or {}).get("items") or []
        return [_clean(str(i.get("message", ""))) for i in items if isinstance(i, dict) and i.get("message")]

    def _location_id_from_annotations(self, entity: Mapping[str, Any]) -> str | None:
        keys = (ORIGIN_LOCATION, MANAGED_BY_LOCATION)
        wanted = {a for a in (_annotation(entity, key) for key in keys) if a}
        answer = self._request("GET", "/locations", what="list locations")
        for item in answer.body or []:
            data = item.get("data", item) if isinstance(item, dict) else {}
            if f"{data.get('type')}:{data.get('target')}" in wanted and data.get("id"):
                return str(data["id"])
        return None


def _q(segment: str) -> str:
    return quote(segment, safe="")


def _annotation(entity: Mapping[str, Any], key: str) -> str | None:
    annotations = (entity.get("metadata") or {}).get("annotations") or {}
    value = annotations.get(key) if isinstance(annotations, Mapping) else None
    return str(value) if value else None


def _describe(entity: Mapping[str, Any]) -> str:
    try:
        ref = entity_ref(entity)
    except AttributeError:
        return "the entity"
    return ref if not ref.endswith("/") and not ref.startswith(":") else "the entity"


def _error_list(answer: _Response) -> builtins.list[str]:
    """Every message in Backstage's `{"errors": [...]}` (validate-entity) or `{"error": ...}`."""
    body = answer.body if isinstance(answer.body, dict) else {}
    errors = body.get("errors")
    if not isinstance(errors, builtins.list) or not errors:
        return [answer.error_message()]
    messages = []
    for error in errors:
        if not isinstance(error, dict):
            messages.append(str(error))
            continue
        # "Policy check failed for …; caused by Error: <the rule>": the cause says it plainly.
        cause = error.get("cause")
        chosen = cause if isinstance(cause, dict) and cause.get("message") else error
        messages.append(_clean(str(chosen.get("message", error))))
    return messages
