"""fs:rename through the action API: in order, inside the workspace, checked before anything moves."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.actions.fs_rename import action
from scaffolder.errors import ActionError, RenderError
from tests.actions.context import make_ctx


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    for rel, text in {
        "app.py": "app\n",
        "tests/test_app.py": "test\n",
        "setup.cfg": "cfg\n",
        "docs/a.md": "a\n",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_renames_files_and_folders_in_order(ws: Path) -> None:
    out = action.run(
        make_ctx(ws),
        {
            "files": [
                {"from": "app.py", "to": "src/api.py"},
                {"from": "tests/test_app.py", "to": "tests/test_api.py"},
                {"from": "docs", "to": "documentation"},
                {"from": "documentation/a.md", "to": "documentation/b.md"},  # inside a folder just moved
            ]
        },
    )
    assert tree(ws) == {
        "src/api.py": "app\n",
        "tests/test_api.py": "test\n",
        "setup.cfg": "cfg\n",
        "documentation/b.md": "a\n",
    }
    assert out.model_dump(mode="json") == {
        "renamed": [
            {"from": "app.py", "to": "src/api.py"},
            {"from": "tests/test_app.py", "to": "tests/test_api.py"},
            {"from": "docs", "to": "documentation"},
            {"from": "documentation/a.md", "to": "documentation/b.md"},
        ],
        "skipped": [],
    }


def test_dry_run_changes_nothing(ws: Path) -> None:
    before = tree(ws)
    ctx = make_ctx(ws)
    ctx.dry_run = True
    out = action.run(ctx, {"files": [{"from": "app.py", "to": "api.py"}]})
    assert [r.to for r in out.renamed] == ["api.py"]
    assert tree(ws) == before


def test_a_missing_source_is_an_error_unless_missing_ok(ws: Path) -> None:
    before = tree(ws)
    files = [{"from": "app.py", "to": "api.py"}, {"from": "nope.py", "to": "other.py"}]
    with pytest.raises(ActionError) as err:
        action.run(make_ctx(ws), {"files": files})
    assert "nope.py does not exist (set missing_ok to skip it)" in err.value.render()
    assert tree(ws) == before  # checked before anything moved
    out = action.run(make_ctx(ws), {"files": files, "missing_ok": True})
    assert (out.skipped, [r.to for r in out.renamed]) == (["nope.py"], ["api.py"])
    # a rerun (e.g. a resumed run, or a migration on a repo already migrated) skips what was done
    again = action.run(make_ctx(ws), {"files": files, "missing_ok": True})
    assert (again.skipped, again.renamed) == (["app.py", "nope.py"], [])


def test_an_existing_target_needs_overwrite(ws: Path) -> None:
    with pytest.raises(ActionError, match="cannot rename") as err:
        action.run(make_ctx(ws), {"files": [{"from": "app.py", "to": "setup.cfg"}]})
    assert "setup.cfg already exists (set overwrite: true to replace it)" in err.value.render()
    action.run(make_ctx(ws), {"files": [{"from": "app.py", "to": "setup.cfg", "overwrite": True}]})
    assert (ws / "setup.cfg").read_text() == "app\n" and not (ws / "app.py").exists()
    action.run(make_ctx(ws), {"files": [{"from": "setup.cfg", "to": "docs", "overwrite": True}]})
    assert (ws / "docs").read_text() == "app\n"


def test_a_target_freed_by_an_earlier_entry_is_free(ws: Path) -> None:
    action.run(make_ctx(ws), {"files": [{"from": "setup.cfg", "to": "old.cfg"}, {"from": "app.py", "to": "setup.cfg"}]})
    assert tree(ws)["setup.cfg"] == "app\n" and tree(ws)["old.cfg"] == "cfg\n"


@pytest.mark.parametrize(
    "entry",
    [
        {"from": "app.py", "to": "app.py"},
        {"from": "docs", "to": "docs/inner"},
    ],
)
def test_impossible_renames(ws: Path, entry: dict[str, str]) -> None:
    with pytest.raises(ActionError):
        action.run(make_ctx(ws), {"files": [entry]})


@pytest.mark.parametrize(
    "entry",
    [
        {"from": "app.py", "to": "../outside.py"},
        {"from": "../ws/app.py", "to": "/tmp/x.py"},
        {"from": "/etc/passwd", "to": "passwd"},
        {"from": "app.py", "to": ".git/hooks/pre-commit"},
        {"from": ".git", "to": "git"},
        {"from": ".", "to": "elsewhere"},
        {"from": "app.py", "to": "link/app.py"},  # through a symlink that leads out
    ],
)
def test_paths_outside_the_workspace_are_refused(ws: Path, tmp_path: Path, entry: dict[str, str]) -> None:
    (tmp_path / "outside").mkdir()
    (ws / "link").symlink_to(tmp_path / "outside")
    (ws / ".git").mkdir()
    with pytest.raises(RenderError):
        action.run(make_ctx(ws), {"files": [entry]})
    assert (ws / "app.py").exists() and not list((tmp_path / "outside").iterdir())


def test_a_symlink_is_renamed_not_followed(ws: Path, tmp_path: Path) -> None:
    (ws / "current").symlink_to("app.py")
    action.run(make_ctx(ws), {"files": [{"from": "current", "to": "latest"}]})
    assert (ws / "latest").is_symlink() and (ws / "app.py").read_text() == "app\n"


def test_input_shape_follows_backstage() -> None:
    schema = action.input.model_json_schema(by_alias=True)
    item = schema["$defs"]["RenameFile"]
    assert set(item["properties"]) == {"from", "to", "overwrite"}
    assert item["required"] == ["from", "to"]
    with pytest.raises(ValueError):
        action.parse({"files": []})


@pytest.mark.parametrize(
    "entry",
    [
        {"from": "app.py", "to": "../outside.py"},
        {"from": "app.py", "to": "/tmp/x.py"},
        {"from": "app.py", "to": "docs/../../x.py"},
        {"from": "app.py", "to": ".git/config"},
        {"from": "app.py", "to": "sub/.GIT/config"},
        {"from": "app.py", "to": ".Git."},
        {"from": "app.py", "to": "GIT~1/config"},
        {"from": "sub/.git", "to": "x"},
    ],
)
def test_preflight_refuses_escapes_and_git_before_the_run(ws: Path, entry: dict[str, str]) -> None:
    assert action.preflight is not None
    ctx = make_ctx(ws)
    [problem] = action.preflight(ctx, action.parse({"files": [{"from": "setup.cfg", "to": "ok.cfg"}, entry]}))
    assert problem.where.startswith("fs:rename files[1].")
    with pytest.raises(RenderError):  # and at run time, should a step get past the preflight
        action.run(ctx, {"files": [entry]})
    assert (ws / "app.py").exists() and not (ws / ".git").exists() and not (ws / "sub").exists()


def test_preflight_passes_honest_renames(ws: Path) -> None:
    assert action.preflight is not None
    entry = {"from": ".github/ci.yml", "to": "docs/../.gitlab-ci.yml"}
    assert action.preflight(make_ctx(ws), action.parse({"files": [entry]})) == []
