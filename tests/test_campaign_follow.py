"""Each migration PR followed to the end on the embedded forge: its checks run and recorded, merged
when the policy allows (and the catalog updated), rebased when the base moved, moved to the newest
target when superseded, and the faults: checks that never finish, a PR merged by hand meanwhile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scaffolder import campaign, git
from scaffolder.catalogs.base import VERSION_ANNOTATION, annotation
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.errors import ForgeError
from scaffolder.forges.base import Checks, PullRequest, Repo
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import resolve
from scaffolder.runner import Runner
from scaffolder.sources import load_template
from scaffolder.template import Template
from tests.helpers import MINIMAL, V1_FILES, V2_FILES, write_template

CHECKS = """\
  campaign:
    checkTimeout: 2
  checks:
    - name: not-broken
      run: [python, -c, "import os, sys; sys.exit(1 if os.path.exists('BROKEN') else 0)"]
    - name: not-slow
      run: [python, -c, "import os, time; os.path.exists('SLOW') and time.sleep(30)"]
"""


def golden(root: Path, version: str, files: dict[str, str]) -> Template:
    """The `mini` golden path at `version`, with two checks a repo can fail (BROKEN) or hang (SLOW)."""
    text = MINIMAL.replace("  version: 1.0.0\n", f"  version: {version}\n{CHECKS}")
    return load_template(write_template(root / version, text, files))


@pytest.fixture
def releases(tmp_path: Path) -> dict[str, Template]:
    v3 = {**V2_FILES, "docs/index.md": "Docs for {{ values.name }}, second edition\n"}
    return {
        "1.0.0": golden(tmp_path, "1.0.0", V1_FILES),
        "1.1.0": golden(tmp_path, "1.1.0", V2_FILES),
        "1.2.0": golden(tmp_path, "1.2.0", v3),
        "2.0.0": golden(tmp_path, "2.0.0", V2_FILES),
    }


@pytest.fixture
def forge(tmp_path: Path) -> LocalForge:
    return LocalForge(tmp_path / "forge")


@pytest.fixture
def catalog(tmp_path: Path) -> SqliteCatalog:
    return SqliteCatalog(tmp_path / "catalog.db")


def make_fleet(forge: LocalForge, catalog: SqliteCatalog, v1: Template, tmp_path: Path, names: list[str]) -> None:
    runner = Runner(forge, catalog)
    for name in names:
        runner.start(v1, "test", resolve(v1, {"name": name, "owner": "group:payments"}), tmp_path / "runs", "local")


def options(releases: dict[str, Template], to: str, **kw: Any) -> campaign.Options:
    return campaign.Options(
        name="mini",
        new=releases[to],
        resolve_old=lambda version: releases[version],
        changelog=lambda old, new: f"## [{new}]\n- changes\n",
        trusted=kw.pop("trusted", True),
        **kw,
    )


def repo_of(forge: LocalForge, name: str) -> Repo:
    repo = forge.get_repo("local", name)
    assert repo is not None
    return repo


def commit(forge: LocalForge, name: str, tmp_path: Path, files: dict[str, str], branch: str = "main") -> str:
    """A human's commit on `branch` of repo `name`."""
    repo = repo_of(forge, name)
    work = forge.clone(repo, tmp_path / f"edit-{name}-{len(list(tmp_path.iterdir()))}", branch)
    for path, text in files.items():
        (work / path).write_text(text)
    sha = git.commit_all(work, "A human edit", "2026-03-01T00:00:00+00:00")
    forge.push(repo, work, [f"HEAD:refs/heads/{branch}"])
    return sha


def by_repo(outcomes: list[campaign.Outcome]) -> dict[str, tuple[str, str | None, str | None]]:
    return {o.repo.split("/")[1]: (o.state, o.checks, o.merge) for o in outcomes}


def test_checks_run_on_the_pr_head_are_recorded_and_time_out(
    forge: LocalForge, catalog: SqliteCatalog, releases: dict[str, Template], tmp_path: Path
) -> None:
    make_fleet(forge, catalog, releases["1.0.0"], tmp_path, ["alpha", "beta", "gamma"])
    commit(forge, "beta", tmp_path, {"BROKEN": "x\n"})
    commit(forge, "gamma", tmp_path, {"SLOW": "x\n"})
    first = campaign.run(forge, campaign.fleet(forge, "mini"), options(releases, "1.1.0"))
    assert by_repo(first) == {
        "alpha": ("opened", "success", "ready"),
        "beta": ("opened", "failure", "checks failing"),
        "gamma": ("opened", "timed-out", "checks timed out"),
    }
    gamma = next(o for o in first if o.repo == "local/gamma")
    assert gamma.reason == "checks timed out after 2 s: scaffold/not-slow"
    beta = repo_of(forge, "beta")
    pr = forge.find_pull_request(beta, "scaffold/mini")
    assert pr is not None
    recorded = forge.pull_checks(beta, pr.head_sha)
    assert recorded.names == (("scaffold/not-broken", "failure"), ("scaffold/not-slow", "success"))

    again = campaign.run(forge, campaign.fleet(forge, "mini"), options(releases, "1.1.0"))
    assert {o.state for o in again} == {"up-to-date"}
    assert forge.pull_checks(beta, pr.head_sha) == recorded  # a checked head is not checked again

    fleet = campaign.FleetStatus(campaign.status(forge, "mini", policy=releases["1.1.0"].model.spec.campaign))
    assert {e.repo: (e.checks, e.merge) for e in fleet.entries} == {
        "local/alpha": ("success", "ready"),
        "local/beta": ("failure", "checks failing"),
        "local/gamma": ("timed-out", "checks timed out"),
    }
    assert fleet.checks == {"success": 1, "failure": 1, "timed-out": 1}


def test_untrusted_golden_paths_run_no_checks(
    forge: LocalForge, catalog: SqliteCatalog, releases: dict[str, Template], tmp_path: Path
) -> None:
    marker = tmp_path / "a check ran"
    check = f"""    - name: marker\n      run: [python, -c, "open({str(marker)!r}, 'w').close()"]\n"""
    text = MINIMAL.replace("  version: 1.0.0\n", f"  version: 1.1.0\n{CHECKS}{check}")
    releases["1.1.0"] = load_template(write_template(tmp_path / "marked", text, V2_FILES))
    make_fleet(forge, catalog, releases["1.0.0"], tmp_path, ["alpha"])
    outcomes = campaign.run(forge, campaign.fleet(forge, "mini"), options(releases, "1.1.0", trusted=False))
    assert by_repo(outcomes) == {"alpha": ("opened", "none", "no checks")}
    pr = forge.find_pull_request(repo_of(forge, "alpha"), "scaffold/mini")
    assert pr is not None and forge.pull_checks(repo_of(forge, "alpha"), pr.head_sha) == Checks("none")
    assert not marker.exists()  # the golden path's commands never ran
    campaign.run(forge, campaign.fleet(forge, "mini"), options(releases, "1.1.0", trusted=True))
    assert marker.exists()  # trusted, they do


def test_automerge_merges_green_minor_steps_and_updates_the_catalog(
    forge: LocalForge, catalog: SqliteCatalog, releases: dict[str, Template], tmp_path: Path
) -> None:
    make_fleet(forge, catalog, releases["1.0.0"], tmp_path, ["alpha", "beta"])
    commit(forge, "beta", tmp_path, {"BROKEN": "x\n"})
    run = campaign.run(
        forge, campaign.fleet(forge, "mini"), options(releases, "1.1.0", automerge=True, catalog=catalog)
    )
    assert by_repo(run) == {
        "alpha": ("merged", "success", "merged"),
        "beta": ("opened", "failure", "checks failing"),
    }
    alpha = next(o for o in run if o.repo == "local/alpha")
    assert alpha.catalog == "refreshed"
    assert annotation(catalog.get("component:default/alpha"), VERSION_ANNOTATION) == "1.1.0"
    assert annotation(catalog.get("component:default/beta"), VERSION_ANNOTATION) == "1.0.0"
    record = campaign.read_record(forge, repo_of(forge, "alpha"))
    assert record is not None and record.template.version == "1.1.0"

    major = campaign.run(forge, campaign.fleet(forge, "mini"), options(releases, "2.0.0", automerge=True))
    assert by_repo(major)["alpha"] == ("opened", "success", "major step")


def test_a_moved_base_rebases_untouched_prs_only(
    forge: LocalForge, catalog: SqliteCatalog, releases: dict[str, Template], tmp_path: Path
) -> None:
    make_fleet(forge, catalog, releases["1.0.0"], tmp_path, ["alpha", "beta"])
    campaign.run(forge, campaign.fleet(forge, "mini"), options(releases, "1.1.0"))
    commit(forge, "beta", tmp_path, {"HUMAN.md": "on the bot's branch\n"}, branch="scaffold/mini")
    for name in ("alpha", "beta"):
        commit(forge, name, tmp_path, {"NEWS.md": "the base moved\n"})
    beta_head = forge.head_sha(repo_of(forge, "beta"), "scaffold/mini")

    rerun = campaign.run(forge, campaign.fleet(forge, "mini"), options(releases, "1.1.0"))
    outcome = {o.repo: o for o in rerun}
    assert outcome["local/alpha"].state == "updated"
    assert outcome["local/alpha"].reason == "rebased onto the moved main"
    alpha = repo_of(forge, "alpha")
    assert git.is_ancestor(forge._bare(alpha), "refs/heads/main", "refs/heads/scaffold/mini")
    assert [pr.number for pr in forge.pull_requests(alpha)] == [1]  # the same PR, updated
    assert outcome["local/alpha"].checks == "success"  # the new head was checked
    assert (outcome["local/beta"].state, outcome["local/beta"].merge) == ("edited-by-human", "human commits")
    assert forge.head_sha(repo_of(forge, "beta"), "scaffold/mini") == beta_head


def test_an_open_pr_for_an_older_target_is_moved_to_the_newest_with_a_comment(
    forge: LocalForge, catalog: SqliteCatalog, releases: dict[str, Template], tmp_path: Path
) -> None:
    make_fleet(forge, catalog, releases["1.0.0"], tmp_path, ["alpha"])
    campaign.run(forge, campaign.fleet(forge, "mini"), options(releases, "1.1.0"))
    newer = campaign.run(forge, campaign.fleet(forge, "mini"), options(releases, "1.2.0"))
    assert newer[0].state == "updated" and newer[0].reason == "superseded: now 1.2.0 instead of 1.1.0"
    alpha = repo_of(forge, "alpha")
    (pr,) = forge.pull_requests(alpha)  # one PR per repo, never two
    assert pr.state == "open" and pr.title == "Upgrade mini from 1.0.0 to 1.2.0"
    (comment,) = forge.comments(alpha, pr.number)
    assert "now upgrades to **1.2.0** instead of 1.1.0" in comment["body"]
    assert b"second edition" in (git.read_file(forge._bare(alpha), "refs/heads/scaffold/mini", "docs/index.md") or b"")


class MergedByHand(LocalForge):
    """A forge where a human merges the PR just as the bot reads its checks."""

    def pull_checks(self, repo: Repo, sha: str) -> Checks:
        checks = super().pull_checks(repo, sha)
        pr = self.find_pull_request(repo, "scaffold/mini")
        if pr is not None and pr.state == "open" and checks.state == "success":
            super().merge_pull_request(repo, pr.number)
        return checks


def test_a_pr_merged_by_hand_while_the_bot_runs_counts_as_merged(
    catalog: SqliteCatalog, releases: dict[str, Template], tmp_path: Path
) -> None:
    forge = MergedByHand(tmp_path / "forge")
    make_fleet(forge, catalog, releases["1.0.0"], tmp_path, ["alpha"])
    (outcome,) = campaign.run(forge, campaign.fleet(forge, "mini"), options(releases, "1.1.0", automerge=True))
    assert (outcome.state, outcome.merge, outcome.reason) == (
        "merged",
        "merged by hand",
        "merged by a human while the bot ran",
    )
    (pr,) = forge.pull_requests(repo_of(forge, "alpha"))
    assert pr.state == "merged"


def test_the_merge_policy_names_every_reason() -> None:
    from scaffolder import merge_policy

    assert [merge_policy.step("1.2.3", v) for v in ("1.2.4", "1.3.0", "2.0.0", "1.2.4-rc.1")] == [
        "patch",
        "minor",
        "major",
        "patch",
    ]
    allowed = ["patch", "minor"]
    assert merge_policy.blockers(allowed, "1.0.0", "1.1.0", "success") == []
    assert merge_policy.blockers(allowed, "1.0.0", "2.0.0", "pending", conflicts=True, human=True) == [
        "major step",
        "checks pending",
        "conflicts",
        "human commits",
    ]
    assert merge_policy.blockers(["major"], "1.0.0", "1.0.1", None) == ["patch step", "no checks"]
    assert merge_policy.verdict([], automerge=False) == "ready"


class NoMergeRights(LocalForge):
    """A forge that refuses the bot's merges of one repo (a protection, a token without the right)."""

    def merge_pull_request(self, repo: Repo, number: int, sha: str | None = None) -> PullRequest:
        if repo.name == "beta":
            raise ForgeError(f"cannot merge pull request #{number} of {repo.full_name}: GitHub refused (405: reviews)")
        return super().merge_pull_request(repo, number, sha)


def test_a_refused_merge_fails_that_repo_only(
    catalog: SqliteCatalog, releases: dict[str, Template], tmp_path: Path
) -> None:
    forge = NoMergeRights(tmp_path / "forge")
    make_fleet(forge, catalog, releases["1.0.0"], tmp_path, ["alpha", "beta", "gamma"])
    outcomes = campaign.run(forge, campaign.fleet(forge, "mini"), options(releases, "1.1.0", automerge=True))
    assert by_repo(outcomes) == {
        "alpha": ("merged", "success", "merged"),
        "beta": ("failed", "success", "merge refused"),
        "gamma": ("merged", "success", "merged"),
    }
    beta = next(o for o in outcomes if o.repo == "local/beta")
    assert beta.reason is not None and "405: reviews" in beta.reason and beta.pr_number == 1
