"""Start-up rows: `--help` and `--version` of each tool, `scaffold list`, and the floor (what
`new` and `upgrade` cost before doing anything: the interpreter and the imports they need)."""

from __future__ import annotations

from pathlib import Path

from measure import Job, measure_all
from suite import Config, Row

# What `new` and `upgrade` cost before doing anything: the interpreter and the imports they need.
# The actions the synthetic golden path's steps use (synth.py): the registry imports only these.
_USED = "[r.load_registry()[a] for a in ('fetch:template', 'catalog:write', 'repo:create', 'catalog:register')]"
FLOORS = {
    "`new` before reading the template": "import scaffolder.cli.new, scaffolder.config, scaffolder.create",
    "imports of `new`": (
        f"import scaffolder.cli.new, scaffolder.create, scaffolder.runner, scaffolder.registry as r; {_USED}"
    ),
    "`upgrade` before reading the template": (
        "import scaffolder.cli.upgrade, scaffolder.config, scaffolder.parameters, scaffolder.upgrade.repo, "
        "scaffolder.formats.copier_questions, scaffolder.sources.handle"
    ),
    "imports of `upgrade`": (  # the package names its API lazily: the driver is what an upgrade imports
        "import scaffolder.cli.upgrade, scaffolder.config, scaffolder.upgrade.driver, scaffolder.registry as r; "
        + _USED
    ),
    "python -c pass": "pass",
}


def startup(cfg: Config, library: Path) -> list[Row]:
    """Process start-up: help and version of each tool; `scaffold list` over the libraries; the floor."""
    tools = cfg.tools
    commands: list[tuple[str, str, list[str]]] = [
        ("startup", "scaffold", [str(tools.scaffold), "--help"]),
        ("startup", "scaffold", [str(tools.scaffold), "--version"]),
    ]
    if cfg.peers:
        assert tools.cookiecutter and tools.copier and tools.cruft
        commands += [
            ("startup", "cookiecutter", [str(tools.cookiecutter), "--version"]),
            ("startup", "copier", [str(tools.copier), "--version"]),
        ]
    commands.append(("list", "scaffold", [str(tools.scaffold), "list"]))
    env = cfg.with_env(SCAFFOLD_LIBRARY=str(library))
    jobs = [Job(" ".join([Path(cmd[0]).name, *cmd[1:]]), cmd, env) for _, _, cmd in commands]
    for label, code in FLOORS.items():
        commands.append(("floor", "scaffold", [str(tools.scaffold_python), "-c", code]))
        jobs.append(Job(label, commands[-1][2], env))
    timings = measure_all(jobs, runs=cfg.startup_runs, warmup=cfg.warmup)
    return [Row(op, "-", tool, timing) for (op, tool, _), timing in zip(commands, timings, strict=True)]
