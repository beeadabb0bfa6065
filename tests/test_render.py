"""Skeleton rendering: contents and paths, binary files, escapes, errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import RenderError
from scaffolder.render import Delimiters, RenderedFile, render_tree, write_files

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR{{ not a template }}"


def make(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    src = tmp_path / "skeleton"
    for rel, content in files.items():
        p = src / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content if isinstance(content, bytes) else content.encode())
    return src


def test_contents_and_paths_render(tmp_path: Path) -> None:
    src = make(tmp_path, {"{{ values.name }}/app.py": "NAME = '{{ values.name }}'\n", "logo.png": PNG})
    files = {f.path: f.content for f in render_tree(src, {"values": {"name": "orders"}})}
    assert files == {"orders/app.py": b"NAME = 'orders'\n", "logo.png": PNG}


def test_copy_without_render_and_conditional_paths(tmp_path: Path) -> None:
    src = make(
        tmp_path,
        {
            "raw/x.txt": "{{ kept }}",
            "{% if values.k8s %}deploy.yaml{% endif %}": "kind: x\n",
            "a.txt": "{{ values.k8s }}",
        },
    )
    files = {f.path: f.content for f in render_tree(src, {"values": {"k8s": False}}, copy_without_render=["raw/*"])}
    assert files == {"raw/x.txt": b"{{ kept }}", "a.txt": b"False"}


def test_other_delimiters(tmp_path: Path) -> None:
    src = make(tmp_path, {"f.txt": "${{ values.name }} and {{ untouched }}"})
    delims = Delimiters(variable_start="${{", variable_end="}}")
    files = render_tree(src, {"values": {"name": "n"}}, delimiters=delims)
    assert files[0].content == b"n and {{ untouched }}"


def test_undefined_variable_names_file_and_line(tmp_path: Path) -> None:
    src = make(tmp_path, {"ok.txt": "{{ values.name }}", "docs/guide.md": "line 1\nline 2 {{ values.missing }}\n"})
    with pytest.raises(RenderError) as info:
        render_tree(src, {"values": {"name": "n"}})
    assert [str(p) for p in info.value.problems] == [
        "docs/guide.md:2: undefined variable: 'dict object' has no attribute 'missing'"
    ]


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    src = make(tmp_path, {"a.txt": "\n\n{% if %}\n"})
    with pytest.raises(RenderError) as info:
        render_tree(src, {"values": {}})
    assert info.value.problems[0].where == "a.txt:3"


@pytest.mark.parametrize("name", ["{{ values.x }}", "sub/{{ values.x }}"])
@pytest.mark.parametrize("value", ["../../etc/passwd", "/etc/passwd", "a/../../b"])
def test_rendered_paths_cannot_escape(tmp_path: Path, name: str, value: str) -> None:
    src = make(tmp_path, {name: "x"})
    with pytest.raises(RenderError) as info:
        render_tree(src, {"values": {"x": value}})
    assert "escapes" in info.value.render()


def test_symlinks_leading_out_of_the_skeleton_are_refused(tmp_path: Path) -> None:
    src = make(tmp_path, {"a.txt": "x"})
    (src / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(RenderError) as info:
        render_tree(src, {"values": {}})
    assert "passwd: is a symlink to /etc/passwd, an absolute path" in info.value.render()


def test_symlinks_inside_the_skeleton_are_kept_with_their_target_text(tmp_path: Path) -> None:
    src = make(tmp_path, {"a.txt": "{{ values.x }}", "docs/b.txt": "b"})
    (src / "docs" / "{{ values.x }}.txt").symlink_to("../a.txt")
    (src / "alias").symlink_to("docs")
    files = render_tree(src, {"values": {"x": "y"}})
    assert {f.path: f.link for f in files if f.link} == {"docs/y.txt": "../a.txt", "alias": "docs"}
    write_files(tmp_path / "out", files)
    assert (tmp_path / "out" / "docs" / "y.txt").readlink().as_posix() == "../a.txt"
    assert (tmp_path / "out" / "alias" / "y.txt").read_text() == "y"


def test_write_refuses_a_symlink_planted_in_the_target(tmp_path: Path) -> None:
    src = make(tmp_path, {"out/file.txt": "x"})
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "ws"
    target.mkdir()
    (target / "out").symlink_to(outside)
    with pytest.raises(RenderError):
        write_files(target, render_tree(src, {"values": {}}))
    assert not (outside / "file.txt").exists()


def test_a_file_written_where_an_earlier_step_left_a_link_replaces_the_link(tmp_path: Path) -> None:
    target = tmp_path / "ws"
    write_files(target, [RenderedFile("README.md", b"readme\n", 0o644), RenderedFile("a.md", b"", 0o777, "README.md")])
    write_files(target, [RenderedFile("a.md", b"mine\n", 0o644)])  # a later step
    assert not (target / "a.md").is_symlink() and (target / "a.md").read_bytes() == b"mine\n"
    assert (target / "README.md").read_bytes() == b"readme\n"


def test_the_sandbox_holds_in_skeleton_files(tmp_path: Path) -> None:
    src = make(tmp_path, {"a.txt": "{{ values.__class__.__init__.__globals__ }}"})
    with pytest.raises(RenderError) as info:
        render_tree(src, {"values": {}})
    assert "a.txt" in info.value.render()


def test_a_file_over_the_budget_stops_the_skeleton_naming_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder.budget import BudgetExceeded

    monkeypatch.setenv("SCAFFOLD_RENDER_TIMEOUT", "0.5")
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    src = tmp_path / "src"
    for name in ("a.txt", "b.txt"):  # the second never renders: the budget is spent
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(f"one\n{loop}\n")
    (src / "big.txt").write_text("{{ 'x'|indent(10 ** 11, first=True) }}")
    with pytest.raises(BudgetExceeded) as info:
        render_tree(src, {})
    assert [p.where for p in info.value.problems] == ["a.txt:2"]
    (src / "a.txt").unlink()
    (src / "b.txt").unlink()
    with pytest.raises(BudgetExceeded) as info:
        render_tree(src, {})
    assert "big.txt:1: needed more than" in info.value.render()


def test_a_macro_calling_itself_is_a_render_error(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "r.txt").write_text("{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}")
    with pytest.raises(RenderError) as info:
        render_tree(src, {})
    assert "r.txt" in info.value.render() and "recursion too deep" in info.value.render()
