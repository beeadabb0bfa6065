"""`${{ … }}` expressions in template.yaml: Jinja2 inside, sandboxed, undefined names are errors.

A string that is exactly one expression keeps the expression's type (`${{ parameters.replicas }}`
is an int); any other string is interpolated to text. Filters shared with skeleton rendering live
in `scaffolder.filters`; each evaluation runs in scaffold's sandbox within the render budgets
(`scaffolder.budget`), so a loop or a huge value stops with one error naming the expression.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from jinja2 import StrictUndefined, TemplateError, Undefined, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from scaffolder import budget
from scaffolder.errors import Problem, RenderError
from scaffolder.filters import FILTERS
from scaffolder.sandbox import Sandbox

_WHOLE = re.compile(r"^\s*\$\{\{(?P<expr>.*?)\}\}\s*$", re.S)


@cache
def environment() -> SandboxedEnvironment:
    """The sandboxed environment for `${{ }}`; block and comment syntax are switched off."""
    env = Sandbox(
        variable_start_string="${{",
        variable_end_string="}}",
        block_start_string="${%%",
        block_end_string="%%}",
        comment_start_string="${##",
        comment_end_string="##}",
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def has_expression(value: Any) -> bool:
    return isinstance(value, str) and "${{" in value


def _fail(where: str, text: str, exc: Exception) -> RenderError:
    if isinstance(exc, SecurityError):
        reason = f"unsafe expression refused by the sandbox: {exc}"
    elif isinstance(exc, UndefinedError):
        reason = f"undefined: {exc.message}"
    else:
        reason = str(exc)
    return RenderError("an expression cannot be evaluated", [Problem(where, f"{text.strip()!r}: {reason}")])


def evaluate(text: str, context: Mapping[str, Any], where: str = "") -> Any:
    """Render one string: typed value for a lone expression, text otherwise."""
    if not has_expression(text):
        return text
    env = environment()
    try:
        with budget.limits(where or "an expression"):
            whole = _WHOLE.match(text)
            if whole and "${{" not in whole.group("expr"):
                result = env.compile_expression(whole.group("expr"), undefined_to_none=False)(**context)
                if isinstance(result, Undefined):
                    result._fail_with_undefined_error()
                return result
            return env.from_string(text).render(**context)
    except (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError, LookupError, RecursionError) as exc:
        raise _fail(where, text, exc) from None


def render_value(value: Any, context: Mapping[str, Any], where: str = "") -> Any:
    """Render every string inside nested dicts and lists."""
    if isinstance(value, str):
        return evaluate(value, context, where)
    if isinstance(value, Mapping):
        return {k: render_value(v, context, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [render_value(v, context, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def truthy(condition: str | bool | None, context: Mapping[str, Any], where: str = "") -> bool:
    """Evaluate an `if:`/`when:` condition; None means always."""
    if condition is None:
        return True
    if isinstance(condition, bool):
        return condition
    value = evaluate(condition, context, where)
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "0", "no", "none", "null")
    return bool(value)
