"""Faults mid-run: whatever fails and whenever the process dies, `scaffold resume` (or rerunning
a campaign) ends with exactly one repo, one catalog entry, one PR per repo, and nothing lost."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import scaffolder.registry
from scaffolder import config, git
from scaffolder.action import AnyAction
from scaffolder.errors import CatalogError, ForgeError
from scaffolder.registry import load_registry
from tests.cli.conftest import Invoke, as_json
from tests.security.attack import NATIVE_STEPS

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


@dataclasses.dataclass(frozen=True)
class _Installed:
    """An entry point of the `scaffold.actions` group, as a plugin distribution declares one."""

    name: str
    action: AnyAction
    value: str = "tests.security.test_faults:faulty"
    dist: None = None

    def load(self) -> AnyAction:
        return self.action


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[AnyAction], None]]:
    """Install an action in place of the built-in with its id, the way a plugin distribution would
    (pluggy's fake distributions): the CLI then loads it through the entry-point group."""
    installed = scaffolder.registry.entry_points

    def put(action: AnyAction) -> None:
        name = action.id.replace(":", "-")
        eps = [_Installed(name, action) if ep.name == name else ep for ep in installed(group=scaffolder.registry.GROUP)]
        monkeypatch.setattr(scaffolder.registry, "entry_points", lambda group: eps)
        load_registry.cache_clear()

    yield put
    load_registry.cache_clear()


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
    return stderr.split("scaffold resume ")[1].split(")")[0].split()[0].strip(" ,;")


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
    install: Callable[[AnyAction], None],
) -> None:
    real = load_registry().action(action_id)

    def failing(ctx: Any, inp: Any) -> Any:
        if when == "after":
            real.handler(ctx, inp)  # the side effect happened; the process then fails
        raise FAULTS[fault]()

    install(dataclasses.replace(real, handler=failing))
    failed = invoke(*NEW, "-o", "json", code=1)
    assert "Traceback" not in failed.stderr and f"step {step}" in failed.stderr
    install(real)
    publish = [s for s, _ in STEPS].index("publish")
    index = [s for s, _ in STEPS].index(step)
    if index < publish or (index == publish and when == "before"):
        # Nothing outside the run folder was touched: no folder, no resume hint, run it again.
        assert "nothing was created" in failed.stderr and "scaffold resume" not in failed.stderr
        assert as_json(failed)["run_id"] is None and as_json(failed)["created"] == {}
        assert as_json(invoke("runs", "-o", "json")) == []
        invoke(*NEW)
    else:
        run_id = run_id_from(failed.stderr)
        error = as_json(failed)
        assert error["run_id"] == run_id and error["resume"] == f"scaffold resume {run_id}"
        assert error["created"]["repository"].endswith("orders-api.git")
        assert "created so far: repository " in failed.stderr
        [run] = as_json(invoke("runs", "-o", "json"))
        assert run["status"] == "failed" and run["created"] == error["created"]
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
    assert run["status"] == "interrupted" and f"pid {run['pid']}" in run["error"]  # the process died mid-run
    assert "interrupted" in invoke("runs").stdout
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


# The harness's native steps with a file-writing step after the repo is made (the disk fills there).
DISK_STEPS = NATIVE_STEPS.replace(
    "    - id: register\n",
    "    - id: assets\n      action: fetch:plain\n      input: {url: assets, targetPath: assets}\n    - id: register\n",
)
assert "id: assets" in DISK_STEPS
FSIZE_LIMIT = 256 * 1024
LIMITED = textwrap.dedent(
    """
    import resource, sys
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))   # no file may grow past this: a full disk
    from scaffolder.cli import main
    sys.argv = ["scaffold", *sys.argv[2:]]
    main()
    """
)


def new_with_a_full_disk(template: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", LIMITED, str(FSIZE_LIMIT), "new", str(template), "--no-input", "-q"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_a_disk_that_fills_after_the_repo_was_made_fails_the_run_and_resume_finishes_it(
    invoke: Invoke, scaffold_home: Path, tmp_path: Path
) -> None:
    from tests.security.attack import native_template, write

    template = native_template(tmp_path, {"README.md": "# {{ values.name }}\n"}, DISK_STEPS)
    write(template, {"assets/big.bin": os.urandom(2 * FSIZE_LIMIT)})
    full = new_with_a_full_disk(template)
    assert full.returncode == 1, full.stderr
    assert "Traceback" not in full.stderr and "step assets" in full.stderr
    assert "file system error" in full.stderr and "File too large" in full.stderr
    run_id = run_id_from(full.stderr)
    [run] = as_json(invoke("runs", "-o", "json"))
    assert run["run_id"] == run_id and run["status"] == "failed" and "File too large" in run["error"]
    assert run["created"]["repository"].endswith("victim-svc.git")

    invoke("resume", run_id, "--no-input", "-q")  # space is back
    forge = config.open_forge(config.load())
    assert [r.full_name for r in forge.list_repos()] == ["local/victim-svc"]
    assert [e["metadata"]["name"] for e in config.open_catalog(config.load()).list()] == ["victim-svc"]
    assert as_json(invoke("runs", "-o", "json"))[0]["status"] == "done"


@pytest.mark.parametrize("fmt", ["native", "backstage"])
def test_a_disk_full_before_any_side_effect_leaves_nothing(scene: Any, tmp_path: Path, fmt: str) -> None:
    from tests.security.attack import backstage_template, native_template

    skeleton: dict[str, str | bytes] = {"README.md": "hello\n", "big.bin": os.urandom(2 * FSIZE_LIMIT)}
    writer = native_template if fmt == "native" else backstage_template
    template = writer(tmp_path, skeleton)
    scene.snapshot()
    full = new_with_a_full_disk(template)
    assert full.returncode == 1, full.stderr
    assert "Traceback" not in full.stderr and "File too large" in full.stderr
    assert "nothing was created" in full.stderr and "scaffold resume" not in full.stderr
    scene.assert_harmless()


def write_run(runs: Path, run_id: str, **fields: Any) -> Path:
    info = {
        "run_id": run_id,
        "template": "mini",
        "version": "1.0.0",
        "template_path": "/nowhere",
        "library": "test",
        "answers": {},
        "secret_parameters": [],
        "started_at": "2026-01-01T00:00:00+00:00",
        "profile": "local",
        **fields,
    }
    (runs / run_id / "workspace").mkdir(parents=True)
    (runs / run_id / "run.json").write_text(json.dumps(info))
    return runs / run_id


def test_a_run_whose_process_is_gone_is_interrupted_and_a_live_one_cannot_be_resumed_twice(
    invoke: Invoke, scaffold_home: Path
) -> None:
    from scaffolder.runs import process_token

    runs = scaffold_home / "runs"
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        token = process_token(sleeper.pid)
        write_run(runs, "live", status="running", pid=sleeper.pid, host=socket.gethostname(), process=token)
        write_run(runs, "reused", status="running", pid=sleeper.pid, host=socket.gethostname(), process="other:1")
        states = {r["run_id"]: r["status"] for r in as_json(invoke("runs", "-o", "json"))}
        assert states == {"live": "running", "reused": "interrupted"}  # a reused pid is not mistaken for the run
        refused = invoke("resume", "live", "--no-input", "-o", "json", code=1)
        assert "still running" in refused.stderr and as_json(refused)["error"] == "RunError"
    finally:
        sleeper.kill()
        sleeper.wait()
    assert {r["status"] for r in as_json(invoke("runs", "-o", "json"))} == {"interrupted"}


def test_broken_run_folders_are_listed_named_by_resume_and_removable(invoke: Invoke, scaffold_home: Path) -> None:
    runs = scaffold_home / "runs"
    (runs / "20260101-000000-mini-aaaaaa").mkdir(parents=True)
    (runs / "20260101-000000-mini-aaaaaa" / "run.tmp").write_text('{"run_id": ')  # killed mid-save
    (runs / "20260101-000001-mini-bbbbbb").mkdir()
    (runs / "20260101-000001-mini-bbbbbb" / "run.json").write_text("{broken")
    (runs / "20260101-000002-mini-cccccc").mkdir()
    (runs / "20260101-000002-mini-cccccc" / "run.json").write_text('["not", "a", "run"]')
    write_run(runs, "20260101-000003-mini-dddddd", status="failed", error="the forge was down")

    listed = {r["run_id"]: r for r in as_json(invoke("runs", "-o", "json"))}
    assert [r["status"] for r in listed.values()] == ["broken", "broken", "broken", "failed"]
    assert "no run.json (it holds run.tmp)" in listed["20260101-000000-mini-aaaaaa"]["error"]
    assert "unreadable" in listed["20260101-000001-mini-bbbbbb"]["error"]
    text = invoke("runs").stdout
    assert text.count("broken") == 3 and "20260101-000000-mini-aaaaaa" in text

    refused = invoke("resume", "20260101-000000-mini-aaaaaa", "--no-input", "-o", "json", code=1)
    assert "Traceback" not in refused.stderr
    assert "is broken" in refused.stderr and "scaffold runs rm 20260101-000000-mini-aaaaaa" in refused.stderr

    removed = as_json(invoke("runs", "rm", "20260101-000001-mini-bbbbbb", "-o", "json"))
    assert [r["run_id"] for r in removed["removed"]] == ["20260101-000001-mini-bbbbbb"]
    assert "no such run" in invoke("runs", "rm", "nope", code=1).stderr
    pruned = as_json(invoke("runs", "prune", "-o", "json"))
    assert sorted(r["run_id"] for r in pruned["removed"]) == [
        "20260101-000000-mini-aaaaaa",
        "20260101-000002-mini-cccccc",
    ]
    assert [r["run_id"] for r in as_json(invoke("runs", "-o", "json"))] == ["20260101-000003-mini-dddddd"]
    assert "removed run 20260101-000003-mini-dddddd (failed)" in invoke("runs", "prune", "--status", "failed").stdout
    assert as_json(invoke("runs", "-o", "json")) == []
    for args in (("runs", "--help"), ("runs", "rm", "--help"), ("runs", "prune", "--help")):
        assert "Usage:" in invoke(*args).stdout
