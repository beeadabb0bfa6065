"""The guild workflow as library functions: snapshots, checks, the upgrade impact from the previous
release (`scaffolder.guild.testing`), a new golden path and releases; CODEOWNERS and the library's
workflow."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder import sources
from scaffolder.errors import TemplateError
from scaffolder.guild import report as reports
from scaffolder.guild import snapshots
from scaffolder.guild.lint import lint_path
from scaffolder.guild.new import create_golden_path
from scaffolder.guild.release import release_golden_path
from scaffolder.guild.testing import expand, previous_release, run_template_test, snapshot_file
from scaffolder.sources import load_template, open_library
from tests.helpers import MINIMAL

ROOT = Path(__file__).resolve().parents[1]
CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n{entries}"
MAIN_PY = '''\
"""{{ values.name }}."""

GREETING = "Hello from {{ values.name }}"


def greet(who: str) -> str:
    return f"{GREETING}, {who}!"
'''
TEST_PY = """\
from {{ values.name | snake }} import greet


def test_greet() -> None:
    assert greet("you").endswith("you!")
"""


# The checks run in an environment built from the project's declared dependencies.
PYPROJECT = '[project.optional-dependencies]\ntest = ["pytest>=8"]\n\n[tool.pytest.ini_options]\npythonpath = ["src"]\n'


def write_golden_path(
    lib: Path,
    version: str = "1.0.0",
    *,
    name: str = "mini",
    files: dict[str, str] | None = None,
    checks: str = "",
    versions: tuple[str, ...] = (),
) -> Path:
    """`lib/NAME/` at `version`: a Python skeleton, a CHANGELOG with every version up to it, one example."""
    folder = lib / name
    for old in ("skeleton", "examples"):
        (folder / old).mkdir(parents=True, exist_ok=True)
    text = MINIMAL.replace("name: mini", f"name: {name}").replace("version: 1.0.0", f"version: {version}")
    if checks:
        text = text.replace("  output:\n", checks + "  output:\n")
    (folder / "template.yaml").write_text(text)
    skeleton = files or {
        "README.md": "# {{ values.name }}\n\nOwned by {{ values.owner }}.\n",
        "src/{{ values.name | snake }}/__init__.py": MAIN_PY,
        "tests/test_greet.py": TEST_PY,
        "pyproject.toml": PYPROJECT,
    }
    for rel, content in skeleton.items():
        path = folder / "skeleton" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    (folder / "examples" / "minimal.yaml").write_text("name: orders-api\nowner: group:payments\n")
    entries = "".join(f"## [{v}] - 2026-01-0{i + 1}\n\n- Version {v}.\n\n" for i, v in enumerate((*versions, version)))
    (folder / "CHANGELOG.md").write_text(CHANGELOG.format(entries=entries))
    return folder


PYTEST_CHECK = """\
  checks:
    - name: unit tests
      run: [python, -m, pytest, -q, -p, no:cacheprovider]
"""


# --- the snapshot format --------------------------------------------------------------------------


def test_snapshot_format_round_trips_every_kind_of_file(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "bin").mkdir(parents=True)
    (tree / "README.md").write_text("# Title\n\n  indented\n=== not a header\n")
    (tree / "empty.txt").write_text("")
    (tree / "VERSION").write_text("1.0.0")
    (tree / "crlf.txt").write_bytes(b"one\r\ntwo\r\n")
    (tree / "blank-lines.txt").write_text("\n\n")
    (tree / "bin" / "run").write_text("#!/bin/sh\necho hi\n")
    (tree / "bin" / "run").chmod(0o755)
    (tree / "logo.png").write_bytes(b"\x89PNG\0\1\2")
    (tree / "bin" / "tool").write_bytes(b"\x7fELF\0")
    (tree / "bin" / "tool").chmod(0o755)
    (tree / "big.csv").write_text("x\n" * (snapshots.INLINE_LIMIT // 2 + 1))
    (tree / ".scaffold").mkdir()
    (tree / ".scaffold" / "record.yaml").write_text("run_id: 1\n")
    entries = snapshots.read_tree(tree, exclude=frozenset({".scaffold/record.yaml"}))
    assert ".scaffold/record.yaml" not in entries

    text = snapshots.dump(entries, ["a comment", ""])
    assert text.startswith("# a comment\n#\n=== README.md\n  # Title\n\n    indented\n  === not a header\n")
    assert "=== VERSION  [no newline at end]\n  1.0.0\n" in text
    assert "=== bin/run  [executable]\n" in text
    assert "=== empty.txt  [empty]\n" in text
    assert re.search(r"=== bin/tool  \[executable; binary: 5 bytes, sha256 [0-9a-f]{64}\]\n", text)
    assert re.search(r"=== logo.png  \[binary: 7 bytes, sha256 [0-9a-f]{64}\]\n", text)
    assert re.search(r"=== big.csv  \[not shown: \d+ bytes, sha256 [0-9a-f]{64}\]\n", text)
    assert snapshots.parse(text) == entries
    assert snapshots.compare(snapshots.parse(text), entries) == []


def test_snapshot_parse_rejects_a_hand_edited_file() -> None:
    with pytest.raises(snapshots.SnapshotError, match="line 3: a content line must start with two spaces"):
        snapshots.parse("# c\n=== a.txt\nno indent\n")
    with pytest.raises(snapshots.SnapshotError, match="unknown attribute"):
        snapshots.parse("=== a.txt  [shiny]\n")
    with pytest.raises(snapshots.SnapshotError, match="line 1: expected a comment"):
        snapshots.parse("stray\n")


def test_compare_names_added_removed_changed_and_mode(tmp_path: Path) -> None:
    old = {
        "a.txt": snapshots.entry("a.txt", b"one\ntwo\nthree\n"),
        "gone.txt": snapshots.entry("gone.txt", b"x\n"),
        "run.sh": snapshots.entry("run.sh", b"#!/bin/sh\n"),
        "img.bin": snapshots.entry("img.bin", b"\0\1"),
    }
    new = {
        "a.txt": snapshots.entry("a.txt", b"one\nTWO\nthree\n"),
        "new.txt": snapshots.entry("new.txt", b"hello\n"),
        "run.sh": snapshots.entry("run.sh", b"#!/bin/sh\n", executable=True),
        "img.bin": snapshots.entry("img.bin", b"\0\2"),
    }
    diffs = {d.path: d for d in snapshots.compare(old, new)}
    assert {p: d.kind for p, d in diffs.items()} == {
        "a.txt": "changed",
        "gone.txt": "removed",
        "new.txt": "added",
        "run.sh": "mode",
        "img.bin": "changed",
    }
    assert "-two\n+TWO\n" in diffs["a.txt"].diff
    assert diffs["a.txt"].diff.startswith("--- snapshot/a.txt\n+++ rendered/a.txt\n")
    assert "+hello" in diffs["new.txt"].diff
    assert diffs["run.sh"].diff == "now executable"
    assert diffs["img.bin"].diff.startswith("content differs (sha256 ")


# --- template test: snapshots --------------------------------------------------------------------


def test_snapshots_are_written_then_compared(tmp_path: Path) -> None:
    folder = write_golden_path(tmp_path / "lib")
    first = run_template_test(folder, checks=False)
    assert not first.ok
    assert [(e.name, e.snapshot) for e in first.examples] == [("minimal", "missing")]
    assert not snapshot_file(load_template(folder), "minimal").exists()

    updated = run_template_test(folder, update_snapshots=True)
    assert updated.ok and updated.examples[0].snapshot == "updated"
    stored = (folder / "snapshots" / "minimal.txt").read_text()
    assert "=== README.md\n  # orders-api\n\n  Owned by group:payments.\n" in stored
    assert "=== .scaffold/record.yaml" not in stored  # the record holds run ids and dates
    assert "=== catalog-info.yaml\n" in stored  # the dry-run steps' files are there too
    assert "url:file:///srv/scaffold/forge/local/orders-api.git/tree/main/" in stored  # fixed forge URL

    again = run_template_test(folder, checks=False)
    assert again.ok and again.examples[0].snapshot == "ok"
    assert again.to_json()["examples"][0]["mismatched"] == []


def test_a_changed_render_is_a_mismatch_listing_the_files_with_a_diff(tmp_path: Path) -> None:
    folder = write_golden_path(tmp_path / "lib")
    run_template_test(folder, update_snapshots=True, checks=False)
    (folder / "skeleton" / "README.md").write_text("# {{ values.name }}\n\nOwned by the {{ values.owner }} team.\n")
    (folder / "skeleton" / "NOTES.md").write_text("notes\n")

    result = run_template_test(folder, checks=False)
    assert not result.ok
    example = result.to_json()["examples"][0]
    assert example["snapshot"] == "mismatch"
    assert example["mismatched"] == ["NOTES.md", "README.md"]
    readme = next(d for d in example["differences"] if d["path"] == "README.md")
    assert "-Owned by group:payments.\n+Owned by the group:payments team.\n" in readme["diff"]
    text = reports.text([result])
    assert "MISMATCH: 2 files differ" in text and "changed README.md" in text and "FAILED: mini" in text

    accepted = run_template_test(folder, update_snapshots=True, checks=False)
    assert accepted.ok and accepted.examples[0].snapshot == "updated"
    assert run_template_test(folder, checks=False).ok


def test_stale_and_corrupt_snapshots(tmp_path: Path) -> None:
    folder = write_golden_path(tmp_path / "lib")
    run_template_test(folder, update_snapshots=True, checks=False)
    (folder / "snapshots" / "removed-example.txt").write_text("=== a\n")
    result = run_template_test(folder, checks=False)
    assert not result.ok and result.stale_snapshots == ["snapshots/removed-example.txt"]
    run_template_test(folder, update_snapshots=True, checks=False)
    assert not (folder / "snapshots" / "removed-example.txt").exists()

    (folder / "snapshots" / "minimal.txt").write_text("=== README.md\nnot indented\n")
    corrupt = run_template_test(folder, checks=False)
    assert corrupt.examples[0].snapshot == "error"
    assert "line 2: a content line must start with two spaces" in str(corrupt.examples[0].error)
    assert run_template_test(folder, update_snapshots=True, checks=False).ok


def test_an_example_that_does_not_render_fails_that_example_only(tmp_path: Path) -> None:
    folder = write_golden_path(tmp_path / "lib")
    (folder / "examples" / "bad.yaml").write_text("name: Not_DNS\nowner: group:payments\n")
    result = run_template_test(folder, update_snapshots=True, checks=False)
    by_name = {e.name: e for e in result.examples}
    assert by_name["minimal"].ok() and not by_name["bad"].ok()
    assert by_name["bad"].snapshot == "error" and "name" in str(by_name["bad"].error)
    assert not (folder / "snapshots" / "bad.txt").exists()


def test_a_library_folder_stands_for_its_golden_paths(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    one, two = write_golden_path(lib, name="one"), write_golden_path(lib, name="two")
    assert expand([lib]) == [one, two]
    assert expand([two / "template.yaml", one]) == [two, one]
    with pytest.raises(TemplateError, match="no golden path at"):
        expand([tmp_path / "empty"])


def test_no_examples_is_a_failure(tmp_path: Path) -> None:
    folder = write_golden_path(tmp_path / "lib")
    (folder / "examples" / "minimal.yaml").rename(folder / "examples" / "minimal.yml")
    assert [e.file for e in run_template_test(folder, update_snapshots=True).examples] == ["examples/minimal.yml"]
    (folder / "examples" / "minimal.yml").unlink()
    result = run_template_test(folder)
    assert not result.ok and "nothing to test" in str(result.problems[0])


# --- template test: checks -----------------------------------------------------------------------


def test_checks_run_in_the_render(tmp_path: Path) -> None:
    checks = PYTEST_CHECK + (
        "    - name: never\n"
        "      run: [python, -c, 'raise SystemExit(1)']\n"
        "      when: '${{ parameters.port == 1 }}'\n"
        "    - name: sees the answers\n"
        '      run: [python, -c, \'import os, sys; assert sys.argv[1] == "orders-api" and os.environ["X"] == "1"\','
        " '${{ parameters.name }}']\n"
        "      env: {X: '1'}\n"
    )
    folder = write_golden_path(tmp_path / "lib", checks=checks)
    result = run_template_test(folder, update_snapshots=True)
    assert result.ok, reports.text([result])
    got = [(c.name, c.ok) for c in result.examples[0].checks]
    assert got == [("unit tests", True), ("sees the answers", True)]
    assert result.examples[0].checks[0].command[:3] == ["python", "-m", "pytest"]

    skipped = run_template_test(folder, checks=False)
    assert skipped.ok and skipped.examples[0].checks == []


def test_a_failing_check_fails_with_the_tail_of_its_output(tmp_path: Path) -> None:
    folder = write_golden_path(tmp_path / "lib", checks=PYTEST_CHECK)
    test_file = folder / "skeleton" / "tests" / "test_greet.py"
    test_file.write_text(TEST_PY.replace('endswith("you!")', 'endswith("them!")'))
    result = run_template_test(folder, update_snapshots=True)
    assert not result.ok
    check = result.examples[0].checks[0]
    assert not check.ok and check.exit_code == 1
    assert "1 failed" in check.output
    data = result.to_json()["examples"][0]["checks"][0]
    assert data["ok"] is False and "1 failed" in data["output"]
    assert "FAILED (exit 1)" in reports.text([result])
    assert "check unit tests failed" in reports.markdown([result])


def test_a_check_that_hangs_is_stopped(tmp_path: Path) -> None:
    checks = "  checks:\n    - name: hangs\n      run: [python, -c, 'import time; time.sleep(30)']\n      timeout: 1\n"
    folder = write_golden_path(tmp_path / "lib", checks=checks)
    result = run_template_test(folder, update_snapshots=True)
    check = result.examples[0].checks[0]
    assert not check.ok and check.exit_code is None and "timed out after 1 s" in check.output
    assert check.seconds < 20


def test_a_missing_program_is_a_failed_check(tmp_path: Path) -> None:
    checks = "  checks:\n    - name: missing\n      run: [no-such-program-xyz]\n"
    folder = write_golden_path(tmp_path / "lib", checks=checks)
    check = run_template_test(folder, update_snapshots=True).examples[0].checks[0]
    assert not check.ok and "cannot run no-such-program-xyz" in check.output


# --- template test: the upgrade impact -----------------------------------------------------------


@pytest.fixture
def library_v2(tmp_path: Path) -> Path:
    """A folder library: mini 1.0.0 released, 2.0.0 current (README and main module changed)."""
    lib = tmp_path / "lib"
    sources.cut_release(write_golden_path(lib, "1.0.0", checks=PYTEST_CHECK))
    folder = write_golden_path(lib, "2.0.0", checks=PYTEST_CHECK, versions=("1.0.0",))
    (folder / "skeleton" / "README.md").write_text("# {{ values.name }}\n\nOwned by {{ values.owner }}.\n\nv2.\n")
    main = folder / "skeleton" / "src" / "{{ values.name | snake }}" / "__init__.py"
    main.write_text(MAIN_PY.replace('"Hello from', '"Greetings from'))
    (folder / "skeleton" / "CONTRIBUTING.md").write_text("PRs welcome.\n")
    run_template_test(folder, update_snapshots=True, checks=False, upgrade=False)
    return folder


def test_previous_release_is_the_newest_older_one(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    for version in ("1.0.0", "1.1.0", "2.0.0-rc.1"):
        sources.cut_release(write_golden_path(lib, version))
    folder = write_golden_path(lib, "2.0.0")
    previous = previous_release(sources.resolve_folder(folder))
    assert previous is not None and previous.version == "2.0.0-rc.1"
    assert previous_release(sources.resolve("mini@1.0.0", [lib])) is None


def test_each_example_is_upgraded_from_the_previous_release(library_v2: Path) -> None:
    result = run_template_test(library_v2)
    assert result.ok, reports.text([result])
    assert result.previous == "1.0.0"
    up = result.to_json()["examples"][0]["upgrade"]
    assert up["from"] == "1.0.0" and up["to"] == "2.0.0"
    assert up["files_changed"] == ["CONTRIBUTING.md", "README.md", "catalog-info.yaml", "src/orders_api/__init__.py"]
    assert up["conflicts"] == [] and up["edits"] == 0
    assert [c["name"] for c in up["checks"]] == ["unit tests"]  # the upgraded repo still passes
    assert "upgrade   from 1.0.0: 4 files changed, no conflicts" in reports.text([result])


def test_team_edits_are_applied_before_the_upgrade_and_conflicts_are_reported(library_v2: Path) -> None:
    edits = library_v2 / "examples" / "edits" / "minimal.yaml"
    edits.parent.mkdir()
    edits.write_text(
        "edits:\n"
        "  - file: README.md\n"
        "    replace: {old: '# orders-api', new: '# Orders API'}\n"
        "  - file: src/orders_api/__init__.py\n"
        "    replace: {old: 'Hello from', new: 'Hi from'}\n"
        "  - {file: docs/adr.md, write: '# ADR\\n'}\n"
    )
    result = run_template_test(library_v2)
    example = result.examples[0]
    assert example.upgrade is not None
    assert example.upgrade.edits == 3
    assert example.upgrade.conflicts == ["src/orders_api/__init__.py"]
    assert "<<<<<<< yours" in example.upgrade.excerpts["src/orders_api/__init__.py"]
    assert example.upgrade.checks == []  # not run on a tree with conflict markers
    assert result.ok  # conflicts are reported; they fail only with strict
    assert not run_template_test(library_v2, strict=True).ok
    text = reports.text([result])
    assert "1 CONFLICT, after 3 team edits" in text and "CONFLICT src/orders_api/__init__.py" in text
    markdown = reports.markdown([result])
    assert "**1 conflict** in 1 example" in markdown and "- `src/orders_api/__init__.py`" in markdown


def test_edits_that_do_not_apply_fail_the_upgrade(library_v2: Path) -> None:
    edits = library_v2 / "examples" / "edits" / "minimal.yaml"
    edits.parent.mkdir()
    edits.write_text(
        "edits:\n  - file: README.md\n    replace: {old: 'not there', new: x}\n  - {file: nope.txt, delete: true}\n"
    )
    result = run_template_test(library_v2)
    up = result.examples[0].upgrade
    assert not result.ok and up is not None and up.error is not None
    assert "text to replace not found: 'not there'" in up.error and "nope.txt" in up.error
    edits.write_text("edits:\n  - {file: ../outside.txt, write: x}\n")
    up = run_template_test(library_v2).examples[0].upgrade
    assert up is not None and up.error is not None and "escapes" in up.error
    edits.write_text("edits:\n  - {file: README.md, append: x, delete: true}\n")
    up = run_template_test(library_v2).examples[0].upgrade
    assert up is not None and "exactly one of append, replace, write, delete" in str(up.error)


def test_an_example_the_previous_release_cannot_take_is_skipped(library_v2: Path) -> None:
    (library_v2 / "examples" / "minimal.yaml").write_text("name: orders-api\nowner: group:payments\nport: 99999\n")
    (library_v2 / "template.yaml").write_text(
        (library_v2 / "template.yaml").read_text().replace("maximum: 65535", "maximum: 100000")
    )
    result = run_template_test(library_v2, update_snapshots=True)
    up = result.examples[0].upgrade
    assert up is not None and up.skipped is not None and "mini@1.0.0" in up.skipped
    assert result.ok


# --- template new --------------------------------------------------------------------------------


def test_a_new_golden_path_passes_test_as_created(tmp_path: Path) -> None:
    created = create_golden_path("grpc-service", "group:platform-guild", tmp_path / "golden_paths", today="2026-11-21")
    folder = tmp_path / "golden_paths" / "grpc-service"
    assert created.path == folder and created.version == "0.1.0"
    assert {"template.yaml", "CHANGELOG.md", "examples/minimal.yaml", "snapshots/minimal.txt"} <= set(created.files)
    assert "skeleton/README.md" in created.files and "skeleton/tests/test_hello.py" in created.files
    template = load_template(folder)
    assert template.model.metadata.owner == "group:platform-guild"
    assert [s.action for s in template.steps] == [
        "fetch:template",
        "catalog:write",
        "ci:github-actions",
        "repo:create",
        "catalog:register",
    ]
    assert "## [0.1.0] - 2026-11-21" in (folder / "CHANGELOG.md").read_text()
    result = run_template_test(folder)
    assert result.ok, reports.text([result])
    assert [c.name for c in result.examples[0].checks] == ["unit tests"]


def test_a_new_golden_path_passes_lint_as_created(tmp_path: Path) -> None:
    created = create_golden_path("grpc-service", "group:platform-guild", tmp_path)
    assert [str(f) for f in lint_path(created.path)] == []


def test_template_new_refuses_an_existing_folder_and_bad_input(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(TemplateError) as err:
        create_golden_path("taken", "group:x", tmp_path)
    assert "already exists" in err.value.render()
    with pytest.raises(TemplateError) as err:
        create_golden_path("Bad_Name", "payments", tmp_path)
    assert [p.where for p in err.value.problems] == ["Bad_Name", "payments"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


# --- template release ----------------------------------------------------------------------------


def test_release_cuts_a_snapshot_in_a_folder_library(library_v2: Path) -> None:
    done = release_golden_path(library_v2)
    assert done.kind == "snapshot" and done.ref == "releases/2.0.0"
    assert done.path == library_v2 / "releases" / "2.0.0"
    assert sources.verify_snapshot(done.path) == []
    assert [r.version for r in sources.releases_in(open_library(library_v2.parent), "mini")] == ["1.0.0", "2.0.0"]
    assert done.to_json()["test"]["ok"] is True
    with pytest.raises(TemplateError, match="already released"):
        release_golden_path(library_v2)


def test_release_refuses_when_test_fails_or_the_changelog_has_no_entry(library_v2: Path) -> None:
    (library_v2 / "skeleton" / "README.md").write_text("# changed after the snapshot\n")
    with pytest.raises(TemplateError) as err:
        release_golden_path(library_v2)
    assert "does not pass scaffold template test" in err.value.message
    assert "snapshot mismatch (README.md)" in err.value.render()
    assert not (library_v2 / "releases" / "2.0.0").exists()

    (library_v2 / "CHANGELOG.md").write_text("# Changelog\n")
    with pytest.raises(TemplateError) as err:
        release_golden_path(library_v2)
    assert "has no entry for 2.0.0" in err.value.render()
    assert not (library_v2 / "releases" / "2.0.0").exists()


def test_release_refuses_what_lint_finds(library_v2: Path) -> None:
    readme = library_v2 / "skeleton" / "README.md"
    readme.write_text("# {{ values.nmae }}\n")
    with pytest.raises(TemplateError) as err:
        release_golden_path(library_v2)
    assert "does not pass scaffold template lint" in err.value.message
    assert "values.nmae is undefined" in err.value.render()
    assert not (library_v2 / "releases" / "2.0.0").exists()


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_release_tags_a_git_library(tmp_path: Path) -> None:
    lib = tmp_path / "gitlib"
    lib.mkdir()
    git(lib, "init", "-q", "-b", "main")
    folder = write_golden_path(lib, "1.0.0")
    run_template_test(folder, update_snapshots=True, checks=False)
    git(lib, "add", "-A")
    git(lib, "commit", "-q", "-m", "mini 1.0.0")

    done = release_golden_path(folder)
    assert done.kind == "tag" and done.ref == "mini/v1.0.0"
    assert done.commit == git(lib, "rev-parse", "HEAD")
    assert git(lib, "tag", "-l") == "mini/v1.0.0"
    assert git(lib, "cat-file", "-t", "mini/v1.0.0") == "tag"  # annotated
    assert not (folder / "releases").exists()
    with pytest.raises(TemplateError, match="already released"):
        release_golden_path(folder)

    # 1.1.0, not committed yet: the tag would not hold it
    write_golden_path(lib, "1.1.0", versions=("1.0.0",))
    run_template_test(folder, update_snapshots=True, checks=False)
    with pytest.raises(TemplateError) as err:
        release_golden_path(folder)
    assert "uncommitted" in err.value.render()
    git(lib, "commit", "-q", "-am", "mini 1.1.0")
    assert release_golden_path(folder).ref == "mini/v1.1.0"
    versions = [r.version for r in sources.releases_in(open_library(lib), "mini")]
    assert versions == ["1.0.0", "1.1.0"]


# --- CODEOWNERS and the template library's workflow ----------------------------------------------

GOLDEN_PATHS = sorted(p.parent for p in (ROOT / "golden_paths").glob("*/template.yaml"))


def codeowners() -> dict[str, list[str]]:
    lines = (ROOT / ".github" / "CODEOWNERS").read_text().splitlines()
    return {ln.split()[0]: ln.split()[1:] for ln in lines if ln.strip() and not ln.startswith("#")}


@pytest.mark.parametrize("folder", GOLDEN_PATHS, ids=lambda p: p.name)
def test_codeowners_gives_each_golden_path_to_its_guild(folder: Path) -> None:
    owner = load_template(folder).model.metadata.owner
    kind, _, group = owner.partition(":")
    assert kind == "group", f"{folder.name}: owner {owner} is not a guild"
    assert codeowners().get(f"/golden_paths/{folder.name}/") == [f"@acme/{group}"]


def test_the_golden_paths_workflow_is_valid() -> None:
    workflow = ROOT / ".github" / "workflows" / "golden-paths.yml"
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", str(workflow)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = workflow.read_text()
    assert text in (ROOT / "docs" / "guilds.md").read_text()  # docs/guilds.md shows it as it is
    for needed in ("golden_paths/**", "scaffold template lint --base", "scaffold template test", "GITHUB_STEP_SUMMARY"):
        assert needed in text
