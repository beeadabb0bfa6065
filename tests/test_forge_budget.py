"""The shared write budget: its state is one file under SCAFFOLD_HOME, so separate processes see one
pause and one spacing of writes; a write refused by a rate limit is retried, never dropped or
done twice."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from scaffolder.errors import RateLimited
from scaffolder.forge_budget import ForgeBudget

KEY = "github:http://example.test:abc"

# Another process: take 3 write turns on the same budget, print when each write ran and how long
# this process waited in all.
WRITER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from scaffolder.forge_budget import ForgeBudget

    budget = ForgeBudget(sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]))
    times = [budget.write(time.time) for _ in range(3)]
    print(json.dumps({"times": times, "waited": budget.waited()}))
    """
)


def writer(folder: Path, interval: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, KEY, str(folder), str(interval)], stdout=subprocess.PIPE, text=True
    )


def result(proc: subprocess.Popen[str]) -> dict[str, list[float] | float]:
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    data: dict[str, list[float] | float] = json.loads(out)
    return data


def test_a_pause_set_by_one_process_holds_the_others(tmp_path: Path) -> None:
    budget = ForgeBudget(KEY, tmp_path)
    until = time.time() + 1.5
    budget.pause(until, "the forge asked to retry after 2s")
    other = result(writer(tmp_path, 0.0))
    times = other["times"]
    assert isinstance(times, list) and min(times) >= until  # nobody wrote before the pause ended
    assert float(other["waited"]) > 0  # type: ignore[arg-type]


def test_writes_of_several_processes_are_spaced_by_the_interval(tmp_path: Path) -> None:
    procs = [writer(tmp_path, 0.2) for _ in range(2)]
    times = sorted(t for p in procs for t in result(p)["times"])  # type: ignore[union-attr]
    assert len(times) == 6
    assert all(b - a >= 0.19 for a, b in itertools.pairwise(times))


def test_a_rate_limited_write_is_retried_after_the_pause_not_dropped(tmp_path: Path) -> None:
    budget = ForgeBudget(KEY, tmp_path)
    tries: list[float] = []

    def storm() -> str:  # five refusals in a row, then it goes through
        tries.append(time.time())
        if len(tries) <= 5:
            raise RateLimited("cannot open a pull request: rate limit", time.time() + 0.1)
        return "done"

    assert budget.write(storm) == "done"
    assert len(tries) == 6
    assert budget.waited() > 0
    assert budget.paused_until()[1] == "cannot open a pull request: rate limit"


def test_a_write_that_went_through_despite_the_refusal_is_not_done_twice(tmp_path: Path) -> None:
    budget = ForgeBudget(KEY, tmp_path)
    opened: list[int] = []

    def open_pr() -> int:  # the PR is made, but the answer is a rate limit (a lost reply)
        opened.append(len(opened) + 1)
        raise RateLimited("cannot open a pull request: rate limit", time.time() + 0.1)

    assert budget.write(open_pr, check=lambda: opened[-1] if opened else None) == 1
    assert opened == [1]


def test_a_write_that_would_wait_too_long_raises(tmp_path: Path) -> None:
    budget = ForgeBudget(KEY, tmp_path, max_wait=5)

    def refused() -> None:
        raise RateLimited("cannot push: rate limit", time.time() + 3600)

    with pytest.raises(RateLimited):
        budget.write(refused)


def test_the_forges_signals_pause_everyone(tmp_path: Path) -> None:
    budget = ForgeBudget(KEY, tmp_path, reserve=10)
    now = time.time()
    budget.observe(200, {"x-ratelimit-remaining": "4000", "x-ratelimit-reset": str(int(now) + 60)})
    assert budget.paused_until()[0] == 0  # plenty left: nobody waits
    budget.observe(200, {"X-RateLimit-Remaining": "3", "X-RateLimit-Reset": str(int(now) + 60)})
    until, why = budget.paused_until()
    assert until == int(now) + 61 and "3 requests left" in why
    later = ForgeBudget(KEY, tmp_path)  # another process's view: the same file
    later.observe(429, {"Retry-After": "120"})
    assert later.paused_until()[0] >= now + 120
