"""Time a migration campaign over N repos on the embedded forge (backend-service 1.0.0 -> 2.0.0).

    python bench/campaign.py --repos 50 200 [--concurrency 2]

Creates the fleet in a temporary SCAFFOLD_HOME (not timed), then runs `scaffold migrate` as a
separate process per fleet size and reports wall time, time per repo and peak RSS of that
process. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_fleet(home: Path, count: int) -> None:
    os.environ["SCAFFOLD_HOME"] = str(home)
    from scaffolder import config, create
    from scaffolder.runner import Runner

    settings = config.load()
    runner = Runner(config.open_forge(settings), config.open_catalog(settings))
    for i in range(count):
        [item] = create.prepare(
            "backend-service@1.0.0", [{"name": f"svc-{i:04d}", "owner": "group:payments"}], settings
        )
        runner.start(item.template, item.library, item.answers, settings.runs_dir, settings.profile)


def migrate(home: Path, concurrency: int) -> dict[str, object]:
    env = {**os.environ, "SCAFFOLD_HOME": str(home)}
    began = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "scaffolder", "migrate", "backend-service", "--concurrency", str(concurrency),
         "-o", "json"],
        env=env, capture_output=True, text=True, check=False,
    )
    wall = time.perf_counter() - began
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = json.loads(proc.stdout.splitlines()[-1]) if proc.stdout.strip() else {"error": proc.stderr[-500:]}
    return {"wall_s": round(wall, 2), "peak_rss_mb_max_child": round(rss_kb / 1024, 1), "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, nargs="+", default=[50])
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    for count in args.repos:
        with tempfile.TemporaryDirectory(prefix="scaffold-bench-") as tmp:
            home = Path(tmp)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--_make", str(home), str(count)], check=True)
            made = time.perf_counter() - t0
            result = migrate(home, args.concurrency)
            result.update(repos=count, concurrency=args.concurrency, setup_s=round(made, 1))
            result["per_repo_s"] = round(float(result["wall_s"]) / count, 3)  # type: ignore[arg-type]
            print(json.dumps(result, sort_keys=True), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--_make":
        make_fleet(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
