"""Property-based tests: whatever the input, validation, expressions and path handling either
succeed within their contract or fail with the project's own error, never anything else."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.errors import AnswersError, RenderError
from scaffolder.expressions import evaluate
from scaffolder.parameters import InvalidValue, coerce, resolve
from scaffolder.paths import inside
from scaffolder.render import Delimiters, make_environment, render_text
from scaffolder.sources import load_template
from scaffolder.template import Parameter
from tests.helpers import write_template

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40))
values = st.one_of(scalars, st.lists(scalars, max_size=4), st.dictionaries(st.text(max_size=5), scalars, max_size=3))
PARAMS = [
    Parameter(id="s", type="string", pattern="^[a-z][a-z0-9-]{1,20}$"),
    Parameter(id="i", type="integer", minimum=1, maximum=20),
    Parameter(id="b", type="boolean"),
    Parameter.model_validate({"id": "c", "type": "choice", "choices": ["a", "b", 3]}),
    Parameter.model_validate({"id": "m", "type": "multi-choice", "choices": ["x", "y"]}),
    Parameter(id="l", type="string", minLength=2, maxLength=5),
]


@FAST
@given(raw=values, index=st.integers(0, len(PARAMS) - 1))
def test_coerce_returns_a_valid_value_or_says_why(raw: Any, index: int) -> None:
    param = PARAMS[index]
    try:
        value = coerce(param, raw)
    except InvalidValue as exc:
        assert str(exc)
        return
    if param.type == "integer":
        assert isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 20
    elif param.type == "boolean":
        assert isinstance(value, bool)
    elif param.type == "choice":
        assert value in ("a", "b", 3)
    elif param.type == "multi-choice":
        assert isinstance(value, list) and set(value) <= {"x", "y"}
    else:
        assert isinstance(value, str)
        assert coerce(param, value) == value  # idempotent


_FOLDER = write_template(Path(tempfile.mkdtemp(prefix="prop-")))
_TEMPLATE = load_template(_FOLDER)


@FAST
@given(
    answers=st.dictionaries(st.sampled_from(["name", "owner", "port", "api_token", "other", ""]), values, max_size=5)
)
def test_resolve_gives_answers_or_one_answers_error(answers: dict[str, Any]) -> None:
    try:
        result = resolve(_TEMPLATE, answers)
    except AnswersError as exc:
        assert exc.problems
        return
    assert set(result.values) == {"name", "owner", "port", "api_token"}


CONTEXT = {"parameters": {"name": "svc", "n": 3}, "steps": {}, "template": {"name": "t", "version": "1.0.0"}}


@FAST
@given(text=st.text(max_size=60))
def test_expressions_render_or_raise_render_error(text: str) -> None:
    for candidate in (text, "${{ " + text + " }}", "a ${{ " + text + " }} b"):
        with contextlib.suppress(RenderError):
            evaluate(candidate, CONTEXT)


@FAST
@given(text=st.text(max_size=80))
def test_skeleton_text_renders_or_raises_render_error(text: str) -> None:
    env = make_environment(Delimiters())
    try:
        out = render_text(env, text, {"values": {"name": "svc"}}, "f.txt")
    except RenderError:
        return
    if not any(m in text for m in ("{{", "{%", "{#", "\r")):
        assert out == text


_ROOT = Path(tempfile.mkdtemp(prefix="prop-root-")) / "ws"
_ROOT.mkdir()
segments = st.sampled_from(["a", "b", "..", ".", "", "/", "//", "c/d", "~", "..a", "a..", "%2e%2e", "\\", "\x00"])


@FAST
@given(parts=st.lists(segments, min_size=1, max_size=6))
def test_inside_never_returns_a_path_outside_the_root(parts: list[str]) -> None:
    rel = "/".join(parts)
    try:
        result = inside(_ROOT, rel)
    except RenderError:
        return
    root = _ROOT.resolve()
    assert result == root or root in result.parents
