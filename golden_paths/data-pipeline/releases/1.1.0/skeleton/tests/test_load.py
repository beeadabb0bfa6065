"""Load: each output format, written atomically."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from {{ values.name | snake }}.__main__ import DEFAULT_OUTPUT
from {{ values.name | snake }}.load import render, write_rows

ROWS = [
    {"day": "2024-03-01", "region": "emea", "orders": 2, "revenue": "200.00"},
    {"day": "2024-03-02", "region": "amer", "orders": 1, "revenue": "0.30"},
]


def test_json_lines(tmp_path: Path) -> None:
    assert write_rows(ROWS, tmp_path / "out.jsonl") == 2
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == ROWS


def test_csv(tmp_path: Path) -> None:
    write_rows(ROWS, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == [{k: str(v) for k, v in r.items()} for r in ROWS]


def test_json_array(tmp_path: Path) -> None:
    write_rows(ROWS, tmp_path / "nested" / "out.json")
    text = (tmp_path / "nested" / "out.json").read_text(encoding="utf-8")
    assert json.loads(text) == ROWS
    assert text.startswith("[\n  {") and text.endswith("]\n")
    assert render([], ".json") == "[]\n"


def test_unsupported_suffix_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="use .jsonl, .csv or .json"):
        write_rows(ROWS, tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")

    def boom(src: str, dst: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_rows(ROWS, target)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temp file left behind


def test_default_output_format() -> None:
    assert DEFAULT_OUTPUT == "out/daily_totals.{{ values.output_format }}"
