"""`fetch:plain`: a folder or one file of the golden path, copied as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import RenderError
from scaffolder.registry import load_registry
from tests.actions.context import make_ctx


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    root = tmp_path / "golden"
    (root / "docs" / "img").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# {{ values.name }} is not rendered\n")
    (root / "docs" / "img" / "logo.png").write_bytes(b"\x89PNG\0")
    (root / "LICENSE").write_text("MIT\n")
    return root


def test_a_folder_is_copied_as_it_is(golden: Path, tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = golden
    out = load_registry().action("fetch:plain").run(ctx, {"url": "./docs", "targetPath": "site"})
    assert out.files == ["site/img/logo.png", "site/index.md"]
    assert (tmp_path / "ws" / "site" / "index.md").read_text() == "# {{ values.name }} is not rendered\n"
    assert (tmp_path / "ws" / "site" / "img" / "logo.png").read_bytes() == b"\x89PNG\0"


def test_one_file_to_a_new_path(golden: Path, tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = golden
    assert load_registry().action("fetch:plain").run(
        ctx, {"path": "LICENSE", "target_path": "legal/LICENSE.txt"}
    ).files == ["legal/LICENSE.txt"]
    assert load_registry().action("fetch:plain").run(ctx, {"path": "LICENSE"}).files == ["LICENSE"]


def test_paths_outside_and_symlinks_are_refused(golden: Path, tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = golden
    action = load_registry().action("fetch:plain")
    with pytest.raises(RenderError, match="escapes"):
        action.run(ctx, {"path": "../../etc"})
    with pytest.raises(RenderError, match="escapes"):
        action.run(ctx, {"path": "docs", "target_path": "../out"})
    (golden / "docs" / "link").symlink_to("/etc/passwd")
    assert action.preflight is not None
    assert [p.message for p in action.preflight(ctx, action.parse({"path": "docs"}))] == [
        "is a symlink to /etc/passwd, an absolute path"
    ]
    with pytest.raises(RenderError, match="cannot find"):
        action.run(ctx, {"path": "missing"})


@pytest.mark.parametrize("git_name", [".git", ".GIT", ".git."])
def test_a_git_folder_in_the_fetched_folder_is_refused(golden: Path, tmp_path: Path, git_name: str) -> None:
    (golden / "docs" / git_name).mkdir()
    (golden / "docs" / git_name / "config").write_text('[core]\n\tfsmonitor = "touch MARKER"\n')
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = golden
    action = load_registry().action("fetch:plain")
    assert action.preflight is not None
    [problem] = action.preflight(ctx, action.parse({"url": "./docs"}))
    assert problem.where == git_name and ".git" in problem.message
    with pytest.raises(RenderError):
        action.run(ctx, {"url": "./docs"})
    assert not list((tmp_path / "ws").iterdir())


@pytest.mark.parametrize("target", [".git", "sub/.git", ".GIT/hooks", "../x", "/tmp/x"])
def test_preflight_refuses_a_target_path_that_escapes_or_names_git(golden: Path, tmp_path: Path, target: str) -> None:
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = golden
    action = load_registry().action("fetch:plain")
    assert action.preflight is not None
    for url in ("./docs", "LICENSE"):
        [problem] = action.preflight(ctx, action.parse({"url": url, "targetPath": target}))
        assert problem.where == f"targetPath {target!r}"
