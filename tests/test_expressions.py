"""`${{ }}` expressions: typed values, interpolation, strict undefined, the sandbox."""

from __future__ import annotations

import pytest

from scaffolder.errors import RenderError
from scaffolder.expressions import evaluate, render_value, truthy

CTX = {"parameters": {"name": "orders", "replicas": 3, "k8s": False}, "steps": {"publish": {"output": {"url": "u"}}}}


def test_a_lone_expression_keeps_its_type() -> None:
    assert evaluate("${{ parameters.replicas }}", CTX) == 3
    assert evaluate(" ${{ parameters.k8s }} ", CTX) is False


def test_interpolation_gives_text() -> None:
    assert evaluate("${{ parameters.name }}-${{ parameters.replicas }}", CTX) == "orders-3"
    assert evaluate("no expression {{ here }}", CTX) == "no expression {{ here }}"


def test_nested_values_render() -> None:
    assert render_value({"a": ["${{ steps.publish.output.url }}", 1]}, CTX) == {"a": ["u", 1]}


def test_undefined_names_are_errors() -> None:
    with pytest.raises(RenderError) as info:
        evaluate("${{ parameters.nope }}", CTX, "steps.x.input.name")
    assert "steps.x.input.name" in info.value.render()
    assert "nope" in info.value.render()


@pytest.mark.parametrize(
    "payload",
    [
        "${{ ''.__class__.__mro__[1].__subclasses__() }}",
        "${{ parameters.__class__.__init__.__globals__ }}",
        "${{ cycler.__init__.__globals__.os }}",
    ],
)
def test_sandbox_refuses_attribute_walks(payload: str) -> None:
    with pytest.raises(RenderError):
        evaluate(payload, CTX)


def test_conditions() -> None:
    assert truthy(None, CTX) is True
    assert truthy("${{ parameters.k8s }}", CTX) is False
    assert truthy("${{ parameters.replicas > 2 }}", CTX) is True
    assert truthy("false", CTX) is False


def test_expressions_run_within_the_budgets(monkeypatch: pytest.MonkeyPatch) -> None:
    from scaffolder.budget import BudgetExceeded

    monkeypatch.setenv("SCAFFOLD_RENDER_TIMEOUT", "0.5")
    with pytest.raises(BudgetExceeded) as info:
        evaluate("${{ lipsum(10 ** 9) }}", CTX, "steps.x.input.name")
    assert "steps.x.input.name: still rendering after 0.5 s (the time budget)" in info.value.render()
    with pytest.raises(BudgetExceeded) as info:
        evaluate("${{ 'a'|center(10 ** 11) }}", CTX, "steps.x.input.big")
    assert "steps.x.input.big: needed more than" in info.value.render()
    with pytest.raises(RenderError) as refused:
        evaluate("${{ 10 ** (10 ** 10) }}", CTX, "steps.x.input.power")
    assert "`**` would make an integer" in refused.value.render()
    assert evaluate("${{ 2 ** 8 * 2 }}-${{ '%03d' % 7 }}", CTX) == "512-007"


BACKSTAGE = {"$dialect": "nunjucks", "parameters": {"name": "orders", "empty": "", "n": 2, "flag": False, "tags": []}}


def test_a_backstage_input_that_renders_to_nothing_is_left_out() -> None:
    raw = {"a": "${{ parameters.missing }}", "b": "x${{ parameters.missing }}", "c": "${{ parameters.empty }}"}
    raw |= {"d": "${{ parameters.empty }}${{ parameters.missing }}", "e": ["${{ parameters.missing }}"]}
    assert render_value(raw, BACKSTAGE) == {"b": "x", "c": "", "e": [None]}
    assert render_value({"a": "${{ parameters.missing }}"}, CTX | {"parameters": {"missing": 1}}) == {"a": 1}


def test_backstage_if_is_javascript_truth() -> None:
    assert truthy("${{ parameters.tags }}", BACKSTAGE) is False  # an empty list
    assert truthy("${{ parameters.flag }}", BACKSTAGE) is False
    assert truthy("no-${{ parameters.flag }}", BACKSTAGE) is True  # any text but ""
    assert truthy("${{ parameters.name && parameters.flag }}", BACKSTAGE) is True  # kept as written, as Backstage
    assert truthy("${{ parameters.n === 2 and parameters.name !== 'x' }}", BACKSTAGE) is True


def test_backstage_values_print_as_javascript_prints_them() -> None:
    assert evaluate("${{ parameters.flag }}/${{ parameters.tags }}/${{ parameters.n / 4 }}", BACKSTAGE) == "false//0.5"
    assert evaluate("${{ parameters.flag + 1 }}", BACKSTAGE) == 1
    assert evaluate("${{ parameters.tags + parameters.n }}", BACKSTAGE) == "2"
