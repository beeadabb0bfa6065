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
