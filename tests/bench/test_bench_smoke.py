"""The benchmark suite runs (bench/run.py with a tiny template, no peers, one run): a smoke test,
never a timing assertion."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCAFFOLD = Path(sys.executable).parent / "scaffold"


def test_the_suite_runs_and_checks_what_it_times(tmp_path: Path) -> None:
    assert SCAFFOLD.exists(), f"the scaffold console script is missing: pip install -e . (looked at {SCAFFOLD})"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--scaffold-bin",
            str(SCAFFOLD),
            "--no-peers",
            "--sizes",
            "tiny",
            "--templates",
            "jinja",
            "--campaign-runs",
            "1",
            "--repos",
            "1",
            "2",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(tmp_path / "results"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    [result] = (tmp_path / "results").glob("*.json")
    data = json.loads(result.read_text())
    ops = {(r["op"], r["tool"], r["variant"]) for r in data["results"]}
    assert {
        ("render", "scaffold", ""),
        ("e2e", "scaffold", ""),
        ("upgrade", "scaffold", ""),
        ("campaign", "scaffold", ""),
    } <= ops
    # the variants: output on disk, and a fresh home with the golden path in a git library
    assert {
        ("render", "scaffold", "on disk"),
        ("render", "scaffold", "fresh home"),
        ("e2e", "scaffold", "fresh home"),
        ("upgrade", "scaffold", "on disk"),
        ("upgrade", "scaffold", "fresh home"),
    } <= ops
    assert all(not r["note"] for r in data["results"])  # every output was checked and right
    assert data["machine"]["nproc"] and data["settings"]["runs"] == 1
    text = result.with_suffix(".md").read_text()
    assert "| create, render only | 12 files, Jinja-heavy | scaffold (fresh home) |" in text
