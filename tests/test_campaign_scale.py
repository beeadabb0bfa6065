"""What makes a campaign cheap per repo: renders shared across repos with the same answers, and the
embedded forge cloned and pushed without git's pack protocol. Same results as before, fewer renders
and processes (the times are measured in bench/fleet_scale.py, never here)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scaffolder import campaign, git, git_process
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.errors import ForgeError
from scaffolder.forges import local_git
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import Answers, resolve
from scaffolder.runner import Runner
from scaffolder.sources import load_template
from scaffolder.template import Template
from scaffolder.upgrade import renders
from scaffolder.upgrade.trees import collect
from tests.helpers import MINIMAL, V1_FILES, V2_FILES, write_template

MIGRATION = """\
  migrations:
    - to: 2.0.0
      steps:
        - action: fs:rename
          input: {missing_ok: true, files: [{from: app.py, to: main.py}]}
"""


def _versions(tmp_path: Path, migrations: bool) -> tuple[Template, Template]:
    v1 = load_template(write_template(tmp_path / "v1", MINIMAL, V1_FILES))
    v2_yaml = MINIMAL.replace("version: 1.0.0", "version: 2.0.0") + (MIGRATION if migrations else "")
    v2_files = {("main.py" if k == "app.py" else k): v for k, v in V2_FILES.items()} if migrations else V2_FILES
    return v1, load_template(write_template(tmp_path / "v2", v2_yaml, dict(v2_files)))


def _fleet(tmp_path: Path, v1: Template, names: list[str], copies: int) -> LocalForge:
    """A repo per name made by `scaffold new`, and `copies` more of the first (same answers)."""
    forge = LocalForge(tmp_path / "forge")
    runner = Runner(forge, SqliteCatalog(tmp_path / "catalog.db"))
    for name in names:
        runner.start(v1, "test", resolve(v1, {"name": name, "owner": "group:payments"}), tmp_path / "runs", "local")
    first = forge.root / "local" / f"{names[0]}.git"
    for i in range(copies):
        shutil.copytree(first, first.with_name(f"{names[0]}-copy{i}.git"))
    return forge


def _options(v1: Template, v2: Template) -> campaign.Options:
    return campaign.Options(
        name="mini", new=v2, resolve_old=lambda version: v1, changelog=lambda old, new: f"## [{new}]\n"
    )


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The (name, version) of every render the runner makes."""
    made: list[str] = []
    real = Runner.render

    def counting(self: Runner, template: Template, *args: Any, **kw: Any) -> Any:
        made.append(f"{template.name}@{template.version}")
        return real(self, template, *args, **kw)

    monkeypatch.setattr(Runner, "render", counting)
    yield made


def _branch_files(forge: LocalForge) -> dict[str, dict[str, bytes | None]]:
    """Each repo's files on the bot's branch (the record's run-specific lines are the same: copies)."""
    out = {}
    for repo in forge.list_repos():
        bare = forge._bare(repo)
        names = ["README.md", "app.py", "main.py", "docs/index.md", ".scaffold/record.yaml"]
        out[repo.name] = {n: git.read_file(bare, "refs/heads/scaffold/mini", n) for n in names}
    return out


@pytest.mark.parametrize("migrations", [False, True], ids=["plain", "with-migrations"])
def test_repos_with_the_same_answers_share_each_render(tmp_path: Path, rendered: list[str], migrations: bool) -> None:
    v1, v2 = _versions(tmp_path, migrations)
    forge = _fleet(tmp_path, v1, ["alpha", "beta"], copies=2)
    shared = campaign.run(forge, campaign.fleet(forge, "mini"), _options(v1, v2))
    assert {o.repo: o.state for o in shared} == {
        f"local/{n}": "opened" for n in ["alpha", "alpha-copy0", "alpha-copy1", "beta"]
    }
    # alpha and its two copies share one render of each version; beta has its own
    assert sorted(rendered) == ["mini@1.0.0", "mini@1.0.0", "mini@2.0.0", "mini@2.0.0"]
    files = _branch_files(forge)
    assert files["alpha-copy1"] == files["alpha"] != files["beta"]
    assert (files["alpha"]["main.py"] is not None) is migrations  # the migration ran on each repo
    assert files["alpha"]["docs/index.md"] == b"Docs for alpha\n"

    # the same upgrades one repo at a time, nothing shared, give the same branches
    alone = _fleet(tmp_path / "alone", v1, ["alpha", "beta"], copies=2)
    rendered.clear()
    writes = campaign.for_forge(alone)
    for target in campaign.fleet(alone, "mini"):
        assert campaign.migrate_repo(alone, target, _options(v1, v2), writes).state == "opened"
    assert len(rendered) == 8
    record = ".scaffold/record.yaml"  # names each fleet's own run: compared apart
    assert {r: {n: d for n, d in f.items() if n != record} for r, f in _branch_files(alone).items()} == {
        r: {n: d for n, d in f.items() if n != record} for r, f in files.items()
    }


class _Runner:
    """A runner whose render learns a value derived from a secret, as a step's input can."""

    trusted = False

    def __init__(self) -> None:
        self.renders = 0

    def render(self, template: Template, answers: Answers, workspace: Path, **kw: Any) -> None:
        self.renders += 1
        workspace.mkdir(parents=True)
        (workspace / "f.txt").write_text("x\n")
        answers.learn(["derived-from-the-token"])


def test_a_shared_render_still_hides_what_it_derived_from_secrets(tmp_path: Path) -> None:
    template = load_template(write_template(tmp_path / "v1", MINIMAL, V1_FILES))
    runner = _Runner()
    first, second = (Answers({"name": "a", "api_token": "s3cret-token"}, frozenset({"api_token"})) for _ in "12")
    with renders.shared():
        for answers, dest in ((first, "one"), (second, "two")):
            files = renders.render(runner, template, answers, tmp_path / dest, collect, run_id="r", started_at="t")  # type: ignore[arg-type]
            assert set(files) == {"f.txt"}
    assert runner.renders == 1
    assert "derived-from-the-token" in second.secret_values()  # redaction of the second repo's diff hides it
    assert not (tmp_path / "two").exists()  # nothing rendered for the second


def test_outside_a_campaign_nothing_is_shared(tmp_path: Path) -> None:
    template = load_template(write_template(tmp_path / "v1", MINIMAL, V1_FILES))
    runner = _Runner()
    for dest in ("one", "two"):
        renders.render(runner, template, Answers({"name": "a"}), tmp_path / dest, collect, run_id="r", started_at="t")  # type: ignore[arg-type]
    assert runner.renders == 2


def _git_commands(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    seen: list[list[str]] = []
    real = git_process._git

    def spy(args: Any, *rest: Any, **kw: Any) -> Any:
        seen.append(list(args))
        return real(args, *rest, **kw)

    for module in (git_process, git, local_git):
        monkeypatch.setattr(module, "_git", spy)
    return seen


def test_the_embedded_forge_clones_shared_and_pushes_without_the_pack_protocol(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    v1, v2 = _versions(tmp_path, migrations=False)
    forge = _fleet(tmp_path, v1, ["alpha"], copies=1)
    seen = _git_commands(monkeypatch)
    outcomes = campaign.run(forge, campaign.fleet(forge, "mini"), _options(v1, v2))
    assert [o.state for o in outcomes] == ["opened", "opened"]
    names = [git_process._subcommand(args) for args in seen]
    assert "push" not in names and names.count("clone") == 2
    assert all("--shared" in args for args in seen if git_process._subcommand(args) == "clone")
    for repo in forge.list_repos():
        bare = forge._bare(repo)
        assert git.read_file(bare, "refs/heads/scaffold/mini", "docs/index.md") == b"Docs for alpha\n"
        git_process._git(["--git-dir", str(bare), "fsck", "--strict", "--no-dangling"])  # every object is there


def test_a_leased_push_moves_the_ref_only_from_where_the_lease_says(tmp_path: Path) -> None:
    from scaffolder.forges.base import RepoSpec
    from scaffolder.forges.local_git import clone_shared, push_leased

    forge = LocalForge(tmp_path / "forge")
    repo = forge.create_repo(RepoSpec(name="svc"))
    seed = tmp_path / "seed"
    git.init(seed)
    (seed / "f").write_text("one\n")
    first = git.commit_all(seed, "one", "2026-01-01T00:00:00+00:00")
    forge.push(repo, seed, ["HEAD:refs/heads/main"])
    bare = forge._bare(repo)

    clone = clone_shared(bare, tmp_path / "clone", "main")
    assert (clone / ".git" / "objects" / "info" / "alternates").read_text().strip() == str(bare / "objects")
    (clone / "g").write_text("two\n")
    second = git.commit_all(clone, "two", "2026-01-02T00:00:00+00:00")
    with pytest.raises(ForgeError, match="rejected"):  # the branch must not exist yet: it does
        push_leased(clone, bare, ["HEAD:refs/heads/main"], {"refs/heads/main": ""})
    with pytest.raises(ForgeError, match="rejected"):  # a stale lease
        push_leased(clone, bare, ["HEAD:refs/heads/main"], {"refs/heads/main": second})
    assert git.rev_parse(bare, "refs/heads/main", bare=True) == first
    push_leased(clone, bare, ["HEAD:refs/heads/bot"], {"refs/heads/bot": ""})
    push_leased(clone, bare, ["HEAD:refs/heads/main"], {"refs/heads/main": first})
    assert git.rev_parse(bare, "refs/heads/main", bare=True) == second
    assert git.read_file(bare, "main", "g") == b"two\n"
    shutil.rmtree(clone)  # the bare repo holds every object itself
    git_process._git(["--git-dir", str(bare), "fsck", "--strict", "--no-dangling"])
    with pytest.raises(ForgeError, match="unsupported refspec"):
        push_leased(tmp_path / "seed", bare, ["refs/heads/main"], {"refs/heads/main": first})


def test_a_bare_repos_head_branch_is_read_without_starting_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bare = tmp_path / "svc.git"
    git.init_bare(bare, "trunk")
    seen = _git_commands(monkeypatch)
    assert git.head_branch(bare) == "trunk" and seen == []
    (bare / "HEAD").write_text("0123456789012345678901234567890123456789\n")  # detached: git says so
    assert git.head_branch(bare) is None and len(seen) == 1
    with pytest.raises(ForgeError, match="no git repository"):
        git.head_branch(tmp_path / "gone.git")


def test_commit_all_reads_heads_commit_and_tree_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "w"
    git.init(work)
    (work / "f").write_text("one\n")
    first = git.commit_all(work, "one", "2026-01-01T00:00:00+00:00")  # no HEAD yet
    seen = _git_commands(monkeypatch)
    assert git.commit_all(work, "again", "2026-01-02T00:00:00+00:00") == first  # nothing changed: no commit
    assert [git_process._subcommand(a) for a in seen] == ["add", "write-tree", "rev-parse"]
    (work / "f").write_text("two\n")
    second = git.commit_all(work, "two", "2026-01-03T00:00:00+00:00")
    assert second != first and git.rev_parse(work, "HEAD^") == first
