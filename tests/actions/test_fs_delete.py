"""fs:delete through the action API: paths and globs inside the workspace, reruns are no-ops."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.actions.fs_delete import action
from scaffolder.errors import RenderError
from tests.actions.context import make_ctx

FILES = ["app.py", "pkg/__pycache__/a.pyc", "pkg/mod.py", "pkg/b.pyc", "docs/a.md", "docs/sub/b.md", ".git/HEAD"]


def tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink())


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    return root


def test_deletes_paths_and_folders(ws: Path) -> None:
    out = action.run(make_ctx(ws), {"files": ["app.py", "docs", "missing.txt"]})
    assert out.deleted == ["app.py", "docs"]
    assert tree(ws) == [".git/HEAD", "pkg/__pycache__/a.pyc", "pkg/b.pyc", "pkg/mod.py"]
    assert action.run(make_ctx(ws), {"files": ["app.py", "docs"]}).deleted == []  # a rerun is a no-op


def test_globs(ws: Path) -> None:
    out = action.run(make_ctx(ws), {"files": ["**/*.pyc", "**/__pycache__", "docs/**/*.md"]})
    assert out.deleted == ["docs/a.md", "docs/sub/b.md", "pkg/__pycache__", "pkg/b.pyc"]
    assert tree(ws) == [".git/HEAD", "app.py", "pkg/mod.py"]


def test_a_glob_never_reaches_into_git(ws: Path) -> None:
    out = action.run(make_ctx(ws), {"files": ["*", "**/HEAD"]})
    assert ".git" not in out.deleted and tree(ws) == [".git/HEAD"]


def test_dry_run_changes_nothing(ws: Path) -> None:
    ctx = make_ctx(ws)
    ctx.dry_run = True
    assert action.run(ctx, {"files": ["pkg", "pkg/mod.py"]}).deleted == ["pkg"]
    assert tree(ws) == sorted(FILES)


def test_a_symlink_is_deleted_not_followed(ws: Path, tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("keep")
    (ws / "link").symlink_to(tmp_path / "outside")
    assert action.run(make_ctx(ws), {"files": ["link"]}).deleted == ["link"]
    assert (tmp_path / "outside" / "keep.txt").exists() and not (ws / "link").exists()


@pytest.mark.parametrize(
    "path", ["../outside.txt", "/etc/hostname", ".", "", ".git", ".git/HEAD", "../*", "/tmp/*", "link/keep.txt"]
)
def test_paths_outside_the_workspace_are_refused(ws: Path, tmp_path: Path, path: str) -> None:
    (tmp_path / "outside.txt").write_text("keep")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep.txt").write_text("keep")
    (ws / "link").symlink_to(tmp_path / "outside")
    with pytest.raises(RenderError):
        action.run(make_ctx(ws), {"files": [path]})
    assert (tmp_path / "outside.txt").exists() and (tmp_path / "outside" / "keep.txt").exists()
    assert tree(ws) == sorted([*FILES, "link"])


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/hostname", ".git", "sub/.git/HEAD", ".GIT", "**/.git/*"])
def test_preflight_refuses_escapes_and_git_before_the_run(ws: Path, path: str) -> None:
    assert action.preflight is not None
    [problem] = action.preflight(make_ctx(ws), action.parse({"files": ["app.py", path]}))
    assert problem.where == f"fs:delete files[1] {path!r}"


def test_a_glob_never_reaches_into_a_nested_git(ws: Path) -> None:
    (ws / "sub" / ".git").mkdir(parents=True)
    (ws / "sub" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (ws / "sub" / ".Git").write_text("gitdir: elsewhere\n")
    out = action.run(make_ctx(ws), {"files": ["**/HEAD", "sub/*"]})
    assert out.deleted == []
    assert (
        (ws / ".git" / "HEAD").exists() and (ws / "sub" / ".git" / "HEAD").exists() and (ws / "sub" / ".Git").exists()
    )
