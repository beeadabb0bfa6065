"""`${{ … }}` expressions in template.yaml: Jinja2 inside, sandboxed, undefined names are errors.

A Backstage template's expressions keep Backstage's semantics instead (`scaffolder.nunjucks`):
its converted template's context names the dialect (`DIALECT_KEY`, set by `dialect_entry`), so
undefined values render empty, `+` is JavaScript's, and an input that renders to nothing is left
out, as Backstage leaves it out.

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

from jinja2 import TemplateError, TemplateSyntaxError, Undefined, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from scaffolder import budget, nunjucks
from scaffolder.errors import Problem, RenderError
from scaffolder.filters import FILTERS
from scaffolder.nunjucks import Dialect

_WHOLE = re.compile(r"^\s*\$\{\{(?P<expr>.*?)\}\}\s*$", re.S)
# The context key naming the dialect; not an identifier, so no expression can read or set it.
DIALECT_KEY = "$dialect"
_NOTHING = object()  # a Backstage input that rendered to undefined or "": left out


def dialect_entry(template_format: str) -> dict[str, Dialect]:
    """What an expression context holds for a template of `template_format`: Backstage templates
    are evaluated as nunjucks, every other format as scaffold's strict Jinja."""
    return {DIALECT_KEY: "nunjucks"} if template_format == "backstage" else {}


def dialect_of(context: Mapping[str, Any]) -> Dialect:
    return "nunjucks" if context.get(DIALECT_KEY) == "nunjucks" else "jinja"


@cache
def environment(dialect: Dialect = "jinja") -> SandboxedEnvironment:
    """The sandboxed environment for `${{ }}`; block and comment syntax are switched off."""
    cls, options = nunjucks.environment_class(dialect)
    env = cls(
        variable_start_string="${{",
        variable_end_string="}}",
        block_start_string="${%%",
        block_end_string="%%}",
        comment_start_string="${##",
        comment_end_string="##}",
        autoescape=False,
        keep_trailing_newline=True,
        **options,
    )
    env.filters.update(FILTERS)
    if dialect == "nunjucks":
        env.filters.update(nunjucks.FILTERS)
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


def _evaluate(text: str, context: Mapping[str, Any], where: str) -> Any:
    """`evaluate`, with `_NOTHING` for a Backstage value that renders to undefined or ""."""
    if not has_expression(text):
        return text
    dialect = dialect_of(context)
    env = environment(dialect)
    try:
        with budget.limits(where or "an expression"):
            whole = _WHOLE.match(text)
            if whole and "${{" not in whole.group("expr"):
                result = env.compile_expression(whole.group("expr"), undefined_to_none=False)(**context)
                if isinstance(result, Undefined):
                    if dialect == "nunjucks":
                        return _NOTHING
                    result._fail_with_undefined_error()
                return result
            rendered = env.from_string(text).render(**context)
            return _NOTHING if dialect == "nunjucks" and rendered == "" else rendered
    except TemplateSyntaxError as exc:
        if dialect == "nunjucks":
            return text  # Backstage's workflow runner keeps a value it cannot parse as it is written
        raise _fail(where, text, exc) from None
    except (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError, LookupError, RecursionError) as exc:
        raise _fail(where, text, exc) from None


def evaluate(text: str, context: Mapping[str, Any], where: str = "") -> Any:
    """Render one string: typed value for a lone expression, text otherwise (None for a
    Backstage value that renders to nothing)."""
    result = _evaluate(text, context, where)
    return None if result is _NOTHING else result


def render_value(value: Any, context: Mapping[str, Any], where: str = "") -> Any:
    """Render every string inside nested dicts and lists; a Backstage mapping leaves out the keys
    that render to nothing, as Backstage's workflow runner does."""
    if isinstance(value, str):
        return evaluate(value, context, where)
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            inner = f"{where}.{k}" if where else str(k)
            rendered = _evaluate(v, context, inner) if isinstance(v, str) else render_value(v, context, inner)
            if rendered is not _NOTHING:
                out[k] = rendered
        return out
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
    if dialect_of(context) == "nunjucks":
        return nunjucks.truthy(value)
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "0", "no", "none", "null")
    return bool(value)
