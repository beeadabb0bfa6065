"""Shell completion through click's own completion machinery: golden-path names for `new`, `show`,
`versions` and `migrate`, files for a path, and the `bash_source` script the README documents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import BashComplete
from click.testing import CliRunner

from scaffolder.cli import cli

BUILTIN = ["backend-service", "data-pipeline", "website"]


def complete(*words: str) -> list[tuple[str, str]]:
    """What bash would be offered for the last word after `scaffold WORDS...`."""
    *args, incomplete = words
    items = BashComplete(cli, {}, "scaffold", "_SCAFFOLD_COMPLETE").get_completions(args, incomplete)
    return [(item.type, item.value) for item in items]


@pytest.mark.parametrize("command", [["new"], ["show"], ["versions"], ["migrate", "status"]])
def test_golden_path_names_complete(command: list[str], library: Path) -> None:
    assert complete(*command, "") == [("plain", n) for n in sorted([*BUILTIN, "mini"])]
    assert complete(*command, "ba") == [("plain", "backend-service")]
    assert complete(*command, "mi") == [("plain", "mini")]


def test_name_at_completes_the_versions_newest_first(library: Path) -> None:
    assert complete("new", "mini@") == [("plain", "mini@2.0.0"), ("plain", "mini@1.0.0")]
    assert complete("show", "backend-service@2") == [
        ("plain", "backend-service@2.1.0"),
        ("plain", "backend-service@2.0.0"),
    ]
    assert complete("new", "nothing@") == []


def test_a_path_completes_as_a_file() -> None:
    assert complete("new", "./golden/") == [("file", "./golden/")]
    assert complete("show", "templates/svc") == [("file", "templates/svc")]


def test_a_url_library_is_never_fetched_by_a_tab(monkeypatch: pytest.MonkeyPatch, scaffold_home: Path) -> None:
    monkeypatch.setenv("SCAFFOLD_LIBRARY", "git+https://forge.invalid/acme/golden-paths.git")
    assert complete("new", "") == [("plain", n) for n in BUILTIN]
    assert not (scaffold_home / "cache" / "libraries").exists()


def test_a_broken_config_completes_the_builtin_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SCAFFOLD_CONFIG", str(tmp_path / "missing.toml"))
    assert complete("new", "web") == [("plain", "website")]


def test_the_documented_bash_script_and_its_answers() -> None:
    """`_SCAFFOLD_COMPLETE=bash_source scaffold` prints the script; the script calls scaffold back
    with `bash_complete`, which answers `type,value` lines."""
    runner = CliRunner()
    source = runner.invoke(cli, [], prog_name="scaffold", env={"_SCAFFOLD_COMPLETE": "bash_source"})
    assert "complete -o nosort -F _scaffold_completion scaffold" in source.stdout
    answer = runner.invoke(
        cli,
        [],
        prog_name="scaffold",
        env={"_SCAFFOLD_COMPLETE": "bash_complete", "COMP_WORDS": "scaffold new back", "COMP_CWORD": "2"},
    )
    assert answer.stdout.splitlines() == ["plain,backend-service"]


def test_bash_itself_completes_a_name() -> None:
    """The script, sourced by a real bash, fills COMPREPLY by calling the installed `scaffold`."""
    bin_dir = Path(sys.executable).parent  # the environment the tests run in has scaffold installed
    script = (
        'eval "$(_SCAFFOLD_COMPLETE=bash_source scaffold)"\n'
        "COMP_WORDS=(scaffold new web); COMP_CWORD=2; _scaffold_completion scaffold\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["website"]
