"""Command line: `python -m {{ values.name | snake }}` serves; `--healthcheck` probes a running one."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import urllib.request

from .server import serve

DEFAULT_PORT = {{ values.port }}
DEFAULT_LOG_LEVEL = "{{ values.log_level | upper }}"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def healthcheck(port: int) -> int:
    """0 when the local server answers /healthz, 1 otherwise (for Docker's HEALTHCHECK)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="{{ values.name }}", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)))
    parser.add_argument(
        "--log-level",
        type=str.upper,
        choices=LOG_LEVELS,
        default=os.environ.get("LOG_LEVEL", DEFAULT_LOG_LEVEL).upper(),
        help="DEBUG, INFO, WARNING or ERROR (LOG_LEVEL overrides the default)",
    )
    parser.add_argument("--healthcheck", action="store_true", help="probe /healthz and exit")
    args = parser.parse_args(argv)
    if args.healthcheck:
        return healthcheck(args.port)
    logging.basicConfig(level=args.log_level, format="%(message)s")
    serve(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
