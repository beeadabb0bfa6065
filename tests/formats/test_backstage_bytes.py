"""Line endings in a Backstage skeleton, rendered by scaffold and by Backstage's own engine: CRLF
with whitespace control, mixed endings and a missing final newline come out byte for byte alike."""

from __future__ import annotations

from pathlib import Path

from tests.formats.test_backstage_native import assert_same, render_both
from tests.servers.backstage_engine import BackstageEngine

SKELETON = {
    "crlf.txt": b"name: ${{ values.name }}\r\n{% if values.name %}\r\nset\r\n{% endif %}\r\nend\r\n",
    "strip.txt": b"a\r\n  \r\n{%- if values.name %}\r\nb\r\n{%- endif %}\r\n"
    b"{% if values.name -%}\r\n\r\n  c\r\n{% endif %}\r\n",
    "mixed.txt": b"one\r\n${{ values.name }}\ntwo\r\n{% if values.name %}\nthree\r\n{% endif %}\r\nfour\n",
    "cr.txt": b"old\r${{ values.name }}\rmac\r",
    "bare.txt": b"no final newline: ${{ values.name }}",
    "bare_block.txt": b"first\r\n{% if values.name %}last{% endif %}",
}


def _endings(source: Path) -> None:
    for rel, content in SKELETON.items():
        (source / "skeleton" / rel).write_bytes(content)


def test_line_endings_and_final_newlines_as_backstage_renders_them(
    backstage_engine: BackstageEngine, tmp_path: Path
) -> None:
    ours, theirs = render_both(backstage_engine, tmp_path, "bytes", {"name": "svc"}, _endings)
    assert theirs["crlf.txt"][1] == b"name: svc\r\n\r\nset\r\n\r\nend\r\n"
    assert theirs["bare.txt"][1] == b"no final newline: svc"
    assert_same(ours, theirs)
