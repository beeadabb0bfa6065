"""Turning another tool's Jinja strings into scaffold's `${{ }}` expressions, where that is safe.

copier writes defaults and conditions as Jinja templates over the answers (`"{{ name | lower }}"`,
`when: "{{ use_db }}"`). When such a string only prints variables (no `{% %}` blocks), names
only answers, filters and tests that scaffold's sandbox has, it becomes a `${{ }}` expression over
`parameters` and scaffold computes it (the wizard shows the value, batch mode resolves it);
otherwise `translate` returns None and the caller leaves the value to the tool itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, TemplateSyntaxError

KEYWORDS = frozenset({"and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True", "False", "None"})
_OPENERS = ("block_begin", "comment_begin", "linestatement_begin", "linecomment_begin", "raw_begin")


def _lexer(delimiters: Mapping[str, Any] | None) -> Environment:
    """A plain environment (lexing only) with the template's delimiters (copier's `_envops`)."""
    env = Environment()
    for key, value in (delimiters or {}).items():
        if key.endswith("_string") and isinstance(value, str) and hasattr(env, key):
            setattr(env, key, value)
    return env


def translate(text: str, names: set[str], delimiters: Mapping[str, Any] | None = None) -> str | None:
    """`text` with `{{ … }}` as `${{ … }}` and each name in `names` as `parameters.NAME` (absent
    when a condition hid it: `none`); None when it cannot be translated faithfully."""
    from scaffolder.expressions import environment

    scaffold = environment()
    try:
        tokens = list(_lexer(delimiters).lex(text))
    except TemplateSyntaxError:
        return None
    out: list[str] = []
    inside = False
    before: list[str] = []  # significant tokens of the current {{ }}, as (type) strings
    for _line, kind, value in tokens:
        if kind in _OPENERS:
            return None
        if kind == "variable_begin":
            out.append("${{")
            inside, before = True, []
            continue
        if kind == "variable_end":
            out.append("}}")
            inside = False
            continue
        if not inside:
            if "${{" in value or "${%%" in value:
                return None
            out.append(value)
            continue
        if kind == "whitespace":
            out.append(value)
            continue
        if kind == "name":
            last = before[-1] if before else ""
            after_is = last == "is" or (last == "not" and len(before) > 1 and before[-2] == "is")
            if last == "pipe":
                if value not in scaffold.filters:
                    return None
            elif after_is:
                if value not in scaffold.tests:
                    return None
            elif last == "dot" or value in KEYWORDS:
                pass
            elif value in names:
                value = f"(parameters.{value} | default(none))"
            else:
                return None  # a name copier provides (_copier_conf, _folder_name, ...) or a global
        out.append(value)
        if kind == "operator":
            before.append({"|": "pipe", ".": "dot"}.get(value, value))
        else:
            before.append(value if kind == "name" and value in ("is", "not") else kind)
    result = "".join(out)
    try:
        scaffold.parse(result)
    except TemplateSyntaxError:
        return None
    return result
