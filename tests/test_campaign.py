"""Migration campaigns on the embedded forge: idempotent, human-edit safe, one PR per repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder import campaign, git
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import resolve
from scaffolder.runner import Runner
from scaffolder.sources import load_template
from scaffolder.template import Template
from tests.helpers import MINIMAL, V1_FILES, V2_FILES, write_template


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Template, Template]:
    v1 = load_template(write_template(tmp_path / "v1", MINIMAL, V1_FILES))
    v2 = load_template(write_template(tmp_path / "v2", MINIMAL.replace("version: 1.0.0", "version: 2.0.0"), V2_FILES))
    return v1, v2


@pytest.fixture
def forge(tmp_path: Path) -> LocalForge:
    return LocalForge(tmp_path / "forge")


def make_fleet(forge: LocalForge, v1: Template, tmp_path: Path, names: list[str]) -> None:
    runner = Runner(forge, SqliteCatalog(tmp_path / "catalog.db"))
    for name in names:
        answers = resolve(v1, {"name": name, "owner": "group:payments"})
        runner.start(v1, "test", answers, tmp_path / "runs", "local")


def options(v1: Template, v2: Template, **kw: object) -> campaign.Options:
    return campaign.Options(
        name="mini",
        new=v2,
        resolve_old=lambda version: v1,
        changelog=lambda old, new: f"## [{new}]\n- docs folder\n",
        **kw,  # type: ignore[arg-type]
    )


def edit(forge: LocalForge, repo_name: str, tmp_path: Path, path: str, text: str, branch: str = "main") -> None:
    repo = forge.get_repo("local", repo_name)
    assert repo is not None
    work = forge.clone(repo, tmp_path / f"edit-{repo_name}-{len(list(tmp_path.iterdir()))}", branch)
    (work / path).parent.mkdir(parents=True, exist_ok=True)
    (work / path).write_text(text)
    git.commit_all(work, f"Edit {path}", "2026-02-01T00:00:00+00:00")
    forge.push(repo, work, [f"HEAD:refs/heads/{branch}"])


def states(outcomes: list[campaign.Outcome]) -> dict[str, str]:
    return {o.repo: o.state for o in outcomes}


def test_a_campaign_opens_one_pr_per_repo_and_a_rerun_adds_none(
    forge: LocalForge, versions: tuple[Template, Template], tmp_path: Path
) -> None:
    v1, v2 = versions
    make_fleet(forge, v1, tmp_path, ["alpha", "beta", "gamma"])
    edit(forge, "beta", tmp_path, "README.md", "# beta: our own title\n\nOwned by group:payments.\n")
    targets = campaign.fleet(forge, "mini")
    assert [t.repo.name for t in targets] == ["alpha", "beta", "gamma"]

    first = campaign.run(forge, targets, options(v1, v2))
    assert set(states(first).values()) == {"opened"}
    repo = forge.get_repo("local", "beta")
    assert repo is not None
    pr = forge.find_pull_request(repo, "scaffold/mini")
    assert pr is not None and pr.title == "Upgrade mini from 1.0.0 to 2.0.0"
    assert "## Changelog" in pr.body and '"to": "2.0.0"' in pr.body and "docs/index.md" in pr.body
    merged_readme = git.read_file(forge._bare(repo), "refs/heads/scaffold/mini", "README.md")
    assert merged_readme == b"# beta: our own title\n\nOwned by group:payments.\n\nSee docs/.\n"  # both kept

    second = campaign.run(forge, campaign.fleet(forge, "mini"), options(v1, v2))
    assert set(states(second).values()) == {"up-to-date"}
    for name in ("alpha", "beta", "gamma"):
        r = forge.get_repo("local", name)
        assert r is not None and len(forge.pull_requests(r)) == 1  # no duplicate PRs


def test_merged_declined_and_human_edited_branches(
    forge: LocalForge, versions: tuple[Template, Template], tmp_path: Path
) -> None:
    v1, v2 = versions
    make_fleet(forge, v1, tmp_path, ["alpha", "beta", "gamma"])
    campaign.run(forge, campaign.fleet(forge, "mini"), options(v1, v2))
    alpha, beta, gamma = (forge.get_repo("local", n) for n in ("alpha", "beta", "gamma"))
    assert alpha and beta and gamma
    forge.merge_pull_request(alpha, 1)
    forge.close_pull_request(beta, 1)
    edit(forge, "gamma", tmp_path, "HUMAN.md", "a human fix on the bot's branch\n", branch="scaffold/mini")
    human_head = forge.head_sha(gamma, "scaffold/mini")

    rerun = states(campaign.run(forge, campaign.fleet(forge, "mini"), options(v1, v2)))
    assert rerun == {"local/alpha": "merged", "local/beta": "declined", "local/gamma": "edited-by-human"}
    assert forge.head_sha(gamma, "scaffold/mini") == human_head  # never overwritten
    status = {e.repo: (e.version, e.pr_state) for e in campaign.status(forge, "mini")}
    assert status == {
        "local/alpha": ("2.0.0", "merged"),
        "local/beta": ("1.0.0", "closed"),
        "local/gamma": ("1.0.0", "open"),
    }


def test_conflicts_are_committed_and_reported(
    forge: LocalForge, versions: tuple[Template, Template], tmp_path: Path
) -> None:
    v1, v2 = versions
    make_fleet(forge, v1, tmp_path, ["alpha"])
    edit(forge, "alpha", tmp_path, "app.py", "PORT = 8080\nTIMEOUT = 5  # ours\n\n\ndef main():\n    return 'hello'\n")
    [outcome] = campaign.run(forge, campaign.fleet(forge, "mini"), options(v1, v2))
    assert outcome.state == "conflicted" and outcome.conflicts == ["app.py"], outcome.reason
    repo = forge.get_repo("local", "alpha")
    assert repo is not None
    pr = forge.find_pull_request(repo, "scaffold/mini")
    assert pr is not None and "scaffold-conflicts" in pr.labels and "`app.py`" in pr.body
    # under the one heading, with its kind, in the body and its metadata
    assert "## Needs a human" in pr.body and "- `app.py` (content: both changed the same lines" in pr.body
    assert '"conflict_kinds": {"app.py": "content"}' in pr.body
    # the bot's commit carries the markers (diff3: with the base)
    committed = git.read_file(forge._path("local", "alpha"), "scaffold/mini", "app.py") or b""
    assert b"<<<<<<< yours\n" in committed and b"\n||||||| mini 1.0.0\n" in committed


def test_a_failing_repo_does_not_stop_the_others(
    forge: LocalForge, versions: tuple[Template, Template], tmp_path: Path
) -> None:
    v1, v2 = versions
    make_fleet(forge, v1, tmp_path, ["alpha", "beta"])
    edit(forge, "alpha", tmp_path, ".scaffold/record.yaml", "apiVersion: scaffold/v1\nkind: Record\ntemplate: 5\n")
    outcomes = states(campaign.run(forge, campaign.fleet(forge, "mini", repos=["alpha", "beta"]), options(v1, v2)))
    assert outcomes == {"local/alpha": "failed", "local/beta": "opened"}


PLAIN = """\
apiVersion: scaffold/v1
kind: GoldenPath
metadata: {name: mini, owner: "group:test"}
spec:
  version: VERSION
  parameters:
    - {id: name, type: string}
    - {id: owner, type: string}
    - {id: port, type: integer, default: 8080}
  steps:
    - {id: skeleton, action: fetch:template, input: {path: skeleton}}
    - {id: publish, action: repo:create, input: {name: '${{ parameters.name }}'}}
"""


def test_no_diff_means_no_pr(forge: LocalForge, tmp_path: Path) -> None:
    v1 = load_template(write_template(tmp_path / "p1", PLAIN.replace("VERSION", "1.0.0"), V1_FILES))
    v101 = load_template(write_template(tmp_path / "p2", PLAIN.replace("VERSION", "1.0.1"), V1_FILES))
    make_fleet(forge, v1, tmp_path, ["alpha"])
    [same] = campaign.run(forge, campaign.fleet(forge, "mini"), options(v1, v101))
    assert same.state == "no-change"
    repo = forge.get_repo("local", "alpha")
    assert repo is not None and forge.pull_requests(repo) == []


def test_dry_run_pushes_nothing(forge: LocalForge, versions: tuple[Template, Template], tmp_path: Path) -> None:
    v1, v2 = versions
    make_fleet(forge, v1, tmp_path, ["alpha"])
    [dry] = campaign.run(forge, campaign.fleet(forge, "mini"), options(v1, v2, dry_run=True))
    assert dry.state == "opened" and dry.reason == "dry run: nothing pushed"
    repo = forge.get_repo("local", "alpha")
    assert repo is not None and forge.pull_requests(repo) == [] and forge.head_sha(repo, "scaffold/mini") is None


def test_shards_split_the_fleet_deterministically() -> None:
    names = [f"acme/svc-{i}" for i in range(200)]
    shards = [campaign.Shard.parse(f"{i}/4") for i in range(1, 5)]
    taken = [[n for n in names if s.takes(n)] for s in shards]
    assert sorted(n for t in taken for n in t) == sorted(names)  # every repo exactly once
    assert all(20 < len(t) < 80 for t in taken)
    with pytest.raises(Exception, match="I/N"):
        campaign.Shard.parse("5/4")
