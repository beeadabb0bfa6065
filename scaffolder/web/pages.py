"""The dashboard's HTML: Jinja2 templates shipped in `scaffolder/web/templates` (autoescaped), rendered the
same way by the server and by the static report (which inlines the stylesheet and needs no network)."""

from __future__ import annotations

import json
import time
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape

from scaffolder import __version__
from scaffolder.web import charts
from scaffolder.web.views import STATES, Fleet, select


@cache
def environment() -> Environment:
    """The templates' environment: autoescaped, strict about undefined names, with the chart helpers."""
    from jinja2 import StrictUndefined

    env = Environment(
        loader=PackageLoader("scaffolder.web", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(bars=charts.bars, burndown=charts.burndown, version=__version__, when=_when, STATES=STATES)
    env.filters["query"] = lambda params: urlencode({k: v for k, v in params.items() if v})
    env.filters["answer"] = lambda value: value if isinstance(value, str) else json.dumps(value)
    return env


@cache
def stylesheet() -> str:
    return (files("scaffolder.web") / "static" / "style.css").read_text(encoding="utf-8")


def _when(at: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(at)) if at else ""


def render(page: str, **context: Any) -> str:
    """One page; `static=True` inlines the stylesheet and leaves out scripts and forms."""
    context.setdefault("static", False)
    context.setdefault("actions", False)
    context.setdefault("csrf", "")
    context.setdefault("flash", None)
    if context["static"]:
        context["stylesheet"] = stylesheet()
    return environment().get_template(page).render(**context)


def fleet_context(fleet: Fleet, query: dict[str, str]) -> dict[str, Any]:
    """What the fleet page and the static report show: the selected rows and the filter state."""
    return {
        "fleet": fleet,
        "rows": select(fleet.rows, query),
        "query": {k: query.get(k, "") for k in ("owner", "state", "version", "sort", "dir")},
    }


def static_report(fleet: Fleet) -> str:
    """`migrate status NAME --html FILE`: the fleet page as one self-contained file."""
    return render("fleet.html", static=True, generated=time.time(), **fleet_context(fleet, {}))
