"""`fetch:cookiecutter`: cookiecutter renders, the project lands in the workspace; code needs trust."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from scaffolder.errors import ActionError
from scaffolder.registry import load_registry
from tests.actions.context import make_ctx

COOKIECUTTER = Path(__file__).parents[1] / "formats" / "fixtures" / "cookiecutter" / "cookiecutter-pyservice"


def test_renders_into_the_workspace_with_trust(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir, ctx.trusted = COOKIECUTTER, True
    values = {"project_name": "Ledger", "use_docker": False, "project_slug": None, "license": "Apache-2.0"}
    out = load_registry().action("fetch:cookiecutter").run(ctx, {"values": values, "targetPath": "app"})
    assert out.directory == "ledger"
    assert "app/src/ledger/__init__.py" in out.files and "app/Dockerfile" not in out.files
    assert (ctx.workspace / "app" / "LICENSE").read_text().startswith("Apache-2.0 license")
    assert not (tmp_path / "home").exists()  # no replay files, no user config read or written


def test_hooks_need_trust(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = COOKIECUTTER
    action = load_registry().action("fetch:cookiecutter")
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
    action = load_registry().action("fetch:cookiecutter")
    assert action.preflight is not None
    [problem] = action.preflight(ctx, action.parse({}))
    assert "the Jinja extension local_extensions.Shout (_extensions) would run" in problem.message


def test_a_bad_answer_is_an_action_error(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir, ctx.trusted = COOKIECUTTER, True
    with pytest.raises(ActionError, match="cookiecutter cannot render"):
        load_registry().action("fetch:cookiecutter").run(ctx, {"values": {"license": "GPL"}})


def _plain_template(tmp_path: Path) -> Path:
    folder = tmp_path / "plain"
    (folder / "{{cookiecutter.name}}").mkdir(parents=True)
    (folder / "cookiecutter.json").write_text(json.dumps({"name": "plain"}))
    (folder / "{{cookiecutter.name}}" / "README.md").write_text("# {{ cookiecutter.name }}\n")
    return folder


def test_the_run_takes_the_render_its_preflight_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import scaffolder.actions.fetch_cookiecutter as module

    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = _plain_template(tmp_path)
    action = load_registry().action("fetch:cookiecutter")
    assert action.preflight is not None
    inp = action.parse({"values": {"name": "ledger"}})
    assert action.preflight(ctx, inp) == []
    monkeypatch.setattr(module, "_generate", lambda *a: pytest.fail("rendered again"))
    assert action.run(ctx, inp).files == ["README.md"]
    assert (ctx.workspace / "README.md").read_text() == "# ledger\n"


def test_a_changed_template_is_rendered_again(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = _plain_template(tmp_path)
    action = load_registry().action("fetch:cookiecutter")
    assert action.preflight is not None
    inp = action.parse({"values": {"name": "ledger"}})
    assert action.preflight(ctx, inp) == []
    (ctx.template_dir / "{{cookiecutter.name}}" / "README.md").write_text("# {{ cookiecutter.name }} v2\n")
    action.run(ctx, inp)
    assert (ctx.workspace / "README.md").read_text() == "# ledger v2\n"


def test_a_trusted_render_leaves_sys_path_as_it_was(tmp_path: Path) -> None:
    before = list(sys.path)
    folder = tmp_path / "tpl"
    (folder / "{{cookiecutter.name}}").mkdir(parents=True)
    (folder / "cookiecutter.json").write_text(json.dumps({"name": "x", "_extensions": ["local_ext.Shout"]}))
    (folder / "local_ext.py").write_text("from jinja2.ext import Extension\n\nclass Shout(Extension):\n    pass\n")
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir, ctx.trusted = folder, True
    load_registry().action("fetch:cookiecutter").run(ctx, {})
    assert sys.path == before and "local_ext" not in sys.modules


def test_as_backstage_the_folders_own_context_is_overlaid_by_the_steps(tmp_path: Path) -> None:
    """Backstage's module reads the fetched folder's cookiecutter.json, overlays the step's values
    and writes its own `_copy_without_render` and `_extensions` over the folder's (none: dropped)."""
    folder = tmp_path / "skeleton"
    folder.mkdir()
    context = {"name": "own", "kind": "service", "_copy_without_render": ["*.txt"]}
    (folder / "cookiecutter.json").write_text(json.dumps(context))
    (folder / "a.txt").write_text("{{ cookiecutter.name }}/{{ cookiecutter.kind }}\n")
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = tmp_path
    action = load_registry().action("fetch:cookiecutter")
    step = {"url": "skeleton", "backstage": True, "values": {"name": "given", "gone": None}}
    out = action.run(ctx, step)
    assert out.directory == "contents" and sorted(out.files) == ["a.txt", "cookiecutter.json"]
    assert (ctx.workspace / "a.txt").read_text() == "given/service\n"  # rendered: _copy_without_render dropped
    assert json.loads((ctx.workspace / "cookiecutter.json").read_text()) == context  # a file of the project


def test_as_backstage_the_steps_extensions_need_trust(tmp_path: Path) -> None:
    (tmp_path / "skeleton").mkdir()
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = tmp_path
    action = load_registry().action("fetch:cookiecutter")
    step = action.parse({"url": "skeleton", "backstage": True, "extensions": ["local_extensions.Shout"]})
    assert action.preflight is not None
    [problem] = action.preflight(ctx, step)
    assert "local_extensions.Shout" in problem.message and "would run" in problem.message
    ok = action.parse({"url": "skeleton", "backstage": True, "extensions": ["jinja2.ext.do"]})
    assert action.preflight(ctx, ok) == []


def test_a_url_sources_provenance_is_where_cookiecutter_clones_it(tmp_path: Path) -> None:
    from cookiecutter.vcs import clone

    from actions._cookiecutter_provenance import provenance
    from tests.formats.conftest import commit_and_tag, copy

    repo = copy(COOKIECUTTER, tmp_path / "cookiecutter-svc.git")
    commit_and_tag(repo, "v1.0.0")
    url = f"file://{repo}"
    cloned = Path(clone(url, checkout="v1.0.0", clone_to_dir=tmp_path / "clones", no_input=True))
    values = provenance(url, "v1.0.0", ".", "/work/here")
    assert Path(values["_repo_dir"]).name == cloned.name == "cookiecutter-svc"  # cookiecutter's own naming
    assert (values["_template"], values["_checkout"], values["_output_dir"]) == (url, "v1.0.0", "/work/here")
    assert Path(provenance("gh:acme/cookiecutter-svc", None)["_repo_dir"]).name == "cookiecutter-svc"
    local = provenance("/srv/templates/svc", "v1.0.0", "cc", "/work/here")
    assert (local["_template"], local["_repo_dir"], local["_checkout"]) == ("/srv/templates/svc/cc",) * 2 + (None,)
