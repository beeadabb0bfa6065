"""Run the corpus: every scenario through plain `git merge` and through `scaffold upgrade`, `copier
update` and `cruft update`, scored against the hand-written expectation.

    python -m upgrades_corpus [--jobs N] [--tools scaffold,copier,cruft] [--scenarios ID,...]
                              [--git-only] [--output text|json] [--write-docs]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from upgrades_corpus import gitmerge, report, templates, tools, trees
from upgrades_corpus.gitmerge import GitVerdict
from upgrades_corpus.model import Scenario
from upgrades_corpus.scenarios import BY_ID, SCENARIOS
from upgrades_corpus.score import Score, score

DOC = Path(__file__).resolve().parent.parent / "docs" / "upgrades.md"


def run_scenario(
    scenario: Scenario, names: Sequence[str], bins: tools.Bins, work: Path
) -> tuple[GitVerdict, list[Score]]:
    """The git reference and each tool's score for one scenario, in a folder of its own under `work`."""
    here = work / scenario.id
    shutil.rmtree(here, ignore_errors=True)
    env = trees.git_env(here / "home")
    verdict = gitmerge.merge(scenario, here, env)
    if not names:
        return verdict, []
    t = templates.write_all(scenario, here / "templates", bins.python, env)
    return verdict, [score(scenario, tools.run(name, scenario, t, bins, here, env)) for name in names]


def run_all(
    scenarios: Sequence[Scenario], names: Sequence[str], bins: tools.Bins, work: Path, jobs: int
) -> tuple[list[GitVerdict], list[Score]]:
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(lambda s: run_scenario(s, names, bins, work), scenarios))
    return [v for v, _ in results], [s for _, scores in results for s in scores]


def _load(path: Path) -> tuple[list[GitVerdict], list[Score], list[str]]:
    """The verdicts, scores and tools of a saved `-o json` run."""
    data = json.loads(path.read_text(encoding="utf-8"))
    scores = [Score(**s) for s in data["scores"]]
    return [GitVerdict(**v) for v in data["git"]], scores, [r["tool"] for r in data["summary"]]


def _bins(folder: Path) -> tools.Bins:
    return tools.Bins(folder / "scaffold", folder / "python", folder / "copier", folder / "cruft")


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m upgrades_corpus", description=__doc__.splitlines()[0])
    p.add_argument("--jobs", "-j", type=int, default=2, help="scenarios run at once (default 2)")
    p.add_argument("--tools", default=",".join(tools.TOOLS), help="comma-separated: scaffold,copier,cruft")
    p.add_argument("--scenarios", default="", help="comma-separated scenario ids (default: all)")
    p.add_argument("--git-only", action="store_true", help="only check the expectations against git merge")
    p.add_argument("--output", "-o", choices=("text", "json"), default="text")
    p.add_argument("--write-docs", action="store_true", help=f"write the table into {DOC.name} between its markers")
    p.add_argument("--bin-dir", type=Path, default=Path(sys.executable).parent, help="where the tools are installed")
    p.add_argument("--from-json", type=Path, default=None, help="re-render the table of a saved `-o json` run")
    p.add_argument("--work", type=Path, default=None, help="keep the scenarios' folders here (default: a temp dir)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    ids = [i for i in args.scenarios.split(",") if i]
    unknown = [i for i in ids if i not in BY_ID]
    if unknown:
        raise SystemExit(f"unknown scenarios: {', '.join(unknown)} (known: {', '.join(BY_ID)})")
    scenarios = [BY_ID[i] for i in ids] if ids else SCENARIOS
    names = [] if args.git_only else [t for t in args.tools.split(",") if t]
    if set(names) - set(tools.TOOLS):
        raise SystemExit(f"unknown tools: {sorted(set(names) - set(tools.TOOLS))}")
    if args.from_json:
        verdicts, scores, names = _load(args.from_json)
    else:
        with tempfile.TemporaryDirectory(prefix="upgrades-corpus-") as tmp:
            verdicts, scores = run_all(scenarios, names, _bins(args.bin_dir), args.work or Path(tmp), args.jobs)
    table = report.markdown(scores, verdicts, names, args.jobs)
    if args.output == "json":
        data = {
            "jobs": args.jobs,
            "summary": report.summary(scores, names),
            "git": [v.__dict__ for v in verdicts],
            "scores": [s.to_json() for s in scores],
        }
        print(json.dumps(data, indent=2))
    else:
        print(table, end="")
        for s in scores:
            if s.problems:
                print(f"{s.tool} {s.scenario}: {'; '.join(s.problems)}")
    if args.write_docs:
        report.write_docs(DOC, table)
    return 0
