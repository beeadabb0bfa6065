"""Keeping secrets out of text and data before anything is shown, logged or written.

Besides masking with the secrets a caller holds, a command (the CLI) or a run opens a `scope`
that remembers every secret met meanwhile (`remember`): secret answers, values computed from
them, tokens. Messages, JSON errors, crash logs and `debug:log` mask with them too (`known`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from scaffolder.errors import Problem, ScaffoldError

MASK = "********"

_known: ContextVar[set[str] | None] = ContextVar("scaffold_secrets", default=None)

E = TypeVar("E", bound=ScaffoldError)


@contextmanager
def scope() -> Iterator[set[str]]:
    """Remember secrets until the end of this block (an enclosing scope, if any, is reused)."""
    current = _known.get()
    if current is not None:
        yield current
        return
    fresh: set[str] = set()
    token = _known.set(fresh)
    try:
        yield fresh
    finally:
        _known.reset(token)


def remember(secrets: Iterable[str]) -> None:
    """Add secrets that later messages of the current scope must not show (none outside a scope)."""
    current = _known.get()
    if current is not None:
        current.update(s for s in secrets if s)


def known() -> list[str]:
    """Every secret remembered in the current scope."""
    return list(_known.get() or ())


def text(value: str, secrets: Iterable[str]) -> str:
    """`value` with every secret replaced by a mask (longest first, so overlaps mask fully)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        value = value.replace(secret, MASK)
    return value


def data(value: Any, secrets: Iterable[str]) -> Any:
    """Mask secrets in every string inside nested dicts and lists (keys included)."""
    secrets = list(secrets)
    if not secrets:
        return value
    if isinstance(value, str):
        return text(value, secrets)
    if isinstance(value, dict):
        return {data(k, secrets): data(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [data(v, secrets) for v in value]
    return value


def error(exc: E, secrets: Iterable[str]) -> E:
    """Mask secrets in an error's message and problems, in place, before it is raised on."""
    secrets = [s for s in secrets if s]
    if not secrets:
        return exc
    exc.message = text(exc.message, secrets)
    exc.problems = tuple(Problem(text(p.where, secrets), text(p.message, secrets)) for p in exc.problems)
    exc.args = (exc.render(),)
    return exc
