"""Workflows shown in the docs are valid against GitHub's workflow schema, like generated ones."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"```yaml\n(# \.github/workflows/.*?)```", re.S)
WORKFLOWS = [
    (doc.name, i, text) for doc in sorted(DOCS.glob("*.md")) for i, text in enumerate(BLOCK.findall(doc.read_text()))
]


def test_the_docs_show_at_least_one_workflow() -> None:
    assert WORKFLOWS


@pytest.mark.parametrize(("doc", "index", "text"), WORKFLOWS, ids=[f"{d}#{i}" for d, i, _ in WORKFLOWS])
def test_documented_workflow_is_valid(doc: str, index: int, text: str, tmp_path: Path) -> None:
    workflow = tmp_path / "workflow.yml"
    workflow.write_text(text)
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.github-workflows", str(workflow)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
