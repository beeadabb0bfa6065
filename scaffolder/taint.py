"""Which `${{ }}` expressions depend on a secret, so that what they compute is kept secret too.

A value computed from a secret (`${{ parameters.token | upper }}`, a string that interpolates it)
carries the secret as surely as the secret itself. Dependence is read from Jinja's syntax tree:
`parameters.X` and `parameters['X']` name one parameter; any other use of `parameters` (a
computed key, the whole mapping) may reach every one, so it counts as reaching the secrets too.
The same holds for `steps.ID` (a step whose input used a secret) and `each` (an `each` computed
from one).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from jinja2 import TemplateSyntaxError, nodes

from scaffolder.errors import Problem, RenderError, ScaffoldError
from scaffolder.expressions import environment, evaluate, has_expression

if TYPE_CHECKING:
    from scaffolder.parameters import Answers
    from scaffolder.template import Step

# A derived value shorter than this cannot carry a secret worth the name, and masking it would
# hide unrelated text everywhere ("yes", "80").
MIN_DERIVED = 4
HIDDEN = "cannot be evaluated (the reason is not shown: the expression reads a secret)"
E = TypeVar("E", bound=ScaffoldError)
_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)


@dataclass
class Taint:
    """What is tainted so far in one run: secret parameters, steps whose input used one, `each`."""

    parameters: frozenset[str]
    steps: set[str] = field(default_factory=set)
    each: bool = False

    def step(self, step: Step) -> bool:
        """Whether `step` reads something tainted (its input or `each`); if so, its outputs are
        tainted from now on."""
        self.each = self.reaches(step.each)
        if self.reaches(step.input):
            self.steps.add(step.id)
        return step.id in self.steps

    def learn(self, answers: Answers, step: Step, contexts: list[Mapping[str, Any]]) -> None:
        """Give `answers` the values `step`'s input computes from secrets, rendered in each of
        `contexts` (one per item of its `each`, one without): each tainted string as a whole and
        each tainted `${{ }}` inside it on its own."""
        if not self.step(step):
            return
        for context in contexts:
            answers.learn(self._values(step.input, context))

    def _values(self, value: Any, context: Mapping[str, Any]) -> list[str]:
        if isinstance(value, dict):
            return [s for item in value.values() for s in self._values(item, context)]
        if isinstance(value, list):
            return [s for item in value for s in self._values(item, context)]
        if not (has_expression(value) and self.reaches(value)):
            return []
        parts = [value, *(f"${{{{{expr}}}}}" for expr in _EXPRESSION.findall(value))]
        out: list[str] = []
        for part in parts:
            if part is value or self.reaches(part):
                with suppress(ScaffoldError):  # rendering the step reports it
                    out += strings(evaluate(part, context))
        return out

    def hide(self, exc: E, *sources: Any) -> E:
        """`exc` (a render error of `sources`) without its reasons when a source reads something
        tainted: the reason may quote a value computed from a secret (`no element 'TOK…'`)."""
        if isinstance(exc, RenderError) and any(self.reaches(source) for source in sources):
            exc.problems = tuple(Problem(p.where, HIDDEN) for p in exc.problems)
            exc.args = (exc.render(),)
        return exc

    def reaches(self, value: Any) -> bool:
        """Whether any expression inside `value` (nested dicts and lists) reads something tainted."""
        return any(self._text_reaches(text) for text in _expressions(value))

    def _text_reaches(self, text: str) -> bool:
        if not (self.parameters or self.steps or self.each):
            return False
        try:
            tree = environment().parse(text)
        except TemplateSyntaxError:
            return bool(self.parameters)  # it will fail to render anyway; assume the worst
        roots = {"parameters": self.parameters, "steps": frozenset(self.steps)}
        for name in tree.find_all(nodes.Name):
            if name.name == "each" and self.each:
                return True
        return any(_reads(tree, root, ids) for root, ids in roots.items() if ids)


def _reads(tree: nodes.Node, root: str, ids: Collection[str]) -> bool:
    """Whether `tree` reads one of `ids` under the variable `root`, or reads `root` some other way."""
    plain: set[int] = set()  # `root` nodes used as root.X / root['X'] with a constant X
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        target = getattr(node, "node", None)
        if not (isinstance(target, nodes.Name) and target.name == root):
            continue
        if isinstance(node, nodes.Getattr):
            key: object = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            key = node.arg.value
        else:
            return True  # a computed key may name any of them
        if key in ids or (isinstance(key, str) and hasattr(dict, key)):
            return True  # a mapping method (`.get`, `.items`) may reach any key
        plain.add(id(target))
    return any(n.name == root and id(n) not in plain for n in tree.find_all(nodes.Name))


def _expressions(value: Any) -> Iterator[str]:
    if has_expression(value):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _expressions(item)
    elif isinstance(value, list):
        for item in value:
            yield from _expressions(item)


def strings(value: Any) -> list[str]:
    """Every string of at least MIN_DERIVED characters inside `value` (nested dicts and lists)."""
    if isinstance(value, str):
        return [value] if len(value) >= MIN_DERIVED else []
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings(item)]
    return []
