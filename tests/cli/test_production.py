"""`scaffold new` with a GitHub profile: the spec-checked GitHub server and a real Backstage.

Backstage reads `catalog-info.yaml` from the GitHub test server through its own GitHub
integration (the contents API with the raw media type), exactly as it would from GitHub.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaffolder.catalogs.backstage import BackstageCatalog
from tests.cli.conftest import Invoke, as_json
from tests.servers.backstage_server import BackstageServer, BackstageUnavailableError, run_backstage
from tests.servers.github_api import GitHubServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def backstage_with_github(github_server_session: GitHubServer) -> Iterator[BackstageServer]:
    """A Backstage whose GitHub integration points at the test server (its own token)."""
    git_host = github_server_session.git_url.split("://", 1)[1].rstrip("/")
    integration = [
        {"host": git_host, "apiBaseUrl": github_server_session.base_url, "token": github_server_session.token}
    ]
    try:
        with run_backstage(extra_config={"integrations_github": integration}) as server:
            yield server
    except BackstageUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def work_profile(
    github_server: GitHubServer,
    backstage_with_github: BackstageServer,
    scaffold_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> GitHubServer:
    github_server.add_org("acme")
    (scaffold_home / "config.toml").write_text(
        f"""
[profiles.work.forge]
kind = "github"
owner = "acme"
base_url = "{github_server.base_url}"
min_write_interval = 0.01

[profiles.work.catalog]
kind = "backstage"
base_url = "{backstage_with_github.base_url}"
wait_timeout = 60
"""
    )
    monkeypatch.setenv("GITHUB_TOKEN", github_server.token)
    monkeypatch.setenv("BACKSTAGE_TOKEN", backstage_with_github.token)
    return github_server


def test_new_with_the_github_profile_creates_pushes_and_registers(
    invoke: Invoke,
    work_profile: GitHubServer,
    backstage_with_github: BackstageServer,
    scaffold_home: Path,
    tmp_path: Path,
) -> None:
    github = work_profile
    args = ["new", "backend-service", "--profile", "work", "--no-input", "--set", "name=orders-api"]
    result = invoke(*args, "--set", "owner=group:payments", "-o", "json")
    data = as_json(result)
    assert data["repository"]["full_name"] == "acme/orders-api"
    assert data["entity_ref"] == "component:default/orders-api"

    # the push is real: clone it back over smart HTTP with the token in a header
    clone = tmp_path / "clone"
    subprocess.run(
        [
            "git",
            "-c",
            f"http.extraHeader=Authorization: Bearer {github.token}",
            "clone",
            "-q",
            data["repository"]["clone_url"],
            str(clone),
        ],
        check=True,
    )
    assert (clone / "catalog-info.yaml").is_file() and (clone / ".scaffold/record.yaml").is_file()

    # Backstage read the file from "GitHub" and holds the entity, with GitHub's annotations
    catalog = BackstageCatalog(backstage_with_github.base_url, token=backstage_with_github.token)
    entity = catalog.get("component:default/orders-api")
    assert entity is not None
    annotations = entity["metadata"]["annotations"]
    assert annotations["github.com/project-slug"] == "acme/orders-api"
    location = annotations["backstage.io/managed-by-location"]  # Backstage writes blob URLs as /tree/
    assert location.startswith(f"url:{github.git_url.rstrip('/')}/acme/orders-api/")
    assert location.endswith("/main/catalog-info.yaml")

    # the token is nowhere: output, run folder, workspace .git/config, commits, record
    token = github.token
    assert token not in result.stdout + result.stderr
    for path in scaffold_home.rglob("*"):
        if path.is_file() and path.name != "config.toml":
            assert token.encode() not in path.read_bytes(), path
    history = subprocess.run(
        ["git", "-C", str(clone), "log", "-p", "--all"], capture_output=True, text=True, check=True
    )
    assert token not in history.stdout
    for path in clone.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path

    # a second run with the same name is refused before anything happens
    again = invoke(*args, "--set", "owner=group:payments", code=1)
    assert "a repo of that name already exists" in again.stderr
    assert token not in again.stderr


def test_a_refused_github_token_is_one_clear_message(
    invoke: Invoke, work_profile: GitHubServer, monkeypatch: pytest.MonkeyPatch, scaffold_home: Path
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrong_token_000000000000000000000000")
    result = invoke(
        "new",
        "backend-service",
        "--profile",
        "work",
        "--no-input",
        "--set",
        "name=orders-api",
        "--set",
        "owner=group:payments",
        code=1,
    )
    assert "ghp_wrong_token" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert "credentials" in result.stderr.lower() or "token" in result.stderr.lower()
    assert not (scaffold_home / "runs").exists()
