"""Who a migration PR asks, on the embedded forge: the owning group's members from the SQLite
catalog (users' `spec.memberOf` and the group's `spec.members`), explicit refs of
`spec.campaign`, asked once across reruns; labels per golden path, kept with people's own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scaffolder import campaign
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.forges.base import PullRequest, Repo
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import resolve
from scaffolder.pr_labels import labels_for
from scaffolder.reviewers import Lookups, People
from scaffolder.reviewers import resolve as resolve_people
from scaffolder.runner import Runner
from scaffolder.sources import load_template
from scaffolder.template import Template
from tests.helpers import MINIMAL, V1_FILES, V2_FILES, write_template

POLICY = """\
  campaign:
    labels: [platform-upgrade]
    reviewers: [owner, user:carol]
    assignees: [user:dora]
  steps:
"""


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Template, Template]:
    v1 = load_template(write_template(tmp_path / "v1", MINIMAL, V1_FILES))
    v2_yaml = MINIMAL.replace("version: 1.0.0", "version: 2.0.0").replace("  steps:\n", POLICY, 1)
    v2 = load_template(write_template(tmp_path / "v2", v2_yaml, V2_FILES))
    return v1, v2


def entity(kind: str, name: str, spec: dict[str, Any], annotations: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, **({"annotations": annotations} if annotations else {})}
    return {"apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": meta, "spec": spec}


def people_catalog(path: Path) -> SqliteCatalog:
    """payments: ann (by her memberOf) and bob (by the group's members); erin belongs elsewhere."""
    catalog = SqliteCatalog(path)
    org = "file:///org.yaml"
    catalog.register(entity("Group", "payments", {"type": "team", "children": [], "members": ["bob"]}), org)
    catalog.register(entity("Group", "empty", {"type": "team", "children": []}), org)
    catalog.register(entity("User", "ann", {"memberOf": ["group:default/payments"]}), org)
    catalog.register(entity("User", "bob", {"memberOf": []}), org)
    catalog.register(entity("User", "erin", {"memberOf": ["search"]}), org)
    return catalog


def make_fleet(forge: LocalForge, catalog: SqliteCatalog, v1: Template, tmp_path: Path, owners: dict[str, str]) -> None:
    runner = Runner(forge, catalog)
    for name, owner in owners.items():
        runner.start(v1, "test", resolve(v1, {"name": name, "owner": owner}), tmp_path / "runs", "local")


def run(forge: LocalForge, catalog: SqliteCatalog, v1: Template, v2: Template, log: str = "docs") -> dict[str, Any]:
    options = campaign.Options(
        name="mini", new=v2, resolve_old=lambda _: v1, changelog=lambda a, b: f"## [{b}]\n- {log}\n", directory=catalog
    )
    return {o.repo: o for o in campaign.run(forge, campaign.fleet(forge, "mini"), options)}


def pull(forge: LocalForge, name: str) -> tuple[Repo, PullRequest]:
    repo = forge.get_repo("local", name)
    assert repo is not None
    pr = forge.find_pull_request(repo, "scaffold/mini")
    assert pr is not None
    return repo, pr


def test_group_members_come_from_both_sides_of_the_relation(tmp_path: Path) -> None:
    catalog = people_catalog(tmp_path / "catalog.db")
    assert [u["metadata"]["name"] for u in catalog.members("group:payments")] == ["ann", "bob"]
    assert [u["metadata"]["name"] for u in catalog.members("payments")] == ["ann", "bob"]
    assert catalog.members("group:empty") == [] and catalog.members("group:nobody") == []


def test_the_owning_team_is_asked_once_with_the_golden_paths_labels(
    tmp_path: Path, versions: tuple[Template, Template]
) -> None:
    v1, v2 = versions
    forge, catalog = LocalForge(tmp_path / "forge"), people_catalog(tmp_path / "catalog.db")
    make_fleet(forge, catalog, v1, tmp_path, {"alpha": "group:payments"})

    first = run(forge, catalog, v1, v2)["local/alpha"]
    assert first.state == "opened" and first.people_note is None
    assert first.reviewers == ["ann", "assignee:dora", "bob", "carol"]
    repo, pr = pull(forge, "alpha")
    assert pr.reviewers == ("ann", "bob", "carol") and pr.assignees == ("dora",)
    assert pr.labels == ("scaffold-upgrade", "platform-upgrade")
    assert '"asked": ["ann", "assignee:dora", "bob", "carol"]' in pr.body

    # ann reviews (GitHub drops her from the requested reviewers); someone labels the PR by hand
    file = Path(pr.url.removeprefix("file://"))
    data = json.loads(file.read_text())
    data["requested_reviewers"] = ["bob", "carol"]
    file.write_text(json.dumps(data))
    forge.update_pull_request(repo, pr.number, pr.title, pr.body, [*pr.labels, "needs-qa"])

    again = run(forge, catalog, v1, v2)["local/alpha"]
    assert again.state == "up-to-date" and again.reviewers == []
    later = run(forge, catalog, v1, v2, log="a newer changelog entry")["local/alpha"]  # the body changes
    assert later.state == "updated" and later.reviewers == []
    _, pr = pull(forge, "alpha")
    assert pr.reviewers == ("bob", "carol")  # ann is not asked again
    assert pr.labels == ("scaffold-upgrade", "platform-upgrade", "needs-qa")  # people's label kept
    assert "a newer changelog entry" in pr.body


def test_a_new_member_is_asked_on_the_next_run(tmp_path: Path, versions: tuple[Template, Template]) -> None:
    v1, v2 = versions
    forge, catalog = LocalForge(tmp_path / "forge"), people_catalog(tmp_path / "catalog.db")
    make_fleet(forge, catalog, v1, tmp_path, {"alpha": "group:payments"})
    run(forge, catalog, v1, v2)
    catalog.register(entity("User", "finn", {"memberOf": ["payments"]}), "file:///org.yaml")

    again = run(forge, catalog, v1, v2)["local/alpha"]
    assert again.state == "updated" and again.reviewers == ["finn"]
    _, pr = pull(forge, "alpha")
    assert pr.reviewers == ("ann", "bob", "carol", "finn")


def test_an_owner_unknown_to_the_catalog_opens_the_pr_without_reviewers(
    tmp_path: Path, versions: tuple[Template, Template]
) -> None:
    v1, v2 = versions
    forge, catalog = LocalForge(tmp_path / "forge"), people_catalog(tmp_path / "catalog.db")
    make_fleet(forge, catalog, v1, tmp_path, {"alpha": "group:ghosts", "beta": "group:empty"})

    outcomes = run(forge, catalog, v1, v2)
    alpha, beta = outcomes["local/alpha"], outcomes["local/beta"]
    assert alpha.state == "opened" and beta.state == "opened"
    assert alpha.people_note == "group:default/ghosts is not in the catalog: nobody asked for it"
    assert beta.people_note == "group:default/empty has no members in the catalog: nobody asked for it"
    assert alpha.reviewers == ["assignee:dora", "carol"]  # the explicit refs still are
    _, pr = pull(forge, "alpha")
    assert pr.reviewers == ("carol",)


def test_on_github_a_group_with_a_team_becomes_a_team_reviewer(tmp_path: Path) -> None:
    catalog = people_catalog(tmp_path / "catalog.db")
    team = {"github.com/team-slug": "acme/payments-team"}
    catalog.register(entity("Group", "payments", {"type": "team", "children": []}, team), "file:///org.yaml")
    catalog.register(entity("User", "gil", {"memberOf": ["empty"]}, {"github.com/user-login": "gil-gh"}), "file:///o")

    people = resolve_people(
        ["owner"], ["group:empty"], owner="group:payments", catalog=catalog, forge_kind="github", org="acme"
    )
    assert people == People(reviewers=[], teams=["payments-team"], assignees=["gil-gh"], notes=[])
    elsewhere = resolve_people(["owner"], [], owner="payments", catalog=catalog, forge_kind="github", org="other")
    assert elsewhere.teams == [] and elsewhere.reviewers == ["ann"]  # the team is not of this org: its members
    local = resolve_people(["owner"], [], owner="payments", catalog=catalog, forge_kind="local", org="local")
    assert local.teams == [] and local.reviewers == ["ann"]


def test_labels_keep_peoples_own_and_drop_a_stale_conflict_label() -> None:
    pr = PullRequest(1, "u", "h", "main", "t", "b", "open", "sha", ("scaffold-conflicts", "needs-qa", "Platform"))
    assert labels_for(["scaffold-upgrade", "platform"], "scaffold-conflicts", False, pr) == [
        "scaffold-upgrade",
        "platform",
        "needs-qa",
    ]
    assert labels_for(["scaffold-upgrade"], "scaffold-conflicts", True, None) == [
        "scaffold-upgrade",
        "scaffold-conflicts",
    ]


def test_a_campaign_looks_each_group_up_once(tmp_path: Path) -> None:
    catalog = people_catalog(tmp_path / "catalog.db")
    seen: list[str] = []

    class Counting:
        def get(self, ref: str) -> dict[str, Any] | None:
            seen.append(f"get {ref}")
            return catalog.get(ref)

        def members(self, group: str) -> list[dict[str, Any]]:
            seen.append(f"members {group}")
            return catalog.members(group)

    lookups = Lookups(Counting())
    for _ in range(3):  # three repos owned by payments
        people = resolve_people(["owner"], [], owner="group:payments", catalog=lookups, forge_kind="local", org="l")
        assert people.reviewers == ["ann", "bob"]
    assert seen == ["get group:default/payments", "members group:default/payments"]
