"""CLI tests call commands in-process with click's CliRunner, as click's own tests do."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scaffolder.cli import cli
from scaffolder.sources import cut_release
from tests.helpers import MINIMAL, V1_FILES, V2_FILES, write_template
from tests.servers.github_api import GitHubServer

Invoke = Callable[..., Result]


@pytest.fixture
def invoke() -> Invoke:
    runner = CliRunner()

    def run(*args: str, input: str | None = None, code: int | None = 0) -> Result:
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        if code is not None:
            assert result.exit_code == code, (
                f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    return run


def as_json(result: Result) -> Any:
    return json.loads(result.stdout)


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library holding `mini`: 1.0.0 released (snapshot), 2.0.0 current."""
    lib = tmp_path / "lib"
    folder = write_template(tmp_path / "work", MINIMAL, V1_FILES)
    (folder / "CHANGELOG.md").write_text("# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- First release.\n")
    shutil.copytree(folder, lib / "mini")
    cut_release(lib / "mini")
    shutil.rmtree(lib / "mini" / "skeleton")
    v2 = write_template(tmp_path / "v2", MINIMAL.replace("version: 1.0.0", "version: 2.0.0"), V2_FILES)
    shutil.copytree(v2 / "skeleton", lib / "mini" / "skeleton")
    shutil.copy(v2 / "template.yaml", lib / "mini" / "template.yaml")
    (lib / "mini" / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [2.0.0] - 2026-02-01\n\n- A docs folder and a request timeout.\n\n"
        "## [1.0.0] - 2026-01-01\n\n- First release.\n"
    )
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    return lib


@pytest.fixture
def github_profile(github_server: GitHubServer, scaffold_home: Path, monkeypatch: pytest.MonkeyPatch) -> GitHubServer:
    github_server.add_org("acme")
    (scaffold_home / "config.toml").write_text(
        f"""
default_profile = "gh"
[profiles.gh.forge]
kind = "github"
owner = "acme"
base_url = "{github_server.base_url}"
min_write_interval = 0.01
"""
    )
    monkeypatch.setenv("GITHUB_TOKEN", github_server.token)
    return github_server
