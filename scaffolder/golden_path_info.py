"""What the golden paths are, as the stable JSON of `scaffold list|show|versions --output json`.

The CLI and the MCP server both answer from here, so a bot gets the same data from either.
"""

from __future__ import annotations

from typing import Any

from scaffolder import sources
from scaffolder.config import Settings
from scaffolder.sources import Release
from scaffolder.template import Parameter


def list_data(settings: Settings) -> list[dict[str, Any]]:
    """Every golden path of every library, a broken one with its error instead of its metadata."""
    return [
        {
            "name": e.name,
            "version": e.template.version if e.template else None,
            "title": e.template.model.metadata.title if e.template else None,
            "owner": e.template.model.metadata.owner if e.template else None,
            "lifecycle": e.template.model.metadata.lifecycle if e.template else None,
            "library": e.library,
            "path": str(e.folder),
            "error": e.error.render() if e.error else None,
        }
        for e in sources.list_entries(settings.libraries)
    ]


def param_data(p: Parameter) -> dict[str, Any]:
    """One parameter: its type, default, help and the condition (`when`) under which it is asked."""
    return {
        "id": p.id,
        "type": p.type,
        "title": p.title,
        "help": p.help,
        "required": p.required,
        "default": p.default,
        "choices": [c.value for c in p.choices] if p.choices else None,
        "pattern": p.pattern,
        "minimum": p.minimum,
        "maximum": p.maximum,
        "when": p.when,
        "secret": p.secret,
    }


def show_data(ref: str, settings: Settings) -> dict[str, Any]:
    """A golden path's metadata, parameters and steps (`ref`: NAME[@VERSION], a path or URL)."""
    found = sources.resolve(ref, settings)
    template = found.template
    meta = template.model.metadata
    return {
        "name": meta.name,
        "title": meta.title,
        "description": meta.description,
        "owner": meta.owner,
        "lifecycle": meta.lifecycle,
        "tags": meta.tags,
        "version": template.version,
        "library": found.library,
        "path": str(template.path),
        "parameters": [param_data(p) for p in template.parameters],
        "steps": [{"id": s.id, "action": s.action, "if": s.if_} for s in template.steps],
    }


def versions_data(name: str, settings: Settings) -> list[dict[str, Any]]:
    """A golden path's released versions, newest first, each with its changelog entry."""
    return [release_data(r) for r in reversed(sources.resolve(name, settings).versions())]


def release_data(r: Release) -> dict[str, Any]:
    """One released version: where it comes from and its changelog entry."""
    return {
        "version": r.version,
        "current": r.current,
        "ref": r.ref,
        "library": r.library,
        "date": r.date,
        "changelog": r.changelog,
    }
