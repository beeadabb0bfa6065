"""The dashboard's Merge and Re-run checks buttons wired to 16's campaign machinery, through Flask's
test client: Merge is enabled exactly where the golden path's merge policy lets the campaign merge
(version step, checks, conflicts, human commits), says why not elsewhere, refuses a forged POST, and
merging refreshes the catalog; Re-run checks runs the golden path's checks again on the embedded forge."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from scaffolder import config
from scaffolder.forges.local import LocalForge
from scaffolder.web.app import create_app
from tests.cli.conftest import Invoke, as_json
from tests.web.test_routes import csrf_of, prs


def app() -> Flask:
    return create_app(config.load(), allow_actions=True)


def repo_json(c: FlaskClient, name: str) -> dict[str, Any]:
    return dict(c.get(f"/api/paths/mini/repos/local/{name}?preview=0").get_json())


def forge_and_head(name: str) -> tuple[LocalForge, Any, str]:
    forge = config.open_forge(config.load())
    assert isinstance(forge, LocalForge)
    repo = forge.get_repo("local", name)
    assert repo is not None
    sha = forge.head_sha(repo, "scaffold/mini")
    assert sha is not None
    return forge, repo, sha


def catalog_versions(invoke: Invoke) -> dict[str, str]:
    return {
        e["metadata"]["name"]: e["metadata"]["annotations"]["scaffold.dev/template-version"]
        for e in as_json(invoke("catalog", "list", "-o", "json"))
    }


def test_merge_is_enabled_exactly_where_the_policy_allows(follow_fleet: dict[str, str], invoke: Invoke) -> None:
    c = app().test_client()
    page = c.get("/paths/mini").get_data(as_text=True)
    token = csrf_of(page)
    merges = dict(re.findall(r'<tr data-repo="([^"]+)".*?<td class="merge">([^<]*)</td>', page, re.S))
    assert merges == follow_fleet  # the fleet's Merge column: `migrate status`'s verdicts
    assert 'id="checks-totals">failure 1, success 2<' in page
    assert 'id="merge-totals">checks failing 1, major step 1, ready 1<' in page

    for name, verdict in follow_fleet.items():
        html = c.get(f"/paths/mini/repos/{name}").get_data(as_text=True)
        button = re.search(r'<button type="submit" id="merge"([^>]*)>Merge</button>', html)
        assert button is not None
        assert ("disabled" in button.group(1)) == (verdict != "ready"), name
        if verdict != "ready":
            assert f'id="merge-why" class="hint">the merge policy says no: {verdict}<' in html

    red = c.post("/paths/mini/repos/local/beta/merge", data={"number": "1", "csrf": token})
    assert red.status_code == 403 and "checks failing" in red.get_data(as_text=True)
    major = c.post("/paths/mini/repos/local/delta/merge", data={"number": "1", "csrf": token})
    assert major.status_code == 403 and "major step" in major.get_data(as_text=True)
    assert [p["state"] for p in prs(invoke, "local/beta") + prs(invoke, "local/delta")] == ["open", "open"]

    assert catalog_versions(invoke)["alpha"] == "1.0.0"
    assert 'id="catalog-version">1.0.0<' in c.get("/paths/mini/repos/local/alpha").get_data(as_text=True)
    sha = repo_json(c, "alpha")["pr"]["head_sha"]
    merged = c.post("/paths/mini/repos/local/alpha/merge", data={"number": "1", "sha": sha, "csrf": token})
    assert merged.status_code == 303
    flash = c.get(merged.headers["Location"]).get_data(as_text=True)
    assert "merged local/alpha#1 into main; catalog refreshed" in flash
    assert [p["state"] for p in prs(invoke, "local/alpha")] == ["merged"]
    assert catalog_versions(invoke)["alpha"] == "1.1.0"  # as pr_follow.refresh_catalog leaves it
    assert 'id="catalog-version">1.1.0<' in flash
    again = c.post("/paths/mini/repos/local/alpha/merge", data={"number": "1", "sha": sha, "csrf": token})
    assert "already merged" in c.get(again.headers["Location"]).get_data(as_text=True)


def test_human_commits_and_a_moved_head_stop_the_merge(
    follow_fleet: dict[str, str], invoke: Invoke, tmp_path: Path
) -> None:
    from tests.cli.test_migrate_follow import human_commit

    c = app().test_client()
    token = csrf_of(c.get("/paths/mini").get_data(as_text=True))
    seen = repo_json(c, "alpha")["pr"]["head_sha"]
    human_commit("alpha", tmp_path, {"NOTES.md": "a human was here\n"}, branch="scaffold/mini")
    view = repo_json(c, "alpha")
    assert view["pr"]["human_commits"] == 1 and "human commits" in view["merge_blockers"]
    refused = c.post("/paths/mini/repos/local/alpha/merge", data={"number": "1", "sha": seen, "csrf": token})
    assert refused.status_code == 403 and "human commits" in refused.get_data(as_text=True)
    assert [p["state"] for p in prs(invoke, "local/alpha")] == ["open"]


def test_rerun_checks_runs_them_again_on_purpose(follow_fleet: dict[str, str]) -> None:
    web = app()
    c = web.test_client()
    token = csrf_of(c.get("/paths/mini").get_data(as_text=True))
    forge, repo, sha = forge_and_head("alpha")
    forge.set_status(repo, sha, "scaffold/not-broken", "failure", "a flaky run")  # as if it had failed
    before = c.get("/paths/mini/repos/local/alpha").get_data(as_text=True)
    assert "checks failing" in before and 'id="rerun" >Re-run checks' in before

    pressed = c.post("/paths/mini/repos/local/alpha/checks", data={"number": "1", "csrf": token})
    assert pressed.status_code == 303
    web.extensions["scaffold.reruns"].wait(120)
    flash = c.get(pressed.headers["Location"]).get_data(as_text=True)
    assert f"re-running the checks of local/alpha#1 at {sha[:12]} on purpose (they were failure)" in flash
    assert forge.pull_checks(repo, sha).state == "success"  # the real check ran again, on the same head
    after = repo_json(c, "alpha")
    assert after["pr"]["checks"] == "success" and after["merge_blockers"] == []

    forge.set_status(repo, sha, "scaffold/not-broken", "pending", "running")  # a run in progress
    running = c.get("/paths/mini/repos/local/alpha").get_data(as_text=True)
    assert 'id="checks-why" class="hint">they are running now<' in running
    twice = c.post("/paths/mini/repos/local/alpha/checks", data={"number": "1", "csrf": token})
    assert "are running: not started twice" in c.get(twice.headers["Location"]).get_data(as_text=True)
    assert forge.pull_checks(repo, sha).state == "pending"  # nothing started

    red_forge, red_repo, red_sha = forge_and_head("beta")
    red = c.post("/paths/mini/repos/local/beta/checks", data={"number": "1", "csrf": token})
    web.extensions["scaffold.reruns"].wait(120)
    assert "(they were failure)" in c.get(red.headers["Location"]).get_data(as_text=True)
    assert red_forge.pull_checks(red_repo, red_sha).state == "failure"  # still red: BROKEN is still there
