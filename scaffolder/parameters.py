"""Answers: resolving and validating parameter values, one path for the wizard and batch mode.

Values arrive as text (`--set`, the wizard) or typed (a values file); `coerce` turns either into
the parameter's type and checks its rules. `resolve` walks the parameters in order, so defaults
and `when` conditions can use earlier answers, and collects every problem before failing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scaffolder import hints, redact
from scaffolder.errors import AnswersError, Problem, RenderError
from scaffolder.template import Parameter, Template

TRUE = {"true", "yes", "y", "on", "1"}
FALSE = {"false", "no", "n", "off", "0"}


class InvalidValue(ValueError):
    """A value breaks a parameter's rule; the message is one sentence for the user."""


@dataclass
class Answers:
    """Resolved values in parameter order; `secret` names the ones never to record or show.

    `derived` holds values a run computed from secrets (a step input such as
    `${{ parameters.token | upper }}`): they are masked wherever the secrets are.
    """

    values: dict[str, Any] = field(default_factory=dict)
    secret: frozenset[str] = frozenset()
    derived: set[str] = field(default_factory=set, compare=False, repr=False)

    def public(self) -> dict[str, Any]:
        """The values safe to record, log and print."""
        return {k: v for k, v in self.values.items() if k not in self.secret}

    def secret_values(self) -> list[str]:
        """The secret values themselves (and values derived from them), for masking any text."""
        own = [s for k, v in self.values.items() if k in self.secret for s in _texts(v)]
        return own + sorted(self.derived - set(own))

    def learn(self, values: Iterable[str]) -> None:
        """Treat `values` (computed from secrets) as secret from now on; a value that is also a
        public answer (`${{ parameters.token and parameters.name }}`) stays public."""
        public = {s for v in self.public().values() for s in _texts(v)}
        new = {v for v in values if v and v not in public}
        self.derived |= new
        redact.remember(new)


def _texts(value: Any) -> list[str]:
    """A secret's value as the texts that could show it (each item of a list)."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [s for item in value for s in _texts(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _texts(item)]
    return [str(value)]


def _choice_values(param: Parameter) -> list[str | int | float | bool]:
    return [c.value for c in param.choices or []]


def _same_choice(raw: Any, option: str | int | float | bool) -> bool:
    """Whether an answer names a choice: the value itself, or its text (`true` for a YAML boolean)."""
    if isinstance(option, bool):
        return raw is option or str(raw).strip().lower() in (TRUE if option else FALSE)
    return (raw == option and not isinstance(raw, bool)) or str(raw) == str(option)


def shown(param: Parameter, raw: Any) -> str:
    """How an error message names a given value: its kind only for a secret, never its text."""
    if not param.secret:
        text = repr(raw)
        return text if len(text) <= 80 else text[:79] + "…"
    if isinstance(raw, bool):
        return "a boolean"
    if isinstance(raw, int | float):
        return "a number"
    if isinstance(raw, list | tuple):
        return "a list"
    if isinstance(raw, dict):
        return "a mapping"
    return "the given value (hidden)" if isinstance(raw, str) else f"a {type(raw).__name__}"


def _coerce_int(param: Parameter, raw: Any) -> int:
    if isinstance(raw, bool):
        raise InvalidValue(f"expected an integer, got {shown(param, raw) if param.secret else str(raw).lower()}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*[-+]?\d+\s*", raw):
        return int(raw)
    raise InvalidValue(f"expected an integer, got {shown(param, raw)}")


def _coerce_bool(param: Parameter, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise InvalidValue(f"expected true or false, got {shown(param, raw)}")


def _coerce_choice(param: Parameter, raw: Any) -> str | int | float | bool:
    options = _choice_values(param)
    for option in options:
        if _same_choice(raw, option):
            return option
    choices = ", ".join(str(o) for o in options)
    close = None if param.secret else hints.close_choice(str(raw), [str(o) for o in options])
    hint = f"; did you mean {close}?" if close else ""
    raise InvalidValue(f"{shown(param, raw)} is not one of: {choices}{hint}")


def coerce(param: Parameter, raw: Any, candidates: Sequence[str] = ()) -> Any:
    """Convert `raw` to the parameter's type and check its rules; raises InvalidValue.

    Messages say in words what is expected (`hints`), suggesting a close value (from `candidates`
    too, e.g. the catalog's groups for an owner), and name a secret's value by its kind only."""
    if param.type == "integer":
        value: Any = _coerce_int(param, raw)
        got = "" if param.secret else f", got {value}"
        if param.minimum is not None and value < param.minimum:
            raise InvalidValue(f"must be at least {param.minimum}{got}")
        if param.maximum is not None and value > param.maximum:
            raise InvalidValue(f"must be at most {param.maximum}{got}")
        return value
    if param.type == "boolean":
        return _coerce_bool(param, raw)
    if param.type == "choice":
        if isinstance(raw, list | dict):
            raise InvalidValue(f"expected one of the choices, got {shown(param, raw)}")
        return _coerce_choice(param, raw)
    if param.type == "multi-choice":
        items = [s.strip() for s in raw.split(",") if s.strip()] if isinstance(raw, str) else raw
        if not isinstance(items, list):
            raise InvalidValue(f"expected a list of choices, got {shown(param, raw)}")
        return [_coerce_choice(param, item) for item in items]
    # string
    if isinstance(raw, bool | list | dict) or raw is None:
        raise InvalidValue(f"expected text, got {shown(param, raw)}")
    value = str(raw)
    if param.min_length is not None and len(value) < param.min_length:
        raise InvalidValue(f"must be at least {param.min_length} characters")
    if param.max_length is not None and len(value) > param.max_length:
        raise InvalidValue(f"must be at most {param.max_length} characters")
    if param.pattern is not None and not re.fullmatch(param.pattern, value):
        raise InvalidValue(hints.mismatch(param, shown(param, value), value, candidates))
    return value


def context(values: Mapping[str, Any], template: Template) -> dict[str, Any]:
    """The expression context while answers are being resolved."""
    return {
        "parameters": dict(values),
        "template": {"name": template.name, "version": template.version},
    }


def _asks(template: Template, param: Parameter) -> bool:
    """Whether the template's own tool (copier) computes this parameter's default and `when`."""
    return template.questions is not None and param.id in template.questions.ids


def visible(param: Parameter, values: Mapping[str, Any], template: Template) -> bool:
    """Whether `when` lets this parameter be asked, given the answers so far."""
    if _asks(template, param):
        return bool(template.questions.when(param.id, values))
    from scaffolder.expressions import truthy  # Jinja loads once a template asks for it

    return truthy(param.when, context(values, template), f"parameters.{param.id}.when")


def default_for(param: Parameter, values: Mapping[str, Any], template: Template) -> Any:
    """The parameter's default, its expression evaluated over earlier answers (None if none)."""
    if _asks(template, param):
        return template.questions.default(param.id, values)
    if param.default is None:
        return None
    from scaffolder.expressions import render_value

    return render_value(param.default, context(values, template), f"parameters.{param.id}.default")


def is_missing(value: Any) -> bool:
    return value is None or value == "" or value == []


def _missing(raw: Any, param: Parameter, template: Template) -> bool:
    """No answer; an empty text is one where the template's tool takes it (copier's `str`)."""
    if raw == "" and _asks(template, param) and template.questions.keeps_empty(param.id):
        return False
    return is_missing(raw)


def resolve(template: Template, given: Mapping[str, Any]) -> Answers:
    """Resolve every parameter from `given` values and defaults; raise listing all problems.

    Values for parameters that `when` hides are dropped; values for unknown parameters are errors.
    A parameter whose default is computed from a secret is secret too. No problem shows a
    secret's value.
    """
    from scaffolder.taint import Taint  # Jinja's parser: loaded once a golden path has been read

    problems: list[Problem] = []
    known = {p.id for p in template.parameters}
    for key in given:
        if key not in known:
            problems.append(Problem(key, f"unknown parameter (known: {', '.join(sorted(known)) or 'none'})"))
    values: dict[str, Any] = {}
    secret = {p.id for p in template.parameters if p.secret}
    hidden = [s for pid in secret for s in _texts(given.get(pid))]
    redact.remember(hidden)
    for param in template.parameters:
        try:
            if not visible(param, values, template):
                continue
            if not param.secret and Taint(frozenset(secret)).reaches(param.default):
                secret.add(param.id)  # its default is computed from a secret (the wizard asks it as one)
                param = param.model_copy(update={"secret": True})  # its messages hide it too
            raw = given.get(param.id)
            if _missing(raw, param, template):
                raw = default_for(param, values, template)
            if _missing(raw, param, template):
                if param.required:
                    problems.append(Problem(param.id, "is required" + (f" ({param.help})" if param.help else "")))
                values[param.id] = [] if param.type == "multi-choice" else None
                continue
            values[param.id] = coerce(param, raw)
        except InvalidValue as exc:
            problems.append(Problem(param.id, str(exc)))
        except RenderError as exc:
            if not problems:  # otherwise it most likely follows from an earlier bad answer
                problems.extend(Taint(frozenset(secret)).hide(exc, param.default, param.when).problems)
    hidden += [s for pid in secret for s in _texts(values.get(pid))]
    redact.remember(hidden)
    if problems:
        raise redact.error(AnswersError(f"the answers for {template.name} are not valid", problems), hidden)
    return Answers(values, frozenset(secret))


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
