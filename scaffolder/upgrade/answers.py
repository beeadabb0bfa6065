"""The answers an upgrade renders both versions with: the recorded ones, secrets given again, new parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from scaffolder import record as records
from scaffolder.errors import AnswersError, Problem
from scaffolder.parameters import Answers, resolve
from scaffolder.template import Template

Ask = Callable[[Template, Mapping[str, Any]], Answers]


def _needs_value(template: Template, pid: str) -> bool:
    param = template.parameter(pid)
    return param is not None and param.required and param.default is None


def _secrets_error(ids: Iterable[str]) -> AnswersError:
    return AnswersError(
        "secret answers are never recorded: give them again",
        [Problem(s, f"secret; pass it again (--set {s}=...)") for s in sorted(ids)],
    )


def upgrade_answers(
    rec: records.Record, old: Template, new: Template, given: Mapping[str, Any], ask: Ask | None
) -> tuple[Answers, Answers]:
    """(old answers, new answers): the recorded ones, plus secrets and new parameters.

    A secret is never recorded: a required one must be given again (or asked); an optional one
    not given is left out, as `scaffold new` would without it.
    """
    recorded = dict(rec.answers)
    new_given = {**{k: v for k, v in recorded.items() if new.parameter(k) is not None}, **given}
    open_ids = [p.id for p in new.parameters if p.id not in new_given]
    if ask is not None and open_ids:
        asked = ask(new, new_given)
        if asked is None:
            raise AnswersError("cancelled; nothing was changed")
        new_answers = asked
    else:
        missing = [
            s for s in rec.secret_parameters if s not in given and (_needs_value(new, s) or _needs_value(old, s))
        ]
        if missing:
            raise _secrets_error(missing)
        new_answers = resolve(new, new_given)
    old_given = {k: v for k, v in recorded.items() if old.parameter(k) is not None}
    for param in old.parameters:
        if not param.secret:
            continue
        if param.id in given:
            old_given[param.id] = given[param.id]
        elif param.id in new_answers.secret and new_answers.values.get(param.id) is not None:
            old_given[param.id] = new_answers.values[param.id]
    missing = [s for s in rec.secret_parameters if s not in old_given and _needs_value(old, s)]
    if missing:
        raise _secrets_error(missing)
    try:
        old_answers = resolve(old, old_given)
    except AnswersError as exc:
        raise AnswersError(f"the recorded answers do not fit {old.name}@{old.version} any more", exc.problems) from None
    return old_answers, new_answers
