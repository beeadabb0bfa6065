"""Results: the machine, the side-by-side table with ratios, the targets; as JSON and Markdown.

A ratio is given two ways: of the medians (the peer's median over scaffold's), and per round
(the peer's time over scaffold's in the same interleaved round: median, min and max). Rounds run
every tool within seconds of each other, so a per-round ratio cancels most of what other work on
a shared machine does to both; a target is judged on the median of the per-round ratios."""

from __future__ import annotations

import os
import platform
import statistics
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
RATIO_TARGETS = [
    ("render", "cookiecutter", 4.0),
    ("render", "copier", 10.0),
    ("upgrade", "cruft", 5.0),
    ("upgrade", "copier", 15.0),
    ("render", "jinja2 floor", 1.0),  # issue 18: scaffold's Jinja path at least as fast as plain jinja2
]
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
    ratios: dict[str, float] | None = None  # of_medians, round_median, round_min, round_max

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "measured": self.measured,
            "met": self.met,
            "detail": self.detail,
            "ratios": self.ratios,
        }


@dataclass(frozen=True)
class Ratio:
    """How many times faster scaffold's row is than a peer's row timed in the same rounds."""

    of_medians: float
    rounds: tuple[float, ...]  # the peer's time over scaffold's, round by round

    @property
    def median(self) -> float:
        return statistics.median(self.rounds)

    def text(self) -> str:
        if len(self.rounds) < 2:
            return f"{self.of_medians:.1f}x"
        return f"{self.median:.1f}x ({min(self.rounds):.1f}-{max(self.rounds):.1f}x; of medians {self.of_medians:.1f}x)"

    def to_json(self) -> dict[str, float]:
        return {
            "of_medians": round(self.of_medians, 2),
            "round_median": round(self.median, 2),
            "round_min": round(min(self.rounds), 2),
            "round_max": round(max(self.rounds), 2),
        }


def ratio(mine: Row, theirs: Row) -> Ratio:
    """The peer's time over scaffold's: of the medians and per round (sample i of both rows ran in
    round i of the same interleaved measurement)."""
    rounds = tuple(t.seconds / m.seconds for m, t in zip(mine.timing.samples, theirs.timing.samples, strict=False))
    return Ratio(theirs.timing.median / mine.timing.median, rounds or (theirs.timing.median / mine.timing.median,))


def peer_row(rows: Iterable[Row], mine: Row, peer: str) -> Row | None:
    """The peer's row to set against scaffold's: the same size and variant (cookiecutter's fresh
    home against scaffold's), else the peer's only run of that size."""
    found = _find(rows, mine.op, peer, mine.size)
    same = [r for r in found if r.variant == mine.variant]
    plain = [r for r in found if not r.variant]
    return (same or plain or [None])[0]


def _find(rows: Iterable[Row], op: str, tool: str, size: str | None = None, label: str | None = None) -> list[Row]:
    return [
        r
        for r in rows
        if r.op == op
        and r.tool == tool
        and (size is None or r.size == size)
        and (label is None or r.timing.label == label)
    ]


def verdicts(rows: list[Row]) -> list[Verdict]:
    out = []
    for op, peer, factor in RATIO_TARGETS:
        scaffold_rows = _find(rows, op, "scaffold")
        if not scaffold_rows:
            out.append(Verdict(f"{OPS[op]}: >= {factor:g}x faster than {peer}", "not measured", None))
        for mine in scaffold_rows:
            theirs = peer_row(rows, mine, peer)
            variant = f" ({mine.variant})" if mine.variant else ""
            target = f"{OPS[op]}, {mine.size}{variant}: >= {factor:g}x faster than {peer}"
            if theirs is None:
                out.append(Verdict(target, "not measured (no peers)", None))
                continue
            r = ratio(mine, theirs)
            met = r.median >= factor
            detail = (
                ""
                if met
                else (
                    f"scaffold would need {mine.timing.median * r.median / factor:.3f} s "
                    f"instead of {mine.timing.median:.3f} s"
                )
            )
            out.append(Verdict(target, r.text(), met, detail, r.to_json()))
    helps = _find(rows, "startup", "scaffold", label="scaffold --help")
    cc = _find(rows, "startup", "cookiecutter")
    if helps and cc:
        share = helps[0].timing.median / cc[0].timing.median
        out.append(
            Verdict(
                f"`scaffold --help` <= {STARTUP_TARGET}x the time of `cookiecutter --version`",
                f"{share:.2f}x",
                share <= STARTUP_TARGET,
                f"{helps[0].timing.median * 1000:.0f} ms vs {cc[0].timing.median * 1000:.0f} ms",
            )
        )
    camps = sorted(_find(rows, "campaign", "scaffold"), key=lambda r: int(r.size.split()[0]))
    big = [r for r in camps if r.size == "200 repos"]
    if big:
        t = big[0].timing
        out.append(
            Verdict(
                f"campaign, 200 repos: under {CAMPAIGN_WALL_S:g} s", f"{t.median:.1f} s", t.median < CAMPAIGN_WALL_S
            )
        )
    else:
        out.append(Verdict(f"campaign, 200 repos: under {CAMPAIGN_WALL_S:g} s", "not measured (no 200-repo run)", None))
    if camps:
        top = max(r.timing.rss_mb for r in camps)
        out.append(Verdict(f"campaign: peak RSS under {CAMPAIGN_RSS_MB:g} MB", f"{top:.0f} MB", top < CAMPAIGN_RSS_MB))
    if len(camps) >= 2:
        small, large = camps[0], camps[-1]
        n_small, n_large = int(small.size.split()[0]), int(large.size.split()[0])
        rss = large.timing.rss_mb / small.timing.rss_mb
        out.append(
            Verdict(
                f"campaign: peak RSS flat in N ({n_large} vs {n_small} repos, at most {FLAT}x)",
                f"{rss:.2f}x",
                rss <= FLAT,
                f"{small.timing.rss_mb:.0f} MB -> {large.timing.rss_mb:.0f} MB",
            )
        )
        per_small, per_large = small.timing.median / n_small, large.timing.median / n_large
        growth = per_large / per_small
        out.append(
            Verdict(
                f"campaign: time linear in N (time per repo at {n_large} vs {n_small} repos, at most {FLAT}x)",
                f"{growth:.2f}x",
                growth <= FLAT,
                f"{per_small:.3f} s -> {per_large:.3f} s per repo",
            )
        )
    return out


def _s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(rows: list[Row]) -> str:
    lines = [
        "| operation | size | tool | command | median | min-max | peak RSS | scaffold (plain run) vs this, per round |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    order = {op: i for i, op in enumerate(OPS)}
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.op, row.size), []).append(row)
    for (op, size), group in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        mine = [r for r in group if r.tool == "scaffold" and not r.variant]
        base = mine[0] if mine and op not in ("startup", "list", "floor") else None
        if op == "startup":
            base = next((r for r in mine if r.timing.label == "scaffold --help"), None)
        for row in group:
            t = row.timing
            text = ""
            if base and row.tool != "scaffold":
                r = ratio(base, row) if op != "startup" else Ratio(t.median / base.timing.median, ())
                text = f"**{r.text()} faster**" if r.of_medians >= 1 else f"{1 / r.of_medians:.1f}x slower"
            if op == "campaign":
                text = f"{t.median / int(size.split()[0]):.3f} s per repo"
            note = f" ⚠ {t.note}" if t.note else ""
            lines.append(
                f"| {OPS[op]} | {size} | {row.name} | `{t.label}` | {_s(t.median)} | {_s(t.low)}-{_s(t.high)} "
                f"| {t.rss_mb:.0f} MB | {text}{note} |"
            )
    return "\n".join(lines)


def matrix(rows: list[Row]) -> str:
    """Every scaffold variant against every ratio target: the per-round median (min-max), met or not."""
    heads = [f"{OPS[op].split(',')[0]} vs {peer} (>= {factor:g}x)" for op, peer, factor in RATIO_TARGETS]
    lines = ["| size | scaffold run | " + " | ".join(heads) + " |", "| --- | --- |" + " ---: |" * len(heads)]
    keys = sorted(
        {(r.size, r.variant) for r in rows if r.tool == "scaffold" and r.op in ("render", "upgrade")},
        key=lambda k: (int(k[0].split()[0]), k[0], ["", "on disk", "fresh home"].index(k[1])),
    )
    for size, variant in keys:
        cells = []
        for op, peer, factor in RATIO_TARGETS:
            mine = [r for r in rows if (r.op, r.tool, r.size, r.variant) == (op, "scaffold", size, variant)]
            theirs = peer_row(rows, mine[0], peer) if mine else None
            if not mine or theirs is None:
                cells.append("-")
                continue
            r = ratio(mine[0], theirs)
            mark = "met" if r.median >= factor else "**missed**"
            span = f" ({min(r.rounds):.1f}-{max(r.rounds):.1f})" if len(r.rounds) > 1 else ""
            cells.append(f"{r.median:.1f}x{span} {mark}")
        lines.append(f"| {size} | {variant or 'as by hand'} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict_table(items: list[Verdict]) -> str:
    lines = ["| target | measured | result |", "| --- | ---: | --- |"]
    for v in items:
        mark = {True: "met", False: "**missed**", None: "not measured"}[v.met]
        lines.append(f"| {v.target} | {v.measured} | {mark}{': ' + v.detail if v.detail else ''} |")
    return "\n".join(lines)


def markdown(info: dict[str, Any], settings: dict[str, Any], rows: list[Row], items: list[Verdict]) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    return "\n".join(
        [
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
            "Per-round ratios: the median over the rounds (the lowest and highest round in brackets).",
            "",
            matrix(rows),
            "",
            verdict_table(items),
            "",
        ]
    )
