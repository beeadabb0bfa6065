"""`scaffold runs`: a run whose process is gone is `interrupted`, the table names the service,
and `runs prune [--older-than]` removes finished runs' folders, never a running one."""

from __future__ import annotations

import json
import socket
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Invoke, as_json

NEW = ["new", "backend-service", "--no-input", "--set", "name=orders-api", "--set", "owner=group:payments"]


def _edit(run: Path, **fields: Any) -> None:
    info = json.loads((run / "run.json").read_text())
    (run / "run.json").write_text(json.dumps({**info, **fields}))


def _gone_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_killed_run_is_interrupted_and_the_table_names_the_service(invoke: Invoke, scaffold_home: Path) -> None:
    run_id = as_json(invoke(*NEW, "-o", "json"))["run_id"]
    _edit(scaffold_home / "runs" / run_id, status="running", pid=_gone_pid(), host=socket.gethostname(), process="x")
    [run] = as_json(invoke("runs", "-o", "json"))
    assert run["status"] == "interrupted" and "is gone" in run["error"] and run["service"] == "orders-api"
    header, row = invoke("runs").stdout.splitlines()
    assert header.split() == ["RUN", "SERVICE", "GOLDEN", "PATH", "STATUS", "ERROR"]
    assert row.split()[:4] == [run_id, "orders-api", "backend-service@2.1.0", "interrupted"]
    assert "dead" not in invoke("runs", "--help").stdout


def test_prune_removes_finished_runs_older_than_asked_never_running_ones(
    invoke: Invoke, scaffold_home: Path, tmp_path: Path
) -> None:
    runs = scaffold_home / "runs"
    values = tmp_path / "services.yaml"
    values.write_text("".join(f"- {{name: {n}-api, owner: 'group:payments'}}\n" for n in ("old", "new", "bad", "busy")))
    ids = {
        r["service"]: r["run_id"]
        for r in as_json(invoke("new", "backend-service", "-f", str(values), "-o", "json"))["results"]
    }
    week_ago = (datetime.now(UTC) - timedelta(days=8)).isoformat()
    _edit(runs / ids["old-api"], started_at=week_ago)
    _edit(runs / ids["bad-api"], started_at=week_ago, status="failed", error="the forge was down")
    _edit(runs / ids["busy-api"], started_at=week_ago, status="running", pid=None)

    assert (
        as_json(invoke("runs", "prune", "--older-than", "1w", "-o", "json"))["removed"][0]["run_id"] == ids["old-api"]
    )
    assert not (runs / ids["old-api"]).exists() and (runs / ids["new-api"] / "workspace").is_dir()
    assert invoke("runs", "prune", "--older-than", "1d").stdout.strip() == "no run to remove"
    removed = as_json(invoke("runs", "prune", "--status", "failed", "--status", "done", "-o", "json"))["removed"]
    assert sorted(r["service"] for r in removed) == ["bad-api", "new-api"]
    assert [r["status"] for r in as_json(invoke("runs", "-o", "json"))] == ["running"]  # running is never pruned


@pytest.mark.parametrize("duration", ["7", "d", "1y", "-1d", "1d 2h"])
def test_prune_refuses_a_duration_it_cannot_read(invoke: Invoke, duration: str) -> None:
    result = invoke("runs", "prune", "--older-than", duration, code=2)
    assert "is not a duration" in result.stderr and "7d or 12h" in result.stderr


def test_durations() -> None:
    from scaffolder.runs import parse_duration

    assert [parse_duration(d) for d in ("30s", "30m", "12h", "7d", "1w2d")] == [30, 1800, 43200, 604800, 777600]
