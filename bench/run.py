"""Benchmarks of scaffold side by side with cookiecutter, cruft and copier, in one run.

    python bench/run.py            # the full suite: 300 and 3000 files, plain and Jinja-heavy, campaigns
    python bench/run.py --quick    # a few minutes: 300 files, 10 and 40 repos, fewer runs

It installs scaffold from this working tree (pip, not editable: byte-compiled as users get it)
and the peers from PyPI into venvs under `bench/.work/`, generates one synthetic template in the
three formats (`bench/synth.py`), times every operation (`bench/suite.py`: warm-up, then
measured runs, each a fresh process: median, min-max, peak RSS), checks every tool's output,
prints the table of ratios and the targets, and writes both as JSON and Markdown to
`bench/results/`. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import envs
import report
import startup
import suite

OPS = ("render", "e2e", "upgrade", "startup", "campaign")


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="300 files only, 10 and 40 repos, 2 runs (a few minutes)")
    p.add_argument("--sizes", nargs="+", choices=sorted(suite.synth.SHAPES), help="template sizes (files)")
    p.add_argument(
        "--templates",
        nargs="+",
        choices=suite.synth.TEMPLATES,
        default=list(suite.synth.TEMPLATES),
        help="the plain synthetic template, the Jinja-heavy one, or both (default)",
    )
    p.add_argument("--repos", nargs="+", type=int, help="campaign fleet sizes")
    p.add_argument("--runs", type=int, help="measured runs per command (default 5, quick 2; 3000 files: 3)")
    p.add_argument("--warmup", type=int, default=1, help="warm-up runs per command, not measured")
    p.add_argument("--campaign-runs", type=int, help="runs per campaign size (default 3, quick 2)")
    p.add_argument("--only", type=lambda s: s.split(","), default=list(OPS), help=f"comma-separated: {','.join(OPS)}")
    p.add_argument("--no-peers", action="store_true", help="time scaffold alone (no cookiecutter, cruft, copier)")
    p.add_argument("--skip", nargs="+", default=[], metavar="TOOL", help="leave these peers out (e.g. copier)")
    p.add_argument("--scaffold-ref", metavar="REF", help="install scaffold from this commit instead of the work tree")
    p.add_argument("--scaffold-bin", type=Path, metavar="PATH", help="use this scaffold executable as it is")
    p.add_argument("--work", type=Path, default=envs.WORK / "run", help="scratch folder (emptied first)")
    p.add_argument("--out", type=Path, default=envs.ROOT / "bench" / "results", help="where results go")
    p.add_argument("--no-save", action="store_true", help="print only; write no results")
    args = p.parse_args(argv)
    args.sizes = args.sizes or (["300"] if args.quick else ["300", "3000"])
    args.repos = args.repos or ([10, 40] if args.quick else [50, 200])
    args.campaign_runs = args.campaign_runs or (2 if args.quick else 3)
    unknown = set(args.only) - set(OPS)
    if unknown:
        p.error(f"unknown --only {sorted(unknown)}; choose from {', '.join(OPS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    began = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f}s] {text}", file=sys.stderr, flush=True)

    if args.scaffold_ref:
        args.scaffold_ref = envs.resolve(args.scaffold_ref)[:12]
    if args.scaffold_bin:
        scaffold = args.scaffold_bin.resolve() if args.scaffold_bin.parent != Path() else args.scaffold_bin
        tools = envs.Tools(scaffold, scaffold.parent / "python")
    else:
        log(f"installing scaffold from {args.scaffold_ref or 'the working tree'} into bench/.work/")
        tools = envs.Tools(*envs.install_scaffold(args.scaffold_ref))
    if not args.no_peers:
        log("installing the peers (cookiecutter, copier, cruft) into bench/.work/peers if missing")
        peers = envs.install_peers()
        tools = envs.Tools(
            tools.scaffold, tools.scaffold_python, peers["cookiecutter"], peers["copier"], peers["cruft"]
        )
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    quick_runs = 2 if args.quick else 5
    startup_runs = args.runs or (5 if args.quick else 10)
    cfg = suite.Config(args.work, tools, args.runs or quick_runs, args.warmup, startup_runs, not args.no_peers, log)
    cfg.skip = frozenset(args.skip)
    rows: list[suite.Row] = []

    def record(new: list[suite.Row]) -> None:
        for row in new:
            t = row.timing
            log(
                f"  {row.op:<9} {row.size:<10} {row.name:<26} {t.median:8.3f} s  [{t.low:.3f}-{t.high:.3f}]  "
                f"{t.rss_mb:5.0f} MB  {t.note}"
            )
        rows.extend(new)
        # what is measured so far, samples and all, in case a long run is stopped before the end
        partial = json.dumps([r.to_json() for r in rows], indent=1)
        (args.work / "rows-so-far.json").write_text(partial + "\n", encoding="utf-8")

    library = None
    for size, template in [(size, template) for size in args.sizes for template in args.templates]:
        if not {"render", "e2e", "upgrade", "startup"} & set(args.only):
            break
        log(f"templates of {size} files ({template}) in three formats, and a git library")
        templates = suite.make_templates(cfg, size, template)
        library = library or templates.library
        big = size == "3000" and not args.runs
        size_cfg = suite.Config(args.work, tools, 3 if big else cfg.runs, cfg.warmup, cfg.startup_runs, cfg.peers, log)
        size_cfg.skip = cfg.skip
        label = templates.shape.label
        for op in ("render", "e2e", "upgrade"):
            if op in args.only:
                log(f"{op}, {label}")
                record([_relabel(r, label) for r in getattr(suite, op)(size_cfg, f"{size}-{template}", templates)])
    if "startup" in args.only:
        log("start-up and scaffold list")
        if library is None:
            library = suite.make_templates(cfg, args.sizes[0]).library
        record(startup.startup(cfg, library))
    if "campaign" in args.only:
        import campaign

        log(f"campaigns over {', '.join(map(str, args.repos))} repos")
        record(campaign.campaign(cfg, sorted(args.repos), args.campaign_runs))

    info = report.machine(envs.ROOT, envs.versions(tools), tools.scaffold_python, args.scaffold_ref)
    settings = {
        "command": shlex.join(["python", "bench/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "runs": cfg.runs,
        "warmup": cfg.warmup,
        "startup_runs": cfg.startup_runs,
        "campaign_runs": args.campaign_runs,
        "sizes": args.sizes,
        "templates": args.templates,
        "repos": args.repos,
        "quick": args.quick,
        "peers": not args.no_peers,
        "skip": args.skip,
        "seconds": round(time.perf_counter() - began, 1),
    }
    items = report.verdicts(rows)
    text = report.markdown(info, settings, rows, items)
    print(text)
    if not args.no_save:
        args.out.mkdir(parents=True, exist_ok=True)
        kind = ("quick" if args.quick else "full") + (f"-at-{args.scaffold_ref}" if args.scaffold_ref else "")
        stem = args.out / f"{time.strftime('%Y-%m-%dT%H%M')}-{kind}"
        data = {
            "machine": info,
            "settings": settings,
            "results": [r.to_json() for r in rows],
            "targets": [v.to_json() for v in items],
        }
        stem.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        stem.with_suffix(".md").write_text(text, encoding="utf-8")
        log(f"wrote {stem}.json and .md")
    log(f"done in {time.perf_counter() - began:.0f} s")
    return 1 if any(r.timing.note for r in rows) else 0


def _relabel(row: suite.Row, label: str) -> suite.Row:
    row.size = label
    return row


if __name__ == "__main__":
    sys.exit(main())
