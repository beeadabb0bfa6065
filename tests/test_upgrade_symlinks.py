"""`upgrade_tree` on repos holding symlinks: a link is recorded by its target text, taken whole from
the template when the user left it alone, kept (a conflict) when the user changed it too, and the
merge never writes through one; the dry run's diff shows links as git does."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from scaffolder import git, record
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import resolve
from scaffolder.runner import Runner
from scaffolder.sources import load_template
from scaffolder.template import Template
from scaffolder.upgrade import upgrade_tree
from tests.test_upgrade import GIVEN, PARAMS, STEPS, Make, commit, status


@pytest.fixture
def forge(tmp_path: Path) -> LocalForge:
    return LocalForge(tmp_path / "forge")


@pytest.fixture
def make_repo(tmp_path: Path, forge: LocalForge) -> Make:
    """A clone of a repo the runner made from `template` (as in tests/test_upgrade.py)."""

    def make(template: Template) -> Path:
        catalog = SqliteCatalog(tmp_path / "catalog.db")
        outcome = Runner(forge, catalog).start(template, "test", resolve(template, GIVEN), tmp_path / "runs", "local")
        return git.clone(outcome.steps["publish"]["clone_url"], tmp_path / "clones" / outcome.run_id)

    return make


FILES = {
    "README.md": "# {{ values.name }}\n",
    "LICENSE": "MIT\n",
    "docs/guide.md": "guide\n",
    "notes/a.md": "a\n",
    "config.ini": "[app]\n",
}
V1_LINKS = {
    "keep.md": "README.md",
    "retarget.md": "README.md",
    "user-file.md": "README.md",
    "user-target.md": "README.md",
    "user-only.md": "README.md",
    "removed.md": "README.md",
    "manual": "docs",
}
V2_LINKS = {
    **{k: v for k, v in V1_LINKS.items() if k != "removed.md"},
    "retarget.md": "docs/guide.md",
    "user-file.md": "docs/guide.md",
    "user-target.md": "docs/guide.md",
    "added.md": "LICENSE",
    "config.ini": "docs/guide.md",  # a file the template turns into a link
}
V2_FILES = {
    **{k: v for k, v in FILES.items() if k != "config.ini"},
    "docs/new.md": "new\n",
    "notes/b.md": "b\n",
}


def golden(root: Path, version: str, files: Mapping[str, str], links: Mapping[str, str]) -> Template:
    """One version of the `svc` golden path with these skeleton files and symlinks."""
    folder = root / version
    header = "apiVersion: scaffold/v1\nkind: GoldenPath\nmetadata:\n  name: svc\n  owner: group:guild\n"
    (folder / "skeleton").mkdir(parents=True)
    (folder / "template.yaml").write_text(header + f"spec:\n  version: {version}\n{PARAMS}{STEPS}")
    for rel, text in files.items():
        (folder / "skeleton" / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / "skeleton" / rel).write_text(text)
    for rel, target in links.items():
        (folder / "skeleton" / rel).symlink_to(target)
    return load_template(folder)


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Template, Template]:
    return golden(tmp_path / "lib", "1.0.0", FILES, V1_LINKS), golden(tmp_path / "lib", "2.0.0", V2_FILES, V2_LINKS)


def user_edits(repo: Path) -> None:
    """The user replaces one link by a file, retargets two, and turns the folder notes/ into a link."""
    (repo / "user-file.md").unlink()
    (repo / "user-file.md").write_text("mine\n")
    for rel in ("user-target.md", "user-only.md"):
        (repo / rel).unlink()
        (repo / rel).symlink_to("LICENSE")
    (repo / "notes" / "a.md").unlink()
    (repo / "notes").rmdir()
    (repo / "notes").symlink_to("docs")
    commit(repo)


def link(repo: Path, rel: str) -> str | None:
    return (repo / rel).readlink().as_posix() if (repo / rel).is_symlink() else None


def test_the_record_holds_each_link_by_its_target_text(make_repo: Make, versions: tuple[Template, Template]) -> None:
    repo = make_repo(versions[0])
    files = record.read(repo).files
    assert {k: v for k, v in files.items() if v.startswith("symlink:")} == {
        k: f"symlink:{v}" for k, v in V1_LINKS.items()
    }
    assert files["README.md"] == record.sha256(b"# orders-api\n")


def test_an_upgrade_applies_the_template_s_link_changes_and_keeps_the_user_s(
    make_repo: Make, versions: tuple[Template, Template], forge: LocalForge
) -> None:
    repo = make_repo(versions[0])
    user_edits(repo)
    result = upgrade_tree(repo, *versions, forge=forge)

    assert link(repo, "keep.md") == "README.md"  # unchanged: kept
    assert link(repo, "retarget.md") == "docs/guide.md"  # retargeted by the template: applied
    assert link(repo, "added.md") == "LICENSE" and "added.md" in result.added
    assert not (repo / "removed.md").is_symlink() and "removed.md" in result.deleted
    assert link(repo, "config.ini") == "docs/guide.md"  # a file the user left alone, now a link
    assert link(repo, "user-only.md") == "LICENSE"  # changed by the user only: kept, no conflict
    assert (repo / "user-file.md").read_text() == "mine\n"  # replaced by a file; the template changed it
    assert link(repo, "user-target.md") == "LICENSE"  # both changed the target
    assert (repo / "docs" / "new.md").read_text() == "new\n" and link(repo, "manual") == "docs"
    # notes/ is a link now: notes/b.md would be written through it into docs/
    assert link(repo, "notes") == "docs" and not (repo / "docs" / "b.md").exists()
    assert result.conflicts == ["notes/b.md", "user-file.md", "user-target.md"]
    assert result.conflict_kinds == {"notes/b.md": "blocked", "user-file.md": "symlink", "user-target.md": "symlink"}
    # a link in conflict is staged as git stages one: mode 120000, the target text as the blob
    listed = subprocess.run(["git", "-C", str(repo), "ls-files", "-u"], capture_output=True, text=True, check=True)
    modes = sorted(
        line.split()[0] + " " + line.split()[2] for line in listed.stdout.splitlines() if "user-target.md" in line
    )
    assert modes == ["120000 1", "120000 2", "120000 3"]

    files = record.read(repo).files
    assert files["retarget.md"] == "symlink:docs/guide.md" and files["added.md"] == "symlink:LICENSE"
    assert "removed.md" not in files and files["config.ini"] == "symlink:docs/guide.md"
    commit(repo, "upgrade")
    again = upgrade_tree(repo, versions[1], versions[1], forge=forge)
    assert again.files_changed == [] and again.conflicts == []  # only the record's conflict list is cleared


def test_a_dry_run_shows_links_as_git_does_and_its_diff_applies(
    make_repo: Make, versions: tuple[Template, Template], forge: LocalForge, tmp_path: Path
) -> None:
    repo = make_repo(versions[0])
    dry = upgrade_tree(repo, *versions, forge=forge, dry_run=True)
    assert status(repo) == set()
    assert "diff --git a/added.md b/added.md\nnew file mode 120000\n" in dry.diff
    assert "--- /dev/null\n+++ b/added.md\n@@ -0,0 +1 @@\n+LICENSE\n\\ No newline at end of file\n" in dry.diff
    assert "diff --git a/removed.md b/removed.md\ndeleted file mode 120000\n" in dry.diff
    assert "-README.md\n\\ No newline at end of file\n+docs/guide.md\n\\ No newline at end of file\n" in dry.diff
    assert "diff --git a/config.ini b/config.ini\ndeleted file mode 100644\n" in dry.diff
    assert "diff --git a/config.ini b/config.ini\nnew file mode 120000\n" in dry.diff

    other = git.clone(str(repo), tmp_path / "copy")
    subprocess.run(["git", "apply", "-"], cwd=other, input=dry.diff.encode(), check=True)
    real = upgrade_tree(repo, *versions, forge=forge)
    assert real.diff == dry.diff
    for rel in [*V2_LINKS, *V2_FILES, "removed.md", record.RECORD_PATH]:
        assert link(other, rel) == link(repo, rel), rel
        if not (repo / rel).is_symlink() and (repo / rel).exists():
            assert (other / rel).read_bytes() == (repo / rel).read_bytes(), rel
