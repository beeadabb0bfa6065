"""Which `${{ }}` expressions read a secret (Jinja's syntax tree), and what they compute."""

from __future__ import annotations

import pytest

from scaffolder.errors import Problem, RenderError
from scaffolder.parameters import Answers
from scaffolder.taint import HIDDEN, Taint
from scaffolder.template import Step


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        ("${{ parameters.token | upper }}", True),
        ("${{ parameters['token'] }}", True),
        ("Bearer ${{ parameters.name ~ parameters.token }}", True),
        ("${{ parameters[key] }}", True),  # a computed key may be the secret
        ("${{ parameters | tojson }}", True),  # the whole mapping
        ("${{ parameters.get('token') }}", True),
        ("${{ parameters.items() | list }}", True),
        ("${{ parameters | attr('token') }}", True),
        ("${{ parameters.name }}-${{ parameters['owner'] }}", False),
        ("${{ steps.fetch.output.token }}", False),
        ("no expression parameters.token", False),
    ],
)
def test_reaches(text: str, reads: bool) -> None:
    assert Taint(frozenset({"token"})).reaches(text) is reads


def test_steps_and_each_carry_the_taint() -> None:
    taint = Taint(frozenset({"token"}))
    reader = Step(id="a", action="debug:log", input={"message": "${{ parameters.token }}"})
    plain = Step(id="b", action="debug:log", input={"message": "${{ parameters.name }}"})
    assert taint.step(reader) and not taint.step(plain)
    assert taint.reaches("${{ steps.a.output.message }}") and not taint.reaches("${{ steps.b.output.message }}")
    looped = Step(id="c", action="debug:log", each="${{ [parameters.token] }}", input={"message": "${{ each.value }}"})
    assert taint.step(looped)


def test_learn_takes_each_tainted_expression_and_the_whole_string() -> None:
    taint = Taint(frozenset({"token"}))
    answers = Answers({"name": "svc", "token": "tok_abc"}, frozenset({"token"}))
    step = Step(
        id="a",
        action="debug:log",
        input={"message": "${{ parameters.name }}: ${{ parameters.token | upper }}", "other": "${{ parameters.name }}"},
    )
    taint.learn(answers, step, [{"parameters": answers.values}])
    assert set(answers.secret_values()) == {"tok_abc", "TOK_ABC", "svc: TOK_ABC"}


def test_hide_drops_the_reason_only_for_tainted_sources() -> None:
    taint = Taint(frozenset({"token"}))
    error = RenderError("an expression cannot be evaluated", [Problem("steps.a", "no element 'TOK_ABC'")])
    assert taint.hide(error, "${{ parameters.name }}").problems[0].message == "no element 'TOK_ABC'"
    hidden = taint.hide(error, "${{ {}[parameters.token | upper] }}")
    assert hidden.problems == (Problem("steps.a", HIDDEN),) and "TOK_ABC" not in str(hidden)
