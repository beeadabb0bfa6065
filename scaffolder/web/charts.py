"""Charts drawn on the server as inline SVG (no script, no network): adoption (repos per version) as
bars, and a fleet's burndown (repos behind the newest version over time) as a line. Each chart has a
title and a text description for screen readers, and every number is also printed as a label."""

from __future__ import annotations

import time
import zlib
from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

from scaffolder.history import Point

BAR = "#1f5fbf"  # 6.4:1 on white
NEWEST = "#17743a"
INK = "#1b1b1b"
GRID = "#c8c8c8"


def bars(counts: Mapping[str, int], newest: str | None, title: str, width: int = 420) -> Markup:
    """Horizontal bars, one per version (oldest at the top); the newest version drawn in green."""
    if not counts:
        return Markup(f'<p class="empty">{escape(title)}: no repos yet.</p>')
    key = f"{zlib.crc32(title.encode()):08x}"
    row, label_w = 26, 90
    height = row * len(counts) + 8
    top = max(counts.values()) or 1
    desc = ", ".join(f"{v}: {n} repo{'s' if n != 1 else ''}" for v, n in counts.items())
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' xmlns="http://www.w3.org/2000/svg" aria-labelledby="t-{key} d-{key}">',
        f'<title id="t-{key}">{escape(title)}</title><desc id="d-{key}">{escape(desc)}</desc>',
    ]
    for i, (version, count) in enumerate(counts.items()):
        y = 4 + i * row
        w = max(2, int((width - label_w - 50) * count / top))
        colour = NEWEST if version == newest else BAR
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" fill="{INK}" font-size="13">'
            f"{escape(version)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row - 8}" fill="{colour}"/>'
            f'<text x="{label_w + w + 6}" y="{y + 16}" fill="{INK}" font-size="13">{count}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def burndown(points: Sequence[Point], title: str, width: int = 640, height: int = 220) -> Markup:
    """Repos behind the newest version over time, one point per recorded run, as a step line."""
    if not points:
        return Markup(
            f'<p class="empty">{escape(title)}: no history yet (recorded by <code>scaffold migrate</code>'
            " and <code>migrate status</code>).</p>"
        )
    left, right, top_pad, bottom = 44, 16, 12, 36
    first, last = points[0].at, points[-1].at
    span = (last - first) or 1.0
    top = max(max(p.total for p in points), 1)

    def x(at: float) -> float:
        return left + (width - left - right) * ((at - first) / span if len(points) > 1 else 0.5)

    def y(n: int) -> float:
        return top_pad + (height - top_pad - bottom) * (1 - n / top)

    path = [f"M{x(first):.1f},{y(points[0].behind):.1f}"]
    path += [f"H{x(p.at):.1f} V{y(p.behind):.1f}" for p in points[1:]]
    desc = "; ".join(f"{_when(p.at)}: {p.behind} of {p.total} behind" for p in points[-12:])
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' xmlns="http://www.w3.org/2000/svg" aria-labelledby="bt db">',
        f'<title id="bt">{escape(title)}</title><desc id="db">{escape(desc)}</desc>',
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" stroke="{GRID}"/>',
        f'<line x1="{left}" y1="{y(top):.1f}" x2="{width - right}" y2="{y(top):.1f}" stroke="{GRID}"/>',
        f'<text x="{left - 6}" y="{y(0) + 4:.1f}" text-anchor="end" font-size="12" fill="{INK}">0</text>',
        f'<text x="{left - 6}" y="{y(top) + 4:.1f}" text-anchor="end" font-size="12" fill="{INK}">{top}</text>',
        f'<path d="{" ".join(path)}" fill="none" stroke="{BAR}" stroke-width="2.5"/>',
    ]
    for p in points:
        parts.append(
            f'<circle cx="{x(p.at):.1f}" cy="{y(p.behind):.1f}" r="3.5" fill="{BAR}">'
            f"<title>{escape(_when(p.at))}: {p.behind} of {p.total} behind ({escape(p.kind)})</title></circle>"
        )
    parts.append(
        f'<text x="{left}" y="{height - 10}" font-size="12" fill="{INK}">{escape(_when(first))}</text>'
        f'<text x="{width - right}" y="{height - 10}" text-anchor="end" font-size="12" fill="{INK}">'
        f"{escape(_when(last))}</text></svg>"
    )
    return Markup("".join(parts))


def _when(at: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(at)) + " UTC"
