"""The generated workflow's own scripts, run as GitHub's runner would run them (bash -eo pipefail, the
step's env, `${{ }}` expanded), against the embedded forge: each matrix shard's step, then the
report step over what the shards handed in (download-artifact's merge-multiple layout)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.conftest import Invoke

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
SHARDS = 2


def expand(text: str, values: dict[str, str]) -> str:
    """`${{ expr }}` replaced by its value; an expression the test does not know fails the test."""

    def one(match: re.Match[str]) -> str:
        assert match.group(1) in values, f"the workflow uses ${{{{ {match.group(1)} }}}}, unknown to this runner"
        return values[match.group(1)]

    return EXPRESSION.sub(one, text)


def run_step(
    step: dict[str, Any], workspace: Path, values: dict[str, str], **env: str
) -> subprocess.CompletedProcess[str]:
    """One `run:` step the way GitHub runs a `shell: bash` step."""
    assert step["shell"] == "bash"
    step_env = {k: expand(str(v), values) for k, v in (step.get("env") or {}).items()}
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step["run"], values)],
        cwd=workspace,
        env={**os.environ, **step_env, **env, "PATH": path},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def workspace(invoke: Invoke, library: Path, tmp_path: Path) -> Path:
    """A checkout holding scaffold's config (a `ci` profile on the embedded forge) and a fleet of 5 repos."""
    for name in ("alpha", "beta", "gamma", "delta", "omega"):
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")
    ws = tmp_path / "workspace"
    (ws / "ci").mkdir(parents=True)
    (ws / "ci" / "scaffold.toml").write_text('[profiles.ci.forge]\nkind = "local"\n')
    return ws


def test_the_generated_steps_migrate_every_shard_and_report_the_fleet(
    invoke: Invoke, workspace: Path, tmp_path: Path
) -> None:
    text = invoke(
        "ci",
        "migrate-workflow",
        "mini",
        "--shards",
        str(SHARDS),
        "--profile",
        "ci",
        "--config",
        "ci/scaffold.toml",
        "--migrate-arg=--to",  # more arguments of scaffold migrate reach it
        "--migrate-arg=2.0.0",
    ).stdout
    jobs = yaml.safe_load(text)["jobs"]
    migrate_step = next(s for s in jobs["migrate"]["steps"] if "scaffold migrate" in s.get("run", ""))
    report_step = next(s for s in jobs["report"]["steps"] if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    values = {
        "inputs.version": "",
        "inputs.dry_run": "false",
        "secrets.SCAFFOLD_BOT_TOKEN": "unused-by-the-embedded-forge",
        "github.workspace": str(workspace),
    }
    for shard in range(1, SHARDS + 1):
        proc = run_step(migrate_step, workspace, {**values, "matrix.shard": str(shard)})
        assert proc.returncode == 0, proc.stderr
    handed_in = sorted(workspace.glob("outcomes-*.jsonl"))
    assert [p.name for p in handed_in] == [f"outcomes-{i}.jsonl" for i in range(1, SHARDS + 1)]

    runner = tmp_path / "report-job"  # a fresh runner: only the downloaded artifacts
    (runner / "outcomes").mkdir(parents=True)
    for path in handed_in:
        shutil.copy(path, runner / "outcomes" / path.name)
    summary = runner / "summary.md"
    proc = run_step(report_step, runner, values, GITHUB_STEP_SUMMARY=str(summary))
    assert proc.returncode == 0, proc.stderr
    assert summary.read_text().startswith("## scaffold migrate: mini → 2.0.0\n")
    assert "**5 repos** (2 of 2 shards, 2 file(s))" in summary.read_text() and "| opened | 5 |" in summary.read_text()
    assert '"total": 5' in (runner / "fleet-report.json").read_text()

    (runner / "outcomes" / "outcomes-2.jsonl").unlink()  # a shard that never handed in its outcomes
    summary.write_text("")
    proc = run_step(report_step, runner, values, GITHUB_STEP_SUMMARY=str(summary))
    assert proc.returncode == 1 and "shard 2/2: no outcome file covers it" in proc.stderr
    assert summary.read_text().startswith("## scaffold migrate mini: no fleet report\n\n```\nerror: cannot report")
    assert "shard 2/2: no outcome file covers it" in summary.read_text()


def test_the_job_s_pods_run_their_container_as_written_and_cover_the_fleet_once(
    invoke: Invoke, workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each pod: the manifest's args and literal env, plus the JOB_COMPLETION_INDEX Kubernetes sets."""
    shards = 3
    args = ["--shards", str(shards), "--image", "scaffold:dev", "--migrate-arg=--trust"]
    doc = yaml.safe_load(invoke("ci", "migrate-job", "mini", *args).stdout)
    assert doc["spec"]["template"]["spec"]["containers"][0]["args"][-1] == "--trust"
    (container,) = doc["spec"]["template"]["spec"]["containers"]
    literal = {e["name"]: e["value"] for e in container["env"] if "value" in e}
    files = []
    for index in range(doc["spec"]["completions"]):
        with monkeypatch.context() as pod:
            for name, value in literal.items():
                pod.setenv(name, str(tmp_path) if name in ("HOME", "TMPDIR") else value)
            pod.setenv("JOB_COMPLETION_INDEX", str(index))
            out = invoke(*container["args"]).stdout  # what `kubectl logs` of this pod shows (--quiet: JSON only)
        files.append(tmp_path / f"outcomes-{index}.jsonl")
        files[-1].write_text(out)
    report = yaml.safe_load(invoke("migrate", "report", "--shards", str(shards), "-o", "json", *map(str, files)).stdout)
    assert report["total"] == 5 and report["summary"] == {"opened": 5} and report["shards_seen"] == [1, 2, 3]
    assert report["superseded"] == 0  # no repo in two shards
