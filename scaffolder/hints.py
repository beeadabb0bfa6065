"""Validation messages in words: what a text parameter expects, with an example, and a "did you mean".

A raw regular expression tells a new engineer nothing (and Backstage's repo-URL pattern runs off
the screen), so a pattern mismatch is explained by the parameter's own help text, or by a sentence
for the shapes golden paths use most (an owner, a lowercase name), and only as a last resort by the
pattern, shortened. Suggestions come from repairing the input (case, `_` and spaces) and, when the
caller knows them (the catalog's groups for an owner), from close candidates (`difflib`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scaffolder.template import Parameter

OWNER_WORDS = "an owner is group:NAME or user:NAME, e.g. group:payments"
NAME_WORDS = "lowercase letters, digits and '-', starting with a letter, e.g. orders-api"
PATTERN_SHOWN = 40  # characters of a pattern a message may show


def is_owner(param: Parameter) -> bool:
    """Whether the parameter takes a catalog owner reference (`group:NAME` or `user:NAME`)."""
    pattern = (param.pattern or "").lower()
    return "group|user" in pattern or "user|group" in pattern


def _matches(param: Parameter, text: str) -> bool:
    return param.pattern is None or re.fullmatch(param.pattern, text) is not None


def _is_lower_name(param: Parameter) -> bool:
    """Whether the pattern takes lowercase DNS-style names and nothing with capitals or `_`."""
    return all(_matches(param, t) for t in ("orders-api", "web2")) and not any(
        _matches(param, t) for t in ("Orders", "orders_api", "orders api")
    )


def shorten(pattern: str) -> str:
    """A pattern cut to a length a message can show."""
    return pattern if len(pattern) <= PATTERN_SHOWN else pattern[: PATTERN_SHOWN - 1] + "…"


def expected(param: Parameter) -> str:
    """What the parameter's pattern expects, in words with an example where one is known."""
    if is_owner(param):
        return OWNER_WORDS
    lower = _is_lower_name(param)
    if param.help:
        words = param.help if param.help[1:2].isupper() else param.help[0].lower() + param.help[1:]
        example = "" if not lower or "e.g." in words or " like " in words else ", e.g. orders-api"
        return f"expected {words}{example}"
    if lower:
        return NAME_WORDS
    return f"expected text of the form {shorten(param.pattern or '')}"


def _repairs(text: str) -> list[str]:
    """Likely intended spellings of `text`: lowercased, `_` and spaces as `-`, an owner's prefix."""
    slug = re.sub(r"[\s_]+", "-", text.strip().lower()).strip("-")
    found = [text.strip(), text.strip().lower(), slug, re.sub(r"[^a-z0-9-]", "", slug)]
    if ":" not in text:
        found += [f"group:{slug}", f"user:{slug}"]
    return list(dict.fromkeys(found))


def did_you_mean(param: Parameter, text: str, candidates: Sequence[str] = ()) -> str | None:
    """A valid answer close to `text`: a close candidate first (for an owner, the catalog's groups),
    else a repair of the input that the pattern accepts; None if nothing is close."""
    if candidates:
        bare = {c.split(":", 1)[-1]: c for c in candidates}
        import difflib  # only when a hint is needed

        close = difflib.get_close_matches(text, list(candidates), n=1, cutoff=0.6)
        close = close or [bare[m] for m in difflib.get_close_matches(text, list(bare), n=1, cutoff=0.6)]
        if close and close[0] != text and _matches(param, close[0]):
            return close[0]
    for repair in _repairs(text):
        if repair and repair != text and _matches(param, repair):
            return repair
    return None


def mismatch(param: Parameter, shown: str, text: str, candidates: Sequence[str] = ()) -> str:
    """The message for a value the pattern refuses: a suggestion first if one is close (the part a
    narrow screen must not cut), then what is expected."""
    words = expected(param)
    suggestion = None if param.secret else did_you_mean(param, text, candidates)
    if suggestion is None:
        return f"{shown} is not valid: {words}"
    return f"{shown} is not valid, did you mean {suggestion}? {words[0].upper()}{words[1:]}"


def close_choice(text: str, options: Sequence[str]) -> str | None:
    """The option closest to a mistyped choice, if one is close."""
    import difflib

    close = difflib.get_close_matches(text, list(options), n=1, cutoff=0.6)
    lowered = [o for o in options if o.lower() == text.lower()]
    found = lowered or close
    return found[0] if found else None
