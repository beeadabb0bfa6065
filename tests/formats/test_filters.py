"""Backstage's template filters, with Backstage's semantics, in expressions and skeletons."""

from __future__ import annotations

from typing import Any

import pytest

from scaffolder.errors import RenderError
from scaffolder.expressions import evaluate
from scaffolder.render import FILTERS, make_environment, render_text


def ev(expr: str, **params: Any) -> Any:
    return evaluate("${{ " + expr + " }}", {"parameters": params})


def test_parse_repo_url() -> None:
    assert ev("parameters.u | parseRepoUrl", u="github.com?owner=acme&repo=orders") == {
        "host": "github.com",
        "owner": "acme",
        "repo": "orders",
        "organization": None,
        "workspace": None,
        "project": None,
    }
    assert ev("(parameters.u | parseRepoUrl).host", u="ghe.acme.io:8443?repo=x&owner=y") == "ghe.acme.io:8443"
    assert ev("(parameters.u | parseRepoUrl).project", u="dev.azure.com?organization=o&project=p&repo=r") == "p"
    for bad, missing in (
        ("github.com?owner=acme", "repo"),
        ("github.com?repo=x", "owner"),
        ("?repo=x&owner=y", "host"),
    ):
        with pytest.raises(RenderError, match=f"Invalid repo URL passed to publisher: .*, missing {missing}"):
            ev("parameters.u | parseRepoUrl", u=bad)


def test_project_slug() -> None:
    assert ev("parameters.u | projectSlug", u="github.com?repo=orders&owner=acme") == "acme/orders"


def test_parse_entity_ref_as_backstage_does() -> None:
    assert ev("parameters.o | parseEntityRef", o="group:payments") == {
        "kind": "group",
        "namespace": "default",
        "name": "payments",
    }
    assert ev("parameters.o | parseEntityRef", o="Group:ops/payments")["namespace"] == "ops"
    assert ev("parameters.o | parseEntityRef({'defaultKind': 'user', 'defaultNamespace': 'x'})", o="jane") == {
        "kind": "user",
        "namespace": "x",
        "name": "jane",
    }
    assert ev("parameters.o | parseEntityRef('group')", o="default/payments")["kind"] == "group"
    assert ev("parameters.o | parseEntityRef('component')", o="a/b:c")["name"] == "b:c"  # '/' before ':'
    with pytest.raises(RenderError, match="had missing or empty kind"):
        ev("parameters.o | parseEntityRef", o="payments")
    with pytest.raises(RenderError, match="was not on the form"):
        ev("parameters.o | parseEntityRef", o="group:")


def test_pick() -> None:
    assert ev("parameters.o | parseEntityRef | pick('name')", o="group:payments") == "payments"
    assert ev("parameters.d | pick('a.b[1].c')", d={"a": {"b": [{}, {"c": 3}]}}) == 3
    assert ev("parameters.d | pick('a.x')", d={"a": {}}) is None


def test_dump_is_json_stringify() -> None:
    assert FILTERS["dump"]({"a": [1, "é"]}) == '{"a":[1,"é"]}'
    assert FILTERS["dump"]("x", 2) == '"x"'
    env = make_environment()
    assert render_text(env, "name: {{ values.name | dump }}\n", {"values": {"name": "a: b"}}, "f") == 'name: "a: b"\n'
