"""Extract: CSV and JSON Lines in, plain dicts out."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ values.name | snake }}.extract import read_records


def test_reads_csv(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("order_id,amount\nA,1.50\nB,2\n", encoding="utf-8")
    assert list(read_records(source)) == [
        {"order_id": "A", "amount": "1.50"},
        {"order_id": "B", "amount": "2"},
    ]


def test_reads_json_lines_skipping_blank_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"order_id": "A", "amount": 1.5}\n\n{"order_id": "B"}\n', encoding="utf-8")
    assert list(read_records(source)) == [{"order_id": "A", "amount": 1.5}, {"order_id": "B"}]


def test_json_lines_must_hold_objects(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="in.jsonl:1"):
        list(read_records(source))


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported input"):
        list(read_records(tmp_path / "in.xlsx"))
