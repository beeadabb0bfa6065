"""`scaffold new`'s wizard in-process: keystrokes through a prompt_toolkit pipe, the real embedded
forge and catalog behind it (Ctrl-C creates nothing and exits 130; a taken name is found as typed)."""

from __future__ import annotations

import io
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from scaffolder import config
from tests.cli.conftest import Invoke, as_json

ENTER = "\r"
CLEAR = "\x15"
CTRL_C = "\x03"


class Screen:
    """What the wizard printed, and the keys it will read."""

    def __init__(self, pipe: PipeInput, buffer: io.StringIO) -> None:
        self.pipe, self.buffer = pipe, buffer

    @property
    def text(self) -> str:
        return self.buffer.getvalue()


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Screen]:
    """`scaffold new` believes stdin is a terminal; its prompts read the pipe and write the buffer."""
    fake_sys = types.SimpleNamespace(stdin=types.SimpleNamespace(isatty=lambda: True), stderr=sys.stderr)
    monkeypatch.setattr("scaffolder.cli.new.sys", fake_sys)
    buffer = io.StringIO()
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=PlainTextOutput(buffer)):
        yield Screen(pipe, buffer)


def test_ctrl_c_exits_130_creates_nothing_and_says_how_to_rerun(
    invoke: Invoke, terminal: Screen, scaffold_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    terminal.pipe.send_text("orders-api" + ENTER + "group:payments" + ENTER + CTRL_C + "n")
    result = invoke("new", "backend-service@1.0.0", code=130)
    assert result.stderr.startswith("error: cancelled; nothing was created"), result.stderr
    assert (
        "rerun with the answers so far: scaffold new backend-service@1.0.0 --set name=orders-api "
        "--set owner=group:payments" in result.stderr
    )
    runs = scaffold_home / "runs"
    assert not runs.exists() or not any(runs.iterdir())
    assert as_json(invoke("forge", "repos", "-o", "json")) == []
    assert as_json(invoke("catalog", "list", "-o", "json")) == []
    assert not (tmp_path / "scaffold-answers.yaml").exists()  # written only when asked


def test_a_taken_name_is_reported_right_after_it_is_typed(
    invoke: Invoke, terminal: Screen, scaffold_home: Path
) -> None:
    invoke("new", "backend-service", "--no-input", "--set", "name=orders-api", "--set", "owner=group:payments")
    keys = [
        "orders-api" + ENTER,  # taken on the forge: asked again at once, the name prefilled
        CLEAR + "orders-v2" + ENTER,
        "group:payments" + ENTER,
    ]
    terminal.pipe.send_text("".join(keys) + ENTER * 12)  # every other question takes its default
    result = invoke("new", "backend-service@1.0.0", "--yes", "--set", "kubernetes=false", "-o", "json")
    screen = terminal.text
    taken = screen.index("a repo of that name already exists on the forge")
    assert taken < screen.index("? Owner"), screen  # before the next question, not after the confirm
    assert as_json(result)["entity_ref"] == "component:default/orders-v2"


def test_a_name_in_the_catalog_is_taken_too(invoke: Invoke, terminal: Screen, scaffold_home: Path) -> None:
    catalog = config.open_catalog(config.load())
    entity = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "billing"},
        "spec": {"type": "service", "lifecycle": "production", "owner": "group:payments"},
    }
    catalog.register(entity, location="https://git.example.test/billing/catalog-info.yaml")
    terminal.pipe.send_text("billing" + ENTER + CLEAR + "billing-api" + ENTER + "group:payments" + ENTER + ENTER * 12)
    result = invoke("new", "backend-service@1.0.0", "--yes", "--set", "kubernetes=false", "-o", "json")
    assert "! name: the catalog already has an entry of that name; choose another name" in terminal.text
    assert as_json(result)["entity_ref"] == "component:default/billing-api"


def test_the_catalogs_groups_are_suggested_for_a_mistyped_owner(
    invoke: Invoke, terminal: Screen, scaffold_home: Path
) -> None:
    catalog = config.open_catalog(config.load())
    group = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Group",
        "metadata": {"name": "payments-platform"},
        "spec": {"type": "team", "children": []},
    }
    catalog.register(group, location="https://git.example.test/org/groups.yaml")
    # the mistyped owner is given, so the wizard says why it asks again, with the suggestion
    keys = "orders-api" + ENTER + CLEAR + "group:payments-platform" + ENTER
    terminal.pipe.send_text(keys + CTRL_C + "n")
    invoke("new", "backend-service@1.0.0", "--set", "owner=paymnets-platform", code=130)
    expected = (
        "! owner: 'paymnets-platform' is not valid, did you mean group:payments-platform? "
        "An owner is group:NAME or user:NAME, e.g. group:payments (given value); answer again"
    )
    assert expected in terminal.text
