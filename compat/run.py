"""The compatibility suite: real public templates rendered by scaffold and by their own tools, diffed byte for byte.

    python compat/run.py --snapshots /work/.mirror              # every template of compat/templates.yaml
    python compat/run.py --only copier-uv,django --jobs 2       # some of them
    python compat/run.py --write-docs                           # and write the table into docs/formats.md

Each entry of the manifest (compat/templates.yaml) names a repository, a commit or tag, the template's path
and format, and the answers both tools get. The snapshot of each repository (a git repository made with the
`fetch` tool, never copied into this repository) is cloned once under `compat/.work/src/` at that ref; then
scaffold runs `new` in batch mode on an embedded forge (the published repository is cloned) and the native tool
renders the same template (cookiecutter's and copier's APIs, Backstage's own engine), and the two trees are
compared: contents, exec bits and symlink targets, ignoring only scaffold's record files (compat/trees.py).
Copier entries with `upgrade_from`/`upgrade_to` also compare `scaffold upgrade` with `copier update`.
Not part of the test suite or of .ci/run: it needs the snapshots, which CI cannot fetch. See compat/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import compare
import manifest
import native
import report

ROOT = Path(__file__).resolve().parent.parent


def default_snapshots() -> Path:
    """$SCAFFOLD_COMPAT_SNAPSHOTS, else `compat/` under $SCAFFOLD_HOME (or scaffold's default home)."""
    if os.environ.get("SCAFFOLD_COMPAT_SNAPSHOTS"):
        return Path(os.environ["SCAFFOLD_COMPAT_SNAPSHOTS"])
    home = os.environ.get("SCAFFOLD_HOME") or str(Path.home() / ".local" / "share" / "scaffold")
    return Path(home) / "compat"


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--manifest", type=Path, default=ROOT / "compat" / "templates.yaml", help="the templates to run")
    p.add_argument(
        "--snapshots",
        type=Path,
        default=default_snapshots(),
        help="folder of repository snapshots named owner+name (default: $SCAFFOLD_COMPAT_SNAPSHOTS, "
        "else $SCAFFOLD_HOME/compat)",
    )
    p.add_argument("--work", type=Path, default=ROOT / "compat" / ".work", help="checkouts (kept) and runs (emptied)")
    p.add_argument(
        "--scaffold", type=Path, default=Path(sys.executable).parent / "scaffold", help="scaffold executable"
    )
    p.add_argument("--python", type=Path, default=Path(sys.executable), help="Python with cookiecutter and copier")
    p.add_argument("--render-js", type=Path, default=native.DEFAULT_RENDER_JS, help="Backstage's engine wrapper")
    p.add_argument("--jobs", type=int, default=2, help="templates run at once")
    p.add_argument("--timeout", type=float, default=300, help="seconds per tool per template")
    p.add_argument("--only", type=lambda s: s.split(","), help="comma-separated parts of ids to run")
    p.add_argument("--format", choices=manifest.FORMATS, help="only templates of this format")
    p.add_argument("--no-upgrades", action="store_true", help="skip the copier upgrade comparisons")
    p.add_argument(
        "--scaffold-set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an extra answer for scaffold only (diagnosis; the table is meant to be made without)",
    )
    p.add_argument("--keep", action="store_true", help="keep each run's trees under WORK/runs/ for inspection")
    p.add_argument("--output", choices=("text", "json"), default="text")
    p.add_argument("--write-docs", action="store_true", help="write the table between the compat markers of --docs")
    p.add_argument("--docs", type=Path, default=ROOT / "docs" / "formats.md", help="the page the table goes in")
    return p.parse_args(argv)


def jobs_of(args: argparse.Namespace, entries: list[manifest.Entry]) -> list[Callable[[], report.Row]]:
    """One job per comparison to make: each entry's `new`, and each copier upgrade."""
    chosen = [
        e
        for e in entries
        if (not args.only or any(part in e.id for part in args.only)) and (not args.format or e.format == args.format)
    ]
    cfg = compare.Config(
        args.snapshots,
        args.work,
        args.scaffold,
        args.python,
        args.render_js,
        args.timeout,
        args.scaffold_set,
        args.keep,
    )
    work: list[Callable[[], report.Row]] = []
    for e in chosen:
        work.append(lambda e=e: compare.new(cfg, e))  # type: ignore[misc]
        if e.upgrade_from and not args.no_upgrades:
            work.append(lambda e=e: compare.upgrade(cfg, e))  # type: ignore[misc]
    return work


def main(argv: list[str] | None = None) -> int:
    """Run the chosen comparisons, print the table (or JSON) and, if asked, write it into docs/formats.md."""
    args = parse(argv)
    began = time.perf_counter()
    entries = manifest.load(args.manifest)
    shutil.rmtree(args.work / "runs", ignore_errors=True)
    todo = jobs_of(args, entries)

    def one(job: Callable[[], report.Row]) -> report.Row:
        row = job()
        print(
            f"[{time.perf_counter() - began:6.1f}s] {row.id} ({row.operation}): {row.result}",
            file=sys.stderr,
            flush=True,
        )
        return row

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        rows = list(pool.map(one, todo))
    if args.output == "json":
        print(json.dumps({"rows": [r.to_json() for r in rows], "summary": report.summary(rows)}, indent=2))
    else:
        print(report.markdown(rows) + "\n" + report.summary(rows))
    if args.write_docs:
        header = f"Made by `python compat/run.py --write-docs` on {time.strftime('%Y-%m-%d')}: {report.summary(rows)}."
        report.write_docs(args.docs, report.markdown(rows), header)
    print(f"done in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
