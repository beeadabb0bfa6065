"""The whole pipeline and its command line, on the sample data shipped in data/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from {{ values.name | snake }} import PIPELINE_NAME
from {{ values.name | snake }}.__main__ import main
from {{ values.name | snake }}.pipeline import run

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sales.csv"


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_sample_data(tmp_path: Path) -> None:
    summary = run(SAMPLE, tmp_path / "out" / "daily.jsonl", tmp_path / "rejects.csv")
    assert (summary.read, summary.rejected) == (51, 5)
    rows = read_jsonl(tmp_path / "out" / "daily.jsonl")
    assert len(rows) == summary.written
    assert rows[0] == {"day": "2024-03-01", "orders": 1, "region": "apac", "revenue": "10.10"}
    assert rows[1] == {"day": "2024-03-01", "orders": 2, "region": "emea", "revenue": "200.00"}
    assert {"day": "2024-03-02", "orders": 2, "region": "amer", "revenue": "0.30"} in rows
    rejects = (tmp_path / "rejects.csv").read_text(encoding="utf-8").splitlines()
    assert rejects[0] == "record,reason"
    assert len(rejects) == 6


def test_rerun_gives_identical_output(tmp_path: Path) -> None:
    run(SAMPLE, tmp_path / "a.jsonl")
    run(SAMPLE, tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_csv_output(tmp_path: Path) -> None:
    run(SAMPLE, tmp_path / "daily.csv")
    lines = (tmp_path / "daily.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "day,region,orders,revenue"
    assert lines[1] == "2024-03-01,apac,1,10.10"


def test_command_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    target = tmp_path / "daily.jsonl"
    with caplog.at_level("INFO", logger=PIPELINE_NAME):
        assert main(["--input", str(SAMPLE), "--output", str(target)]) == 0
    assert target.exists()
    assert '"rejected": 5' in caplog.text


def test_too_many_rejects_fail_the_run(tmp_path: Path) -> None:
    args = ["--input", str(SAMPLE), "--output", str(tmp_path / "o.jsonl")]
    assert main([*args, "--max-reject-ratio", "0.05"]) == 1


def test_inputs_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_INPUT", str(SAMPLE))
    monkeypatch.setenv("PIPELINE_OUTPUT", str(tmp_path / "env.jsonl"))
    assert main([]) == 0
    assert (tmp_path / "env.jsonl").exists()
