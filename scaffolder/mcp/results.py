"""Tool answers: the CLI's `--output json` data, or its one-line error with the exit code's meaning.

Every answer is masked with the secrets met while computing it (`redact.scope`) and the tokens the
configuration names, as the CLI masks what it prints.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from mcp.types import CallToolResult, TextContent

from scaffolder import redact
from scaffolder.cli._errors import configured_tokens
from scaffolder.errors import EXIT_BUG, ScaffoldError

# What each exit code of the CLI means (its `--help`), given with every answer that has one.
MEANINGS = {
    0: "ok",
    1: "bad input, or a remote refused",
    2: "usage: the arguments do not fit the tool",
    3: "unexpected: a bug in scaffold",
    4: "an upgrade left conflicts for a human to resolve",
    5: "the repo is behind the newest version of its golden path",
    130: "interrupted",
}
EXIT_KEY = "scaffold/exit_code"


def _masked(value: Any) -> Any:
    return redact.data(value, [*redact.known(), *configured_tokens()])


def ok(data: Any, exit_code: int = 0) -> CallToolResult:
    """`data` as the CLI prints it (JSON text) and as structured content (a list under `items`)."""
    data = _masked(json.loads(json.dumps(data, default=str)))
    meta = {EXIT_KEY: exit_code, "scaffold/meaning": MEANINGS.get(exit_code, "")} if exit_code else None
    return CallToolResult(
        content=[TextContent(type="text", text=json.dumps(data, indent=2))],
        structured_content=data if isinstance(data, dict) else {"items": data},
        _meta=meta,
    )


def failed(exc: ScaffoldError) -> CallToolResult:
    """The CLI's message for `exc` (`error: ...`) and its JSON error with the exit code and its meaning."""
    data = _masked({**exc.to_json(), "meaning": MEANINGS.get(exc.exit_code, "")})
    text = redact.text(f"error: {exc.render()}", [*redact.known(), *configured_tokens()])
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data, is_error=True)


def bug(exc: Exception) -> CallToolResult:
    """An unexpected exception, reported as the CLI reports one (exit 3); its traceback, masked, goes to
    the server's stderr (the assistant's MCP log), never to the answer."""
    trace = "".join(traceback.format_exception(exc))
    print(redact.text(trace, [*redact.known(), *configured_tokens()]), file=sys.stderr, flush=True)
    message = (
        f"unexpected error (a bug in scaffold): {type(exc).__name__}: {exc}; the traceback is on the server's stderr"
    )
    data = _masked({"error": "Bug", "message": str(exc), "exit_code": EXIT_BUG, "meaning": MEANINGS[EXIT_BUG]})
    text = redact.text(message, [*redact.known(), *configured_tokens()])
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data, is_error=True)


def answer(produce: Callable[[], CallToolResult], secrets: Iterable[str] = ()) -> CallToolResult:
    """Run one tool call in its own secret scope, `secrets` known from the start."""
    with redact.scope():
        redact.remember(secrets)
        try:
            return produce()
        except ScaffoldError as exc:
            return failed(exc)
        except Exception as exc:
            return bug(exc)
