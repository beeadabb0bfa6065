"""The start-up floor: what `scaffold` imports before it works, checked by module name (never by time).

`scaffold --help` loads click and the command modules only; `scaffold new` reads the golden path
before Jinja, the runner and any action load, then imports the actions its steps use and no other,
so a broken plugin it does not use cannot stop it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

import scaffolder.registry
from scaffolder.registry import load_registry
from tests.cli.conftest import Invoke, as_json
from tests.helpers import write_template

# Libraries that are the job of some commands only: none loads for --help or a native template's dry run.
HEAVY = ("github", "copier", "cookiecutter", "questionary", "prompt_toolkit", "rich")
USED = {"fetch_template", "catalog_write", "repo_create", "catalog_register"}  # tests.helpers.MINIMAL's steps
ANSWERS = ["--no-input", "--set", "name=orders-api", "--set", "owner=group:payments"]

# Runs the CLI in a fresh interpreter; prints the modules loaded when the first template.yaml is
# opened (an audit hook sees it) and when the command has finished.
PROBE = """
import json, sys
seen = {}
def hook(event, args):
    if event == "open" and "at_template" not in seen and str(args[0]).endswith("template.yaml"):
        seen["at_template"] = sorted(sys.modules)
sys.addaudithook(hook)
from scaffolder.cli import cli
try:
    cli.main(args=sys.argv[1:], prog_name="scaffold")
except SystemExit as exc:
    seen["code"] = exc.code
seen["at_end"] = sorted(sys.modules)
sys.stderr.write("PROBE" + json.dumps(seen) + "\\n")
"""


def _probe(args: list[str], env_home: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env={**_env(), "SCAFFOLD_HOME": str(env_home)},
        check=False,
    )
    line = next((x for x in done.stderr.splitlines() if x.startswith("PROBE")), None)
    assert line is not None, done.stderr
    data: dict[str, object] = json.loads(line.removeprefix("PROBE"))
    return data


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith(("_SCAFFOLD_COMPLETE", "SCAFFOLD_LIBRARY"))}


def _loaded(modules: object, *names: str) -> list[str]:
    assert isinstance(modules, list)
    return [n for n in names if n in modules]


def test_help_loads_click_and_no_library_of_the_work(tmp_path: Path) -> None:
    seen = _probe(["--help"], tmp_path / "home")
    assert seen["code"] == 0
    assert _loaded(seen["at_end"], *HEAVY, "jinja2", "pydantic", "ruamel.yaml", "scaffolder.template") == []


def test_new_reads_the_golden_path_first_then_imports_only_the_actions_it_uses(tmp_path: Path) -> None:
    folder = write_template(tmp_path)
    seen = _probe(["new", str(folder), "--dry-run", *ANSWERS, "-o", "json"], tmp_path / "home")
    assert seen["code"] in (0, None)
    later = ("jinja2", "scaffolder.action", "scaffolder.registry", "scaffolder.runner", "scaffolder.plan")
    assert _loaded(seen["at_template"], *later) == []
    at_end = seen["at_end"]
    assert isinstance(at_end, list)
    actions = {m.rsplit(".", 1)[1] for m in at_end if m.startswith("scaffolder.actions.")}
    assert {a for a in actions if not a.startswith("_")} == USED
    assert _loaded(at_end, *HEAVY) == []


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, str], None]]:
    """Add an entry point NAME = VALUE to the installed action plugins, as a distribution would."""
    real = scaffolder.registry.entry_points(group=scaffolder.registry.GROUP)

    def put(name: str, value: str) -> None:
        eps = [ep for ep in real if ep.name != name] + [EntryPoint(name, value, scaffolder.registry.GROUP)]
        monkeypatch.setattr(scaffolder.registry, "entry_points", lambda group: eps)
        load_registry.cache_clear()

    yield put
    load_registry.cache_clear()


def test_a_broken_plugin_the_template_does_not_use_no_longer_stops_new(
    invoke: Invoke, tmp_path: Path, scaffold_home: Path, installed: Callable[[str, str], None]
) -> None:
    installed("acme-broken", "no_such_module_xyz:action")
    folder = write_template(tmp_path)
    assert as_json(invoke("new", str(folder), "--dry-run", *ANSWERS, "-o", "json"))["dry_run"] is True
    listed = invoke("actions", code=1)  # listing validates every plugin, as before
    assert "some action plugins are broken" in listed.stderr and "no_such_module_xyz:action" in listed.stderr


def test_a_broken_plugin_the_template_uses_fails_new_with_the_same_message(
    invoke: Invoke, tmp_path: Path, scaffold_home: Path, installed: Callable[[str, str], None]
) -> None:
    installed("catalog-write", "no_such_module_xyz:action")
    folder = write_template(tmp_path)
    failed = invoke("new", str(folder), "--dry-run", *ANSWERS, code=1)
    assert "nothing was created" in failed.stderr  # one error naming the plugin, as when all loaded at once
    assert "no_such_module_xyz:action (from ?): cannot be loaded" in failed.stderr
    assert "Traceback" not in failed.stderr
