"""`debug:log`: a message (and the workspace's files) on stderr, secrets masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.action import ActionContext
from scaffolder.registry import load_registry
from scaffolder.template import Template, TemplateModel


def ctx_with_secret(workspace: Path) -> ActionContext:
    workspace.mkdir(parents=True, exist_ok=True)
    model = TemplateModel.model_validate(
        {
            "apiVersion": "scaffold/v1",
            "kind": "GoldenPath",
            "metadata": {"name": "t", "owner": "group:g"},
            "spec": {"version": "1.0.0", "parameters": [{"id": "token", "secret": True}]},
        }
    )
    return ActionContext(
        workspace=workspace,
        template_dir=workspace,
        template=Template(model, workspace),
        parameters={"token": "tok-123"},
        forge=None,  # type: ignore[arg-type]
        catalog=None,  # type: ignore[arg-type]
        run_id="r",
    )


def test_logs_a_message_masking_secrets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = load_registry().action("debug:log").run(ctx_with_secret(tmp_path / "ws"), {"message": "token is tok-123"})
    assert out.message == "token is ********"  # the output (journal, JSON) is masked as stderr is
    assert capsys.readouterr().err == "[debug:log] token is ********\n"


def test_lists_the_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ctx = ctx_with_secret(tmp_path / "ws")
    (ctx.workspace / "a").mkdir()
    (ctx.workspace / "a" / "b.txt").write_text("hello\n")
    out = load_registry().action("debug:log").run(ctx, {"listWorkspace": "with-contents", "message": {"k": 1}})
    assert out.files == ["a/b.txt"]
    assert capsys.readouterr().err.splitlines() == [
        '[debug:log] {"k": 1}',
        "[debug:log]   a/b.txt",
        "[debug:log]     hello",
    ]
