"""Action plugins: every built-in comes through the entry-point group; broken plugins are named."""

from __future__ import annotations

import dataclasses
import sys
import textwrap
from collections.abc import Callable, Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

import scaffolder.registry
from scaffolder.errors import ActionError
from scaffolder.registry import load_actions, load_registry

BUILTINS = {
    "fetch:template",
    "catalog:write",
    "ci:github-actions",
    "kubernetes:manifests",
    "repo:create",
    "catalog:register",
}


def test_builtins_are_registered_through_entry_points() -> None:
    assert set(load_registry()) >= BUILTINS
    for action in load_registry().values():
        assert action.input.model_config.get("extra") == "forbid", action.id
        assert action.examples, f"{action.id} has no example"
        assert action.description


def test_unknown_action_names_the_installed_ones() -> None:
    with pytest.raises(ActionError) as info:
        load_registry().action("fetch:templat")
    assert "fetch:template" in info.value.render()


def test_replace_gives_a_new_registry_and_leaves_the_installed_one() -> None:
    installed = load_registry()
    real = installed.action("debug:log")
    other = dataclasses.replace(real, description="a stand-in")
    replaced = installed.replace(other)
    assert replaced.action("debug:log") is other and installed.action("debug:log") is real
    assert replaced.ids() == installed.ids() and len(replaced) == len(installed)


@pytest.fixture
def plugin_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "fake_plugin.py").write_text(
        textwrap.dedent(
            """
            from scaffolder.action import ActionInput, NoOutput, define_action

            class Input(ActionInput):
                message: str

            def run(ctx, inp):
                return NoOutput()

            hello = define_action(id="acme:hello", description="Say hello", input=Input, output=NoOutput, handler=run)
            clash = define_action(id="fetch:template", description="Clash", input=Input, output=NoOutput, handler=run)
            not_an_action = object()
            """
        )
    )
    (tmp_path / "fake_other.py").write_text(
        textwrap.dedent(
            """
            from scaffolder.action import ActionInput, NoOutput, define_action

            other = define_action(
                id="acme:other", description="Other", input=ActionInput, output=NoOutput,
                handler=lambda c, i: NoOutput(),
            )
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("fake_plugin", "fake_other"):
        sys.modules.pop(name, None)
    return "fake_plugin"


def _ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group="scaffold.actions")


def test_a_third_party_action_loads(plugin_module: str) -> None:
    actions = load_actions([_ep("hello", f"{plugin_module}:hello")])
    assert actions["acme:hello"].description == "Say hello"


def test_every_broken_plugin_is_named_in_one_error(plugin_module: str) -> None:
    eps = [
        _ep("fetch-template", "scaffolder.actions.fetch_template:action"),
        _ep("clash", f"{plugin_module}:clash"),
        _ep("nothing", f"{plugin_module}:not_an_action"),
        _ep("missing", "no_such_module_xyz:action"),
    ]
    with pytest.raises(ActionError) as info:
        load_actions(eps)
    text = info.value.render()
    assert "'fetch:template' is already registered by scaffolder.actions.fetch_template:action" in text
    assert f"{plugin_module}:not_an_action" in text and "is not an Action" in text
    assert "no_such_module_xyz:action" in text and "cannot be loaded" in text
    assert len(info.value.problems) == 3


def test_action_ids_follow_backstage_style() -> None:
    from scaffolder.action import ActionInput, NoOutput, define_action

    with pytest.raises(ValueError, match="provider:verb"):
        define_action(id="Hello", description="", input=ActionInput, output=NoOutput, handler=lambda c, i: NoOutput())


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[list[EntryPoint]], None]]:
    """Stand `eps` in for the installed entry-point group, as a plugin distribution would."""

    def put(eps: list[EntryPoint]) -> None:
        monkeypatch.setattr(scaffolder.registry, "entry_points", lambda group: eps)
        load_registry.cache_clear()

    yield put
    load_registry.cache_clear()


def test_a_lookup_imports_only_the_plugin_named_after_the_id(
    plugin_module: str, installed: Callable[[list[EntryPoint]], None]
) -> None:
    installed([_ep("acme-other", "fake_other:other"), _ep("acme-hello", f"{plugin_module}:hello")])
    assert load_registry().action("acme:hello").description == "Say hello"
    assert "fake_other" not in sys.modules  # never imported: no step asked for it
    assert load_registry().ids() == ["acme:hello", "acme:other"]


def test_a_broken_plugin_stops_only_the_lookups_that_may_need_it(
    plugin_module: str, installed: Callable[[list[EntryPoint]], None]
) -> None:
    installed([_ep("acme-hello", f"{plugin_module}:hello"), _ep("acme-broken", "no_such_module_xyz:action")])
    assert load_registry().action("acme:hello").description == "Say hello"
    for lookup in (lambda: load_registry().action("acme:broken"), load_registry().ids, load_registry().validated):
        with pytest.raises(ActionError) as info:
            lookup()
        assert info.value.message == "some action plugins are broken"
        assert "no_such_module_xyz:action" in info.value.render() and "cannot be loaded" in info.value.render()


def test_a_plugin_named_otherwise_is_found_and_a_clash_under_one_name_is_an_error(
    plugin_module: str, installed: Callable[[list[EntryPoint]], None]
) -> None:
    installed(
        [_ep("fetch-template", "scaffolder.actions.fetch_template:action"), _ep("greeter", f"{plugin_module}:hello")]
    )
    assert load_registry().action("acme:hello").id == "acme:hello"  # by loading them all
    installed(
        [
            _ep("fetch-template", "scaffolder.actions.fetch_template:action"),
            _ep("fetch-template", f"{plugin_module}:clash"),
        ]
    )
    for _ in range(2):  # the same answer each time it is asked
        with pytest.raises(ActionError, match="broken") as info:
            load_registry().action("fetch:template")
        assert "'fetch:template' is already registered" in info.value.render()


def test_replace_keeps_the_lookups_lazy(plugin_module: str, installed: Callable[[list[EntryPoint]], None]) -> None:
    installed([_ep("acme-other", "fake_other:other"), _ep("acme-hello", f"{plugin_module}:hello")])
    real = load_registry().action("acme:hello")
    replaced = load_registry().replace(dataclasses.replace(real, description="a stand-in"))
    assert replaced.action("acme:hello").description == "a stand-in" and "fake_other" not in sys.modules
    assert replaced.ids() == ["acme:hello", "acme:other"]
