"""Resources: each golden path's `template.yaml` and changelog, read when asked (so an edit shows at once)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mcp.server.mcpserver.resources import FunctionResource, Resource

from scaffolder import sources
from scaffolder.config import Settings

FILES = (("template.yaml", "application/yaml", "definition"), ("CHANGELOG.md", "text/markdown", "changelog"))


def uri(name: str, file: str) -> str:
    return f"golden-path://{name}/{file}"


def _reader(path: Path) -> Callable[[], str]:
    def read() -> str:
        return path.read_text(encoding="utf-8")

    return read


def resources(settings: Settings) -> list[Resource]:
    """One resource per file of each golden path in the settings' libraries (a broken one too: its file says why)."""
    found: list[Resource] = []
    for entry in sources.list_entries(settings.libraries):
        for file, mime, what in FILES:
            path = entry.folder / file
            if path.is_file():
                found.append(
                    FunctionResource.from_function(
                        _reader(path),
                        uri=uri(entry.name, file),
                        name=f"{entry.name}/{file}",
                        title=f"{entry.name}: {what}",
                        description=f"The {what} of golden path {entry.name} ({entry.library})",
                        mime_type=mime,
                    )
                )
    return found
