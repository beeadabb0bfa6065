"""Fleet scale: finding a golden path's repos on a 2,000-repo organisation, and `migrate status` over them.

    python bench/fleet_scale.py discovery [--repos 2000] [--fleet 200 2000]   # GitHub API calls, catalog vs scan
    python bench/fleet_scale.py status [--repos 200 1000 2000]                # migrate status from the catalog
    python bench/fleet_scale.py campaign [--repos 200 1000 2000] [--unshared] # one process vs two shard processes

Run with scaffold's environment (`.venv/bin/python bench/fleet_scale.py ...`); it is a measurement,
never a test (docs/performance.md, "Fleet scale").

`discovery` starts the spec-checked GitHub server of the test suite (`tests/servers/github_api.py`,
every request validated against GitHub's OpenAPI description) with an organisation of `--repos`
repositories, of which `--fleet` were made from the golden path `svc`. Creating 2,000 real bare
repos would take minutes, so the server holds them cheaply: every repo entry is a symlink to one of
two real bare repos (one with a record naming `svc`, one without). The SQLite catalog lists the
fleet's entities, annotated as `catalog:write` annotates them. It then finds the fleet twice through
scaffold's GitHub forge (PyGithub), once by scanning the organisation and once through the
catalog, and counts the requests the server answered for each.

`status` builds `--repos` repos on the embedded forge (copies of one real repo made by `scaffold
new`, each registered in the SQLite catalog) and times `scaffold migrate status NAME --discover
catalog -o json` as its own process: wall time and peak RSS.

`campaign` builds the same fleet and times `scaffold migrate backend-service --concurrency 2`
(1.0.0 to 2.0.0) as one process, then as two shard processes at once on a fresh copy: wall time,
time per repo, CPU seconds (git's included), the largest peak RSS, the load average when it
began. Every copy records the same answers, so the campaign renders each version once
(scaffolder/upgrade/renders.py); `--unshared` renders both versions for every repo, as a fleet
whose repos all differ in their answers would.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOLDEN = "svc"
RECORD = """\
apiVersion: scaffold/v1
kind: Record
template: {name: svc, version: 1.0.0, source: builtin}
answers: {name: seed}
run_id: bench
created_at: '2026-12-01T00:00:00+00:00'
files: {}
"""


def _entity(owner: str, name: str, web: str) -> dict[str, Any]:
    """A Component as `catalog:write` describes one made from `svc` on GitHub."""
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {
            "name": name,
            "annotations": {
                "backstage.io/source-location": f"url:{web}/{owner}/{name}/tree/main/",
                "backstage.io/source-template": f"template:default/{GOLDEN}",
                "github.com/project-slug": f"{owner}/{name}",
                "scaffold.dev/template": GOLDEN,
                "scaffold.dev/template-version": "1.0.0",
            },
        },
        "spec": {"type": "service", "lifecycle": "production", "owner": "group:platform"},
    }


def _org(server: Any, repos: int, fleet: int) -> list[str]:
    """`repos` repo entries on the server, the first `fleet` of them made from `svc` (symlinked seeds)."""
    server.add_org("acme")
    seeds = {}
    for kind, files in (
        ("made", {".scaffold/record.yaml": RECORD, "README.md": "x\n"}),
        ("other", {"README.md": "y\n"}),
    ):
        server.add_repo("acme", f"seed-{kind}")
        server.commit_files("acme", f"seed-{kind}", "main", files, message="seed")
        seeds[kind] = server.bare_path("acme", f"seed-{kind}")
    real_init = server.git.init_repo
    names = [f"repo-{i:05d}" for i in range(repos)]
    try:
        for i, name in enumerate(names):
            seed = seeds["made" if i < fleet else "other"]
            server.git.init_repo = lambda owner, repo, branch="main", seed=seed: _link(server, owner, repo, seed)
            server.add_repo("acme", name)
    finally:
        server.git.init_repo = real_init
    with server._lock:  # the seeds are not part of the organisation being measured
        for kind in seeds:
            del server.repos[("acme", f"seed-{kind}")]
    return names[:fleet]


def _link(server: Any, owner: str, name: str, seed: Path) -> Path:
    path = server.git.repo_path(owner, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(seed, target_is_directory=True)
    return path


def discovery(repos: int, fleets: list[int]) -> list[dict[str, Any]]:
    """Forge API requests to find the fleet: a scan of the organisation vs a catalog query."""
    from scaffolder import discovery as disc
    from scaffolder.catalogs.sqlite import SqliteCatalog
    from scaffolder.forges.github import GitHubForge
    from tests.servers.github_api import GitHubServer

    rows = []
    for fleet in fleets:
        with tempfile.TemporaryDirectory(prefix="fleet-scale-") as tmp, GitHubServer(Path(tmp) / "gh") as server:
            members = _org(server, repos, fleet)
            catalog = SqliteCatalog(Path(tmp) / "catalog.db")
            web = server.git_url.rstrip("/")
            for name in members:
                catalog.register(_entity("acme", name, web), f"{web}/acme/{name}/blob/main/catalog-info.yaml")
            forge = GitHubForge(token=server.token, owner="acme", base_url=server.base_url, min_write_interval=0.01)
            for how, light in (("forge", False), ("catalog", True), ("catalog", False)):
                before, began = len(server.calls()), time.perf_counter()
                found = disc.find(forge, GOLDEN, catalog=catalog, discover=how, light=light)  # type: ignore[arg-type]
                seconds = time.perf_counter() - began
                calls = server.calls()[before:]
                listing = sum(1 for c in calls if c.path.startswith("/orgs/"))
                ok = sum(1 for t in found.targets if t.record is not None)
                assert ok == fleet, f"{how}: found {ok} of {fleet}"
                rows.append(
                    {
                        "repos": repos,
                        "fleet": fleet,
                        "discovery": how,
                        "for": "both" if how == "forge" else "status" if light else "migrate",
                        "requests": len(calls),
                        "listing": listing,
                        "per_repo": len(calls) - listing,
                        "seconds": round(seconds, 1),
                        "found": ok,
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
    return rows


def _seed_home(home: Path) -> tuple[Path, dict[str, Any]]:
    """One real repo made by `scaffold new` (the `mini`-like built-in website golden path)."""
    env = {**os.environ, "SCAFFOLD_HOME": str(home), "SCAFFOLD_CONFIG": str(home / "config.toml")}
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").touch()
    subprocess.run(
        [sys.executable, "-m", "scaffolder", "new", "backend-service@1.0.0", "--no-input", "-q",
         "--set", "name=seed", "--set", "owner=group:payments"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    from scaffolder.catalogs.sqlite import SqliteCatalog

    entity = SqliteCatalog(home / "catalog.db").get("component:default/seed")
    assert entity is not None
    return home / "forge" / "local" / "seed.git", entity


def _fleet_home(home: Path, seed: Path, entity: dict[str, Any], size: int) -> dict[str, str]:
    """A fresh SCAFFOLD_HOME whose embedded forge holds `size` copies of the seed repo, each in the
    SQLite catalog; the environment that points scaffold at it."""
    from scaffolder.catalogs.sqlite import SqliteCatalog

    shutil.rmtree(home, ignore_errors=True)
    (home / "forge" / "local").mkdir(parents=True)
    (home / "config.toml").touch()
    catalog = SqliteCatalog(home / "catalog.db")
    for i in range(size):
        name = f"svc-{i:05d}"
        bare = home / "forge" / "local" / f"{name}.git"
        shutil.copytree(seed, bare, copy_function=os.link)  # git replaces files, never rewrites one: links are safe
        body = json.loads(json.dumps(entity))
        body["metadata"]["name"] = name
        body["metadata"]["annotations"]["backstage.io/source-location"] = f"url:{bare.as_uri()}/tree/main/"
        catalog.register(body, f"{bare.as_uri()}#main:catalog-info.yaml")
    return {**os.environ, "SCAFFOLD_HOME": str(home), "SCAFFOLD_CONFIG": str(home / "config.toml")}


CPU = 0.0  # CPU seconds (user + system) of the last `_run`'s processes and every process they ran


def _run(commands: list[list[str]], env: dict[str, str], out: Path) -> tuple[float, float, list[str]]:
    """Run the commands at once; wall seconds, the largest peak RSS of any of them (MB), their stdouts.
    Their CPU seconds, git's included, are left in `CPU` (the machine's load inflates them far less
    than the wall time)."""
    global CPU
    began = time.perf_counter()
    procs = []
    for n, command in enumerate(commands):
        with out.with_suffix(f".{n}.out").open("wb") as stdout:
            procs.append(subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.DEVNULL))
    peak, CPU = 0.0, 0.0
    for proc in procs:
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0
        peak = max(peak, usage.ru_maxrss / 1024)
        CPU += usage.ru_utime + usage.ru_stime
    seconds = time.perf_counter() - began
    texts = [out.with_suffix(f".{n}.out").read_text() for n in range(len(commands))]
    return seconds, peak, texts


def _load() -> float:
    """The machine's load average over the last minute (the machine may be shared: say so)."""
    return round(os.getloadavg()[0], 1)


# `python -m scaffolder`, or the same with every render made afresh (nothing shared between repos,
# as in a fleet where no two repos were made with the same answers).
SCAFFOLD = [sys.executable, "-m", "scaffolder"]
UNSHARED = [
    sys.executable,
    "-c",
    "import runpy, sys; from scaffolder.upgrade import renders; renders.KEEP = 0; "
    "sys.argv[0] = 'scaffold'; runpy.run_module('scaffolder', run_name='__main__')",
]


def status(sizes: list[int]) -> list[dict[str, Any]]:
    """`scaffold migrate status --discover catalog` over N repos on the embedded forge, timed."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="fleet-status-") as tmp:
        seed, entity = _seed_home(Path(tmp) / "seed")
        for size in sizes:
            env = _fleet_home(Path(tmp) / "home", seed, entity, size)
            command = [*SCAFFOLD, "migrate", "status", "backend-service"]
            load = _load()
            seconds, rss, [text] = _run([[*command, "--discover", "catalog", "-o", "json"]], env, Path(tmp) / "st")
            found = len(json.loads(text)["repos"]) if text.strip() else -1
            rows.append({"repos": size, "seconds": round(seconds, 2), "cpu_s": round(CPU, 2), "peak_rss_mb": round(rss),
                         "found": found, "load": load})  # fmt: skip
            print(json.dumps(rows[-1]), flush=True)
    return rows


def campaign(sizes: list[int], processes: tuple[int, ...] = (1, 2), shared: bool = True) -> list[dict[str, Any]]:
    """`scaffold migrate backend-service` (1.0.0 to 2.0.0) over N repos: one process, then two shard
    processes at once (`--shard 1/2`, `--shard 2/2`), each on a fresh copy of the fleet. Every copy
    has the same answers, so the campaign renders each version once; `shared=False` renders both
    for every repo, as a fleet whose repos all differ in their answers would."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="fleet-campaign-") as tmp:
        seed, entity = _seed_home(Path(tmp) / "seed")
        for size in sizes:
            for shards in processes:
                env = _fleet_home(Path(tmp) / "home", seed, entity, size)
                base = [*(SCAFFOLD if shared else UNSHARED), "migrate", "backend-service", "--concurrency", "2"]
                commands = [
                    [*base, "-o", "json", *(["--shard", f"{i}/{shards}"] if shards > 1 else [])]
                    for i in range(1, shards + 1)
                ]
                load = _load()
                seconds, rss, texts = _run(commands, env, Path(tmp) / "run")
                opened = sum(text.count('"state": "opened"') for text in texts)
                row = {"repos": size, "processes": shards, "renders": "shared" if shared else "per repo",
                       "seconds": round(seconds, 1), "per_repo": round(seconds / size, 3), "cpu_s": round(CPU, 1),
                       "cpu_per_repo": round(CPU / size, 3), "peak_rss_mb": round(rss), "opened": opened,
                       "load": load}  # fmt: skip
                rows.append(row)
                print(json.dumps(row), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("part", choices=["discovery", "status", "campaign"])
    parser.add_argument("--repos", type=int, nargs="+", help="organisation size (discovery) or fleet sizes (status)")
    parser.add_argument("--fleet", type=int, nargs="+", default=[200, 2000], help="repos made from the golden path")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2], help="campaign: shard processes at once")
    parser.add_argument("--unshared", action="store_true", help="campaign: render both versions for every repo")
    args = parser.parse_args(argv)
    if args.part == "discovery":
        discovery((args.repos or [2000])[0], args.fleet)
    elif args.part == "status":
        status(args.repos or [200, 1000, 2000])
    else:
        campaign(args.repos or [200, 1000, 2000], tuple(args.processes), shared=not args.unshared)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
