"""Globs in scaffold's dialect (fnmatch: path or file name) and Backstage's (globby), one library."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.globs import escape, matches, matching_files


def test_a_glob_starting_with_a_slash_matches_only_that_path() -> None:
    assert matches("logo.png", ["/logo.png"]) and not matches("img/logo.png", ["/logo.png"])
    assert matches("img/logo.png", ["logo.png"])  # without the slash: the file name anywhere


@pytest.mark.parametrize(
    ("rel", "glob", "hit"),
    [
        ("a/b/c.txt", "a/*", True),  # fnmatch: * spans folders
        ("sub/.env", ".*", True),  # dot files match
        (".github/workflows/ci.yml", "*.yml", True),
        ("A.PNG", "*.png", False),  # case matters
        ("x[1].txt", "x[[]1].txt", True),
        ("ab.png", "[!a]*", False),
        ("img/logo.png", "/img/*", True),
        ("img/logo.png", "/*.png", True),  # anchored, but * still spans folders
    ],
)
def test_scaffold_globs_match_as_fnmatch_does(rel: str, glob: str, hit: bool) -> None:
    assert matches(rel, [glob]) is hit


@pytest.mark.parametrize("rel", ["a*b.txt", "x[1]/y?.md", "plain/file"])
def test_an_escaped_path_matches_only_itself(rel: str) -> None:
    assert matches(rel, [escape(rel)])
    assert not matches("other/" + rel, [escape(rel)]) and not matches(rel + "x", [escape(rel)])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel in ("top.txt", "sub/nested.txt", "assets/img/logo.svg", "assets/keep.md", "a/x.md", "b/x.md", "c/x.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / ".dir").mkdir()
    (tmp_path / ".dir/y.txt").write_text("x")
    return tmp_path


@pytest.mark.parametrize(
    ("patterns", "chosen"),
    [
        (["*.txt"], {"top.txt"}),  # anchored at the top, * stops at /
        (["**/*.txt"], {"top.txt", "sub/nested.txt", ".dir/y.txt"}),  # dot: true
        (["assets/**", "!assets/keep.md"], {"assets/img/logo.svg"}),
        (["!assets/keep.md", "assets/**"], {"assets/img/logo.svg", "assets/keep.md"}),  # ! takes away what came before
        (["{a,b}/x.md"], {"a/x.md", "b/x.md"}),
        (["./assets/"], {"assets/img/logo.svg", "assets/keep.md"}),  # a folder means everything in it
        (["?/x.md", "!{a,b}/*"], {"c/x.md"}),
        ([""], set()),
    ],
)
def test_backstage_globs_match_as_globby_does(tree: Path, patterns: list[str], chosen: set[str]) -> None:
    assert matching_files(tree, patterns) == chosen
