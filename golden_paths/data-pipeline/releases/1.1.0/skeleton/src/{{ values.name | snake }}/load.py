"""Load: write rows as JSON Lines, CSV or one JSON array, atomically, so readers never see a
half-written file."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def render(rows: Sequence[dict[str, Any]], suffix: str) -> str:
    """The file content for `rows` in the format named by `suffix`."""
    if suffix in (".jsonl", ".ndjson"):
        return "".join(json.dumps(row, sort_keys=True) + "\n" for row in rows)
    if suffix == ".json":
        return json.dumps(list(rows), sort_keys=True, indent=2) + "\n"
    if suffix == ".csv":
        buffer = io.StringIO()
        fields = list(rows[0]) if rows else []
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    raise ValueError(f"unsupported output suffix {suffix!r}: use .jsonl, .csv or .json")


def write_rows(rows: Sequence[dict[str, Any]], path: Path) -> int:
    """Write `rows` to `path` (format from its suffix) and return how many were written."""
    text = render(rows, path.suffix.lower())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(rows)
