"""Configuration: embedded defaults, profiles, environment overrides, every problem named."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder import config
from scaffolder.errors import ConfigError

PROFILES = """\
default_profile = "local"
libraries = ["/srv/golden-paths"]

[profiles.work.forge]
kind = "github"
owner = "acme"
base_url = "https://ghe.example.com/api/v3"

[profiles.work.catalog]
kind = "backstage"
base_url = "https://backstage.example.com"
token = "file-token-abcdefghijkl"
"""


def write(scaffold_home: Path, text: str) -> Path:
    path = scaffold_home / "config.toml"
    path.write_text(text)
    return path


def test_embedded_defaults_without_a_file(scaffold_home: Path) -> None:
    settings = config.load()
    assert settings.profile == "local" and settings.home == scaffold_home
    assert (settings.forge.kind, settings.catalog.kind) == ("local", "sqlite")
    assert settings.catalog_db == scaffold_home / "catalog.db"
    assert type(config.open_forge(settings)).__name__ == "LocalForge"
    assert type(config.open_catalog(settings)).__name__ == "SqliteCatalog"


def test_a_profile_selects_github_and_backstage(scaffold_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(scaffold_home, PROFILES)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_env_token_0123456789")
    settings = config.load("work")
    assert settings.forge.kind == "github" and settings.forge.owner == "acme"
    assert settings.forge.base_url == "https://ghe.example.com/api/v3"
    assert settings.forge.resolved_token() == "ghp_env_token_0123456789"
    assert settings.catalog.resolved_token() == "file-token-abcdefghijkl"
    assert settings.libraries == (Path("/srv/golden-paths"),)


def test_env_overrides_the_file(scaffold_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(scaffold_home, PROFILES)
    monkeypatch.setenv("SCAFFOLD_PROFILE", "work")
    monkeypatch.setenv("SCAFFOLD_FORGE_OWNER", "other-org")
    monkeypatch.setenv("SCAFFOLD_BACKSTAGE_URL", "http://127.0.0.1:7007")
    settings = config.load()
    assert settings.profile == "work"
    assert settings.forge.owner == "other-org"
    assert settings.catalog.base_url == "http://127.0.0.1:7007"


def test_masked_settings_never_show_a_token(scaffold_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(scaffold_home, PROFILES)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_env_token_0123456789")
    shown = repr(config.load("work").masked())
    assert "ghp_env_token_0123456789" not in shown and "file-token-abcdefghijkl" not in shown
    assert "****6789" in shown
    assert "ghp_env_token" not in repr(config.load("work"))


def test_every_problem_in_the_file_is_named(scaffold_home: Path) -> None:
    write(
        scaffold_home,
        '[profiles.bad.forge]\nkind = "gitlab"\ncolour = "red"\n[profiles.bad.catalog]\nkind = "backstage"\n',
    )
    with pytest.raises(ConfigError) as info:
        config.load("bad")
    text = info.value.render()
    assert "profiles.bad.forge.kind: 'gitlab' is not local or github" in text
    assert "profiles.bad.forge.colour: unknown key" in text
    assert "profiles.bad.catalog.base_url: is required" in text


def test_library_urls_survive_the_path_separator(scaffold_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCAFFOLD_LIBRARY", "git+file:///srv/lib.git:~/golden:git+https://git.example/paths.git")
    assert config.load().libraries == (
        "git+file:///srv/lib.git",
        Path("~/golden").expanduser(),
        "git+https://git.example/paths.git",
    )


def test_unknown_profile_and_malformed_toml(scaffold_home: Path) -> None:
    with pytest.raises(ConfigError, match="the profile 'nope' \\(--profile\\) is not defined"):
        config.load("nope")
    write(scaffold_home, "default_profile = [\n")
    with pytest.raises(ConfigError, match="cannot read the config file"):
        config.load()


def test_github_without_a_token_is_a_clear_error(scaffold_home: Path) -> None:
    write(scaffold_home, PROFILES)
    with pytest.raises(ConfigError, match="needs a token: set GITHUB_TOKEN"):
        config.open_forge(config.load("work"))


def test_render_budgets_come_from_the_file_and_the_environment(
    scaffold_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder import budget

    monkeypatch.delenv("SCAFFOLD_RENDER_TIMEOUT", raising=False)
    monkeypatch.delenv("SCAFFOLD_RENDER_MEMORY", raising=False)
    settings = config.load()
    assert (settings.render_timeout, settings.render_memory) == (budget.DEFAULT_SECONDS, budget.DEFAULT_MEMORY_MIB)
    write(scaffold_home, "render_timeout = 5\nrender_memory = 512\n")
    settings = config.load()
    assert (settings.render_timeout, settings.render_memory) == (5.0, 512.0)
    assert (budget.seconds(), budget.memory_mib()) == (5.0, 512.0)
    assert config.load().masked()["render_timeout"] == 5.0
    monkeypatch.setenv("SCAFFOLD_RENDER_TIMEOUT", "2")
    assert config.load().render_timeout == 2.0 and budget.seconds() == 2.0
    write(scaffold_home, 'render_timeout = -1\nrender_memory = "lots"\n')
    with pytest.raises(ConfigError) as info:
        config.load()
    text = info.value.render()
    assert "render_timeout: must be a number >= 0" in text and "render_memory: must be a number >= 0" in text
    write(scaffold_home, "")
    config.load()
    monkeypatch.delenv("SCAFFOLD_RENDER_TIMEOUT")
    assert budget.seconds() == budget.DEFAULT_SECONDS  # a file without the keys puts the defaults back


def test_a_default_catalog_owner_from_the_profile_or_the_environment(
    scaffold_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(scaffold_home, PROFILES + 'default_owner = "group:platform"\n')
    assert config.load("work").catalog.default_owner == "group:platform"
    assert config.load("work").masked()["catalog"]["default_owner"] == "group:platform"
    assert config.load().catalog.default_owner is None
    monkeypatch.setenv("SCAFFOLD_CATALOG_OWNER", "user:jane")
    assert config.load().catalog.default_owner == config.load("work").catalog.default_owner == "user:jane"
