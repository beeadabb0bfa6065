"""The native Python tools, run in their own process by the suite: cookiecutter's and copier's own APIs.

    python native_py.py cookiecutter TEMPLATE OUTPUT_DIR ANSWERS_JSON
    python native_py.py copy TEMPLATE DEST ANSWERS_JSON VCS_REF
    python native_py.py update DEST ANSWERS_JSON VCS_REF

Prints one JSON line: {"ok": true, "dir": ...} or {"ok": false, "error": "..."}. Hooks, tasks and extensions
run, as they do when a user runs these tools (cookiecutter's user config and replay are not read).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _answers(path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def main(argv: list[str]) -> int:
    """Run one native operation and print its JSON line."""
    kind, *args = argv
    try:
        if kind == "cookiecutter":
            from cookiecutter.main import cookiecutter

            out = cookiecutter(
                args[0],
                no_input=True,
                extra_context=_answers(args[2]),
                output_dir=args[1],
                default_config=True,
                accept_hooks=True,
            )
            result = {"ok": True, "dir": out}
        elif kind == "copy":
            import copier

            copier.run_copy(
                args[0], args[1], data=_answers(args[2]), defaults=True, unsafe=True, vcs_ref=args[3], quiet=True
            )
            result = {"ok": True, "dir": args[1]}
        elif kind == "update":
            import copier

            copier.run_update(
                args[0], data=_answers(args[1]), defaults=True, unsafe=True, vcs_ref=args[2], overwrite=True, quiet=True
            )
            result = {"ok": True, "dir": args[0]}
        else:
            result = {"ok": False, "error": f"unknown operation {kind}"}
    except BaseException as exc:  # the tool's own failure, whatever it is, is the result
        text = str(exc).strip().splitlines()
        result = {"ok": False, "error": f"{type(exc).__name__}: {text[0] if text else ''}".strip()}
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
