"""Line endings kept as the skeleton has them through a Jinja render (Jinja turns every line ending
into its `newline_sequence`, "\\n" by default).

A file whose line endings are all CRLF (or all CR) renders with that sequence as Jinja's own, so
whitespace control and trim/lstrip blocks behave exactly as on an LF file. A file mixing endings
keeps each line's ending where its line break comes through the render: the carriage return
travels as a whitespace marker just before Jinja's "\\n" and is put back afterwards; a marker
whose line break the template removed (`-%}`, `{%-`, trim_blocks) goes with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

CRLF_MARK = "\x1f"  # unit separator: whitespace to Jinja (str.isspace), never in a text file's lines
CR_MARK = "\x1e"  # record separator: stands for a lone "\r" (an old Mac line ending)


def uniform(source: str) -> str | None:
    """The one line ending `source` uses when it has carriage returns and uses it everywhere
    ("\\r\\n" or "\\r"), else None (no carriage return, or mixed)."""
    crs = source.count("\r")
    if not crs:
        return None
    lfs = source.count("\n")
    if lfs == 0:
        return "\r"
    if lfs == crs and source.count("\r\n") == crs:
        return "\r\n"
    return None


def _trim_pattern(ends: tuple[str, ...]) -> re.Pattern[str]:
    """A block or comment end followed by a marked line break (not `+`-preserved): trim_blocks
    removes that line break, so the marker must not stand between the tag and it."""
    tags = "|".join(re.escape(end) for end in ends)
    return re.compile(rf"(?<!\+)({tags})[{CRLF_MARK}{CR_MARK}]\n")


def keep_mixed(render: Callable[[str], str], source: str, trim_ends: tuple[str, ...] = ()) -> str:
    """`render(source)` with each line's ending (CRLF, CR or LF) kept where Jinja keeps the line
    break; `trim_ends` are the block and comment ends when trim_blocks is on."""
    marked = source.replace("\r\n", CRLF_MARK + "\n").replace("\r", CR_MARK + "\n")
    if trim_ends:
        marked = _trim_pattern(trim_ends).sub(r"\1" + "\n", marked)
    out = render(marked)
    out = out.replace(CRLF_MARK + "\n", "\r\n").replace(CR_MARK + "\n", "\r")
    return out.replace(CRLF_MARK, "").replace(CR_MARK, "")
