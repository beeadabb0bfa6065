"""`fetch:cookiecutter`: cookiecutter renders, the project lands in the workspace; code needs trust."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder.errors import ActionError
from scaffolder.registry import get_action
from tests.actions.context import make_ctx

COOKIECUTTER = Path(__file__).parents[1] / "formats" / "fixtures" / "cookiecutter" / "cookiecutter-pyservice"


def test_renders_into_the_workspace_with_trust(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir, ctx.trusted = COOKIECUTTER, True
    values = {"project_name": "Ledger", "use_docker": False, "project_slug": None, "license": "Apache-2.0"}
    out = get_action("fetch:cookiecutter").run(ctx, {"values": values, "targetPath": "app"})
    assert out.directory == "ledger"
    assert "app/src/ledger/__init__.py" in out.files and "app/Dockerfile" not in out.files
    assert (ctx.workspace / "app" / "LICENSE").read_text().startswith("Apache-2.0 license")
    assert not (tmp_path / "home").exists()  # no replay files, no user config read or written


def test_hooks_need_trust(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = COOKIECUTTER
    action = get_action("fetch:cookiecutter")
    assert action.preflight is not None
    problems = action.preflight(ctx, action.parse({}))
    assert [Path(p.where).name for p in problems] == ["post_gen_project.py", "pre_gen_project.py"]
    with pytest.raises(ActionError, match="needs trust"):
        action.run(ctx, {})
    assert list(ctx.workspace.iterdir()) == []


def test_a_template_extension_needs_trust_too(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    (folder / "{{cookiecutter.name}}").mkdir(parents=True)
    (folder / "cookiecutter.json").write_text(json.dumps({"name": "x", "_extensions": ["local_extensions.Shout"]}))
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = folder
    action = get_action("fetch:cookiecutter")
    assert action.preflight is not None
    [problem] = action.preflight(ctx, action.parse({}))
    assert "the Jinja extension local_extensions.Shout (_extensions) would run" in problem.message


def test_a_bad_answer_is_an_action_error(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir, ctx.trusted = COOKIECUTTER, True
    with pytest.raises(ActionError, match="cookiecutter cannot render"):
        get_action("fetch:cookiecutter").run(ctx, {"values": {"license": "GPL"}})
