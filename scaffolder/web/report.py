"""`scaffold migrate status NAME --html FILE`: the fleet page as one self-contained file (inline CSS and
SVG, no script, no network), for CI artifacts and job summaries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder.errors import ConfigError

if TYPE_CHECKING:
    from scaffolder.config import Settings
    from scaffolder.fleet import FleetStatus


def write_report(settings: Settings, name: str, status: FleetStatus, file: str | Path) -> Path:
    """Write the fleet of `name` (the `status` the CLI printed) to `file`; returns its path."""
    from scaffolder.web import pages, views

    html = pages.static_report(views.fleet(settings, name, status))
    path = Path(file)
    try:
        path.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the HTML report to {path}: {exc.strerror or exc}") from None
    return path
