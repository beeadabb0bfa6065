"""The commands besides `new`: help, listing, showing, schema, config, errors, startup."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, as_json

COMMANDS = [
    [],
    ["new"],
    ["resume"],
    ["runs"],
    ["list"],
    ["show"],
    ["actions"],
    ["forge"],
    ["forge", "repos"],
    ["catalog"],
    ["catalog", "list"],
    ["catalog", "show"],
    ["template"],
    ["template", "schema"],
    ["config"],
    ["config", "show"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "scaffold")
def test_every_command_has_help(invoke: Invoke, command: list[str]) -> None:
    assert "Usage: " in invoke(*command, "--help").stdout


def test_usage_errors_exit_2(invoke: Invoke) -> None:
    assert invoke("new", code=2).exit_code == 2
    assert invoke("list", "--output", "xml", code=2).exit_code == 2


def test_list_and_show(invoke: Invoke) -> None:
    listed = as_json(invoke("list", "-o", "json"))
    assert {e["name"]: e["owner"] for e in listed} == {
        "backend-service": "group:backend-guild",
        "data-pipeline": "group:data-guild",
        "website": "group:web-guild",
    }
    assert "backend-service" in invoke("list").stdout
    shown = as_json(invoke("show", "backend-service", "-o", "json"))
    assert [p["id"] for p in shown["parameters"]][:2] == ["name", "owner"]
    assert shown["steps"][-1]["action"] == "catalog:register"
    assert "Parameters:" in invoke("show", "website").stdout


def test_a_broken_golden_path_in_a_library_is_listed_with_its_error(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = tmp_path / "lib"
    (lib / "broken").mkdir(parents=True)
    (lib / "broken" / "template.yaml").write_text("apiVersion: scaffold/v1\nkind: GoldenPath\n")
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    listed = {e["name"]: e for e in as_json(invoke("list", "-o", "json"))}
    assert "spec: is required" in listed["broken"]["error"]
    assert listed["backend-service"]["error"] is None


def test_schema_is_json(invoke: Invoke) -> None:
    schema = json.loads(invoke("template", "schema").stdout)
    assert schema["title"] == "scaffold golden path (template.yaml)"
    assert "GoldenPath" in json.dumps(schema)


def test_actions_lists_builtins_with_schemas(invoke: Invoke) -> None:
    actions = {a["id"]: a for a in as_json(invoke("actions", "-o", "json"))}
    assert actions["repo:create"]["input_schema"]["properties"]["name"]
    assert actions["fetch:template"]["supports_dry_run"] is True


def test_config_show(invoke: Invoke, scaffold_home: Path) -> None:
    data = as_json(invoke("config", "show", "-o", "json"))
    assert data["forge"]["path"] == str(scaffold_home / "forge")
    assert data["catalog"]["kind"] == "sqlite"


def test_bad_config_is_exit_1(invoke: Invoke, scaffold_home: Path) -> None:
    (scaffold_home / "config.toml").write_text("default_profile = 'nope'\n")
    assert "the profile 'nope' (default_profile) is not defined" in invoke("list", code=1).stderr


def test_catalog_show_unknown(invoke: Invoke) -> None:
    assert "no entity 'nope'" in invoke("catalog", "show", "nope", code=1).stderr


def test_resume_unknown_run(invoke: Invoke) -> None:
    assert "no run 'nope'" in invoke("resume", "nope", code=1).stderr


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from scaffolder.cli import cli\n"
        "try: cli.main(['--help'], standalone_mode=False)\nexcept SystemExit: pass\n"
        "heavy = ('git', 'github', 'questionary', 'pydantic', 'jinja2', 'ruamel', 'rich')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_python_dash_m_and_the_console_script(scaffold_home: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "scaffolder", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("scaffold, version ")
    script = Path(sys.executable).parent / "scaffold"
    listed = subprocess.run([str(script), "list", "-o", "json"], capture_output=True, text=True, check=True)
    assert len(json.loads(listed.stdout)) >= 3
