"""Command line: `python -m {{ values.name | snake }} --input data/sales.csv --output out/daily.jsonl`.

Paths default to $PIPELINE_INPUT / $PIPELINE_OUTPUT / $PIPELINE_REJECTS. Exits 1 when more than
--max-reject-ratio of the records are rejected, so a bad batch fails the run loudly.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import asdict
from pathlib import Path

from . import PIPELINE_NAME
from .pipeline import run

log = logging.getLogger(PIPELINE_NAME)
DEFAULT_OUTPUT = "out/daily_totals.{{ values.output_format }}"


def main(argv: list[str] | None = None) -> int:
    env = os.environ
    parser = argparse.ArgumentParser(prog=PIPELINE_NAME, description=__doc__)
    source = env.get("PIPELINE_INPUT", "data/sales.csv")
    target = env.get("PIPELINE_OUTPUT", DEFAULT_OUTPUT)
    parser.add_argument("--input", type=Path, default=Path(source), help="CSV or JSON Lines")
    parser.add_argument("--output", type=Path, default=Path(target), help=".jsonl, .csv or .json")
    parser.add_argument("--rejects", type=Path, default=env.get("PIPELINE_REJECTS") or None)
    parser.add_argument("--max-reject-ratio", type=float, default=0.1, help="fail above this")
    args = parser.parse_args(argv)
    logging.basicConfig(level=env.get("LOG_LEVEL", "INFO").upper(), format="%(message)s")
    summary = run(args.input, args.output, args.rejects)
    ok = summary.reject_ratio <= args.max_reject_ratio
    log.info(json.dumps({"pipeline": PIPELINE_NAME, **asdict(summary), "ok": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
