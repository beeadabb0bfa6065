"""The dashboard's routes through Flask's test client, on a fleet of repos in several states: every page,
the JSON endpoints against the CLI's `--output json`, and the buttons refused without the flag or the
CSRF token and idempotent with them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from typing import Any

import pytest
from flask.testing import FlaskClient

from scaffolder import config
from scaffolder.web.app import create_app
from tests.cli.conftest import Invoke, as_json
from tests.web.conftest import SECRET


def client(allow_actions: bool = False) -> FlaskClient:
    return create_app(config.load(), allow_actions=allow_actions).test_client()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def wait_for(c: FlaskClient, job: str) -> dict[str, Any]:
    for _ in range(600):
        data = c.get(f"/api/jobs/{job}").get_json()
        if data["status"] != "running":
            return dict(data)
        time.sleep(0.05)
    raise AssertionError(f"job {job} still running")


def prs(invoke: Invoke, repo: str) -> list[dict[str, Any]]:
    return list(as_json(invoke("forge", "prs", repo, "-o", "json")))


def test_every_page_on_a_fleet_in_several_states(fleet: dict[str, str]) -> None:
    c = client()
    index = c.get("/").get_data(as_text=True)
    assert "Mini service" in index and "group:test-guild" in index and "A docs folder and a request timeout" in index
    assert "<svg" in index and "1.0.0: 3 repos" in index  # adoption chart, with its numbers in words

    page = c.get("/paths/mini").get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-repo="([^"]+)" class="([^"]+)"', page))
    assert rows == {
        "local/alpha": "behind",
        "local/beta": "current",
        "local/gamma": "behind",
        "local/delta": "behind",
        "local/epsilon": "unknown failed",
    }
    assert "group:payments" in page and '#1 <span class="badge pr-open">open</span>' in page
    assert '<span class="badge bad">failed</span> unreadable record' in page
    assert 'aria-labelledby="bt db"' in page  # the burndown chart (one status snapshot so far)
    assert "Open migration PR" not in page  # read-only by default: no buttons

    search = c.get("/paths/mini?owner=group:search&sort=repo&dir=desc").get_data(as_text=True)
    assert re.findall(r'<tr data-repo="([^"]+)"', search) == ["local/gamma", "local/epsilon", "local/delta"]
    behind = c.get("/paths/mini?state=behind&sort=pr").get_data(as_text=True)
    assert re.findall(r'<tr data-repo="([^"]+)"', behind) == ["local/gamma", "local/alpha", "local/delta"]
    assert re.findall(r'<tr data-repo="([^"]+)"', c.get("/paths/mini?version=2.0.0").get_data(as_text=True)) == [
        "local/beta"
    ]

    alpha = c.get("/paths/mini/repos/local/alpha").get_data(as_text=True)
    assert "group:payments" in alpha and 'id="pr-state">open' in alpha
    assert "+TIMEOUT = 30" in alpha  # the upgrade preview: the diff `upgrade --dry-run` computes
    beta = c.get("/paths/mini/repos/local/beta").get_data(as_text=True)
    assert "nothing to upgrade" in beta and ">merged<" in beta
    epsilon = c.get("/paths/mini/repos/local/epsilon")
    assert epsilon.status_code == 200 and "malformed" in epsilon.get_data(as_text=True)
    assert c.get("/paths/mini/repos/local/nope").status_code == 404
    assert c.get("/paths/nope").status_code == 404
    assert "no golden path named 'nope'" in c.get("/api/paths/nope/status").get_json()["error"]
    assert c.get("/jobs/42").status_code == 404
    assert c.get("/static/style.css").status_code == 200


def test_secrets_are_never_shown(fleet: dict[str, str]) -> None:
    c = client(allow_actions=True)
    for url in ["/", "/paths/mini", "/paths/mini/repos/local/alpha", "/api/paths/mini/repos/local/delta"]:
        body = c.get(url).get_data(as_text=True)
        assert SECRET not in body, url
    data = c.get("/api/paths/mini/repos/local/alpha?preview=0").get_json()
    assert data["answers"]["name"] == "alpha" and "api_token" not in data["answers"]


def test_json_endpoints_match_the_cli(fleet: dict[str, str], invoke: Invoke) -> None:
    c = client()
    web = c.get("/api/paths/mini/status").get_json()
    cli = as_json(invoke("migrate", "status", "mini", "-o", "json", code=1))

    def without_catalog(data: dict[str, Any]) -> dict[str, Any]:  # the first caller refreshes the catalog
        return {**data, "repos": [{k: v for k, v in r.items() if k != "catalog"} for r in data["repos"]]}

    assert without_catalog(web) == without_catalog(cli)
    assert web["versions"] == {"1.0.0": 3, "2.0.0": 1, "?": 1} and web["failed"] == 1
    assert c.get("/api/paths/mini/versions").get_json() == as_json(invoke("versions", "mini", "-o", "json"))
    listed = {d["name"]: d for d in as_json(invoke("list", "-o", "json"))}
    for path in c.get("/api/golden-paths").get_json():
        for key in ("version", "title", "owner", "lifecycle", "library"):
            assert path[key] == listed[path["name"]][key]
    mini = next(p for p in c.get("/api/golden-paths").get_json() if p["name"] == "mini")
    assert mini["adoption"] == {"1.0.0": 3, "2.0.0": 1}
    fleet_json = c.get("/api/paths/mini/fleet?state=behind").get_json()
    assert sorted(r["repo"] for r in fleet_json["rows"]) == ["local/alpha", "local/delta", "local/gamma"]
    assert fleet_json["status"]["pull_requests"] == web["pull_requests"]


def test_actions_are_refused_without_the_flag_or_the_csrf_token(fleet: dict[str, str], invoke: Invoke) -> None:
    read_only = client()
    assert read_only.post("/paths/mini/migrate", data={"repo": "local/delta"}).status_code == 403
    assert read_only.post("/paths/mini/repos/local/alpha/merge", data={"number": "1"}).status_code == 403
    assert read_only.post("/paths/mini/repos/local/alpha/checks", data={"number": "1"}).status_code == 403

    c = client(allow_actions=True)
    token = csrf_of(c.get("/paths/mini").get_data(as_text=True))
    assert c.post("/paths/mini/migrate", data={"repo": "local/delta"}).status_code == 403
    assert c.post("/paths/mini/migrate", data={"repo": "local/delta", "csrf": "forged"}).status_code == 403
    other = client(allow_actions=True)  # another browser's session: its token is not this one's
    assert other.post("/paths/mini/migrate", data={"repo": "local/delta", "csrf": token}).status_code == 403
    merge = c.post("/paths/mini/repos/local/alpha/merge", data={"number": "1"})
    assert merge.status_code == 403 and "CSRF" in merge.get_data(as_text=True)
    assert prs(invoke, "local/delta") == []
    assert [p["state"] for p in prs(invoke, "local/alpha")] == ["open"]


def test_open_migration_pr_is_idempotent_and_the_policy_refuses_a_major_merge(
    fleet: dict[str, str], invoke: Invoke
) -> None:
    c = client(allow_actions=True)
    page = c.get("/paths/mini").get_data(as_text=True)
    assert 'aria-label="Open migration PR for local/delta"' in page
    assert 'aria-label="Open migration PR for local/gamma"' not in page  # declined for 2.0.0: not reopened
    token = csrf_of(page)

    started = c.post("/paths/mini/migrate", data={"repo": "local/delta", "csrf": token})
    assert started.status_code == 303 and started.headers["Location"].startswith("/jobs/")
    job = wait_for(c, started.headers["Location"].rsplit("/", 1)[1])
    assert job["status"] == "done" and [o["state"] for o in job["outcomes"]] == ["opened"]
    assert "opened" in c.get(started.headers["Location"]).get_data(as_text=True)
    again = c.post(
        "/paths/mini/migrate", data={"repo": "local/delta", "csrf": token}, headers={"Accept": "application/json"}
    )
    assert [o["state"] for o in wait_for(c, again.get_json()["job"])["outcomes"]] == ["up-to-date"]
    assert [p["state"] for p in prs(invoke, "local/delta")] == ["open"]  # one PR, as the CLI would leave it

    repo_page = c.get("/paths/mini/repos/local/alpha").get_data(as_text=True)
    assert "the merge policy says no: major step, no checks" in repo_page  # 1.0.0 -> 2.0.0, nothing checked
    assert "it is not trusted" in repo_page  # Re-run checks: the golden path's commands would run
    refused = c.post("/paths/mini/repos/local/alpha/merge", data={"number": "1", "csrf": token})
    assert refused.status_code == 403 and "major step, no checks" in refused.get_data(as_text=True)
    rerun = c.post("/paths/mini/repos/local/alpha/checks", data={"number": "1", "csrf": token})
    assert rerun.status_code == 400 and "not trusted" in rerun.get_data(as_text=True)
    invoke("forge", "merge", "local/alpha", "1")  # a human merges it on the forge
    twice = c.post("/paths/mini/repos/local/alpha/merge", data={"number": "1", "csrf": token}, follow_redirects=True)
    assert twice.status_code == 200 and "already merged" in twice.get_data(as_text=True)
    assert [p["state"] for p in prs(invoke, "local/alpha")] == ["merged"]

    everything = c.post("/paths/mini/migrate", data={"csrf": token}, headers={"Accept": "application/json"})
    outcomes = {o["repo"]: o["state"] for o in wait_for(c, everything.get_json()["job"])["outcomes"]}
    assert outcomes == {
        "local/alpha": "merged",
        "local/beta": "merged",
        "local/delta": "up-to-date",
        "local/epsilon": "failed",
        "local/gamma": "declined",
    }


def test_actions_are_logged(fleet: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    c = client(allow_actions=True)
    token = csrf_of(c.get("/paths/mini").get_data(as_text=True))
    with caplog.at_level("INFO", logger="scaffolder.web.actions"):
        c.post("/paths/mini/migrate", data={"csrf": "nope"}, headers={"X-Forwarded-User": "ada"})
        c.post("/paths/mini/repos/local/alpha/merge", data={"number": "1", "csrf": token},
               headers={"X-Forwarded-User": "ada"})  # fmt: skip
    text = caplog.text
    assert "ada" in text and "bad CSRF token" in text and "merge local/alpha#1" in text


def test_burndown_follows_campaigns_and_status(fleet: dict[str, str], invoke: Invoke) -> None:
    from scaffolder import history

    home = config.load().home
    invoke("migrate", "status", "mini", code=1)
    invoke("forge", "merge", "local/alpha", "1")
    invoke("migrate", "mini", "-q", code=1)  # the whole fleet: records outcomes and a snapshot
    points = history.burndown(home, "mini", "2.0.0")
    assert [p.behind for p in points] == [3, 2] and points[-1].kind == "campaign"
    last = history.last_outcomes(home, "mini")
    assert last["local/delta"].state == "opened" and last["local/epsilon"].state == "failed"
    invoke("migrate", "status", "mini", code=1)  # the same numbers within the hour add no point
    assert len(history.burndown(home, "mini", "2.0.0")) == 2
    page = client().get("/paths/mini").get_data(as_text=True)
    assert "3 of 4 behind" in page and "2 of 4 behind" in page


def test_the_cli_does_not_import_the_web_framework() -> None:
    code = (
        "import json, sys, scaffolder.cli\n"
        "web = ('flask', 'werkzeug', 'waitress', 'scaffolder.web')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(web))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_static_report_is_self_contained(fleet: dict[str, str], invoke: Invoke, tmp_path: Any) -> None:
    out = tmp_path / "fleet.html"
    data = as_json(invoke("migrate", "status", "mini", "--html", str(out), "-o", "json", code=1))
    html = out.read_text()
    assert "<style>" in html and "<svg" in html and "<script" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html) and "/static/" not in html
    for version, count in data["versions"].items():
        assert f'data-version="{version}">{version}: {count}<' in html
    for state, count in data["pull_requests"].items():
        assert f'data-pr="{state}">{state}: {count}<' in html
    assert re.findall(r'<tr data-repo="([^"]+)"', html) == [r["repo"] for r in data["repos"]]
    unwritable = invoke("migrate", "status", "mini", "--html", str(tmp_path / "no" / "such" / "dir.html"), code=1)
    assert "cannot write the HTML report" in unwritable.stderr


def test_serve_without_the_web_extra_says_how_to_install_it(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "waitress", None)  # as if the extra were not installed
    result = invoke("serve", code=1)
    assert "pip install 'scaffold-golden-paths[web]'" in result.stderr and "Traceback" not in result.stderr
