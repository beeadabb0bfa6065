"""Byte-exact renders: line endings (CRLF, CR, mixed) and a missing final newline kept as the skeleton
has them, with and without template syntax, in both dialects; exec bits kept; binaries verbatim.
End to end (`new --into`, git, `upgrade`): tests/cli/test_bytes.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.render import Delimiters, render_tree

CONTEXT = {"values": {"name": "orders", "list": ["a", "b"], "on": True}}
DIALECTS = ["jinja", "nunjucks"]
PLAIN = Delimiters()
# LF templates exercising what Jinja does around line breaks: text, variables, blocks, loops,
# comments, whitespace control on both sides, and no final newline.
TEMPLATES = {
    "plain.txt": "line one\nline two\n",
    "variable.txt": "name: {{ values.name }}\nnext\n",
    "block.txt": "{% if values.on %}\non\n{% endif %}\nafter\n",
    "loop.txt": "{% for i in values.list %}\n- {{ i }}\n{% endfor %}\nend\n",
    "comment.txt": "{# a note #}\ntext\n",
    "strip_left.txt": "a\n  \n{%- if values.on %}\nb\n{% endif %}\n",
    "strip_right.txt": "{% if values.on -%}\n\n  b\n{%- endif %}\nc\n",
    "indented.txt": "x:\n    {% if values.on %}\n    y\n    {% endif %}\nz\n",
    "no_final_newline.txt": "first\n{{ values.name }}",
    "no_final_newline_block.txt": "first\n{% if values.on %}last{% endif %}",
}


def make(root: Path, files: dict[str, bytes]) -> Path:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)
    return root


def render(tmp_path: Path, files: dict[str, bytes], dialect: str, delimiters: Delimiters = PLAIN) -> dict[str, bytes]:
    src = make(tmp_path / f"skeleton-{len(list(tmp_path.iterdir()))}", files)
    return {f.path: f.content for f in render_tree(src, CONTEXT, dialect=dialect, delimiters=delimiters)}  # type: ignore[arg-type]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("blocks", [Delimiters(), Delimiters(trim_blocks=True, lstrip_blocks=True)], ids=["", "trim"])
@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_a_file_with_one_line_ending_renders_with_it(
    tmp_path: Path, dialect: str, blocks: Delimiters, ending: str
) -> None:
    """The render of a CRLF (or CR) file is the LF file's render with that ending for every line
    break the template's own text holds: trim and lstrip blocks, `-` included."""
    lf = render(tmp_path, {k: v.encode() for k, v in TEMPLATES.items()}, dialect, blocks)
    other = render(tmp_path, {k: v.replace("\n", ending).encode() for k, v in TEMPLATES.items()}, dialect, blocks)
    assert other == {k: v.replace(b"\n", ending.encode()) for k, v in lf.items()}
    assert other["no_final_newline.txt"] == f"first{ending}orders".encode()
    assert other["plain.txt"] == f"line one{ending}line two{ending}".encode()


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("blocks", [Delimiters(), Delimiters(trim_blocks=True, lstrip_blocks=True)], ids=["", "trim"])
def test_mixed_line_endings_are_kept_line_by_line(tmp_path: Path, dialect: str, blocks: Delimiters) -> None:
    """Each line keeps its own ending; line breaks the template removes go with their endings, so
    the render is the LF render once endings are ignored."""
    mixed = {}
    for rel, text in TEMPLATES.items():
        lines = text.split("\n")
        mixed[rel] = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines[:-1])) + lines[-1]
    lf = render(tmp_path, {k: v.encode() for k, v in TEMPLATES.items()}, dialect, blocks)
    out = render(tmp_path, {k: v.encode() for k, v in mixed.items()}, dialect, blocks)
    assert {k: v.replace(b"\r\n", b"\n") for k, v in out.items()} == lf
    assert out["plain.txt"] == b"line one\nline two\r\n"
    assert out["variable.txt"] == b"name: orders\nnext\r\n"
    assert b"\r\r" not in b"".join(out.values()) and all(b"\r" not in v.replace(b"\r\n", b"") for v in out.values())


@pytest.mark.parametrize("dialect", DIALECTS)
def test_final_newlines_exec_bits_and_binaries_are_kept(tmp_path: Path, dialect: str) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR{{ values.name }}\r\n"
    latin1 = "caf\xe9 {{ values.name }}\r\n".encode("latin-1")  # not UTF-8: copied as it is
    src = make(
        tmp_path / "skeleton",
        {
            "run.sh": b"#!/bin/sh\r\necho {{ values.name }}\r\n",
            "bare": b"{{ values.name }}",
            "one.txt": b"{{ values.name }}\n",
            "two.txt": b"{{ values.name }}\n\n",
            "logo.png": png,
            "old.txt": latin1,
        },
    )
    (src / "run.sh").chmod(0o755)
    (src / "bare").chmod(0o750)
    files = {f.path: f for f in render_tree(src, CONTEXT, dialect=dialect)}  # type: ignore[arg-type]
    assert files["run.sh"].content == b"#!/bin/sh\r\necho orders\r\n" and files["run.sh"].mode == 0o755
    assert files["bare"].content == b"orders" and files["bare"].mode == 0o750
    assert (files["one.txt"].content, files["two.txt"].content) == (b"orders\n", b"orders\n\n")
    assert files["logo.png"].content == png and files["old.txt"].content == latin1
