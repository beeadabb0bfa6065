"""Keeping secrets out of text and data before anything is shown, logged or written."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MASK = "********"


def text(value: str, secrets: Iterable[str]) -> str:
    """`value` with every secret replaced by a mask (longest first, so overlaps mask fully)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        value = value.replace(secret, MASK)
    return value


def data(value: Any, secrets: Iterable[str]) -> Any:
    """Mask secrets in every string inside nested dicts and lists."""
    secrets = list(secrets)
    if not secrets:
        return value
    if isinstance(value, str):
        return text(value, secrets)
    if isinstance(value, dict):
        return {k: data(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [data(v, secrets) for v in value]
    return value
