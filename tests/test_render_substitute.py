"""The render fast path (`{{ values.x }}` substituted without compiling) prints what Jinja prints, line
endings kept as the text has them (`scaffolder.line_endings`)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.errors import RenderError
from scaffolder.render import Delimiters, _render, _substitute, make_environment, render_text

CONTEXT: dict[str, Any] = {
    "values": {"name": "svc", "n": 3, "on": False, "none": None, "items": "shadowed", "nested": {"k": "v"}, "l": [1]},
    "template": {"name": "t", "version": "1.0.0"},
}
PIECES = [
    "{{ values.name }}",
    "{{values.n}}",
    "{{ values.on }}",
    "{{ values.none }}",
    "{{ values.items }}",
    "{{ values.nested.k }}",
    "{{ values.nested }}",
    "{{ values.l }}",
    "{{ template.version }}",
    "{{ values.missing }}",
    "{{ missing }}",
    "{{ values.name | upper }}",
    "{{- values.name -}}",
    "{{ true }}",
    "{{ none }}",
    "{{{ values.n }}",
    "{{ values.name }}}",
    "}}",
    "{{",
    "{%",
    "{# c #}",
    "${{ values.name }}",
    "$",
    "x",
    " ",
    "\n",
    "\t",
    "\r\n",
    "\r",
    "é",
]


def _jinja(env: Any, text: str) -> str | None:
    try:
        return _render(env, text, CONTEXT, "f.txt")
    except Exception:
        return None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.sampled_from(PIECES), max_size=8))
@pytest.mark.parametrize("delimiters", [Delimiters(), Delimiters(variable_start="${{", variable_end="}}")])
def test_substitution_matches_jinja(delimiters: Delimiters, parts: list[str]) -> None:
    env = make_environment(delimiters)
    text = "".join(parts)
    fast = _substitute(env, text, CONTEXT)
    if fast is not None:
        assert fast == _jinja(env, text)
    try:
        rendered: str | None = render_text(env, text, CONTEXT, "f.txt")
    except RenderError:
        rendered = None
    assert rendered == _jinja(env, text)
