"""Shared fixtures: every test gets its own SCAFFOLD_HOME, a hermetic git config and no network."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

# Session-scoped real servers, shared by every test folder (each starts only when a test asks).
pytest_plugins = ["tests.servers.backstage_server", "tests.servers.backstage_engine", "tests.servers.github_api"]


@pytest.fixture(autouse=True)
def hermetic_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Isolate scaffold's state and git's config from the machine the tests run on."""
    home = tmp_path_factory.mktemp("scaffold-home")
    gitconfig = home / "gitconfig"
    gitconfig.write_text('[init]\n\tdefaultBranch = main\n[protocol "file"]\n\tallow = always\n')
    monkeypatch.setenv("SCAFFOLD_HOME", str(home))
    (home / "config.toml").touch()  # SCAFFOLD_CONFIG must name a file that exists
    monkeypatch.setenv("SCAFFOLD_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Engineer")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "engineer@example.test")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Engineer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "engineer@example.test")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("SCAFFOLD_PROFILE", raising=False)
    yield home


@pytest.fixture
def scaffold_home(hermetic_env: Path) -> Path:
    """The SCAFFOLD_HOME of this test."""
    return hermetic_env
