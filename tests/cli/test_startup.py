"""The start-up floor: what `scaffold` imports before it works, checked by module name (never by time).

`scaffold --help` loads click and no command module; a command imports its own module only;
`scaffold new` reads the golden path before Jinja, the runner and any action load, then imports the
actions its steps use and no other, so a broken plugin it does not use cannot stop it; `scaffold
upgrade` reads the record and both golden paths before the runner and Jinja; a TAB names golden
paths without the template models, a YAML parser or semver.
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
from scaffolder import git
from scaffolder.cli import LAZY
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


def _probe(args: list[str], env_home: Path, **env: str) -> dict[str, object]:
    """What PROBE saw running `scaffold ARGS` (with `env` added), and its standard output as "stdout"."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env={**_env(), "SCAFFOLD_HOME": str(env_home), **env},
        check=False,
    )
    line = next((x for x in done.stderr.splitlines() if x.startswith("PROBE")), None)
    assert line is not None, done.stderr
    data: dict[str, object] = json.loads(line.removeprefix("PROBE"))
    data["stdout"] = done.stdout
    return data


def _commands(modules: object) -> list[str]:
    """The command modules (`scaffolder/cli/<command>.py`) among `modules`."""
    assert isinstance(modules, list)
    return sorted({lazy.target.partition(":")[0] for lazy in LAZY.values()} & set(modules))


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
    assert _commands(seen["at_end"]) == []  # the list comes from the summaries beside the command names
    assert "upgrade   Upgrade the repo holding PATH" in str(seen["stdout"])


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


def test_upgrade_reads_the_record_and_both_golden_paths_before_the_runner_and_jinja(
    invoke: Invoke, library: Path, scaffold_home: Path, tmp_path: Path
) -> None:
    made = as_json(invoke("new", "mini@1.0.0", *ANSWERS, "-o", "json"))
    repo = git.clone(made["repository"]["clone_url"], tmp_path / "orders-api")
    seen = _probe(["upgrade", str(repo), "--dry-run", "-o", "json"], scaffold_home, SCAFFOLD_LIBRARY=str(library))
    assert seen["code"] in (0, None) and json.loads(str(seen["stdout"]))["to_version"] == "2.0.0"
    later = ("jinja2", "scaffolder.action", "scaffolder.runner", "scaffolder.render", "scaffolder.registry")
    assert _loaded(seen["at_template"], *later, "scaffolder.upgrade.driver", "scaffolder.plan") == []
    assert _commands(seen["at_template"]) == ["scaffolder.cli.upgrade"]
    assert _loaded(seen["at_end"], "scaffolder.upgrade.driver", "scaffolder.runner") == [
        "scaffolder.upgrade.driver",
        "scaffolder.runner",
    ]


def _tab(words: str, home: Path, library: Path) -> dict[str, object]:
    """A bash TAB after `scaffold WORDS` (click's completion protocol), in a fresh interpreter."""
    cword = str(len(words.split(" ")) - 1)
    complete = {"_SCAFFOLD_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": cword}
    return _probe([], home, SCAFFOLD_LIBRARY=str(library), **complete)


def test_a_tab_names_golden_paths_without_the_template_models_a_yaml_parser_or_semver(
    library: Path, scaffold_home: Path
) -> None:
    seen = _tab("scaffold new ", scaffold_home, library)
    assert str(seen["stdout"]).splitlines() == [
        f"plain,{n}" for n in ("backend-service", "data-pipeline", "mini", "website")
    ]
    heavy = ("pydantic", "ruamel.yaml", "semver", "jinja2", "scaffolder.template", "scaffolder.sources.releases")
    assert _loaded(seen["at_end"], *HEAVY, *heavy) == []
    assert _commands(seen["at_end"]) == ["scaffolder.cli.new"]


def test_a_tab_completes_command_names_with_their_summaries_and_imports_no_command(
    library: Path, scaffold_home: Path
) -> None:
    seen = _tab("scaffold up", scaffold_home, library)
    assert str(seen["stdout"]).splitlines() == ["plain,upgrade"]
    assert _commands(seen["at_end"]) == []
    zsh = _probe([], scaffold_home, _SCAFFOLD_COMPLETE="zsh_complete", COMP_WORDS="scaffold ne", COMP_CWORD="1")
    assert str(zsh["stdout"]).splitlines() == ["plain", "new", LAZY["new"].summary]
    assert _commands(zsh["at_end"]) == []


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
