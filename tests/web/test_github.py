"""The dashboard on a GitHub profile: the same pages over the spec-checked GitHub test server (every
request the dashboard makes is validated against GitHub's OpenAPI description)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scaffolder import config
from scaffolder.web.app import create_app
from tests.cli.conftest import Invoke, as_json
from tests.servers.github_api import GitHubServer

pytestmark = pytest.mark.slow


def test_dashboard_on_github(invoke: Invoke, github_profile: GitHubServer, library: Path) -> None:
    for name in ("alpha", "beta"):
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")
    invoke("migrate", "mini", "--repo", "alpha", "-q")
    c = create_app(config.load(), allow_actions=True).test_client()

    page = c.get("/paths/mini").get_data(as_text=True)
    assert re.findall(r'<tr data-repo="([^"]+)" class="([^"]+)"', page) == [
        ("acme/alpha", "behind"),
        ("acme/beta", "behind"),
    ]
    assert c.get("/api/paths/mini/status").get_json() == as_json(invoke("migrate", "status", "mini", "-o", "json"))
    alpha = c.get("/paths/mini/repos/acme/alpha").get_data(as_text=True)
    assert "+TIMEOUT = 30" in alpha and 'id="pr-state">open' in alpha
    assert "the merge policy says no: major step, no checks" in alpha  # the same policy as on the embedded forge
    assert "CI runs the checks: re-run them there" in alpha
    assert github_profile.token not in page + alpha
