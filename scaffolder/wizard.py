"""The interactive wizard: ask a golden path's parameters in the terminal, review, then confirm.

This is the only module that imports questionary. It validates through the same functions as
batch mode (`scaffolder.parameters`): `visible` decides what is asked, `default_for` prefills the
prompt, `coerce` checks every answer (an invalid one is asked again with the reason), and the
collected values end in `resolve`, so an interactive run and a `--values` run of the same answers
produce the same `Answers`.

It forgives: Ctrl-B goes back to the previous question; a review screen lists every answer and
edits any of them; No at the confirm returns to the review; an optional `check` finds a name
already taken right after it is typed; Ctrl-C stops with exit 130, creating nothing, and says how
to rerun with the answers given so far (written to a values file when asked).

`input` and `output` are prompt_toolkit's `Input` and `Output`; tests pass a pipe input and a
dummy (or plain-text) output to drive the prompts in-process.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import questionary
from prompt_toolkit import print_formatted_text
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.output import Output

from scaffolder import answer_text, yamlio
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
HINT = "(Ctrl-B goes back to the previous question; Ctrl-C stops without creating anything)"
ANSWERS_FILE = "scaffold-answers.yaml"

# Called after each answer with its parameter id and every answer so far: problems (a taken name).
Check = Callable[[str, Mapping[str, Any]], list[Problem]]
# The known values a "did you mean" may suggest for a parameter (the catalog's groups for an owner).
Candidates = Callable[[Parameter], Sequence[str]]


class _NoChoice:
    """The "(none)" option of an optional choice without a default."""

    def __repr__(self) -> str:
        return "(none)"


class _Back:
    """What a prompt returns when Ctrl-B is pressed."""

    def __repr__(self) -> str:
        return "(back)"


_NONE = _NoChoice()
BACK = _Back()
_CREATE = "\0create"


def _check_given(template: Template, given: Mapping[str, Any]) -> None:
    known = {p.id for p in template.parameters}
    unknown = [key for key in given if key not in known]
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise AnswersError(
            f"the answers for {template.name} are not valid",
            [Problem(key, f"unknown parameter (known: {listed})") for key in unknown],
        )


def ask(
    template: Template,
    given: Mapping[str, Any] | None = None,
    *,
    input: Input | None = None,
    output: Output | None = None,
    check: Check | None = None,
    candidates: Candidates | None = None,
) -> Answers:
    """Ask every visible parameter not already `given`, in order; return the resolved answers.

    A given value (`--set`, `--values`) is validated with `coerce` (and `check`) and asked again,
    with the reason, when it is invalid. Ctrl-B goes back to the previous question. Raises
    `Interrupted` on Ctrl-C and `AnswersError` for given values that name no parameter.
    """
    given = dict(given or {})
    _check_given(template, given)
    session = _Session(template, given, _IO(input, output), check, candidates)
    session.walk(0)
    return resolve(template, session.values)


def run(
    template: Template,
    given: Mapping[str, Any] | None = None,
    *,
    ref: str | None = None,
    yes: bool = False,
    input: Input | None = None,
    output: Output | None = None,
    check: Check | None = None,
    candidates: Candidates | None = None,
) -> Answers:
    """The whole wizard of `scaffold new`: ask, then (unless `yes`) review and confirm.

    On Ctrl-C raises `Interrupted` (exit 130) naming the command that reruns with the answers so
    far (`ref` is the golden path as the user named it), after offering to save them to a file.
    """
    given = dict(given or {})
    _check_given(template, given)
    session = _Session(template, given, _IO(input, output), check, candidates)
    try:
        session.walk(0)
        return resolve(template, session.values) if yes else session.review()
    except (Interrupted, KeyboardInterrupt):
        raise session.interrupted(ref or f"{template.name}@{template.version}") from None


def summary(template: Template, answers: Answers) -> str:
    """The answers as an aligned two-column table; secrets show as `••••••`, never their value."""
    rows = [(param.id, _shown(param.id, answers)) for param in template.parameters if param.id in answers.values]
    if not rows:
        return "  (no parameters)"
    width = max(len(key) for key, _ in rows)
    return "\n".join(f"  {key.ljust(width)}  {shown}" for key, shown in rows)


def _shown(pid: str, answers: Answers) -> str:
    """One answer as the review shows it; a non-secret value computed from a secret one must not
    reveal it either."""
    text = MASK if pid in answers.secret else answer_text.show(answers.values[pid])
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
    return _confirm(template, answers, io) is True


def _confirm(template: Template, answers: Answers, io: _IO) -> bool | _Back:
    name = answers.values.get("name")
    if "name" in answers.secret or not isinstance(name, str) or not name:
        name = "a new project"
    question = questionary.confirm(f"Create {name} from {template.name}@{template.version}?", default=True, **io.kwargs)
    answer = io.prompt(question)
    return answer if isinstance(answer, _Back) else bool(answer)


# --- the session: walking, going back, reviewing ------------------------------------------------


class _Session:
    """One wizard run: the answers so far, and the questions asked (the way back)."""

    def __init__(
        self, template: Template, given: dict[str, Any], io: _IO, check: Check | None, candidates: Candidates | None
    ) -> None:
        self.template, self.given, self.io = template, given, io
        self.check, self.candidates = check, candidates
        self.values: dict[str, Any] = {}
        self.defaults: dict[str, Any] = {}  # the default each question was asked with
        self.secret = {p.id for p in template.parameters if p.secret}

    def _param(self, index: int) -> Parameter:
        param = self.template.parameters[index]
        if not param.secret and Taint(frozenset(self.secret)).reaches(param.default):
            # its default is computed from a secret: prefill and ask it as one (as `resolve` treats it)
            self.secret.add(param.id)
            param = param.model_copy(update={"secret": True})
        return param

    def walk(self, start: int, keep: bool = False) -> None:
        """Ask the parameters from `start` on; with `keep` (after an edit), answers held stay and only
        questions newly made visible are asked. Ctrl-B goes back to the question asked before."""
        params = self.template.parameters
        asked: list[int] = []
        i = start
        while i < len(params):
            param = self._param(i)
            if not visible(param, self.values, self.template):
                self.values.pop(param.id, None)
                i += 1
                continue
            if (keep and param.id in self.values) or self._take_given(param):
                i += 1
                continue
            if self.ask_at(i) is BACK:
                if asked:
                    i = asked.pop()
                else:
                    self.io.say("! this is the first question", "fg:ansiyellow")
                continue
            asked.append(i)
            i += 1

    def _take_given(self, param: Parameter) -> bool:
        """Use the given value (`--set`, `--values`) if it is valid and not taken; else forget it."""
        raw = self.given.get(param.id)
        if is_missing(raw):
            return False
        try:
            self.values[param.id] = coerce(param, raw, self._candidates(param))
        except InvalidValue as exc:
            reason = answer_text.hide(param, raw, str(exc))
            self.io.say(f"! {param.id}: {reason} (given value); answer again", "fg:ansiyellow")
            del self.given[param.id]
            return False
        if self._taken(param.id):
            del self.given[param.id]
            return False
        return True

    def ask_at(self, index: int) -> Any:
        """Ask one parameter until its answer is valid and not taken; BACK if Ctrl-B was pressed."""
        param = self._param(index)
        default = default_for(param, self.values, self.template)
        held = self.values.get(param.id)
        if param.id in self.values and held != self.defaults.get(param.id, default) and not is_missing(held):
            default = held  # asked again (back, or the review): the earlier answer is prefilled
        while True:
            value = _ask_one(param, default, self.io, self._candidates(param))
            if value is BACK:
                return BACK
            self.defaults[param.id] = default_for(param, self.values, self.template)
            self.values[param.id] = value
            if not self._taken(param.id):
                return value
            default = value

    def _taken(self, pid: str) -> bool:
        problems = self.check(pid, self.values) if self.check is not None else []
        for problem in problems:
            self.io.say(f"! {pid}: {problem.message}", "fg:ansiyellow")
        return bool(problems)

    def _candidates(self, param: Parameter) -> Sequence[str]:
        return self.candidates(param) if self.candidates is not None else ()

    def review(self) -> Answers:
        """Show every answer; any can be picked and edited; "Create" asks the confirm, whose No
        (or Ctrl-B) comes back here."""
        ids = [p.id for p in self.template.parameters]
        while True:
            answers = resolve(self.template, self.values)
            self.io.say(f"{self.template.name}@{self.template.version} will be created with:", "bold")
            self.io.say(summary(self.template, answers))
            choices = [questionary.Choice(title="Create it", value=_CREATE)] + [
                questionary.Choice(title=f"Change {pid}: {_shown(pid, answers)}", value=pid)
                for pid in ids
                if pid in answers.values
            ]
            picked = self.io.prompt(
                questionary.select(
                    "Review the answers",
                    choices=choices,
                    instruction="(enter creates it; pick an answer to change it)",
                    **self.io.kwargs,
                )
            )
            if picked == _CREATE:
                if _confirm(self.template, answers, self.io) is True:
                    return answers
                self.io.say("Not created yet: change an answer, or pick Create it.")
                continue
            if picked not in ids:  # Ctrl-B: back to the last question
                answered = [pid for pid in ids if pid in answers.values]
                if not answered:
                    continue
                picked = answered[-1]
            index = ids.index(picked)
            if self.ask_at(index) is not BACK:
                self.walk(index + 1, keep=True)

    def interrupted(self, ref: str) -> Interrupted:
        """The Ctrl-C error: how to rerun with the answers so far, saved to a file if the user asks."""
        given = {k: v for k, v in self.given.items() if k not in self.values}  # not reached yet
        public = {k: v for k, v in {**self.values, **given}.items() if k not in self.secret and not is_missing(v)}
        if not public:
            return Interrupted(CANCELLED)
        problems = [Problem("rerun with the answers so far", answer_text.rerun(ref, public))]
        try:
            save = self.io.prompt(
                questionary.confirm(f"Save the answers so far to {ANSWERS_FILE}?", default=False, **self.io.kwargs)
            )
        except Interrupted:
            save = False
        if save is True:
            Path(ANSWERS_FILE).write_text(yamlio.dump(public), encoding="utf-8")
            saved = f"scaffold new {shlex.quote(ref)} --values {ANSWERS_FILE}"
            problems.append(Problem(f"or, with the answers saved to {ANSWERS_FILE}", saved))
        if any(k in self.secret for k in self.values):
            problems.append(Problem("secret answers", "are never saved or shown: give them again"))
        return Interrupted(CANCELLED, problems)


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
        self.hinted = False

    def say(self, text: str, style: str = "") -> None:
        print_formatted_text(FormattedText([(style, text)]), output=self.output)

    def prompt(self, question: questionary.Question) -> Any:
        """Run one prompt with Ctrl-B bound to going back (BACK); the hint is shown once."""
        if not self.hinted:
            self.say(HINT, "fg:ansibrightblack")
            self.hinted = True
        back = KeyBindings()

        @back.add("c-b", eager=True)
        def _back(event: Any) -> None:
            event.app.exit(result=BACK)

        app = question.application
        app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), back])
        return _run(question.unsafe_ask)


def _run(ask: Callable[[], Any]) -> Any:
    try:
        return ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(CANCELLED) from None


def _ask_one(param: Parameter, default: Any, io: _IO, candidates: Sequence[str] = ()) -> Any:
    """One answer, valid for the parameter, or BACK."""
    if param.type == "boolean":
        return _ask_boolean(param, default, io)
    if param.type == "choice":
        return _ask_choice(param, default, io)
    if param.type == "multi-choice":
        return _ask_multi(param, default, io)
    return _ask_text(param, default, io, candidates)


def _valid_default(param: Parameter, default: Any) -> Any:
    """The default coerced to the parameter's type, or None if it is missing or invalid."""
    if is_missing(default):
        return None
    try:
        return coerce(param, default)
    except InvalidValue:
        return None


def _from_text(param: Parameter, text: str, default: Any, candidates: Sequence[str] = ()) -> Any:
    """What a typed answer means; empty takes the default as `resolve` does. Raises InvalidValue."""
    if not param.secret:
        text = text.strip()
    if text == "":
        if not is_missing(default):
            return coerce(param, default)
        if param.required:
            raise InvalidValue("a value is required")
        return None
    return coerce(param, text, candidates)


def _ask_text(param: Parameter, default: Any, io: _IO, candidates: Sequence[str] = ()) -> Any:
    def validate(text: str) -> bool | str:
        try:
            _from_text(param, text, default, candidates)
        except InvalidValue as exc:
            return str(exc)
        return True

    prefill = "" if is_missing(default) else str(default)
    prompt = questionary.password if param.secret else questionary.text
    question = prompt(
        param.prompt, default=prefill, validate=validate, instruction=answer_text.hint(param), **io.kwargs
    )
    text = io.prompt(question)
    return text if text is BACK else _from_text(param, str(text), default, candidates)


def _ask_boolean(param: Parameter, default: Any, io: _IO) -> Any:
    value = _valid_default(param, default)
    start = bool(value) if value is not None else False
    hint = answer_text.hint(param)
    yes_no = "(Y/n)" if start else "(y/N)"
    question = questionary.confirm(
        param.prompt,
        default=start,
        instruction=f"{hint} {yes_no} " if hint else None,
        **io.kwargs,
    )
    answer = io.prompt(question)
    return answer if answer is BACK else bool(answer)


def _ask_choice(param: Parameter, default: Any, io: _IO) -> Any:
    choices = [questionary.Choice(title=c.label or str(c.value), value=c.value) for c in param.choices or []]
    start = _valid_default(param, default)
    if start is None and not param.required:
        choices.insert(0, questionary.Choice(title="(none)", value=_NONE))
        start = _NONE
    question = questionary.select(
        param.prompt, choices=choices, default=start, instruction=answer_text.hint(param), **io.kwargs
    )
    value = io.prompt(question)
    return value if value is BACK else None if value is _NONE else coerce(param, value)


def _ask_multi(param: Parameter, default: Any, io: _IO) -> Any:
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
        param.prompt, choices=choices, validate=validate, instruction=answer_text.hint(param), **io.kwargs
    )
    selected = io.prompt(question)
    return selected if selected is BACK else list(coerce(param, list(selected)))


def ask_secrets(
    template: Template, ids: list[str], *, input: Input | None = None, output: Output | None = None
) -> dict[str, Any]:
    """Ask again for secret answers a resumed run needs (secrets are never stored)."""
    io = _IO(input, output)
    out: dict[str, Any] = {}
    for pid in ids:
        param = template.parameter(pid)
        if param is not None:
            while (value := _ask_one(param, None, io)) is BACK:
                pass  # there is no earlier question to go back to
            out[pid] = value
    return out
