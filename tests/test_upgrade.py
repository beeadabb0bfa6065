"""`upgrade_tree`: re-render, migrate, merge three ways, record; on real git repos made by the runner."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from scaffolder import git, record
from scaffolder.action import ActionContext, ActionInput, NoOutput, define_action
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.errors import ActionError, AnswersError, TemplateError, UnresolvedConflicts
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import Answers, resolve
from scaffolder.registry import load_registry
from scaffolder.runner import Runner
from scaffolder.sources import load_template
from scaffolder.template import Template
from scaffolder.upgrade import crossed_migrations, upgrade_tree, version_key

GIVEN = {"name": "orders-api", "owner": "group:payments"}
PNG1 = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
PNG2 = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(reversed(range(256)))

README_V1 = """\
# {{ values.name }}

A service.

## Run

python -m app

## Deploy

kubectl apply -f deploy/

## Owner

{{ values.owner }}
"""
README_V2 = README_V1.replace("kubectl apply -f deploy/", "kubectl apply -k deploy/")
SETUP_CFG = "[metadata]\nname = {{ values.name }}\nversion = 0.1.0\n\n[options]\npackages = find:\n"

V1: dict[str, str | bytes] = {
    "README.md": README_V1,
    "config/app.ini": "[app]\nport = {{ values.port }}\nlog = info\n",
    "setup.cfg": SETUP_CFG,
    "old.txt": "obsolete\n",
    "LICENSE": "MIT License\n",
    "logo.png": PNG1,
    "run.sh": "#!/bin/sh\nexec python -m app\n",
}
V2: dict[str, str | bytes] = {
    "README.md": README_V2,
    "config/app.ini": "[app]\nport = {{ values.port }}\nlog = info\nmetrics = on\n",
    "settings.cfg": SETUP_CFG + "python_requires = >=3.11\n",
    "docs/guide.md": "# Guide for {{ values.name }}\n",
    "LICENSE": "MIT License\n",
    "logo.png": PNG2,
    "run.sh": "#!/bin/sh\nexec python -m app\n",
}

STEPS = """\
  steps:
    - id: skeleton
      action: fetch:template
      input: {path: skeleton}
    - id: catalog
      action: catalog:write
      input:
        name: '${{ parameters.name }}'
        owner: '${{ parameters.owner }}'
        repo: {name: '${{ parameters.name }}'}
    - id: publish
      action: repo:create
      input: {name: '${{ parameters.name }}'}
    - id: register
      action: catalog:register
      input: {target: '${{ steps.publish.output.catalog_info_url }}'}
"""

PARAMS = """\
  parameters:
    - id: name
      pattern: '^[a-z][a-z0-9-]+$'
    - id: owner
    - id: port
      type: integer
      default: 8080
"""


def golden(
    root: Path,
    version: str,
    files: Mapping[str, str | bytes],
    *,
    params: str = "",
    spec: str = "",
    executable: tuple[str, ...] = ("run.sh",),
) -> Template:
    """Write one version of the `svc` golden path into root/VERSION and load it."""
    folder = root / version
    header = "apiVersion: scaffold/v1\nkind: GoldenPath\nmetadata:\n  name: svc\n  owner: group:guild\n"
    body = f"spec:\n  version: {version}\n{PARAMS}{params}{STEPS}{spec}"
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(header + body, encoding="utf-8")
    for rel, content in files.items():
        path = folder / "skeleton" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        if rel in executable:
            path.chmod(0o755)
    return load_template(folder)


RENAME_MIGRATION = """\
  migrations:
    - to: 2.0.0
      steps:
        - action: fs:rename
          input: {missing_ok: true, files: [{from: setup.cfg, to: settings.cfg}]}
"""


class NoteInput(ActionInput):
    text: str = Field(min_length=1)


def _note(ctx: ActionContext, inp: NoteInput) -> NoOutput:
    with ctx.resolve("MIGRATIONS.log").open("a", encoding="utf-8") as out:
        out.write(inp.text + "\n")
    return NoOutput()


# Migration actions for these tests, as a plugin would add them: upgrades are handed this registry.
ACTIONS = load_registry().replace(
    define_action(id="test:note", description="log", input=NoteInput, output=NoOutput, handler=_note)
)


@pytest.fixture
def forge(tmp_path: Path) -> LocalForge:
    return LocalForge(tmp_path / "forge")


@pytest.fixture
def v1(tmp_path: Path) -> Template:
    return golden(tmp_path / "lib", "1.0.0", V1)


@pytest.fixture
def v2(tmp_path: Path) -> Template:
    return golden(tmp_path / "lib", "2.0.0", V2, spec=RENAME_MIGRATION + "  required_files: [LICENSE]\n")


Make = Callable[..., Path]


@pytest.fixture
def make_repo(tmp_path: Path, forge: LocalForge) -> Make:
    """Create a repo with the runner (as `scaffold new` does) and return a clone of it (the run's
    workspace is no work tree: scaffold commits it through its own git dir beside it)."""

    def make(template: Template, given: Mapping[str, Any] = GIVEN) -> Path:
        catalog = SqliteCatalog(tmp_path / "catalog.db")
        outcome = Runner(forge, catalog).start(template, "test", resolve(template, given), tmp_path / "runs", "local")
        assert outcome.workspace is not None
        return git.clone(outcome.steps["publish"]["clone_url"], tmp_path / "clones" / outcome.run_id)

    return make


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new))


def commit(repo: Path, message: str = "human edit") -> None:
    git.commit_all(repo, message, "2026-02-01T00:00:00+00:00")


def stages(repo: Path) -> dict[str, list[int]]:
    """The unmerged paths of the repo's index and their stages (`git ls-files -u`)."""
    out = subprocess.run(["git", "-C", str(repo), "ls-files", "-u"], capture_output=True, text=True, check=True)
    found: dict[str, list[int]] = {}
    for line in out.stdout.splitlines():
        info, path = line.split("\t", 1)
        found.setdefault(path, []).append(int(info.split()[2]))
    return found


def status(repo: Path) -> set[str]:
    return set(git.dirty_paths(repo))


# --- renders ------------------------------------------------------------------------------------


def test_rendering_the_recorded_version_reproduces_the_repo_byte_for_byte(
    make_repo: Make, v1: Template, forge: LocalForge, tmp_path: Path
) -> None:
    from scaffolder.catalogs.null import NullCatalog
    from scaffolder.upgrade import collect

    repo = make_repo(v1)
    rec = record.read(repo)
    answers = resolve(v1, rec.answers)
    Runner(forge, NullCatalog()).render(v1, answers, tmp_path / "render", run_id=rec.run_id, started_at=rec.created_at)
    rendered, on_disk = collect(tmp_path / "render"), collect(repo)
    assert rendered == on_disk
    assert set(rendered) == set(rec.files) | {"catalog-info.yaml"} - {record.RECORD_PATH}
    assert {rel: record.sha256(f.data) for rel, f in rendered.items()} == rec.files

    before = git.rev_parse(repo, "HEAD")
    result = upgrade_tree(repo, v1, v1, forge=forge)
    assert not result.changed and result.diff == ""
    assert (result.added, result.modified, result.deleted, result.conflicts) == ([], [], [], [])
    assert status(repo) == set() and git.rev_parse(repo, "HEAD") == before


# --- merges -------------------------------------------------------------------------------------


def test_a_clean_upgrade_keeps_human_edits_and_applies_the_template_changes(
    make_repo: Make, v1: Template, v2: Template, forge: LocalForge
) -> None:
    repo = make_repo(v1)
    edit(repo, "README.md", "A service.", "A service that takes orders.")  # far from the template's change
    (repo / "NOTES.md").write_text("my own notes\n")
    commit(repo)

    result = upgrade_tree(repo, v1, v2, forge=forge, source="lib")

    readme = (repo / "README.md").read_text()
    assert "A service that takes orders." in readme and "kubectl apply -k deploy/" in readme
    assert "<<<<<<<" not in readme
    assert result.conflicts == []
    assert "README.md" in result.modified and "catalog-info.yaml" in result.modified
    assert result.added == ["docs/guide.md"]
    assert (repo / "docs/guide.md").read_text() == "# Guide for orders-api\n"
    assert result.deleted == ["old.txt"] and not (repo / "old.txt").exists()
    assert (repo / "NOTES.md").read_text() == "my own notes\n"  # user-added: untouched
    assert (repo / "logo.png").read_bytes() == PNG2  # binary, unchanged by the user: replaced
    assert (repo / "run.sh").stat().st_mode & 0o111  # mode kept
    assert result.changed and result.from_version == "1.0.0" and result.to_version == "2.0.0"
    assert result.answers == {"name": "orders-api", "owner": "group:payments", "port": 8080}

    rec = record.read(repo)
    assert (rec.template.name, rec.template.version, rec.template.source) == ("svc", "2.0.0", "lib")
    assert rec.answers == result.answers
    assert rec.files["docs/guide.md"] == record.sha256(b"# Guide for orders-api\n")
    assert "old.txt" not in rec.files and "setup.cfg" not in rec.files
    assert (repo / "config/app.ini").read_text() == "[app]\nport = 8080\nlog = info\nmetrics = on\n"


def test_the_same_lines_changed_on_both_sides_leave_diff3_markers_and_an_unmerged_index(
    make_repo: Make, v1: Template, v2: Template, forge: LocalForge
) -> None:
    repo = make_repo(v1)
    edit(repo, "README.md", "kubectl apply -f deploy/", "helm upgrade --install orders-api chart/")
    commit(repo)
    mine = (repo / "README.md").read_bytes()
    result = upgrade_tree(repo, v1, v2, forge=forge)
    readme = (repo / "README.md").read_text()
    assert result.conflicts == ["README.md"] and result.conflict_kinds == {"README.md": "content"}
    assert (
        "<<<<<<< yours\nhelm upgrade --install orders-api chart/\n"
        "||||||| svc 1.0.0\nkubectl apply -f deploy/\n"
        "=======\nkubectl apply -k deploy/\n"
    ) in readme
    # left unmerged as git merge leaves it: base, yours, the template's, so git status and mergetool see it
    assert stages(repo) == {"README.md": [1, 2, 3]}
    assert git.show(repo, ":2", "README.md") == mine
    assert b"kubectl apply -k deploy/" in (git.show(repo, ":3", "README.md") or b"")
    assert b"kubectl apply -f deploy/" in (git.show(repo, ":1", "README.md") or b"")
    porcelain = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True)
    assert "UU README.md" in porcelain.stdout.splitlines()
    assert ">>>>>>> svc 2.0.0\n" in readme
    assert "## Owner\n\ngroup:payments\n" in readme  # the rest merged around it
    assert not list(repo.rglob("*.rej")) and not list(repo.rglob("*.orig"))
    assert record.read(repo).template.version == "2.0.0"


def test_a_file_the_user_deleted_stays_deleted_unless_the_template_requires_it(
    make_repo: Make, v1: Template, v2: Template, forge: LocalForge
) -> None:
    repo = make_repo(v1)
    (repo / "config/app.ini").unlink()  # changed by v2: stays deleted
    (repo / "LICENSE").unlink()  # unchanged by v2, but required: comes back
    (repo / "run.sh").unlink()  # unchanged, not required: nothing to do
    commit(repo)
    result = upgrade_tree(repo, v1, v2, forge=forge)
    assert result.kept_deleted == ["config/app.ini"]
    assert not (repo / "config/app.ini").exists() and not (repo / "run.sh").exists()
    assert (repo / "LICENSE").read_text() == "MIT License\n"
    assert "LICENSE" in result.added
    # a modify/delete: it needs a human (exit 4), and git sees it as "deleted by us"
    assert result.conflicts == ["config/app.ini"] and result.conflict_kinds == {"config/app.ini": "modify/delete"}
    assert stages(repo) == {"config/app.ini": [1, 3]}
    assert "config/app.ini" not in record.read(repo).files  # the record lists only what is in the tree


def test_a_file_the_template_deleted_goes_unless_the_user_changed_it(
    make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge
) -> None:
    v2 = golden(tmp_path / "lib", "1.1.0", {k: v for k, v in V1.items() if k not in ("old.txt", "LICENSE")})
    repo = make_repo(v1)
    edit(repo, "LICENSE", "MIT License", "MIT License, amended by legal")
    commit(repo)
    result = upgrade_tree(repo, v1, v2, forge=forge)
    assert result.deleted == ["old.txt"] and not (repo / "old.txt").exists()
    assert result.conflicts == ["LICENSE"]
    assert (repo / "LICENSE").read_text() == "MIT License, amended by legal\n"


def test_a_migration_renames_a_file_and_the_human_edits_follow_it(
    make_repo: Make, v1: Template, v2: Template, forge: LocalForge
) -> None:
    repo = make_repo(v1)
    edit(repo, "setup.cfg", "version = 0.1.0", "version = 0.4.2")
    commit(repo)
    result = upgrade_tree(repo, v1, v2, forge=forge)
    assert result.renamed == [("setup.cfg", "settings.cfg")]
    assert not (repo / "setup.cfg").exists()
    text = (repo / "settings.cfg").read_text()
    assert "version = 0.4.2" in text and "python_requires = >=3.11" in text and "<<<" not in text
    assert "settings.cfg" in result.modified and "setup.cfg" not in result.deleted
    assert "settings.cfg" not in result.added
    assert "rename from setup.cfg\nrename to settings.cfg\n" in result.diff


def test_without_a_migration_a_template_rename_is_found_by_content_and_the_edits_follow_it(
    make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge
) -> None:
    v2 = golden(tmp_path / "lib", "2.0.0", V2)  # no migration
    repo = make_repo(v1)
    edit(repo, "setup.cfg", "version = 0.1.0", "version = 0.4.2")
    commit(repo)
    result = upgrade_tree(repo, v1, v2, forge=forge)
    assert result.renamed == [("setup.cfg", "settings.cfg")]
    assert not (repo / "setup.cfg").exists()
    text = (repo / "settings.cfg").read_text()
    assert "version = 0.4.2" in text and "python_requires = >=3.11" in text
    assert "settings.cfg" not in result.conflicts and "settings.cfg" not in result.added


def test_the_same_move_on_both_sides_merges_at_the_new_path(
    make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge
) -> None:
    """The team moved setup.cfg where the template later moves it too: one three-way merge there,
    no add/add conflict (as `git merge` finds it)."""
    v2 = golden(tmp_path / "lib", "2.0.0", V2)
    repo = make_repo(v1)
    (repo / "setup.cfg").rename(repo / "settings.cfg")
    edit(repo, "settings.cfg", "version = 0.1.0", "version = 0.4.2")
    commit(repo)
    result = upgrade_tree(repo, v1, v2, forge=forge)
    assert result.conflicts == [] and not (repo / "setup.cfg").exists()
    text = (repo / "settings.cfg").read_text()
    assert "version = 0.4.2" in text and "python_requires = >=3.11" in text


def test_a_declared_rename_wins_over_one_found_by_content(
    make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge
) -> None:
    # by content, settings.cfg is setup.cfg moved (as in V2); the guild declares that old.txt became it
    migration = RENAME_MIGRATION.replace("from: setup.cfg", "from: old.txt")
    v2 = golden(tmp_path / "lib", "2.0.0", V2, spec=migration)
    repo = make_repo(v1)
    edit(repo, "old.txt", "obsolete", "obsolete, but ours")
    commit(repo)
    result = upgrade_tree(repo, v1, v2, forge=forge)
    assert result.renamed == [("old.txt", "settings.cfg")]
    assert "setup.cfg" in result.deleted and not (repo / "setup.cfg").exists()
    assert result.conflict_kinds == {"settings.cfg": "content"}  # old.txt's edits against the new content
    assert "obsolete, but ours" in (repo / "settings.cfg").read_text()


def test_migrations_run_only_when_the_upgrade_crosses_their_version(
    make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge
) -> None:
    migrations = """\
      migrations:
        - to: 3.0.0
          steps: [{action: test:note, input: {text: to 3.0.0}}]
        - to: 1.0.0
          steps: [{action: test:note, input: {text: to 1.0.0}}]
        - to: 1.5.0-rc.1
          steps: [{action: test:note, input: {text: 'to 1.5.0-rc.1 for ${{ parameters.name }}'}}]
        - to: 2.0.0
          steps:
            - {action: test:note, input: {text: to 2.0.0 a}}
            - {action: test:note, input: {text: to 2.0.0 b}}
        - to: 1.2.0
          steps: [{action: test:note, input: {text: to 1.2.0}}]
    """
    v2 = golden(tmp_path / "lib", "2.0.0", V1, spec=textwrap.indent(textwrap.dedent(migrations), "  "))
    assert [to for _, to, _ in crossed_migrations(v1, v2)] == ["1.2.0", "1.5.0-rc.1", "2.0.0"]
    repo = make_repo(v1)
    result = upgrade_tree(repo, v1, v2, forge=forge, registry=ACTIONS)
    assert (repo / "MIGRATIONS.log").read_text() == "to 1.2.0\nto 1.5.0-rc.1 for orders-api\nto 2.0.0 a\nto 2.0.0 b\n"
    assert result.added == ["MIGRATIONS.log"]  # made by a migration, not generated by 2.0.0: the repo keeps it


def test_a_migration_never_deletes_a_file_the_user_edited(
    make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge
) -> None:
    spec = """\
  migrations:
    - to: 1.1.0
      steps:
        - {action: fs:delete, input: {files: [LICENSE, '*.txt']}}
"""
    v2 = golden(tmp_path / "lib", "1.1.0", {k: v for k, v in V1.items() if k not in ("LICENSE", "old.txt")}, spec=spec)
    repo = make_repo(v1)
    edit(repo, "LICENSE", "MIT License", "MIT License (with a patent grant)")
    commit(repo)
    result = upgrade_tree(repo, v1, v2, forge=forge)
    assert result.deleted == ["old.txt"] and not (repo / "old.txt").exists()
    assert result.conflicts == ["LICENSE"]
    assert (repo / "LICENSE").read_text() == "MIT License (with a patent grant)\n"


def test_a_renamed_file_the_user_had_deleted_stays_deleted(
    make_repo: Make, v1: Template, v2: Template, forge: LocalForge
) -> None:
    repo = make_repo(v1)
    (repo / "setup.cfg").unlink()
    commit(repo)
    result = upgrade_tree(repo, v1, v2, forge=forge)
    assert result.kept_deleted == ["settings.cfg"] and result.renamed == []
    assert not (repo / "setup.cfg").exists() and not (repo / "settings.cfg").exists()


def test_version_order_is_semantic() -> None:
    ordered = ["0.9.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0", "1.10.0", "2.0.0"]
    assert sorted(reversed(ordered), key=version_key) == ordered


# --- parameters and secrets ---------------------------------------------------------------------


NEW_PARAM = """\
    - id: region
      default: eu-west-1
"""
REQUIRED_PARAM = """\
    - id: team_channel
"""


def _with_param(tmp_path: Path, params: str) -> Template:
    files = {**V1, "deploy.ini": "region = {{ values.region | default('-') }}\n"}
    if "team_channel" in params:
        files["deploy.ini"] = "channel = {{ values.team_channel }}\n"
    return golden(tmp_path / "lib", "1.1.0", files, params=params)


def test_a_new_parameter_takes_its_default(make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge) -> None:
    repo = make_repo(v1)
    result = upgrade_tree(repo, v1, _with_param(tmp_path, NEW_PARAM), forge=forge)
    assert (repo / "deploy.ini").read_text() == "region = eu-west-1\n"
    assert record.read(repo).answers["region"] == "eu-west-1" == result.answers["region"]


def test_a_new_parameter_can_be_given(make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge) -> None:
    repo = make_repo(v1)
    upgrade_tree(repo, v1, _with_param(tmp_path, NEW_PARAM), forge=forge, answers={"region": "us-east-2"})
    assert (repo / "deploy.ini").read_text() == "region = us-east-2\n"


def test_a_required_new_parameter_without_default_is_asked_or_refused(
    make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge
) -> None:
    repo = make_repo(v1)
    v2 = _with_param(tmp_path, REQUIRED_PARAM)
    with pytest.raises(AnswersError) as info:
        upgrade_tree(repo, v1, v2, forge=forge)
    assert "team_channel: is required" in info.value.render()
    assert status(repo) == set()

    asked: list[dict[str, Any]] = []

    def ask(template: Template, given: Mapping[str, Any]) -> Answers:
        asked.append(dict(given))
        return resolve(template, {**given, "team_channel": "#orders"})

    upgrade_tree(repo, v1, v2, forge=forge, ask=ask)
    assert asked == [{"name": "orders-api", "owner": "group:payments", "port": 8080}]
    assert (repo / "deploy.ini").read_text() == "channel = #orders\n"


def test_ask_is_not_called_when_nothing_is_open(make_repo: Make, v1: Template, v2: Template, forge: LocalForge) -> None:
    repo = make_repo(v1)

    def ask(template: Template, given: Mapping[str, Any]) -> Answers:
        raise AssertionError("nothing to ask")

    assert upgrade_tree(repo, v1, v2, forge=forge, ask=ask).conflicts == []


SECRET = """\
    - id: api_token
      secret: true
"""
OPTIONAL_SECRET = """\
    - id: api_token
      secret: true
      required: false
"""


def test_secrets_must_be_given_again_and_never_reach_the_record_or_the_diff(
    tmp_path: Path, make_repo: Make, forge: LocalForge
) -> None:
    files = {**V1, "token.txt": "{{ values.api_token | default('none') }}\n"}
    v1 = golden(tmp_path / "lib", "1.0.0", files, params=SECRET)
    v2 = golden(tmp_path / "lib", "1.1.0", {**files, "LICENSE": "Apache-2.0\n"}, params=SECRET)
    repo = make_repo(v1, {**GIVEN, "api_token": "tok-SECRET-4242"})
    with pytest.raises(AnswersError) as info:
        upgrade_tree(repo, v1, v2, forge=forge)
    assert "api_token" in info.value.render() and "give them again" in info.value.message
    result = upgrade_tree(repo, v1, v2, forge=forge, answers={"api_token": "tok-SECRET-4242"}, dry_run=True)
    assert result.modified == ["LICENSE", "catalog-info.yaml"] and "tok-SECRET" not in result.diff
    upgrade_tree(repo, v1, v2, forge=forge, answers={"api_token": "tok-SECRET-4242"})
    text = (repo / record.RECORD_PATH).read_text()
    assert "tok-SECRET" not in text and "api_token" in text


def test_an_optional_secret_not_given_again_is_left_out(tmp_path: Path, make_repo: Make, forge: LocalForge) -> None:
    v1 = golden(tmp_path / "lib", "1.0.0", V1, params=OPTIONAL_SECRET)
    v2 = golden(tmp_path / "lib", "1.1.0", {**V1, "LICENSE": "Apache-2.0\n"}, params=OPTIONAL_SECRET)
    repo = make_repo(v1, {**GIVEN, "api_token": "tok-SECRET-4242"})
    result = upgrade_tree(repo, v1, v2, forge=forge)
    assert result.modified == ["LICENSE", "catalog-info.yaml"] and result.conflicts == []


# --- scripts ------------------------------------------------------------------------------------


def _script_version(tmp_path: Path) -> Template:
    code = (
        "import pathlib; p = pathlib.Path('setup.cfg'); p.write_text(p.read_text().replace('find:', 'find_namespace:'))"
    )
    spec = f"""\
  migrations:
    - to: 1.1.0
      steps:
        - script: [{sys.executable!r}, -c, {code!r}]
"""
    files = {**V1, "setup.cfg": SETUP_CFG.replace("find:", "find_namespace:")}
    return golden(tmp_path / "lib", "1.1.0", files, spec=spec)


def test_a_migration_script_is_refused_without_trust_and_nothing_changes(
    make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge
) -> None:
    v2 = _script_version(tmp_path)
    repo = make_repo(v1)
    with pytest.raises(ActionError) as info:
        upgrade_tree(repo, v1, v2, forge=forge)
    text = info.value.render()
    assert "run only with trust (--trust)" in text
    assert f"would run: {sys.executable} -c" in text and "find_namespace" in text
    assert status(repo) == set()


def test_a_trusted_migration_script_runs_on_the_repo_and_the_old_render(
    make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge
) -> None:
    v2 = _script_version(tmp_path)
    repo = make_repo(v1)
    edit(repo, "setup.cfg", "version = 0.1.0", "version = 0.2.0")
    commit(repo)
    result = upgrade_tree(repo, v1, v2, forge=forge, trusted=True)
    text = (repo / "setup.cfg").read_text()
    assert "find_namespace:" in text and "version = 0.2.0" in text
    assert result.conflicts == []


def test_a_failing_migration_script_changes_nothing(
    make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge
) -> None:
    fail = "'raise SystemExit(\"nope\")'"
    spec = f"  migrations:\n    - to: 1.1.0\n      steps:\n        - script: [{sys.executable!r}, -c, {fail}]\n"
    v2 = golden(tmp_path / "lib", "1.1.0", V2, spec=spec)
    repo = make_repo(v1)
    with pytest.raises(ActionError) as info:
        upgrade_tree(repo, v1, v2, forge=forge, trusted=True)
    assert "exited with 1" in info.value.render() and "nope" in info.value.render()
    assert status(repo) == set()


# --- dry run, binary files, modes, refusals -----------------------------------------------------


def test_a_dry_run_writes_nothing_and_its_diff_applies_to_the_same_result(
    make_repo: Make, v1: Template, v2: Template, forge: LocalForge, tmp_path: Path
) -> None:
    repo = make_repo(v1)
    edit(repo, "setup.cfg", "version = 0.1.0", "version = 0.4.2")
    commit(repo)
    head = git.rev_parse(repo, "HEAD")
    dry = upgrade_tree(repo, v1, v2, forge=forge, dry_run=True)
    assert dry.dry_run and dry.changed and status(repo) == set()
    assert record.read(repo).template.version == "1.0.0"
    assert "--- a/README.md\n+++ b/README.md\n" in dry.diff
    assert "-kubectl apply -f deploy/\n+kubectl apply -k deploy/\n" in dry.diff
    assert "diff --git a/docs/guide.md b/docs/guide.md\nnew file mode 100644\n" in dry.diff
    assert "Binary files a/logo.png and b/logo.png differ" in dry.diff

    other = tmp_path / "copy"
    git.clone(str(repo), other)
    sections = dry.diff.replace("\ndiff --git ", "\n\0diff --git ").split("\0")
    text = "".join(part for part in sections if "\nBinary files " not in part)
    subprocess.run(["git", "apply", "--whitespace=nowarn", "-"], cwd=other, input=text.encode(), check=True)
    real = upgrade_tree(repo, v1, v2, forge=forge)
    assert real.diff == dry.diff
    assert (real.added, real.modified, real.deleted, real.renamed) == (
        dry.added,
        dry.modified,
        dry.deleted,
        dry.renamed,
    )
    for rel in ["README.md", "settings.cfg", "docs/guide.md", "catalog-info.yaml", record.RECORD_PATH]:
        assert (other / rel).read_bytes() == (repo / rel).read_bytes(), rel
    assert not (other / "setup.cfg").exists() and not (other / "old.txt").exists()
    assert git.rev_parse(repo, "HEAD") == head


def test_binary_files_are_never_merged(make_repo: Make, v1: Template, v2: Template, forge: LocalForge) -> None:
    repo = make_repo(v1)
    (repo / "logo.png").write_bytes(PNG1 + b"\x00edited")
    commit(repo)
    result = upgrade_tree(repo, v1, v2, forge=forge)
    assert "logo.png" in result.conflicts
    assert (repo / "logo.png").read_bytes() == PNG1 + b"\x00edited"


def test_the_executable_bit_merges_three_ways(make_repo: Make, v1: Template, tmp_path: Path, forge: LocalForge) -> None:
    v2 = golden(tmp_path / "lib", "1.1.0", V1, executable=("run.sh", "LICENSE"))
    repo = make_repo(v1)
    (repo / "run.sh").chmod(0o644)  # the user dropped it; the template did not touch it
    commit(repo)
    result = upgrade_tree(repo, v1, v2, forge=forge)
    assert (repo / "LICENSE").stat().st_mode & 0o111 == 0o111
    assert not (repo / "run.sh").stat().st_mode & 0o111
    assert result.modified == ["LICENSE", "catalog-info.yaml"]
    assert "diff --git a/LICENSE b/LICENSE\nold mode 100644\nnew mode 100755\n" in result.diff


def test_a_file_the_template_adds_where_the_user_has_one_is_merged_as_a_conflict(
    make_repo: Make, v1: Template, v2: Template, forge: LocalForge
) -> None:
    repo = make_repo(v1)
    (repo / "docs").mkdir()
    (repo / "docs/guide.md").write_text("# My own guide\n")
    commit(repo)
    result = upgrade_tree(repo, v1, v2, forge=forge)
    assert "docs/guide.md" in result.conflicts
    text = (repo / "docs/guide.md").read_text()
    assert (
        text == "<<<<<<< yours\n# My own guide\n||||||| svc 1.0.0\n=======\n# Guide for orders-api\n>>>>>>> svc 2.0.0\n"
    )
    assert result.conflict_kinds["docs/guide.md"] == "add/add"
    assert stages(repo)["docs/guide.md"] == [2, 3]  # "both added", as git says


def test_refusals(make_repo: Make, v1: Template, v2: Template, forge: LocalForge, tmp_path: Path) -> None:
    repo = make_repo(v1)
    older = golden(tmp_path / "lib", "0.9.0", V1)
    with pytest.raises(TemplateError, match=re.escape("0.9.0 is older (downgrades are not supported)")):
        upgrade_tree(repo, v1, older, forge=forge)
    with pytest.raises(TemplateError, match=re.escape("was made from svc@1.0.0, not from svc@2.0.0")):
        upgrade_tree(repo, v2, v2, forge=forge)
    with pytest.raises(TemplateError, match=re.escape("has no .scaffold/record.yaml")):
        upgrade_tree(tmp_path, v1, v2, forge=forge)
    assert status(repo) == set()


def test_a_second_upgrade_to_the_same_version_changes_nothing(
    make_repo: Make, v1: Template, v2: Template, forge: LocalForge
) -> None:
    repo = make_repo(v1)
    upgrade_tree(repo, v1, v2, forge=forge)
    commit(repo, "upgrade")
    again = upgrade_tree(repo, v2, v2, forge=forge)
    assert not again.changed and status(repo) == set()


def test_renders_go_to_memory_when_there_is_room_and_tmpdir_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    from scaffolder.render import SHM, scratch_dir

    monkeypatch.delenv("TMPDIR", raising=False)
    assert scratch_dir() in (None, str(SHM))
    monkeypatch.setenv("TMPDIR", "/somewhere")
    assert scratch_dir() is None


def test_a_project_in_a_folder_of_a_larger_repo_is_left_unmerged_there(
    make_repo: Make, v1: Template, v2: Template, forge: LocalForge, tmp_path: Path
) -> None:
    made = make_repo(v1)
    mono = tmp_path / "mono"
    shutil.copytree(made, mono / "services" / "orders", ignore=shutil.ignore_patterns(".git"))
    git.init(mono)
    edit(mono, "services/orders/README.md", "kubectl apply -f deploy/", "helm install")
    commit(mono, "a monorepo")
    project = mono / "services" / "orders"
    result = upgrade_tree(project, v1, v2, forge=forge)
    assert result.conflicts == ["README.md"]
    assert stages(mono) == {"services/orders/README.md": [1, 2, 3]}
    with pytest.raises(UnresolvedConflicts, match="not resolved") as refused:
        upgrade_tree(project, v2, v2, forge=forge)
    assert [p.where for p in refused.value.problems] == ["README.md"]
