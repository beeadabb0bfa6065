"""A migration campaign over N repos on the embedded forge (backend-service 1.0.0 -> 2.0.0).

    python bench/campaign.py --repos 50 200      # the same as: python bench/run.py --only campaign --repos 50 200

The fleet (the largest N) is created once with scaffold's library in one process (not timed);
each N then gets a fresh home holding its first N repos, and `scaffold migrate backend-service
--concurrency 2` runs as its own process: wall time, time per repo and that process's peak RSS.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from measure import measure
from suite import Config, Row

TEMPLATE = "backend-service"


def make_fleet(home: Path, count: int) -> None:
    """`count` repos made from backend-service 1.0.0 (runs inside scaffold's environment)."""
    os.environ["SCAFFOLD_HOME"] = str(home)
    from scaffolder import config, create
    from scaffolder.runner import Runner

    settings = config.load()
    runner = Runner(config.open_forge(settings), config.open_catalog(settings))
    for i in range(count):
        [item] = create.prepare(f"{TEMPLATE}@1.0.0", [{"name": f"svc-{i:04d}", "owner": "group:payments"}], settings)
        runner.start(item.template, item.library, item.answers, settings.runs_dir, settings.profile, ref=item.ref)


def _repo_names(count: int) -> list[str]:
    return [f"svc-{i:04d}" for i in range(count)]


def campaign(cfg: Config, counts: list[int], runs: int = 1) -> list[Row]:
    fleet = cfg.work / "fleet"
    shutil.rmtree(fleet, ignore_errors=True)
    top = max(counts)
    cfg.log(f"  making a fleet of {top} repos from {TEMPLATE} 1.0.0 (not timed)")
    subprocess.run(
        [str(cfg.tools.scaffold_python), __file__, "--_make", str(fleet), str(top)],
        env=cfg.with_env(SCAFFOLD_HOME=str(fleet)),
        check=True,
    )
    rows = []
    for count in counts:
        home = cfg.work / f"campaign-{count}"
        env = cfg.with_env(SCAFFOLD_HOME=str(home))

        def prepare(i: int, home: Path = home, count: int = count) -> None:
            shutil.rmtree(home, ignore_errors=True)
            for name in _repo_names(count):
                shutil.copytree(fleet / "forge" / "local" / f"{name}.git", home / "forge" / "local" / f"{name}.git")

        def check(env: dict[str, str] = env, count: int = count) -> str | None:
            done = subprocess.run(
                [str(cfg.tools.scaffold), "migrate", "status", TEMPLATE, "-o", "json"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            prs = json.loads(done.stdout).get("pull_requests", {}) if done.stdout.strip() else {}
            return None if prs == {"open": count} else f"WRONG RESULT: pull requests {prs}, expected {count} open"

        timing = measure(
            f"scaffold migrate {TEMPLATE} --concurrency 2",
            [str(cfg.tools.scaffold), "migrate", TEMPLATE, "--concurrency", "2", "-o", "json"],
            env,
            runs=runs,
            warmup=0,
            prepare=prepare,
            check=check,
        )
        rows.append(Row("campaign", f"{count} repos", "scaffold", timing))
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--_make":
        make_fleet(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        import run

        run.main(["--only", "campaign", *sys.argv[1:]])
