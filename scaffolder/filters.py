"""The filters scaffold adds to Jinja, for skeleton files and `${{ }}` expressions alike: its own
(`slugify`, `snake`, `title_words`) and Backstage's, with Backstage's semantics."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any


def _slug(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")


def _snake(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(value).lower()).strip("_")


def _title(value: Any) -> str:
    return " ".join(w.capitalize() for w in re.split(r"[-_\s]+", str(value)) if w)


def _parse_entity_ref(value: Any, context: Any = None, namespace: str | None = None) -> dict[str, str]:
    """Backstage's `parseEntityRef`: `[kind:][namespace/]name` to {kind, namespace, name}. The
    context `{defaultKind, defaultNamespace}` fills what the ref leaves out (the namespace
    defaults to `default`; a kind must come from one or the other). A kind and a namespace may
    also be given as two plain arguments."""
    if isinstance(context, Mapping):
        default_kind, default_ns = context.get("defaultKind"), context.get("defaultNamespace")
    else:
        default_kind, default_ns = context, namespace
    if isinstance(value, Mapping):
        kind, ns, name = value.get("kind") or default_kind, value.get("namespace") or default_ns, value.get("name")
    else:
        text = str(value or "")
        if not text:
            raise ValueError("Entity reference must not be empty")
        colon, slash = text.find(":"), text.find("/")
        if slash != -1 and slash < colon:
            colon = -1
        kind = text[:colon] if colon != -1 else None
        ns = text[colon + 1 : slash] if slash != -1 else None
        name = text[max(colon + 1, slash + 1) :]
        if kind == "" or ns == "" or name == "":
            raise ValueError(f'Entity reference "{text}" was not on the form [<kind>:][<namespace>/]<name>')
        kind, ns = kind or default_kind, ns or default_ns
    if not kind:
        raise ValueError(f'Entity reference {value!r} had missing or empty kind (e.g. did not start with "component:")')
    return {"kind": str(kind), "namespace": str(ns or "default"), "name": str(name)}


def _parse_repo_url(value: Any) -> dict[str, str | None]:
    """Backstage's `parseRepoUrl`: `HOST?owner=O&repo=R` (RepoUrlPicker's value) to {host, owner,
    repo, organization, workspace, project}; `repo` is required, `owner` too unless the URL names
    a workspace, project or organization (Bitbucket, Azure, GitLab groups)."""
    from urllib.parse import parse_qs, urlsplit

    text = str(value or "")
    parts = urlsplit(f"https://{text}")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if not parts.netloc:
        raise ValueError(f"Invalid repo URL passed to publisher: {text}, missing host")
    if not query.get("repo"):
        raise ValueError(f"Invalid repo URL passed to publisher: {text}, missing repo")
    keys = ("owner", "organization", "workspace", "project")
    if not any(query.get(k) for k in keys):
        raise ValueError(f"Invalid repo URL passed to publisher: {text}, missing owner")
    return {"host": parts.netloc, "repo": query["repo"], **{k: query.get(k) for k in keys}}


def _pick(value: Any, key: Any) -> Any:
    """Backstage's `pick` (lodash `get`): the value at a path such as `name` or `a.b[0]`, or none."""
    for part in re.findall(r"[^.\[\]]+", str(key)):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list | tuple) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _dump(value: Any, spaces: int | None = None) -> str:
    """Nunjucks' `dump` (JSON.stringify), which Backstage skeletons use to quote values."""
    import json

    separators = (",", ":") if spaces is None else (",", ": ")
    return json.dumps(value, indent=spaces, separators=separators, ensure_ascii=False, default=str)


def _project_slug(value: Any) -> str:
    """Backstage's `projectSlug`: `owner/repo` of a RepoUrlPicker value."""
    parsed = _parse_repo_url(value)
    return f"{parsed['owner']}/{parsed['repo']}"


FILTERS: dict[str, Callable[..., Any]] = {
    "slugify": _slug,
    "snake": _snake,
    "title_words": _title,
    # Backstage's filters, with Backstage's semantics
    "parseEntityRef": _parse_entity_ref,
    "parseRepoUrl": _parse_repo_url,
    "pick": _pick,
    "projectSlug": _project_slug,
    "dump": _dump,
}
