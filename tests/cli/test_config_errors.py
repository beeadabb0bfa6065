"""Configuration mistakes are errors: exit 1 with one sentence, never a silent fallback or a "bug"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke


def _one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "bug" not in stderr and "Traceback" not in stderr
    return lines[0]


def test_a_missing_config_file_named_by_scaffold_config_is_an_error(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "prod-cnofig.toml"
    monkeypatch.setenv("SCAFFOLD_CONFIG", str(missing))
    line = _one_sentence(invoke("catalog", "list", code=1).stderr)
    assert line == f"error: SCAFFOLD_CONFIG names {missing}, which does not exist"


def test_a_config_path_that_is_a_directory_is_an_error(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCAFFOLD_CONFIG", str(tmp_path))
    assert _one_sentence(invoke("config", "show", code=1).stderr) == f"error: the config file {tmp_path} is not a file"


def test_a_home_that_is_a_file_is_an_error(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder\n")
    monkeypatch.setenv("SCAFFOLD_HOME", str(home))
    line = _one_sentence(invoke("list", code=1).stderr)
    assert line == f"error: SCAFFOLD_HOME {home} is not a directory"
    line = _one_sentence(invoke("new", "backend-service", "--no-input", "--set", "name=a-b", code=1).stderr)
    assert line == f"error: SCAFFOLD_HOME {home} is not a directory"


def test_a_home_that_cannot_be_created_is_an_error(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "file").write_text("x")
    home = tmp_path / "file" / "home"
    monkeypatch.setenv("SCAFFOLD_HOME", str(home))
    line = _one_sentence(invoke("catalog", "list", code=1).stderr)
    assert line.startswith(f"error: SCAFFOLD_HOME {home} cannot be created: ")


def test_a_missing_home_is_created(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "new" / "home"
    monkeypatch.setenv("SCAFFOLD_HOME", str(home))
    invoke("catalog", "list")
    assert home.is_dir()


@pytest.mark.parametrize("how", ["--profile", "SCAFFOLD_PROFILE"])
def test_an_undefined_profile_is_an_error(
    invoke: Invoke, scaffold_home: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    (scaffold_home / "config.toml").write_text('[profiles.work.forge]\nkind = "local"\n')
    args = ["catalog", "list"]
    if how == "--profile":
        args += ["--profile", "wrok"]
    else:
        monkeypatch.setenv("SCAFFOLD_PROFILE", "wrok")
    line = _one_sentence(invoke(*args, code=1).stderr)
    config = scaffold_home / "config.toml"
    assert line == f"error: the profile 'wrok' ({how}) is not defined in {config}; defined: local, work"


def test_an_undefined_profile_without_a_config_file_says_there_is_no_file(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCAFFOLD_CONFIG")
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent-xdg")
    line = _one_sentence(invoke("catalog", "list", "--profile", "prod", code=1).stderr)
    assert "the profile 'prod' (--profile) is not defined in " in line and "(no such file); defined: local" in line
