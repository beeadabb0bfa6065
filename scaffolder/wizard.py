"""The interactive wizard: ask a golden path's parameters in the terminal, then confirm.

This is the only module that imports questionary. It validates through the same functions as
batch mode (`scaffolder.parameters`): `visible` decides what is asked, `default_for` prefills the
prompt, `coerce` checks every answer (an invalid one is asked again with the reason), and the
collected values end in `resolve`, so an interactive run and a `--values` run of the same answers
produce the same `Answers`.

`input` and `output` are prompt_toolkit's `Input` and `Output`; tests pass a pipe input and a
dummy (or plain-text) output to drive the prompts in-process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import questionary
from prompt_toolkit import print_formatted_text
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output

from scaffolder.errors import AnswersError, Interrupted, Problem
from scaffolder.parameters import (
    Answers,
    InvalidValue,
    coerce,
    default_for,
    is_missing,
    resolve,
    visible,
)
from scaffolder.taint import Taint
from scaffolder.template import Parameter, Template

MASK = "••••••"
CANCELLED = "cancelled; nothing was created"


class _NoChoice:
    """The "(none)" option of an optional choice without a default."""

    def __repr__(self) -> str:
        return "(none)"


_NONE = _NoChoice()


def ask(
    template: Template,
    given: Mapping[str, Any] | None = None,
    *,
    input: Input | None = None,
    output: Output | None = None,
) -> Answers:
    """Ask every visible parameter not already `given`, in order; return the resolved answers.

    A given value (`--set`, `--values`) is validated with `coerce` and asked again, with the
    reason, when it is invalid. Raises `Interrupted` on Ctrl-C and `AnswersError` for given
    values that name no parameter.
    """
    given = dict(given or {})
    known = {p.id for p in template.parameters}
    unknown = [key for key in given if key not in known]
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise AnswersError(
            f"the answers for {template.name} are not valid",
            [Problem(key, f"unknown parameter (known: {listed})") for key in unknown],
        )
    io = _IO(input, output)
    values: dict[str, Any] = {}
    secret = {p.id for p in template.parameters if p.secret}
    for param in template.parameters:
        if not visible(param, values, template):
            continue
        if not param.secret and Taint(frozenset(secret)).reaches(param.default):
            # its default is computed from a secret: prefill and ask it as one (as `resolve` treats it)
            secret.add(param.id)
            param = param.model_copy(update={"secret": True})
        raw = given.get(param.id)
        if not is_missing(raw):
            try:
                values[param.id] = coerce(param, raw)
                continue
            except InvalidValue as exc:
                reason = _hide(param, raw, str(exc))
                io.say(f"! {param.id}: {reason} (given value); answer again", "fg:ansiyellow")
        default = default_for(param, values, template)
        values[param.id] = _ask_one(param, default, io)
    return resolve(template, values)


def summary(template: Template, answers: Answers) -> str:
    """The answers as an aligned two-column table; secrets show as `••••••`, never their value."""
    rows: list[tuple[str, str]] = []
    for param in template.parameters:
        if param.id not in answers.values:
            continue
        value = answers.values[param.id]
        shown = MASK if param.id in answers.secret else _show(value)
        rows.append((param.id, shown))
    if not rows:
        return "  (no parameters)"
    width = max(len(key) for key, _ in rows)
    text = "\n".join(f"  {key.ljust(width)}  {shown}" for key, shown in rows)
    # A non-secret value computed from a secret one must not reveal it either.
    for secret in sorted(answers.secret_values(), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def confirm(
    template: Template,
    answers: Answers,
    *,
    input: Input | None = None,
    output: Output | None = None,
) -> bool:
    """Print the answers (secrets masked) and ask whether to create the project (default yes)."""
    io = _IO(input, output)
    io.say(f"{template.name}@{template.version} will be created with:", "bold")
    io.say(summary(template, answers))
    name = answers.values.get("name")
    if "name" in answers.secret or not isinstance(name, str) or not name:
        name = "a new project"
    question = questionary.confirm(f"Create {name} from {template.name}@{template.version}?", default=True, **io.kwargs)
    return bool(_run(question.unsafe_ask))


# --- one parameter ---------------------------------------------------------------------------


class _IO:
    """The prompt_toolkit input and output every prompt and message goes through."""

    def __init__(self, input: Input | None, output: Output | None) -> None:
        self.kwargs: dict[str, Any] = {}
        if input is not None:
            self.kwargs["input"] = input
        if output is not None:
            self.kwargs["output"] = output
        self.output = output

    def say(self, text: str, style: str = "") -> None:
        print_formatted_text(FormattedText([(style, text)]), output=self.output)


def _run(ask: Callable[[], Any]) -> Any:
    try:
        return ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(CANCELLED) from None


def _ask_one(param: Parameter, default: Any, io: _IO) -> Any:
    if param.type == "boolean":
        return _ask_boolean(param, default, io)
    if param.type == "choice":
        return _ask_choice(param, default, io)
    if param.type == "multi-choice":
        return _ask_multi(param, default, io)
    return _ask_text(param, default, io)


def _valid_default(param: Parameter, default: Any) -> Any:
    """The default coerced to the parameter's type, or None if it is missing or invalid."""
    if is_missing(default):
        return None
    try:
        return coerce(param, default)
    except InvalidValue:
        return None


def _from_text(param: Parameter, text: str, default: Any) -> Any:
    """What a typed answer means; empty takes the default as `resolve` does. Raises InvalidValue."""
    if not param.secret:
        text = text.strip()
    if text == "":
        if not is_missing(default):
            return coerce(param, default)
        if param.required:
            raise InvalidValue("a value is required")
        return None
    return coerce(param, text)


def _ask_text(param: Parameter, default: Any, io: _IO) -> Any:
    def validate(text: str) -> bool | str:
        try:
            _from_text(param, text, default)
        except InvalidValue as exc:
            return str(exc)
        return True

    prefill = "" if is_missing(default) else str(default)
    prompt = questionary.password if param.secret else questionary.text
    question = prompt(param.prompt, default=prefill, validate=validate, instruction=_hint(param), **io.kwargs)
    text = _run(question.unsafe_ask)
    return _from_text(param, str(text), default)


def _ask_boolean(param: Parameter, default: Any, io: _IO) -> bool:
    value = _valid_default(param, default)
    start = bool(value) if value is not None else False
    hint = _hint(param)
    yes_no = "(Y/n)" if start else "(y/N)"
    question = questionary.confirm(
        param.prompt,
        default=start,
        instruction=f"{hint} {yes_no} " if hint else None,
        **io.kwargs,
    )
    return bool(_run(question.unsafe_ask))


def _ask_choice(param: Parameter, default: Any, io: _IO) -> Any:
    choices = [questionary.Choice(title=c.label or str(c.value), value=c.value) for c in param.choices or []]
    start = _valid_default(param, default)
    if start is None and not param.required:
        choices.insert(0, questionary.Choice(title="(none)", value=_NONE))
        start = _NONE
    question = questionary.select(param.prompt, choices=choices, default=start, instruction=_hint(param), **io.kwargs)
    value = _run(question.unsafe_ask)
    return None if value is _NONE else coerce(param, value)


def _ask_multi(param: Parameter, default: Any, io: _IO) -> list[Any]:
    start = _valid_default(param, default) or []
    choices = [
        questionary.Choice(title=c.label or str(c.value), value=c.value, checked=c.value in start)
        for c in param.choices or []
    ]

    def validate(selected: list[Any]) -> bool | str:
        if not selected and param.required and not start:
            return "select at least one (space to select)"
        return True

    question = questionary.checkbox(
        param.prompt, choices=choices, validate=validate, instruction=_hint(param), **io.kwargs
    )
    selected = _run(question.unsafe_ask)
    return list(coerce(param, list(selected)))


def _hint(param: Parameter) -> str | None:
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


def _hide(param: Parameter, raw: Any, message: str) -> str:
    """A validation message with a secret's value taken out."""
    if param.secret and str(raw):
        message = message.replace(repr(raw), "(hidden)").replace(str(raw), "(hidden)")
    return message


def _show(value: Any) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def ask_secrets(
    template: Template, ids: list[str], *, input: Input | None = None, output: Output | None = None
) -> dict[str, Any]:
    """Ask again for secret answers a resumed run needs (secrets are never stored)."""
    io = _IO(input, output)
    out: dict[str, Any] = {}
    for pid in ids:
        param = template.parameter(pid)
        if param is not None:
            out[pid] = _ask_one(param, None, io)
    return out
