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


def test_merge_on_github_follows_the_policy(
    invoke: Invoke, github_profile: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.cli.test_migrate_follow import V0_FILES, make_library
    from tests.helpers import V1_FILES, V2_FILES

    lib = make_library(tmp_path, [("0.9.0", V0_FILES), ("1.0.0", V1_FILES), ("1.1.0", V2_FILES)])
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    for name in ("alpha", "beta"):
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")
    invoke("migrate", "mini", "-q")  # 1.0.0 -> 1.1.0, a minor step; GitHub's CI reports the checks
    web = create_app(config.load(), allow_actions=True)
    c = web.test_client()
    heads = {}
    for name, conclusion in (("alpha", "success"), ("beta", "failure")):
        heads[name] = c.get(f"/api/paths/mini/repos/acme/{name}?preview=0").get_json()["pr"]["head_sha"]
        github_profile.add_check_run("acme", name, heads[name], "ci/test", conclusion=conclusion)

    beta = c.get("/paths/mini/repos/acme/beta").get_data(as_text=True)
    assert "the merge policy says no: checks failing" in beta
    alpha = c.get("/paths/mini/repos/acme/alpha").get_data(as_text=True)
    assert 'id="merge-state">may merge<' in alpha
    token = re.search(r'name="csrf" value="([^"]+)"', alpha)
    assert token is not None
    refused = c.post("/paths/mini/repos/acme/beta/merge", data={"number": "1", "csrf": token.group(1)})
    assert refused.status_code == 403
    merged = c.post(
        "/paths/mini/repos/acme/alpha/merge", data={"number": "1", "sha": heads["alpha"], "csrf": token.group(1)}
    )
    assert "merged acme/alpha#1 into main; catalog refreshed" in c.get(merged.headers["Location"]).get_data(
        as_text=True
    )
    states = {p["repo"]: p["pr_state"] for p in as_json(invoke("migrate", "status", "mini", "-o", "json"))["repos"]}
    assert states == {"acme/alpha": "merged", "acme/beta": "open"}
