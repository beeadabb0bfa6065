"""Answers: resolving and validating parameter values, one path for the wizard and batch mode.

Values arrive as text (`--set`, the wizard) or typed (a values file); `coerce` turns either into
the parameter's type and checks its rules. `resolve` walks the parameters in order, so defaults
and `when` conditions can use earlier answers, and collects every problem before failing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scaffolder.errors import AnswersError, Problem, RenderError
from scaffolder.expressions import render_value, truthy
from scaffolder.template import Parameter, Template

TRUE = {"true", "yes", "y", "on", "1"}
FALSE = {"false", "no", "n", "off", "0"}


class InvalidValue(ValueError):
    """A value breaks a parameter's rule; the message is one sentence for the user."""


@dataclass
class Answers:
    """Resolved values in parameter order; `secret` names the ones never to record or show."""

    values: dict[str, Any] = field(default_factory=dict)
    secret: frozenset[str] = frozenset()

    def public(self) -> dict[str, Any]:
        """The values safe to record, log and print."""
        return {k: v for k, v in self.values.items() if k not in self.secret}

    def secret_values(self) -> list[str]:
        """The secret values themselves, for masking any text before it is shown."""
        return [str(v) for k, v in self.values.items() if k in self.secret and v not in (None, "")]


def _choice_values(param: Parameter) -> list[str | int]:
    return [c.value for c in param.choices or []]


def _coerce_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise InvalidValue(f"expected an integer, got {str(raw).lower()}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*[-+]?\d+\s*", raw):
        return int(raw)
    raise InvalidValue(f"expected an integer, got {raw!r}")


def _coerce_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise InvalidValue(f"expected true or false, got {raw!r}")


def _coerce_choice(param: Parameter, raw: Any) -> str | int:
    options = _choice_values(param)
    for option in options:
        if raw == option or str(raw) == str(option):
            return option
    shown = ", ".join(str(o) for o in options)
    raise InvalidValue(f"{raw!r} is not one of: {shown}")


def coerce(param: Parameter, raw: Any) -> Any:
    """Convert `raw` to the parameter's type and check its rules; raises InvalidValue."""
    if param.type == "integer":
        value: Any = _coerce_int(raw)
        if param.minimum is not None and value < param.minimum:
            raise InvalidValue(f"must be at least {param.minimum}, got {value}")
        if param.maximum is not None and value > param.maximum:
            raise InvalidValue(f"must be at most {param.maximum}, got {value}")
        return value
    if param.type == "boolean":
        return _coerce_bool(raw)
    if param.type == "choice":
        return _coerce_choice(param, raw)
    if param.type == "multi-choice":
        items = [s.strip() for s in raw.split(",") if s.strip()] if isinstance(raw, str) else raw
        if not isinstance(items, list):
            raise InvalidValue(f"expected a list of choices, got {raw!r}")
        return [_coerce_choice(param, item) for item in items]
    # string
    if isinstance(raw, bool | list | dict) or raw is None:
        raise InvalidValue(f"expected text, got {raw!r}")
    value = str(raw)
    if param.min_length is not None and len(value) < param.min_length:
        raise InvalidValue(f"must be at least {param.min_length} characters")
    if param.max_length is not None and len(value) > param.max_length:
        raise InvalidValue(f"must be at most {param.max_length} characters")
    if param.pattern is not None and not re.fullmatch(param.pattern, value):
        shown = "(hidden)" if param.secret else repr(value)
        raise InvalidValue(f"{shown} does not match the pattern {param.pattern}")
    return value


def context(values: Mapping[str, Any], template: Template) -> dict[str, Any]:
    """The expression context while answers are being resolved."""
    return {
        "parameters": dict(values),
        "template": {"name": template.name, "version": template.version},
    }


def visible(param: Parameter, values: Mapping[str, Any], template: Template) -> bool:
    """Whether `when` lets this parameter be asked, given the answers so far."""
    return truthy(param.when, context(values, template), f"parameters.{param.id}.when")


def default_for(param: Parameter, values: Mapping[str, Any], template: Template) -> Any:
    """The parameter's default, its expression evaluated over earlier answers (None if none)."""
    if param.default is None:
        return None
    return render_value(param.default, context(values, template), f"parameters.{param.id}.default")


def is_missing(value: Any) -> bool:
    return value is None or value == "" or value == []


def resolve(template: Template, given: Mapping[str, Any]) -> Answers:
    """Resolve every parameter from `given` values and defaults; raise listing all problems.

    Values for parameters that `when` hides are dropped; values for unknown parameters are errors.
    """
    problems: list[Problem] = []
    known = {p.id for p in template.parameters}
    for key in given:
        if key not in known:
            problems.append(Problem(key, f"unknown parameter (known: {', '.join(sorted(known)) or 'none'})"))
    values: dict[str, Any] = {}
    for param in template.parameters:
        try:
            if not visible(param, values, template):
                continue
            raw = given.get(param.id)
            if is_missing(raw):
                raw = default_for(param, values, template)
            if is_missing(raw):
                if param.required:
                    problems.append(Problem(param.id, "is required" + (f" ({param.help})" if param.help else "")))
                values[param.id] = [] if param.type == "multi-choice" else None
                continue
            values[param.id] = coerce(param, raw)
        except InvalidValue as exc:
            problems.append(Problem(param.id, str(exc)))
        except RenderError as exc:
            if not problems:  # otherwise it most likely follows from an earlier bad answer
                problems.extend(exc.problems)
    if problems:
        raise AnswersError(f"the answers for {template.name} are not valid", problems)
    return Answers(values, frozenset(p.id for p in template.parameters if p.secret))


def parse_set(pairs: list[str]) -> dict[str, str]:
    """`--set KEY=VALUE` pairs to a mapping; a pair without '=' is an error."""
    out: dict[str, str] = {}
    bad = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            bad.append(Problem(pair, "expected KEY=VALUE"))
            continue
        out[key.strip()] = value
    if bad:
        raise AnswersError("some --set values are malformed", bad)
    return out
