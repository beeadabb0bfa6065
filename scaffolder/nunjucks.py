"""Backstage's templating semantics (nunjucks, and `nunjitsu` since scaffolder-backend 4.0.3) on
scaffold's Jinja sandbox, for Backstage templates only; scaffold's own format stays strict.

What differs from Jinja, as Backstage renders it: an undefined value prints empty and looking a
member up on it is undefined again (no error); values print as JavaScript prints them (`true`,
`a,b` for a list, nothing for null); `+` is JavaScript's (`"a" + 1` is `a1`, and an undefined
value inside it is the text `undefined`); `===` and `!==` compare; `obj.key` reads a mapping's key
(never a Python method), and strings and lists have the JavaScript members templates use
(`.length`, `.toUpperCase()`, `.startsWith()`, `.includes()`, `.split()`, ...).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal

from jinja2 import ChainableUndefined, Undefined
from jinja2.exceptions import SecurityError
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.runtime import Context

from scaffolder.filters import FILTERS as SCAFFOLD_FILTERS
from scaffolder.sandbox import MAX_LENGTH, Sandbox

Dialect = Literal["jinja", "nunjucks"]


class JsUndefined(ChainableUndefined):
    """JavaScript's `undefined` as nunjucks treats it: prints empty, member lookups give it back."""

    __slots__ = ()

    def __str__(self) -> str:
        return ""


def js_string(value: Any) -> str:
    """`String(value)` in JavaScript, for the values a template sees (JSON-like data)."""
    if isinstance(value, Undefined):
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, list | tuple):
        return ",".join("" if v is None or isinstance(v, Undefined) else js_string(v) for v in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)


def finalize(value: Any) -> Any:
    """What `${{ value }}` prints: nothing for undefined and null, JavaScript's text otherwise."""
    if value is None or isinstance(value, Undefined):
        return ""
    return value if isinstance(value, str) else js_string(value)


def _number(value: Any) -> float | int:
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    return math.nan


def js_add(left: Any, right: Any) -> Any:
    """JavaScript's `+`: text when either side is text, a list or an object, else a number."""
    texty = (str, list, tuple, Mapping)
    if isinstance(left, texty) or isinstance(right, texty):
        return js_string(left) + js_string(right)
    result = _number(left) + _number(right)
    return result


def _split(text: str, sep: Any = None, limit: Any = None) -> list[str]:
    if sep is None or isinstance(sep, Undefined):
        parts = [text]
    elif sep == "":
        parts = list(text)
    else:
        parts = text.split(str(sep))
    return parts if limit is None else parts[: int(limit)]


def _slice(value: Any, start: int = 0, end: int | None = None) -> Any:
    return value[start:end]


def _replace(text: str, old: Any, new: Any) -> str:
    return text.replace(str(old), js_string(new), 1)


def _width(n: Any) -> int:
    """A pad width, refused past what the sandbox lets one step build (`sandbox.MAX_LENGTH`)."""
    width = int(n)
    if width > MAX_LENGTH:
        raise SecurityError(f"padding to {width:,} characters, over the limit a template may build in one step")
    return width


def _index(value: Any, item: Any) -> int:
    try:
        return int(value.index(item))
    except ValueError:
        return -1


_STRING: dict[str, Callable[[str], Any]] = {
    "length": len,
    "toUpperCase": lambda s: lambda: s.upper(),
    "toLowerCase": lambda s: lambda: s.lower(),
    "trim": lambda s: lambda: s.strip(),
    "trimStart": lambda s: lambda: s.lstrip(),
    "trimEnd": lambda s: lambda: s.rstrip(),
    "startsWith": lambda s: lambda p: s.startswith(str(p)),
    "endsWith": lambda s: lambda p: s.endswith(str(p)),
    "includes": lambda s: lambda p: str(p) in s,
    "indexOf": lambda s: lambda p: s.find(str(p)),
    "replace": lambda s: lambda old, new: _replace(s, old, new),
    "replaceAll": lambda s: lambda old, new: s.replace(str(old), js_string(new)),
    "split": lambda s: lambda sep=None, limit=None: _split(s, sep, limit),
    "slice": lambda s: lambda start=0, end=None: _slice(s, start, end),
    "substring": lambda s: lambda start=0, end=None: s[max(0, start) : end],
    "charAt": lambda s: lambda i=0: s[i] if 0 <= i < len(s) else "",
    "concat": lambda s: lambda *more: s + "".join(js_string(m) for m in more),
    "padStart": lambda s: lambda n, fill=" ": s.rjust(_width(n), str(fill)[:1] or " "),
    "padEnd": lambda s: lambda n, fill=" ": s.ljust(_width(n), str(fill)[:1] or " "),
    "toString": lambda s: lambda: s,
}
_LIST: dict[str, Callable[[Any], Any]] = {
    "length": len,
    "includes": lambda v: lambda item: item in v,
    "indexOf": lambda v: lambda item: _index(v, item),
    "join": lambda v: lambda sep=",": str(sep).join(js_string([x]) for x in v),
    "slice": lambda v: lambda start=0, end=None: list(_slice(v, start, end)),
    "concat": lambda v: lambda *more: [*v, *(x for m in more for x in (m if isinstance(m, list) else [m]))],
}


class StrictEquals(Extension):
    """Reads JavaScript's `===` and `!==` (Jinja lexes them as `==`/`!=` then `=`) as `==`/`!=`."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        previous: Token | None = None
        for token in stream:
            if token.type == "assign" and previous is not None and previous.type in ("eq", "ne"):
                continue
            previous = token
            yield token


class NunjucksSandbox(Sandbox):
    """scaffold's sandbox with nunjucks' semantics (module docstring); everything else unchanged."""

    intercepted_binops = Sandbox.intercepted_binops | {"+"}

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "+":
            return js_add(left, right)
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping):
            return obj[attribute] if attribute in obj else self.undefined(obj=obj, name=attribute)
        members: Mapping[str, Callable[[Any], Any]] | None = None
        if isinstance(obj, str):
            members = _STRING
        elif isinstance(obj, list | tuple):
            members = _LIST
        elif not (obj is None or isinstance(obj, int | float | Undefined)):
            return super().getattr(obj, attribute)  # Jinja's own objects: loop, namespace, ...
        if members is not None and attribute in members:
            return members[attribute](obj)
        return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str):
            return self.getattr(obj, argument)
        if isinstance(obj, list | tuple | str) and isinstance(argument, int) and not isinstance(argument, bool):
            return obj[argument] if 0 <= argument < len(obj) else self.undefined(obj=obj, name=str(argument))
        if isinstance(obj, Mapping) or isinstance(argument, slice):
            return super().getitem(obj, argument)
        return self.undefined(obj=obj, name=str(argument))


def _capitalize(value: Any) -> str:
    text = str(finalize(value))
    return text[:1].upper() + text[1:].lower()


def _title(value: Any) -> str:
    """nunjucks' `title`: words split on spaces only (`orders-api` stays `Orders-api`)."""
    return " ".join(_capitalize(word) for word in str(finalize(value)).split(" "))


def _join(value: Any, sep: str = "", attribute: str | None = None) -> str:
    items = [item.get(attribute) if attribute and isinstance(item, Mapping) else item for item in value or []]
    return str(sep).join(finalize(item) for item in items)


def _js_number(value: Any) -> Any:
    """A `type: number` answer (kept as text by scaffold's parameters) as the number Backstage's
    form gives; anything else as it is."""
    if isinstance(value, str) and value.strip():
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return value


FILTERS: dict[str, Callable[..., Any]] = {
    "title": _title,
    "capitalize": _capitalize,
    "join": _join,
    "jsNumber": _js_number,
    "jsonify": SCAFFOLD_FILTERS["dump"],  # nunjitsu's cookiecutterCompat name for `dump`
}


def environment_class(dialect: Dialect) -> tuple[type[Sandbox], dict[str, Any]]:
    """The sandbox class and the extra options for `dialect`: Jinja's strict undefined, or nunjucks'
    (whose filters that differ from Jinja's, `FILTERS`, callers add after scaffold's)."""
    if dialect == "nunjucks":
        return NunjucksSandbox, {"undefined": JsUndefined, "finalize": finalize, "extensions": [StrictEquals]}
    from jinja2 import StrictUndefined

    return Sandbox, {"undefined": StrictUndefined}


def truthy(value: Any) -> bool:
    """JavaScript's truth as Backstage's `if:` takes it: an empty list is false, any text but ""
    is true (also "false")."""
    if isinstance(value, list | tuple):
        return len(value) > 0
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(value)


_CR = "\ue000"  # a private-use character standing for "\r" while Jinja renders


def keep_carriage_returns(render: Callable[[str], str], source: str) -> str:
    """`render(source)` with the source's carriage returns kept where they were (Jinja turns every
    line ending into "\\n"; nunjucks leaves CRLF files as they are)."""
    return render(source.replace("\r", _CR)).replace(_CR, "\r")
