"""`fetch:copier`: copier renders with the answers as data; tasks need trust."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffolder.errors import ActionError
from scaffolder.registry import load_registry
from tests.actions.context import make_ctx

COPIER = Path(__file__).parents[1] / "formats" / "fixtures" / "copier" / "copier-pyservice"


def test_renders_with_data_and_defaults(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "ws", name="copier-pyservice")
    ctx.template_dir, ctx.trusted = COPIER, True
    out = (
        load_registry()
        .action("fetch:copier")
        .run(ctx, {"values": {"project_name": "Fleet", "replicas": 3, "database": None}})
    )
    assert "src/fleet/__init__.py" in out.files and "requirements.lock" in out.files
    assert "3 replicas" in (ctx.workspace / "README.md").read_text()
    assert "_src_path: copier-pyservice\n" in (ctx.workspace / ".copier-answers.yml").read_text()


def test_tasks_need_trust(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = COPIER
    action = load_registry().action("fetch:copier")
    assert action.preflight is not None
    problems = action.preflight(ctx, action.parse({}))
    assert len(problems) == 2 and all("(_tasks) would run" in p.message for p in problems)
    with pytest.raises(ActionError, match="needs trust"):
        action.run(ctx, {})


def test_a_git_url_at_a_ref(tmp_path: Path) -> None:
    """copier fetches a URL itself; without trust it refuses the tasks, as copier does."""
    repo = tmp_path / "tpl"
    subprocess.run(["cp", "-r", str(COPIER), str(repo)], check=True)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "v1"], ["tag", "v1.0.0"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    ctx = make_ctx(tmp_path / "ws")
    with pytest.raises(ActionError, match="tasks"):
        load_registry().action("fetch:copier").run(ctx, {"url": str(repo), "vcs_ref": "v1.0.0"})
    ctx.trusted = True
    out = load_registry().action("fetch:copier").run(ctx, {"url": str(repo), "vcs_ref": "v1.0.0"})
    answers = (ctx.workspace / ".copier-answers.yml").read_text()
    assert "_commit: v1.0.0" in answers and "README.md" in out.files


def test_the_run_takes_the_render_its_preflight_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import scaffolder.actions.fetch_copier as module

    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "copier.yml").write_text("name:\n  type: str\n  default: plain\n")
    (folder / "README.md.jinja").write_text("# {{ name }}\n")
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = folder
    action = load_registry().action("fetch:copier")
    assert action.preflight is not None
    inp = action.parse({"values": {"name": "ledger"}})
    assert action.preflight(ctx, inp) == []
    monkeypatch.setattr(module, "_render", lambda *a: pytest.fail("rendered again"))
    action.run(ctx, inp)
    assert (ctx.workspace / "README.md").read_text() == "# ledger\n"
