"""Timing one command: warm-up runs, then measured runs, each a fresh process.

Wall time is taken around the process; peak RSS is the child's own `ru_maxrss` from `wait4`
(the largest resident set of the process and of the children it waited for, such as git), so
every run is measured alone. A `prepare` callable runs before each run, untimed (a fresh copy of
a repo to upgrade, an empty output folder).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


class CommandFailed(Exception):
    pass


@dataclass
class Sample:
    seconds: float
    rss_mb: float


@dataclass
class Timing:
    """The measured runs of one command (warm-up runs left out)."""

    label: str
    command: list[str]
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def low(self) -> float:
        return min(s.seconds for s in self.samples)

    @property
    def high(self) -> float:
        return max(s.seconds for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return max(s.rss_mb for s in self.samples)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            median_s=round(self.median, 4),
            min_s=round(self.low, 4),
            max_s=round(self.high, 4),
            peak_rss_mb=round(self.rss_mb, 1),
            runs=len(self.samples),
        )
        return data


TIME = Path("/usr/bin/time")  # GNU time


def run_once(
    command: Sequence[str], env: Mapping[str, str], cwd: Path | None = None, ok: Sequence[int] = (0,)
) -> Sample:
    """Run `command` once; returns its wall time and peak RSS. A status outside `ok` raises.

    The peak RSS comes from GNU time when it is installed: a child forked from this Python process
    would report at least this process's own RSS (Linux keeps the high-water mark across exec),
    while time's children start from time's few hundred KB.
    """
    with tempfile.NamedTemporaryFile(prefix="rss-", suffix=".txt") as rss_file:
        wrapped = [str(TIME), "-f", "%M", "-o", rss_file.name, *command] if TIME.exists() else list(command)
        began = time.perf_counter()
        proc = subprocess.Popen(
            wrapped, env=dict(env), cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        out = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - began
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.stdout:
            proc.stdout.close()
        rss_kb = float(usage.ru_maxrss)
        if TIME.exists():
            lines = Path(rss_file.name).read_text().split()
            rss_kb = float(lines[-1]) if lines and lines[-1].isdigit() else rss_kb
    if proc.returncode not in ok:
        tail = out.decode("utf-8", "replace").strip().splitlines()[-15:]
        raise CommandFailed(f"{' '.join(command)} exited {proc.returncode}:\n" + "\n".join(tail))
    return Sample(seconds, rss_kb / 1024)


@dataclass
class Job:
    """One command to time: `prepare(i)` runs before each run (untimed), `check()` after the last
    (a problem it finds in the command's result becomes the timing's note)."""

    label: str
    command: Sequence[str]
    env: Mapping[str, str]
    cwd: Path | None = None
    prepare: Callable[[int], None] | None = None
    check: Callable[[], str | None] | None = None
    ok: Sequence[int] = (0,)


def measure_all(jobs: Sequence[Job], *, runs: int, warmup: int = 1) -> list[Timing]:
    """Time several commands doing the same job side by side: the warm-up runs of each, then the
    measured runs interleaved (round i runs every job once, starting at a different job each
    round), so a machine that slows down for a while slows every tool alike."""
    timings = [Timing(job.label, list(job.command)) for job in jobs]
    for job in jobs:
        for i in range(warmup):
            if job.prepare:
                job.prepare(i)
            run_once(job.command, job.env, job.cwd, job.ok)
    for i in range(runs):
        for k in range(len(jobs)):
            index = (i + k) % len(jobs)
            job = jobs[index]
            if job.prepare:
                job.prepare(warmup + i)
            timings[index].samples.append(run_once(job.command, job.env, job.cwd, job.ok))
    for job, timing in zip(jobs, timings, strict=True):
        if job.check:
            timing.note = job.check() or ""
    return timings


def measure(
    label: str, command: Sequence[str], env: Mapping[str, str], *, runs: int, warmup: int = 1, **options: Any
) -> Timing:
    """One command alone (see `measure_all`)."""
    return measure_all([Job(label, command, env, **options)], runs=runs, warmup=warmup)[0]
