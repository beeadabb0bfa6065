"""Discovery through the real Backstage catalog backend, with repos on the spec-checked GitHub server:
`migrate status` and `migrate` ask Backstage for the entities annotated with the golden path (its
by-query filter, followed page by page with the cursor) instead of listing and reading every repo."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from scaffolder.catalogs import backstage
from tests.cli.conftest import Invoke, as_json
from tests.cli.test_migrate import lines
from tests.cli.test_production import backstage_with_github, work_profile
from tests.servers.backstage_server import BackstageServer
from tests.servers.github_api import GitHubServer

__all__ = ["backstage_with_github", "work_profile"]  # fixtures shared with test_production
pytestmark = pytest.mark.slow


def test_backstage_lists_the_fleet_page_by_page_and_the_forge_is_not_scanned(
    invoke: Invoke,
    work_profile: GitHubServer,
    backstage_with_github: BackstageServer,
    library: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    github = work_profile
    for name in ("alpha", "beta", "gamma"):
        args = ["--profile", "work", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments"]
        invoke("new", "mini@1.0.0", *args)
    github.add_repo("acme", "unrelated")  # in the org, not made from mini: catalog discovery never reads it

    asked: list[str] = []
    request = backstage.BackstageCatalog._request

    def spy(self: backstage.BackstageCatalog, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(f"{method} {path}")
        return request(self, method, path, *args, **kwargs)

    monkeypatch.setattr(backstage.BackstageCatalog, "_request", spy)
    monkeypatch.setattr(backstage, "PAGE_SIZE", 2)  # three entities: two pages, joined by the cursor
    before = len(github.calls())
    status = as_json(invoke("migrate", "status", "mini", "--profile", "work", "--discover", "catalog", "-o", "json"))
    served = github.calls()[before:]

    assert status["discovery"] == "catalog"
    assert [r["repo"] for r in status["repos"]] == ["acme/alpha", "acme/beta", "acme/gamma"]
    assert {r["version"] for r in status["repos"]} == {"1.0.0"}
    queries = [a for a in asked if a.startswith("GET /entities/by-query")]
    assert "filter=metadata.annotations.backstage.io%2Fsource-template%3Dtemplate%3Adefault%2Fmini" in queries[0]
    assert any("cursor=" in q for q in queries), queries
    assert not [c for c in served if c.path.startswith("/orgs/acme/repos")]  # no listing of the org
    assert not [c for c in served if "/repos/acme/unrelated" in c.path]
    # status reads each record from the repo and branch the catalog names: no repo lookups
    records = [c for c in served if c.path.endswith("/contents/.scaffold/record.yaml")]
    assert len(records) == 3 and not [c for c in served if re.fullmatch(r"/repos/acme/[^/]+", c.path)]

    before = len(github.calls())
    scanned = as_json(invoke("migrate", "status", "mini", "--profile", "work", "--discover", "forge", "-o", "json"))
    assert scanned["discovery"] == "forge" and len(scanned["repos"]) == 3
    assert [c for c in github.calls()[before:] if c.path.startswith("/orgs/acme/repos")]

    with github._lock:  # deleted on GitHub; Backstage still lists it
        del github.repos[("acme", "beta")]
    run = lines(invoke("migrate", "mini", "--profile", "work", "-o", "json", code=1).stdout)
    states = {str(o["repo"]): (o["state"], str(o["reason"] or "")) for o in run[:-1]}
    assert states["acme/alpha"][0] == states["acme/gamma"][0] == "opened"
    assert states["acme/beta"][0] == "failed" and states["acme/beta"][1].startswith("gone:")
