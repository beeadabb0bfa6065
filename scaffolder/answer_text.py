"""How answers read in the terminal: the hint beside a question, a value in the review, the
command that reruns a cancelled wizard. Plain text only (the wizard does the prompting)."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from scaffolder.template import Parameter


def hint(param: Parameter) -> str | None:
    """The instruction shown beside the question: the help text, bounds, how to answer."""
    parts: list[str] = []
    if param.help:
        parts.append(param.help)
    if param.type == "integer":
        if param.minimum is not None and param.maximum is not None:
            parts.append(f"{param.minimum} to {param.maximum}")
        elif param.minimum is not None:
            parts.append(f"at least {param.minimum}")
        elif param.maximum is not None:
            parts.append(f"at most {param.maximum}")
    if param.type == "choice" and parts:
        parts.append("arrow keys to move")
    if param.type == "multi-choice":
        parts.append("space to select, enter to accept")
    if param.type in ("string", "integer") and not param.required:
        parts.append("optional")
    return f"({'; '.join(parts)})" if parts else None


def hide(param: Parameter, raw: Any, message: str) -> str:
    """A validation message with a secret's value taken out."""
    if param.secret and str(raw):
        message = message.replace(repr(raw), "(hidden)").replace(str(raw), "(hidden)")
    return message


def show(value: Any) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def flag(value: Any) -> str:
    """An answer as `--set` text (`coerce` reads it back)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def rerun(ref: str, public: Mapping[str, Any]) -> str:
    sets = " ".join(f"--set {shlex.quote(f'{k}={flag(v)}')}" for k, v in public.items())
    return f"scaffold new {shlex.quote(ref)} {sets}"
