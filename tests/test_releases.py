"""Releases: folder snapshots and git tags, semver order, changelogs, immutability."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffolder import sources, versions
from scaffolder.errors import TemplateError, TemplateNotFound
from scaffolder.record import sha256
from scaffolder.sources import refs, snapshots
from tests.helpers import MINIMAL

CHANGELOG_HEAD = "# Changelog\n\n## [Unreleased]\n\n- not yet\n"
ENTRIES = {
    "1.0.0": "## [1.0.0] - 2026-01-10\n\n### Added\n\n- First release.\n",
    "1.1.0": "## [1.1.0] - 2026-02-01\n\n### Added\n\n- A port parameter.\n",
    "2.0.0": "## [2.0.0] - 2026-03-01\n\n### Changed\n\n- **Breaking:** README moved to docs/.\n",
    "2.1.0": "## 2.1.0 \u2013 2026-04-01\n\n- Faster.\n",
}


def write_golden_path(lib: Path, version: str, readme: str = "# {{ values.name }}\n") -> Path:
    """`lib/mini/` at `version`, with a CHANGELOG holding every entry up to it."""
    folder = lib / "mini"
    (folder / "skeleton").mkdir(parents=True, exist_ok=True)
    (folder / "examples").mkdir(exist_ok=True)
    (folder / "template.yaml").write_text(MINIMAL.replace("version: 1.0.0", f"version: {version}"))
    (folder / "skeleton" / "README.md").write_text(readme)
    (folder / "examples" / "minimal.yaml").write_text("name: orders-api\nowner: group:payments\n")
    known = [v for v in ENTRIES if versions.key(v) <= versions.key(version)]
    (folder / "CHANGELOG.md").write_text(CHANGELOG_HEAD + "\n" + "\n".join(ENTRIES[v] for v in reversed(known)))
    return folder


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def folder_library(tmp_path: Path) -> Path:
    """A folder library: mini 1.0.0 and 1.1.0 released as snapshots, 2.0.0 current."""
    lib = tmp_path / "lib"
    for version in ("1.0.0", "1.1.0"):
        sources.cut_release(write_golden_path(lib, version, f"# {{{{ values.name }}}} {version}\n"))
    write_golden_path(lib, "2.0.0", "# {{ values.name }} 2.0.0\n")
    return lib


@pytest.fixture
def git_library(tmp_path: Path) -> Path:
    """A git work tree: mini tagged v1.0.0 (annotated) and v2.0.0, and 2.1.0 uncommitted."""
    lib = tmp_path / "gitlib"
    lib.mkdir()
    git(lib, "init", "-q", "-b", "main")
    write_golden_path(lib, "1.0.0", "# one\n")
    git(lib, "add", "-A")
    git(lib, "commit", "-q", "-m", "mini 1.0.0")
    git(lib, "tag", "-a", "mini/v1.0.0", "-m", "mini 1.0.0")
    write_golden_path(lib, "2.0.0", "# two\n")
    git(lib, "commit", "-q", "-am", "mini 2.0.0")
    git(lib, "tag", "mini/v2.0.0")
    git(lib, "tag", "mini/vnext")  # not a version: ignored
    git(lib, "tag", "other/v9.0.0")  # another golden path's release
    write_golden_path(lib, "2.1.0", "# two point one\n")
    return lib


# --- semver and changelogs --------------------------------------------------------------------


def test_semver_order_puts_pre_releases_first() -> None:
    spec_order = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.2.0",
        "1.10.0",
        "2.0.0+build.5",
    ]
    assert sorted(reversed(spec_order), key=versions.key) == spec_order
    with pytest.raises(ValueError, match="not a semantic version"):
        versions.key("v1")


def test_changelog_sections_by_version() -> None:
    text = CHANGELOG_HEAD + "\n" + ENTRIES["2.1.0"] + "\n" + ENTRIES["1.0.0"]
    sections = sources.parse_changelog(text)
    assert list(sections) == ["2.1.0", "1.0.0"]
    assert sections["2.1.0"].date == "2026-04-01" and sections["2.1.0"].text == "- Faster."
    assert sections["1.0.0"] == sources.Section("1.0.0", "2026-01-10", "### Added\n\n- First release.")


# --- folder libraries -------------------------------------------------------------------------


def test_folder_library_lists_snapshots_and_the_current_version(folder_library: Path) -> None:
    found = sources.resolve("mini", [folder_library]).versions()
    assert [(r.version, r.ref, r.kind, r.current) for r in found] == [
        ("1.0.0", "releases/1.0.0", "snapshot", False),
        ("1.1.0", "releases/1.1.0", "snapshot", False),
        ("2.0.0", "current", "current", True),
    ]
    assert {r.library for r in found} == {str(folder_library)}
    assert found[0].folder == folder_library / "mini" / "releases" / "1.0.0"
    assert found[0].changelog == "### Added\n\n- First release." and found[0].date == "2026-01-10"
    assert found[2].changelog.startswith("### Changed") and found[2].date == "2026-03-01"


def test_find_name_at_version(folder_library: Path) -> None:
    old = sources.resolve("mini", [folder_library]).release("1.0.0")
    assert old.version == "1.0.0"
    assert (old.path / "skeleton" / "README.md").read_text() == "# {{ values.name }} 1.0.0\n"
    found = sources.resolve("mini@1.1.0", [folder_library])
    assert (found.template.version, found.library, found.ref) == ("1.1.0", str(folder_library), "1.1.0")
    assert sources.resolve("mini@2.0.0", [folder_library]).template.path == folder_library / "mini"
    assert sources.resolve("mini", [folder_library]).template.version == "2.0.0"


def test_an_unknown_version_lists_the_available_ones(folder_library: Path) -> None:
    with pytest.raises(TemplateNotFound) as err:
        sources.resolve("mini@1.5.0", [folder_library])
    assert err.value.message == (
        f"mini@1.5.0 is not a release in {folder_library}; available: 2.0.0 (current), 1.1.0, 1.0.0"
    )
    with pytest.raises(TemplateNotFound, match="no golden path named 'nope'"):
        sources.resolve("nope", [folder_library]).versions()


def test_a_snapshot_manifest_hashes_every_file(folder_library: Path) -> None:
    snapshot = folder_library / "mini" / "releases" / "1.0.0"
    lines = (snapshot / snapshots.MANIFEST).read_text().splitlines()
    files = sorted(p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*") if p.is_file())
    assert [line.split("  ", 1)[1] for line in lines] == [f for f in files if f != snapshots.MANIFEST]
    for line in lines:  # recompute every hash
        digest, rel = line.split("  ", 1)
        assert sha256((snapshot / rel).read_bytes()) == digest
    assert sources.verify_snapshot(snapshot) == []
    assert "releases" not in {p.name for p in snapshot.iterdir()}


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda s: (s / "skeleton" / "README.md").write_text("# edited\n"), "changed after the release was cut"),
        (lambda s: (s / "skeleton" / "README.md").unlink(), "deleted from the release"),
        (lambda s: (s / "skeleton" / "NEW.md").write_text("new\n"), "added to the release"),
        (lambda s: (s / snapshots.MANIFEST).unlink(), "has no .sha256 manifest"),
    ],
    ids=["edited", "deleted", "added", "no-manifest"],
)
def test_an_edited_snapshot_is_refused(folder_library: Path, tamper: object, message: str) -> None:
    snapshot = folder_library / "mini" / "releases" / "1.0.0"
    tamper(snapshot)  # type: ignore[operator]
    with pytest.raises(TemplateError) as err:
        sources.resolve("mini@1.0.0", [folder_library])
    assert err.value.message == "release mini@1.0.0 (releases/1.0.0) is not intact"
    assert message in err.value.render()
    assert sources.resolve("mini@1.1.0", [folder_library]).template.version == "1.1.0"  # the others still load


def test_a_snapshot_must_hold_its_own_version(folder_library: Path) -> None:
    wrong = folder_library / "mini" / "releases" / "1.1.0"
    (wrong / "template.yaml").write_text(MINIMAL.replace("version: 1.0.0", "version: 1.1.1"))
    snapshots.write_manifest(wrong)
    with pytest.raises(TemplateError, match=r"spec\.version|is 1\.1\.1, not 1\.1\.0") as err:
        sources.resolve("mini", [folder_library]).release("1.1.0")
    assert "is 1.1.1, not 1.1.0" in err.value.render()


def test_a_release_is_cut_once(folder_library: Path) -> None:
    write_golden_path(folder_library, "1.1.0")
    with pytest.raises(TemplateError, match=r"mini@1\.1\.0 is already released"):
        sources.cut_release(folder_library / "mini")
    write_golden_path(folder_library, "2.0.0")
    (folder_library / "mini" / "skeleton" / "__pycache__").mkdir()
    (folder_library / "mini" / "skeleton" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    cut = sources.cut_release(folder_library / "mini")
    assert cut == folder_library / "mini" / "releases" / "2.0.0"
    assert not (cut / "releases").exists() and not (cut / "skeleton" / "__pycache__").exists()
    assert [(r.version, r.kind, r.current) for r in sources.resolve("mini", [folder_library]).versions()][-1] == (
        "2.0.0",
        "snapshot",
        True,
    )


def test_changelog_between_versions(folder_library: Path) -> None:
    text = sources.resolve("mini", [folder_library]).changelog("1.0.0", "2.0.0")
    assert text == (
        "## 2.0.0 - 2026-03-01\n\n### Changed\n\n- **Breaking:** README moved to docs/.\n\n"
        "## 1.1.0 - 2026-02-01\n\n### Added\n\n- A port parameter."
    )
    assert sources.resolve("mini", [folder_library]).changelog("1.1.0", "1.1.0") == ""
    assert sources.resolve("mini", [folder_library]).changelog("0.0.0", "1.0.0").startswith("## 1.0.0 - 2026-01-10")
    with pytest.raises(TemplateNotFound, match=r"mini@3\.0\.0 is not a release"):
        sources.resolve("mini", [folder_library]).changelog("1.0.0", "3.0.0")


def test_configured_library_shadows_the_builtin_one(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    folder = write_golden_path(lib, "7.0.0")
    folder.rename(lib / "backend-service")
    text = (lib / "backend-service" / "template.yaml").read_text().replace("name: mini", "name: backend-service")
    (lib / "backend-service" / "template.yaml").write_text(text)
    assert [r.version for r in sources.resolve("backend-service", [lib]).versions()] == ["7.0.0"]
    with pytest.raises(TemplateNotFound, match=r"available: 7\.0\.0 \(current\)$"):
        sources.resolve("backend-service@1.0.0", [lib])


# --- git libraries ----------------------------------------------------------------------------


def test_git_work_tree_releases_are_tags(git_library: Path, scaffold_home: Path) -> None:
    found = sources.resolve("mini", [git_library]).versions()
    assert [(r.version, r.ref, r.kind, r.current) for r in found] == [
        ("1.0.0", "mini/v1.0.0", "tag", False),
        ("2.0.0", "mini/v2.0.0", "tag", False),
        ("2.1.0", "current", "current", True),
    ]
    commit = git(git_library, "rev-parse", "mini/v1.0.0^{commit}")
    assert found[0].folder.parent.name == commit
    assert scaffold_home / "cache" / "libraries" in found[0].folder.parents
    assert not found[0].folder.exists()  # listing extracts nothing; loading a release extracts it
    assert sources.load_release(found[0]).version == "1.0.0"
    assert (found[0].folder / "skeleton" / "README.md").read_text() == "# one\n"
    assert found[0].changelog == "### Added\n\n- First release." and found[0].date == "2026-01-10"
    assert found[2].changelog == "- Faster."

    located = sources.resolve("mini@1.0.0", [git_library])
    assert (located.template.version, located.library, located.ref) == ("1.0.0", str(git_library), "mini/v1.0.0")
    assert sources.resolve("mini", [git_library]).template.path == git_library / "mini"

    # extracted once, by commit, and reused
    stamp = (found[0].folder / "template.yaml").stat().st_mtime_ns
    again = sources.resolve("mini", [git_library]).versions()[0]
    assert again.folder == found[0].folder and (again.folder / "template.yaml").stat().st_mtime_ns == stamp


def test_changelog_between_tags(git_library: Path) -> None:
    text = sources.resolve("mini", [git_library]).changelog("1.0.0", "2.1.0")
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## 2.1.0 - 2026-04-01",
        "## 2.0.0 - 2026-03-01",
        "## 1.1.0 - 2026-02-01",
    ]


def test_a_moved_release_tag_is_refused(git_library: Path) -> None:
    assert len(sources.resolve("mini", [git_library]).versions()) == 3
    git(git_library, "tag", "-f", "mini/v1.0.0", "mini/v2.0.0")
    with pytest.raises(TemplateError, match="released versions are immutable") as err:
        sources.resolve("mini", [git_library]).versions()
    assert "mini/v1.0.0: was " in err.value.render()


def test_a_tag_holding_another_version_is_refused(git_library: Path) -> None:
    git(git_library, "tag", "mini/v1.5.0", "mini/v1.0.0")  # its template.yaml says 1.0.0
    with pytest.raises(TemplateError, match=r"release mini@1\.5\.0 \(mini/v1\.5\.0\) is not intact"):
        sources.resolve("mini@1.5.0", [git_library])


def test_git_url_library(git_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(git_library), str(bare))
    url = f"git+file://{bare}"
    found = sources.resolve("mini", [url]).versions()
    # the remote's HEAD holds 2.0.0 (2.1.0 was never committed), which is also tagged
    assert [(r.version, r.kind, r.current) for r in found] == [("1.0.0", "tag", False), ("2.0.0", "tag", True)]
    assert {r.library for r in found} == {url}
    current = sources.resolve("mini", [url])
    assert (current.template.version, current.library) == ("2.0.0", url)
    assert (current.template.path / "skeleton" / "README.md").read_text() == "# two\n"
    assert sources.resolve("mini@1.0.0", [url]).ref == "mini/v1.0.0"
    assert next(e.name for e in sources.list_entries([url])) == "mini"

    # the same URL through SCAFFOLD_LIBRARY, whose ':' split breaks it apart; and as a Path
    from scaffolder import config

    monkeypatch.setenv("SCAFFOLD_LIBRARY", url)
    assert sources.resolve("mini", config.load().libraries).library == url
    assert sources.resolve("mini", [Path(url)]).library == url


def test_bare_repository_library(git_library: Path, tmp_path: Path) -> None:
    bare = tmp_path / "lib.git"
    git(tmp_path, "clone", "-q", "--bare", str(git_library), str(bare))
    assert [r.ref for r in sources.resolve("mini", [bare]).versions()] == ["mini/v1.0.0", "mini/v2.0.0"]
    assert sources.resolve("mini", [bare]).template.version == "2.0.0"


def test_git_url_parsing() -> None:
    assert refs.git_url("git+file:///srv/lib") == "file:///srv/lib"
    assert refs.git_url("git+file:/srv/lib") == "file:///srv/lib"
    assert refs.git_url("git+https://example.com/org/lib.git") == "https://example.com/org/lib.git"
    assert refs.git_url("git+https:/example.com/org/lib.git") == "https://example.com/org/lib.git"
    assert refs.git_url("/srv/lib") is None
    assert refs.git_url("git+ftp://x") is None
