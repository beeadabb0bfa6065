"""scaffold's Jinja sandbox: Jinja's `SandboxedEnvironment` plus cheap refusals of the operators
that make one huge value in one step, and the render deadline checked on every call.

A time budget cannot stop a single long C call (`10 ** 10 ** 10` computes for hours in one step),
and a memory budget only stops an allocation once it is asked for; so `*`, `**` and `%` (and the
`format` filter, which is `%`) are intercepted (Jinja's "operator intercepting") and refused,
before anything is computed, when the result would pass `MAX_LENGTH` items or `MAX_INT_BITS`.
Everything else is Jinja's sandbox, unchanged; `range` is already bounded by Jinja.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.filters import do_format
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import SandboxedEnvironment

from scaffolder import budget

MAX_LENGTH = 10_000_000  # items of a sequence or characters of a string made by one operator
MAX_INT_BITS = 1_000_000  # about 300,000 decimal digits
_SEQUENCES = (str, bytes, list, tuple)
_DICT_ATTRIBUTES = frozenset(dir(dict))  # what `getattr(a_dict, name)` finds: a dict has no __dict__
# Types whose members Jinja's sandbox allows by name alone (`is_safe_attribute`: no leading `_`),
# `str.format` and `format_map` excepted (the sandbox wraps them).
_PLAIN_MEMBERS = frozenset({str, LoopContext})
_WRAPPED = frozenset({"format", "format_map"})
# A printf conversion: flags, then width and precision, each a number or `*` (taken from the args).
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _refuse(what: str) -> SecurityError:
    return SecurityError(f"{what}, over the limit a template may build in one step")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_power(left: Any, right: Any) -> None:
    """Refuse `left ** right` whose integer result would pass MAX_INT_BITS."""
    if _is_int(left) and _is_int(right) and right > 0 and abs(left) > 1:
        bits = (abs(left).bit_length() - 1) * right
        if bits > MAX_INT_BITS:
            raise _refuse(f"`**` would make an integer of about {bits:,} bits")


def check_product(left: Any, right: Any) -> None:
    """Refuse `left * right` making a sequence longer than MAX_LENGTH or an integer over MAX_INT_BITS."""
    if _is_int(left) and _is_int(right):
        bits = abs(left).bit_length() + abs(right).bit_length()
        if bits > MAX_INT_BITS:
            raise _refuse(f"`*` would make an integer of about {bits:,} bits")
        return
    sequence, count = (left, right) if isinstance(left, _SEQUENCES) else (right, left)
    if isinstance(sequence, _SEQUENCES) and _is_int(count) and len(sequence) * count > MAX_LENGTH:
        raise _refuse(f"`*` would make a {type(sequence).__name__} of {len(sequence) * count:,} items")


def check_format(template: Any, args: Any) -> None:
    """Refuse `template % args` whose widths or precisions (also `*` ones) pass MAX_LENGTH."""
    if not isinstance(template, str) or "%" not in template:
        return
    starred = False
    for match in _CONVERSION.finditer(template):
        for number in match.groups():
            if number == "*":
                starred = True
            elif number is not None and (len(number) > 8 or int(number) > MAX_LENGTH):
                raise _refuse(f"`%` would pad to more than {MAX_LENGTH:,} characters")
    if starred:
        values = args if isinstance(args, tuple) else (args,)
        for value in values:
            if _is_int(value) and abs(value) > MAX_LENGTH:
                raise _refuse(f"`%` would pad to {abs(value):,} characters")


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    """Jinja's `format` filter (`value % args`), with the `%` check."""
    check_format(str(value), kwargs or args)
    return do_format(value, *args, **kwargs)


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox with `*`, `**` and `%` checked before they compute, and the render deadline
    (`budget.check`) checked on every call, so renders outside the main thread stop too."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters["format"] = _format

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            check_power(left, right)
        elif operator == "*":
            check_product(left, right)
        elif operator == "%" and isinstance(left, str):
            check_format(left, right if isinstance(right, tuple | Mapping) else (right,))
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`obj.attribute` as Jinja's sandbox reads it; for a plain dict and a name no dict has as
        an attribute (`values.name`), straight to the item Jinja falls back to, skipping the failed
        attribute lookup and its exception (a template reads most of its values this way). A
        public member of a string or of `loop` is read without asking `is_safe_attribute` each
        time, whose answer for those types depends on the name only."""
        kind = type(obj)
        if kind is dict and attribute not in _DICT_ATTRIBUTES:
            if attribute in obj:
                return obj[attribute]
            return self.undefined(obj=obj, name=attribute)
        if kind in _PLAIN_MEMBERS and attribute[:1] != "_" and attribute not in _WRAPPED:
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass  # Jinja's own lookup says what is missing
        return super().getattr(obj, attribute)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        budget.check()
        return super().call(context, obj, *args, **kwargs)
