"""scaffold's sandbox reads `a_dict.name` straight from the dict when no dict attribute has that
name, and a public member of a string or of `loop` without asking `is_safe_attribute` each time
(`Sandbox.getattr`): what it gives back is what Jinja's sandbox gives, for every kind of name."""

from __future__ import annotations

from typing import Any

import pytest
from jinja2 import StrictUndefined, Undefined
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment

from scaffolder.errors import RenderError
from scaffolder.render import make_environment, render_text
from scaffolder.sandbox import Sandbox


class Sub(dict[str, Any]):
    """A dict subclass, which may carry attributes of its own: left to Jinja's lookup."""

    extra = "attribute"


DATA: dict[str, Any] = {"name": "svc", "items": "shadowed", "keys": 1, "_private": 2, "__class__": 3, "": 4}
NAMES = ["name", "items", "keys", "get", "_private", "__class__", "__init__", "missing", "", "extra", "mro"]
NAMES += ["upper", "startswith", "format", "format_map", "index", "last", "cycle", "length", "_after", "__len__"]
OBJECTS = [DATA, Sub(DATA), {}, "text", LoopContext(iter([1, 2]), StrictUndefined)]


@pytest.mark.parametrize("obj", OBJECTS, ids=["dict", "subclass", "empty", "str", "loop"])
@pytest.mark.parametrize("name", NAMES)
def test_a_member_is_what_jinjas_sandbox_reads(obj: Any, name: str) -> None:
    ours = Sandbox(undefined=StrictUndefined)
    got = ours.getattr(obj, name)
    want = SandboxedEnvironment.getattr(ours, obj, name)
    if isinstance(want, Undefined):
        assert type(got) is type(want)
        assert got._undefined_message == want._undefined_message
    elif name in ("format", "format_map") and isinstance(obj, str):
        assert type(got) is type(want)  # the sandbox's own wrapper, made afresh each time
        assert got.__qualname__ == want.__qualname__
    elif callable(want):
        assert got == want  # a bound method: equal when bound to the same object
    else:
        assert got == want


def test_a_missing_key_is_reported_as_before() -> None:
    env = make_environment()
    with pytest.raises(RenderError) as caught:
        render_text(env, "{{ values.missing | upper }}", {"values": {"name": "x"}}, "f.txt")
    assert caught.value.problems[0].message == "undefined variable: 'dict object' has no attribute 'missing'"


def test_dict_methods_still_win_over_keys_and_unsafe_names_stay_refused() -> None:
    env = make_environment()
    values = {"values": {"items": "shadowed", "name": "svc"}}
    assert render_text(env, "{{ values.items() | list | length }} {{ values.name | upper }}", values, "f") == "2 SVC"
    with pytest.raises(RenderError) as caught:
        render_text(env, "{{ values.__class__.__subclasses__() }}", values, "f")
    assert caught.value.problems[0].message.startswith(("refused by the sandbox", "undefined variable"))
