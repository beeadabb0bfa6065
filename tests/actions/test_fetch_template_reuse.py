"""fetch:template's run takes the render its preflight made, only while nothing that matters changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scaffolder import render
from scaffolder.actions import fetch_template
from tests.actions.context import make_ctx


class CountingRenderer:
    """scaffold's rendering services, counting the skeleton renders asked of them."""

    def __init__(self) -> None:
        self.renders = 0

    def render_tree(self, *args: Any, **kwargs: Any) -> list[Any]:
        self.renders += 1
        return render.render_tree(*args, **kwargs)

    def read_tree(self, root: Path, producer: str) -> list[Any]:
        return render.read_tree(root, producer)

    def skeleton_signature(self, source: Path) -> Any:
        return render.skeleton_signature(source)


def _setup(tmp_path: Path) -> tuple[Path, fetch_template.Input]:
    skeleton = tmp_path / "tpl" / "skeleton"
    skeleton.mkdir(parents=True)
    (skeleton / "a.txt").write_text("name={{ values.name }}\n")
    return skeleton, fetch_template.Input.model_validate({"path": "skeleton"})


def test_the_run_reuses_the_preflight_render(tmp_path: Path) -> None:
    _, inp = _setup(tmp_path)
    ctx = make_ctx(tmp_path / "ws", parameters={"name": "svc"})
    ctx.template_dir = tmp_path / "tpl"
    ctx.renderer = counting = CountingRenderer()
    assert fetch_template.preflight(ctx, inp) == []
    assert counting.renders == 1
    assert fetch_template.run(ctx, inp).files == ["a.txt"]
    assert counting.renders == 1
    assert (ctx.workspace / "a.txt").read_text() == "name=svc\n"


def test_a_changed_skeleton_or_answer_is_rendered_again(tmp_path: Path) -> None:
    skeleton, inp = _setup(tmp_path)
    ctx = make_ctx(tmp_path / "ws", parameters={"name": "svc"})
    ctx.template_dir = tmp_path / "tpl"
    assert fetch_template.preflight(ctx, inp) == []
    (skeleton / "a.txt").unlink()
    (skeleton / "a.txt").write_text("NAME={{ values.name }}\n")  # a new file (inode), same size
    (skeleton / "b.txt").write_text("b\n")
    fetch_template.run(ctx, inp)
    assert (ctx.workspace / "a.txt").read_text() == "NAME=svc\n"
    assert (ctx.workspace / "b.txt").read_text() == "b\n"

    assert fetch_template.preflight(ctx, inp) == []
    ctx.parameters = {"name": "other"}
    fetch_template.run(ctx, inp)
    assert (ctx.workspace / "a.txt").read_text() == "NAME=other\n"
