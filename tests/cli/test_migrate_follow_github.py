"""Issue 16's done-when (a smaller version) on the spec-checked GitHub test server, with its faults:
CI reports check runs and statuses; the green minor PR is merged and its catalog entity refreshed;
the red one and one whose checks never finish stay open with their reasons; a token without merge
rights fails that repo only; a PR merged by hand is reported merged. Every request the campaign
makes is checked against GitHub's OpenAPI description."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, as_json
from tests.cli.test_migrate_follow import make_library, outcomes
from tests.helpers import V1_FILES, V2_FILES
from tests.servers.github_api import GitHubServer

pytestmark = pytest.mark.slow


@pytest.fixture
def minor_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    lib = make_library(tmp_path, [("1.0.0", V1_FILES), ("1.1.0", V2_FILES)])
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    return lib


def head(server: GitHubServer, name: str) -> str:
    sha = server.rev("acme", name, "refs/heads/scaffold/mini")
    assert sha is not None
    return sha


def test_done_when_on_github_with_faults(invoke: Invoke, github_profile: GitHubServer, minor_library: Path) -> None:
    server = github_profile
    names = ("alpha", "beta", "gamma", "delta", "omega")
    for name in names:
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")

    first = outcomes(invoke("migrate", "mini", "--automerge", "-o", "json").stdout)
    assert {r: (o["state"], o["checks"], o["merge"]) for r, o in first.items()} == dict.fromkeys(
        names, ("opened", "none", "no checks")
    )  # no CI has reported yet: nothing is merged

    long_ago = datetime.now(UTC) - timedelta(hours=1)
    server.add_check_run("acme", "alpha", head(server, "alpha"), "build", conclusion="success")
    server.add_status("acme", "alpha", head(server, "alpha"), "ci/legacy", "success")
    server.add_check_run("acme", "beta", head(server, "beta"), "build", conclusion="failure")
    server.add_check_run("acme", "gamma", head(server, "gamma"), "build", status="in_progress", started_at=long_ago)
    server.add_check_run("acme", "delta", head(server, "delta"), "build", conclusion="success")
    server.add_check_run("acme", "omega", head(server, "omega"), "build", conclusion="success")
    server.inject(
        403,
        method="PUT",
        path=r"/repos/acme/delta/pulls/\d+/merge$",
        body={"message": "Resource not accessible by personal access token"},
    )
    server.merge_pull("acme", "omega", first["omega"]["pr_number"], by=server.login)  # a human merged it

    seen = len(server.requests)
    second = invoke("migrate", "mini", "--automerge", "-o", "json", code=1)  # delta failed
    during = server.requests[seen:]
    reads = [r for r in during if r.method == "GET" and r.path.endswith(("/check-runs", "/status"))]
    assert len(reads) == 8  # following costs one check-runs and one status read per open PR (omega is merged)
    rerun = outcomes(second.stdout)
    assert {r: (o["state"], o["checks"], o["merge"]) for r, o in rerun.items()} == {
        "alpha": ("merged", "success", "merged"),
        "beta": ("up-to-date", "failure", "checks failing"),
        "gamma": ("up-to-date", "timed-out", "checks timed out"),
        "delta": ("failed", "success", "no merge rights"),
        "omega": ("merged", None, "merged"),
    }
    assert "no merge rights" in rerun["delta"]["reason"] and "403" in rerun["delta"]["reason"]
    assert rerun["gamma"]["reason"] == "checks timed out after 5 s: build"
    assert rerun["alpha"]["catalog"] == "refreshed"
    assert server.pull("acme", "alpha", rerun["alpha"]["pr_number"]).merged
    assert not server.pull("acme", "beta", rerun["beta"]["pr_number"]).merged

    status = as_json(invoke("migrate", "status", "mini", "-o", "json"))
    assert {e["repo"]: (e["checks"], e["merge"]) for e in status["repos"]} == {
        "acme/alpha": (None, "merged"),
        "acme/beta": ("failure", "checks failing"),
        "acme/delta": ("success", "ready"),
        "acme/gamma": ("timed-out", "checks timed out"),
        "acme/omega": (None, "merged"),
    }
    versions = {
        e["metadata"]["name"]: e["metadata"]["annotations"]["scaffold.dev/template-version"]
        for e in as_json(invoke("catalog", "list", "-o", "json"))
    }
    assert versions["alpha"] == "1.1.0" and versions["beta"] == "1.0.0"
    assert server.token not in second.stdout + second.stderr

    before = head(server, "beta")
    server.commit_files("acme", "beta", "main", {"NEWS.md": "the base moved\n"})  # a human, on github.com
    third = outcomes(invoke("migrate", "mini", "--repo", "beta", "--repo", "gamma", "-o", "json").stdout)
    assert {r: (o["state"], o["reason"], o["checks"]) for r, o in third.items()} == {
        "beta": ("updated", "rebased onto the moved main", "none"),  # a new head: CI has not reported yet
        "gamma": ("up-to-date", "checks timed out after 5 s: build", "timed-out"),
    }
    assert head(server, "beta") != before and third["beta"]["pr_number"] == rerun["beta"]["pr_number"]
    main = server.rev("acme", "beta", "refs/heads/main")
    assert (
        main is not None
        and server.git.git(
            "merge-base", "--is-ancestor", main, head(server, "beta"), cwd=server.bare_path("acme", "beta")
        )
        is not None
    )
