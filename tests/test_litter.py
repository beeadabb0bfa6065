"""Nothing compiled, cached or left by a file manager enters a generated project, whichever action
copies the files: fetch:template, fetch:plain, cookiecutter's and copier's output; a dry run does
not list them and an upgrade does not report them."""

from __future__ import annotations

import json
from pathlib import Path

from scaffolder.litter import is_litter
from scaffolder.registry import load_registry
from scaffolder.render import render_tree
from tests.actions.context import make_ctx

# What pip's byte-compiling, a test run and macOS or Windows leave in a template folder.
LITTER = [
    "__pycache__/setup.cpython-311.pyc",
    "src/pkg/__pycache__/api.cpython-311.pyc",
    "src/pkg/api.pyc",
    "src/pkg/api.pyo",
    ".pytest_cache/v/cache/nodeids",
    ".mypy_cache/3.11/api.meta.json",
    ".DS_Store",
    "src/.DS_Store",
    "docs/Thumbs.db",
]
KEPT = ["src/pkg/api.py", "docs/pycache.md", "src/pkg/api.pyi", ".gitignore"]


def plant(folder: Path, rels: list[str] = LITTER) -> None:
    for rel in rels:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(b"\x00litter")


def test_the_list() -> None:
    assert all(is_litter(rel) for rel in LITTER)
    assert not any(is_litter(rel) for rel in KEPT)
    assert is_litter("__pycache__") and is_litter("a/.ruff_cache")


def test_fetch_template_leaves_litter_out(tmp_path: Path) -> None:
    skeleton = tmp_path / "skeleton"
    for rel in KEPT:
        (skeleton / rel).parent.mkdir(parents=True, exist_ok=True)
        (skeleton / rel).write_text("x = '{{ values.name }}'\n")
    plant(skeleton)
    files = render_tree(skeleton, {"values": {"name": "orders"}})
    assert sorted(f.path for f in files) == sorted(KEPT)


def test_fetch_plain_leaves_litter_out(tmp_path: Path) -> None:
    golden = tmp_path / "golden"
    (golden / "docs").mkdir(parents=True)
    (golden / "docs" / "index.md").write_text("# docs\n")
    plant(golden / "docs")
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = golden
    out = load_registry().action("fetch:plain").run(ctx, {"url": "./docs", "targetPath": "site"})
    assert out.files == ["site/index.md"]
    assert sorted(p.name for p in (tmp_path / "ws").rglob("*")) == ["index.md", "site"]


def test_cookiecutter_output_leaves_litter_out(tmp_path: Path) -> None:
    """cookiecutter copies everything in the project folder, compiled files included."""
    folder = tmp_path / "tpl"
    project = folder / "{{cookiecutter.name}}"
    (project / "src").mkdir(parents=True)
    (folder / "cookiecutter.json").write_text(json.dumps({"name": "ledger"}))
    (project / "src" / "app.py").write_text("NAME = '{{ cookiecutter.name }}'\n")
    plant(project)
    ctx = make_ctx(tmp_path / "ws")
    ctx.template_dir = folder
    out = load_registry().action("fetch:cookiecutter").run(ctx, {})
    assert out.files == ["src/app.py"]
    assert not [p for p in ctx.workspace.rglob("*") if is_litter(p.relative_to(ctx.workspace).as_posix())]


def test_copier_output_leaves_litter_out_even_with_its_own_exclude(tmp_path: Path) -> None:
    """A copier template's `_exclude` replaces copier's defaults (which leave out `__pycache__`)."""
    folder = tmp_path / "tpl"
    (folder / "src").mkdir(parents=True)
    (folder / "copier.yml").write_text("_exclude: [copier.yml]\nname: ledger\n")
    (folder / "src" / "app.py.jinja").write_text("NAME = '{{ name }}'\n")
    plant(folder)
    ctx = make_ctx(tmp_path / "ws", name="tpl")
    ctx.template_dir = folder
    out = load_registry().action("fetch:copier").run(ctx, {})
    assert not [f for f in out.files if is_litter(f)]
    assert "src/app.py" in out.files
