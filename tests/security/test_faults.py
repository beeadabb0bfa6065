"""Faults mid-run: whatever fails and whenever the process dies, `scaffold resume` (or rerunning
a campaign) ends with exactly one repo, one catalog entry, one PR per repo, and nothing lost."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffolder import config, git
from scaffolder.errors import CatalogError, ForgeError
from scaffolder.registry import registry
from tests.cli.conftest import Invoke, as_json

STEPS = [
    ("skeleton", "fetch:template"),
    ("catalog", "catalog:write"),
    ("ci", "ci:github-actions"),
    ("k8s", "kubernetes:manifests"),
    ("publish", "repo:create"),
    ("register", "catalog:register"),
]
NEW = [
    "new",
    "backend-service",
    "--no-input",
    "-q",
    "--set",
    "name=orders-api",
    "--set",
    "owner=group:payments",
    "--set",
    "replicas=3",
]
FAULTS: dict[str, Callable[[], Exception]] = {
    "forge-down": lambda: ForgeError("the forge at file:///x is unreachable (injected)"),
    "catalog-down": lambda: CatalogError("the catalog is unreachable (injected)"),
    "disk-full": lambda: OSError(errno.ENOSPC, "No space left on device", "/workspace/file"),
}


def assert_exactly_one(home: Path, tmp_path: Path) -> None:
    forge = config.open_forge(config.load())
    assert [r.full_name for r in forge.list_repos()] == ["local/orders-api"]
    assert [e["metadata"]["name"] for e in config.open_catalog(config.load()).list()] == ["orders-api"]
    repo = forge.list_repos()[0]
    record = yaml.safe_load(forge.read_file(repo, ".scaffold/record.yaml") or b"")
    assert record["answers"]["name"] == "orders-api" and record["answers"]["replicas"] == 3
    clone = forge.clone(repo, tmp_path / "check")
    log = subprocess.run(["git", "-C", str(clone), "log", "--format=%H"], capture_output=True, text=True, check=True)
    assert len(log.stdout.split()) == 1  # one commit: nothing pushed twice


def run_id_from(stderr: str) -> str:
    return stderr.split("scaffold resume ")[1].split(")")[0].split()[0].strip()


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize(("step", "action_id"), STEPS, ids=[s for s, _ in STEPS])
def test_a_fault_at_any_step_then_resume(
    invoke: Invoke,
    scaffold_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    action_id: str,
    fault: str,
    when: str,
) -> None:
    real = registry()[action_id]

    def failing(ctx: Any, inp: Any) -> Any:
        if when == "after":
            real.handler(ctx, inp)  # the side effect happened; the process then fails
        raise FAULTS[fault]()

    monkeypatch.setitem(registry(), action_id, dataclasses.replace(real, handler=failing))
    failed = invoke(*NEW, code=1)
    assert "Traceback" not in failed.stderr and f"step {step}" in failed.stderr
    monkeypatch.setitem(registry(), action_id, real)
    run_id = run_id_from(failed.stderr)
    assert as_json(invoke("runs", "-o", "json"))[0]["status"] == "failed"
    invoke("resume", run_id, "--no-input", "-q")
    assert_exactly_one(scaffold_home, tmp_path)


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from scaffolder import runs
    target, moment = os.environ["KILL_STEP"], os.environ["KILL_WHEN"]
    original = runs.Run.append
    def append(self, entry):
        if entry.step == target and moment == "before-journal":
            os.kill(os.getpid(), signal.SIGKILL)   # after the side effect, before the journal
        original(self, entry)
        if entry.step == target and moment == "after-journal":
            os.kill(os.getpid(), signal.SIGKILL)   # between two steps
    runs.Run.append = append
    from scaffolder.cli import main
    sys.argv = ["scaffold", *sys.argv[1:]]
    main()
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["after-journal", "before-journal"])
@pytest.mark.parametrize("step", [s for s, _ in STEPS])
def test_sigkill_between_steps_then_resume(
    invoke: Invoke, scaffold_home: Path, tmp_path: Path, step: str, moment: str
) -> None:
    env = {**os.environ, "KILL_STEP": step, "KILL_WHEN": moment}
    killed = subprocess.run([sys.executable, "-c", KILLER, *NEW], env=env, capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr
    [run] = as_json(invoke("runs", "-o", "json"))
    assert run["status"] == "running"  # the process died mid-run
    invoke("resume", run["run_id"], "--no-input", "-q")
    assert_exactly_one(scaffold_home, tmp_path)


CAMPAIGN_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from scaffolder import campaign
    original = campaign.migrate_repo
    count = {"n": 0}
    def migrate_repo(*args, **kwargs):
        count["n"] += 1
        if count["n"] == int(os.environ["KILL_AT"]):
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)
    campaign.migrate_repo = migrate_repo
    from scaffolder.cli import main
    sys.argv = ["scaffold", *sys.argv[1:]]
    main()
    """
)


def make_fleet(invoke: Invoke, names: list[str]) -> None:
    for name in names:
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")


def pr_counts() -> dict[str, int]:
    forge = config.open_forge(config.load())
    return {r.name: len(forge.pull_requests(r)) for r in forge.list_repos()}  # type: ignore[attr-defined]


@pytest.mark.slow
def test_a_campaign_killed_midway_then_rerun(invoke: Invoke, library: Path, tmp_path: Path) -> None:
    names = ["alpha", "beta", "gamma", "delta"]
    make_fleet(invoke, names)
    env = {**os.environ, "KILL_AT": "3"}
    killed = subprocess.run(
        [sys.executable, "-c", CAMPAIGN_KILLER, "migrate", "mini", "--concurrency", "1"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -9
    assert sum(pr_counts().values()) == 2  # two repos were done before the kill

    # a human commits on one bot branch before the rerun
    forge = config.open_forge(config.load())
    alpha = forge.get_repo("local", "alpha")
    assert alpha is not None
    work = forge.clone(alpha, tmp_path / "human", "scaffold/mini")
    (work / "HUMAN.md").write_text("mine\n")
    human = git.commit_all(work, "Human fix", "2026-11-01T00:00:00+00:00")
    forge.push(alpha, work, ["HEAD:refs/heads/scaffold/mini"])

    rerun = [json.loads(line) for line in invoke("migrate", "mini", "-o", "json").stdout.splitlines()]
    assert {o["repo"]: o["state"] for o in rerun[:-1]} == {
        "local/alpha": "edited-by-human",
        "local/beta": "up-to-date",
        "local/delta": "opened",
        "local/gamma": "opened",
    }
    assert pr_counts() == dict.fromkeys(names, 1)
    assert forge.head_sha(alpha, "scaffold/mini") == human  # the human's commit is still there


@pytest.mark.slow
def test_two_campaigns_at_once_open_one_pr_per_repo(invoke: Invoke, library: Path) -> None:
    names = [f"svc-{i}" for i in range(6)]
    make_fleet(invoke, names)
    command = [sys.executable, "-m", "scaffolder", "migrate", "mini", "--concurrency", "2", "-o", "json"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    for (stdout, stderr), proc in zip(outputs, (first, second), strict=True):
        assert proc.returncode == 0, stderr
        assert json.loads(stdout.splitlines()[-1])["total"] == 6
    assert pr_counts() == dict.fromkeys(names, 1)
