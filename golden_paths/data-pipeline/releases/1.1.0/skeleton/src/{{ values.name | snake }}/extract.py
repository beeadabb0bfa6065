"""Extract: read raw records from CSV or JSON Lines, one dict per record, nothing interpreted."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FORMATS = (".csv", ".jsonl", ".ndjson")


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """Yield each record of `path`; the format follows the file suffix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            yield from csv.DictReader(handle)
    elif suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError(f"{path}:{number}: expected a JSON object per line")
                yield record
    else:
        raise ValueError(f"unsupported input {path.name!r}: use one of {', '.join(FORMATS)}")
