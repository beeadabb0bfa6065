"""`scaffold migrate` on the spec-checked GitHub server asks the owning team: the group's GitHub
team as a team reviewer, or its members when it has no team; once, not on every rerun; an owner
the catalog does not know, or a reviewer GitHub refuses, leaves the PR without them and says why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scaffolder import config
from tests.cli.conftest import Invoke
from tests.servers.github_api import GitHubServer

pytestmark = pytest.mark.slow

POLICY = """\
  campaign:
    labels: [platform-upgrade]
    reviewers: [owner, user:carol]
    assignees: [user:bob]
  steps:
"""


def entity(kind: str, name: str, spec: dict[str, Any], annotations: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, **({"annotations": annotations} if annotations else {})}
    return {"apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": meta, "spec": spec}


def outcomes(invoke: Invoke) -> dict[str, dict[str, Any]]:
    lines = [json.loads(line) for line in invoke("migrate", "mini", "-o", "json", code=None).stdout.splitlines()]
    return {o["repo"]: o for o in lines[:-1]}


def test_campaign_asks_the_owning_team_on_github(invoke: Invoke, github_profile: GitHubServer, library: Path) -> None:
    server = github_profile
    for login in ("ann-gh", "bob", "carol"):  # carol is not in acme: GitHub refuses her as a reviewer
        server.add_user(login)
    org = server.accounts["acme"]
    org.members.update({"ann-gh": "member", "bob": "member"})
    org.base_permission = "push"
    server.add_team("acme", "payments-team", members=["ann-gh"])
    template = library / "mini" / "template.yaml"
    template.write_text(template.read_text().replace("  steps:\n", POLICY, 1))
    for name, owner in (("alpha", "payments"), ("beta", "search"), ("gamma", "ghosts")):
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", f"owner=group:{owner}")
    catalog = config.open_catalog(config.load())
    team = {"github.com/team-slug": "acme/payments-team"}
    catalog.register(entity("Group", "payments", {"type": "team", "children": []}, team), "file:///org.yaml")
    catalog.register(
        entity("Group", "search", {"type": "team", "children": [], "members": ["ann"]}), "file:///org.yaml"
    )
    catalog.register(entity("User", "ann", {"memberOf": []}, {"github.com/user-login": "ann-gh"}), "file:///org.yaml")
    catalog.register(entity("User", "bob", {"memberOf": []}), "file:///org.yaml")

    reads = len(server.calls("GET", r"/contents/catalog-info\.yaml"))
    first = outcomes(invoke)
    assert len(server.calls("GET", r"/contents/catalog-info\.yaml")) == reads  # read from each clone, no API call
    assert {repo: o["state"] for repo, o in first.items()} == {
        "acme/alpha": "opened",
        "acme/beta": "opened",
        "acme/gamma": "opened",
    }
    assert first["acme/alpha"]["reviewers"] == ["assignee:bob", "team:payments-team"]
    assert first["acme/beta"]["reviewers"] == ["ann-gh", "assignee:bob"]
    assert first["acme/gamma"]["reviewers"] == ["assignee:bob"]
    refused = "carol not asked: cannot request reviewers on pull request #1 of acme/{}: Reviews may only be requested"
    assert first["acme/alpha"]["people_note"].startswith(refused.format("alpha"))
    ghosts = "group:default/ghosts is not in the catalog: nobody asked for it; " + refused.format("gamma")
    assert first["acme/gamma"]["people_note"].startswith(ghosts)

    alpha, beta, gamma = (server.pull("acme", name, 1) for name in ("alpha", "beta", "gamma"))
    assert (alpha.requested_teams, alpha.requested_reviewers, alpha.assignees) == (["payments-team"], [], ["bob"])
    assert (beta.requested_teams, beta.requested_reviewers) == ([], ["ann-gh"])
    assert (gamma.requested_teams, gamma.requested_reviewers) == ([], [])
    assert alpha.labels == ["scaffold-upgrade", "platform-upgrade"]

    beta.requested_reviewers.clear()  # ann reviewed: GitHub drops her from the requested reviewers
    asked = len(server.calls("POST", r"/requested_reviewers$|/assignees$"))
    rerun = outcomes(invoke)
    assert {o["state"] for o in rerun.values()} == {"up-to-date"}
    assert len(server.calls("POST", r"/requested_reviewers$|/assignees$")) == asked  # nobody asked twice, not carol
    assert server.pull("acme", "beta", 1).requested_reviewers == []


def test_labels_people_add_on_github_survive_an_update(
    invoke: Invoke, github_profile: GitHubServer, library: Path
) -> None:
    template = library / "mini" / "template.yaml"
    template.write_text(
        template.read_text().replace("  steps:\n", "  campaign:\n    labels: [platform]\n  steps:\n", 1)
    )
    invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", "name=alpha", "--set", "owner=group:payments")
    assert outcomes(invoke)["acme/alpha"]["state"] == "opened"
    repo = github_profile.repo("acme", "alpha")
    repo.labels["needs-qa"] = {"id": 99, "name": "needs-qa", "color": "ededed"}
    github_profile.pull("acme", "alpha", 1).labels.append("needs-qa")  # a person labels the PR

    changelog = library / "mini" / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("- A docs folder", "- A docs folder (now documented)"))
    rerun = outcomes(invoke)["acme/alpha"]
    assert rerun["state"] == "updated"
    pr = github_profile.pull("acme", "alpha", 1)
    assert pr.labels == ["scaffold-upgrade", "platform", "needs-qa"] and "(now documented)" in (pr.body or "")
