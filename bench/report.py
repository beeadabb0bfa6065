"""Results: the machine, the side-by-side table with ratios, the targets; as JSON and Markdown."""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from suite import Row

OPS = {
    "render": "create, render only",
    "e2e": "create, end to end",
    "upgrade": "upgrade one repo",
    "startup": "start-up",
    "list": "`scaffold list`",
    "floor": "floor: interpreter and imports",
    "campaign": "campaign (`scaffold migrate`)",
}
# (op, peer, scaffold at least this many times faster)
RATIO_TARGETS = [("render", "cookiecutter", 4.0), ("render", "copier", 10.0), ("upgrade", "cruft", 5.0),
                 ("upgrade", "copier", 15.0)]
STARTUP_TARGET = 0.7  # scaffold --help / cookiecutter --version, at most
CAMPAIGN_WALL_S, CAMPAIGN_RSS_MB, FLAT = 60.0, 300.0, 1.25


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _mem_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1)
    except (ValueError, OSError):
        return None


def _out(cmd: list[str], cwd: Path | None = None) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def machine(root: Path, versions: dict[str, str], python: Path, ref: str | None = None) -> dict[str, Any]:
    commit = _out(["git", "rev-parse", "--short=12", ref or "HEAD"], root)
    dirty = ref is None and bool(_out(["git", "status", "--porcelain", "--untracked-files=no"], root))
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": _mem_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": _out([str(python), "-c", "import platform; print(platform.python_version())"]),
        "git": _out(["git", "--version"]).removeprefix("git version "),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "versions": versions,
    }


@dataclass
class Verdict:
    target: str
    measured: str
    met: bool | None  # None: not measured in this run
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "measured": self.measured, "met": self.met, "detail": self.detail}


def _find(rows: Iterable[Row], op: str, tool: str, size: str | None = None, label: str | None = None) -> list[Row]:
    return [
        r for r in rows
        if r.op == op and r.tool == tool and (size is None or r.size == size)
        and (label is None or r.timing.label == label)
    ]


def verdicts(rows: list[Row]) -> list[Verdict]:
    out = []
    for op, peer, factor in RATIO_TARGETS:
        scaffold_rows = _find(rows, op, "scaffold")
        if not scaffold_rows:
            out.append(Verdict(f"{OPS[op]}: >= {factor:g}x faster than {peer}", "not measured", None))
        for mine in scaffold_rows:
            theirs = _find(rows, op, peer, mine.size)
            target = f"{OPS[op]}, {mine.size}: >= {factor:g}x faster than {peer}"
            if not theirs:
                out.append(Verdict(target, "not measured (no peers)", None))
                continue
            ratio = theirs[0].timing.median / mine.timing.median
            met = ratio >= factor
            detail = "" if met else (
                f"{ratio:.1f}x of {factor:g}x; scaffold would need {mine.timing.median * ratio / factor:.3f} s "
                f"instead of {mine.timing.median:.3f} s"
            )
            out.append(Verdict(target, f"{ratio:.1f}x", met, detail))
    helps = _find(rows, "startup", "scaffold", label="scaffold --help")
    cc = _find(rows, "startup", "cookiecutter")
    if helps and cc:
        share = helps[0].timing.median / cc[0].timing.median
        out.append(Verdict(
            f"`scaffold --help` <= {STARTUP_TARGET}x the time of `cookiecutter --version`", f"{share:.2f}x",
            share <= STARTUP_TARGET,
            f"{helps[0].timing.median * 1000:.0f} ms vs {cc[0].timing.median * 1000:.0f} ms",
        ))
    camps = sorted(_find(rows, "campaign", "scaffold"), key=lambda r: int(r.size.split()[0]))
    big = [r for r in camps if r.size == "200 repos"]
    if big:
        t = big[0].timing
        out.append(Verdict(f"campaign, 200 repos: under {CAMPAIGN_WALL_S:g} s", f"{t.median:.1f} s",
                           t.median < CAMPAIGN_WALL_S))
    else:
        out.append(Verdict(f"campaign, 200 repos: under {CAMPAIGN_WALL_S:g} s", "not measured (no 200-repo run)", None))
    if camps:
        top = max(r.timing.rss_mb for r in camps)
        out.append(Verdict(f"campaign: peak RSS under {CAMPAIGN_RSS_MB:g} MB", f"{top:.0f} MB", top < CAMPAIGN_RSS_MB))
    if len(camps) >= 2:
        small, large = camps[0], camps[-1]
        n_small, n_large = int(small.size.split()[0]), int(large.size.split()[0])
        rss = large.timing.rss_mb / small.timing.rss_mb
        out.append(Verdict(
            f"campaign: peak RSS flat in N ({n_large} vs {n_small} repos, at most {FLAT}x)", f"{rss:.2f}x", rss <= FLAT,
            f"{small.timing.rss_mb:.0f} MB -> {large.timing.rss_mb:.0f} MB",
        ))
        per_small, per_large = small.timing.median / n_small, large.timing.median / n_large
        growth = per_large / per_small
        out.append(Verdict(
            f"campaign: time linear in N (time per repo at {n_large} vs {n_small} repos, at most {FLAT}x)",
            f"{growth:.2f}x", growth <= FLAT, f"{per_small:.3f} s -> {per_large:.3f} s per repo",
        ))
    return out


def _s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(rows: list[Row]) -> str:
    lines = [
        "| operation | size | tool | command | median | min-max | peak RSS | scaffold vs this |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    order = {op: i for i, op in enumerate(OPS)}
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.op, row.size), []).append(row)
    for (op, size), group in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        mine = [r for r in group if r.tool == "scaffold"]
        base = mine[0].timing.median if mine and op not in ("startup", "list", "floor") else None
        if op == "startup":
            help_rows = [r for r in mine if r.timing.label == "scaffold --help"]
            base = help_rows[0].timing.median if help_rows else None
        for row in group:
            t = row.timing
            ratio = ""
            if base and row.tool != "scaffold":
                ratio = f"**{t.median / base:.1f}x faster**" if t.median >= base else f"{base / t.median:.1f}x slower"
            if op == "campaign":
                ratio = f"{t.median / int(size.split()[0]):.3f} s per repo"
            note = f" ⚠ {t.note}" if t.note else ""
            lines.append(
                f"| {OPS[op]} | {size} | {row.tool} | `{t.label}` | {_s(t.median)} | {_s(t.low)}-{_s(t.high)} "
                f"| {t.rss_mb:.0f} MB | {ratio}{note} |"
            )
    return "\n".join(lines)


def verdict_table(items: list[Verdict]) -> str:
    lines = ["| target | measured | result |", "| --- | ---: | --- |"]
    for v in items:
        mark = {True: "met", False: "**missed**", None: "not measured"}[v.met]
        lines.append(f"| {v.target} | {v.measured} | {mark}{': ' + v.detail if v.detail else ''} |")
    return "\n".join(lines)


def markdown(info: dict[str, Any], settings: dict[str, Any], rows: list[Row], items: list[Verdict]) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    return "\n".join([
        f"# Benchmark results, {info['date']}",
        "",
        f"- Machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory_gb']} GB RAM, {info['os']}",
        f"- Python {info['python']}, git {info['git']}; scaffold at commit {info['commit']}",
        f"- Tools: {versions}",
        f"- Command: `{settings['command']}`; {settings['runs']} measured runs after {settings['warmup']} warm-up "
        f"(start-up: {settings['startup_runs']}; campaigns: {settings['campaign_runs']}), each a fresh process",
        "",
        "## Side by side",
        "",
        table(rows),
        "",
        "## Targets",
        "",
        verdict_table(items),
        "",
    ])
