"""The operations of the suite, each timed for scaffold and for the peers doing the same job.

- `render`, create with rendering only (every file rendered and written to a fresh folder; no git,
  forge or catalog): `scaffold new NAME --no-input --dry-run` (renders into a temporary
  workspace and lists it), `cookiecutter --no-input -o OUT TEMPLATE`, `copier copy --defaults
  TEMPLATE OUT` (the template is a git repo, as `copier update` needs).
- `e2e`, create end to end (a committed repo): `scaffold new NAME --no-input` (commits, pushes to
  the embedded forge, registers in the SQLite catalog); `cruft create` and `copier copy`, each
  followed by `git init && git add -A && git commit` (the peers have no forge or catalog).
- `upgrade`, one repo from version 1 to 2 with human edits to merge: `scaffold upgrade REPO
  --no-input`, `cruft update -y --checkout v2`, `copier update --defaults --vcs-ref v2`.
- Variants of scaffold's runs, timed in the same rounds as the peers (so each has its per-round
  ratios): `on disk` (`TMPDIR` on disk: the renders an operation throws away go to `/dev/shm` by
  default, while the peers write to disk) and `fresh home` (a new `SCAFFOLD_HOME` every run, the
  golden path in a git library: the cold cache of a CI runner or a campaign shard; on disk too).
  cookiecutter gets a `fresh home` variant of its own for render (the template cloned from git
  into a new `~/.cookiecutters`); cruft and copier clone the template on every run anyway.
- `jinja2 floor` (render): bench/jinja_floor.py, plain jinja2 rendering the skeleton to disk in
  a dozen lines: what a Jinja render costs with nothing else (no checks, no record, no sandbox).
- `startup`: `scaffold --help`, `scaffold --version`, `cookiecutter --version`, `copier --version`
  (cruft has no `--version`); `list`: `scaffold list`; the floor rows (bench/startup.py).
- `campaign` (bench/campaign.py): `scaffold migrate backend-service` over N repos on the forge.

Every result is checked after its runs (the files each tool generated or upgraded, against what
`synth` says they must be); a mismatch is reported next to the timing, never hidden.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import synth
from envs import Tools
from measure import Job, Timing, measure_all, run_once

IGNORED = (".scaffold/", "catalog-info.yaml", ".cruft.json", ".copier-answers.yml")


@dataclass
class Row:
    op: str
    size: str
    tool: str
    timing: Timing
    variant: str = ""  # "" (as a user runs it by hand), "on disk", "fresh home"

    def to_json(self) -> dict[str, Any]:
        return {"op": self.op, "size": self.size, "tool": self.tool, "variant": self.variant, **self.timing.to_json()}

    @property
    def name(self) -> str:
        return f"{self.tool} ({self.variant})" if self.variant else self.tool


ON_DISK, FRESH = "on disk", "fresh home"


@dataclass
class Config:
    work: Path
    tools: Tools
    runs: int
    warmup: int
    startup_runs: int
    peers: bool
    log: Callable[[str], None] = print
    env: dict[str, str] = field(default_factory=dict)
    skip: frozenset[str] = frozenset()  # tools left out (`--skip copier`: its 3000-file runs take minutes)

    def __post_init__(self) -> None:
        home = self.work / "home"
        home.mkdir(parents=True, exist_ok=True)
        (self.work / "no-config.toml").touch()  # an empty config: the built-in defaults
        gitconfig = self.work / "gitconfig"
        gitconfig.write_text("[user]\n\tname = bench\n\temail = bench@example.com\n[init]\n\tdefaultBranch = main\n")
        drop = {"PYTHONDONTWRITEBYTECODE", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH"}
        self.env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(("SCAFFOLD_", "GIT_"))}
        self.env.update(
            HOME=str(home),
            GIT_CONFIG_GLOBAL=str(gitconfig),
            GIT_CONFIG_NOSYSTEM="1",
            SCAFFOLD_CONFIG=str(self.work / "no-config.toml"),
            SCAFFOLD_HOME=str(self.work / "scaffold-home"),
        )

    def with_env(self, **extra: str) -> dict[str, str]:
        return {**self.env, **extra}

    @property
    def disk_tmp(self) -> str:
        """A `TMPDIR` on disk, under the work folder (for the `on disk` variants)."""
        path = self.work / "tmp-on-disk"
        path.mkdir(parents=True, exist_ok=True)
        return str(path)


def _fresh(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)


def _empty(*paths: Path) -> None:
    """Each path an empty folder."""
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)


def _git(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def _init_commit(root: Path, env: dict[str, str], message: str = "generated") -> None:
    if not (root / ".git").exists():
        _git(["init", "-q", "-b", "main"], root, env)
    _git(["add", "-A"], root, env)
    if subprocess.run(["git", "diff", "--cached", "--quiet"], cwd=root, env=env, check=False).returncode:
        _git(["commit", "-q", "--no-gpg-sign", "-m", message], root, env)


def _check(expected: dict[str, str], root: Callable[[], Path]) -> Callable[[], str | None]:
    def check() -> str | None:
        problems = synth.compare(expected, root(), IGNORED)
        return f"WRONG RESULT: {len(problems)} problems, e.g. {problems[:3]}" if problems else None

    return check


# --- templates -------------------------------------------------------------------------------


@dataclass
class Templates:
    shape: synth.Shape
    library: Path  # scaffold's folder library
    cookiecutter: Path  # git repo, tags v1 v2
    copier: Path  # git repo, tags v1 v2
    git_library: str  # scaffold's git library, a git+file:// URL (tags NAME/v1.0.0, NAME/v2.0.0)

    @property
    def cookiecutter_url(self) -> str:
        """The cookiecutter template as a git URL (cookiecutter clones it into ~/.cookiecutters)."""
        return f"git+{self.cookiecutter.resolve().as_uri()}"


def make_templates(cfg: Config, size: str, template: str = "plain") -> Templates:
    shape = synth.shape(size, template)
    base = cfg.work / f"templates-{size}-{template}"
    shutil.rmtree(base, ignore_errors=True)
    library = base / "library"
    synth.write_scaffold(shape, library, cfg.tools.scaffold_python)
    cc = synth.write_cookiecutter(shape, base / "cookiecutter")
    cp = synth.write_copier(shape, base / "copier")
    return Templates(shape, library, cc, cp, synth.write_scaffold_git(shape, base / "git-library"))


# --- create ----------------------------------------------------------------------------------


def _rows(op: str, size: str, cfg: Config, jobs: list[tuple[str, Job]]) -> list[Row]:
    """Time the jobs side by side (interleaved) and label each row with its tool and variant
    (`tool` is `scaffold` or `scaffold|fresh home`)."""
    jobs = [(name, job) for name, job in jobs if name.partition("|")[0] not in cfg.skip]
    timings = measure_all([job for _, job in jobs], runs=cfg.runs, warmup=cfg.warmup)
    rows = []
    for (name, _), timing in zip(jobs, timings, strict=True):
        tool, _, variant = name.partition("|")
        rows.append(Row(op, size, tool, timing, variant))
    return rows


def _created(cfg: Config, env: dict[str, str], expected: dict[str, str]) -> Callable[[], str | None]:
    """A check of a dry run's files: the same `scaffold new` made for real in a throwaway home
    (a dry run keeps nothing to compare), its workspace compared with what it must be."""

    def check() -> str | None:
        home = cfg.work / "check-home"
        _fresh(home)
        run_once([str(cfg.tools.scaffold), "new", synth.NAME, "--no-input", "-q"], {**env, "SCAFFOLD_HOME": str(home)})
        return _check(expected, lambda: next((home / "runs").glob("*/workspace")))()

    return check


def render(cfg: Config, size: str, t: Templates) -> list[Row]:
    """Create, render only: every file rendered and written to a fresh folder."""
    out = cfg.work / f"render-{size}"
    env = cfg.with_env(SCAFFOLD_LIBRARY=str(t.library))
    expected = synth.rendered(t.shape, 2)
    cmd = [str(cfg.tools.scaffold), "new", synth.NAME, "--no-input", "--dry-run", "-q", "-o", "json"]
    cold_home = out / "scaffold-fresh-home"
    cold = cfg.with_env(SCAFFOLD_LIBRARY=t.git_library, SCAFFOLD_HOME=str(cold_home), TMPDIR=cfg.disk_tmp)

    def listed(env: dict[str, str]) -> Callable[[], str | None]:
        def check() -> str | None:
            files = json.loads(subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout)
            missing = sorted(set(expected) - set(files["files"]))
            return f"WRONG RESULT: missing {missing[:3]}" if missing else _created(cfg, env, expected)()

        return check

    jobs = [
        ("scaffold", Job("scaffold new --dry-run", cmd, env, check=listed(env))),
        (f"scaffold|{ON_DISK}", Job("scaffold new --dry-run, TMPDIR on disk", cmd, {**env, "TMPDIR": cfg.disk_tmp})),
        (
            f"scaffold|{FRESH}",
            Job(
                "scaffold new --dry-run, git library, new SCAFFOLD_HOME",
                cmd,
                cold,
                prepare=lambda i: _fresh(cold_home),
                check=listed(cold),
            ),
        ),
    ]
    floor = [str(cfg.tools.scaffold_python), str(Path(__file__).with_name("jinja_floor.py"))]
    floor += [str(t.library / synth.NAME / "skeleton"), str(out / "floor"), json.dumps(synth.VARIABLES)]
    jobs.append(
        (
            "jinja2 floor",
            Job(
                "plain jinja2, ten lines (bench/jinja_floor.py)",
                floor,
                {**env, "TMPDIR": cfg.disk_tmp},
                prepare=lambda i: _fresh(out / "floor"),
                check=_check(expected, lambda: out / "floor"),
            ),
        )
    )
    if cfg.peers:
        assert cfg.tools.cookiecutter and cfg.tools.copier
        cc_home = out / "cookiecutter-home"
        cc_cold = cfg.with_env(HOME=str(cc_home))
        jobs += [
            (
                "cookiecutter",
                Job(
                    "cookiecutter --no-input",
                    [str(cfg.tools.cookiecutter), "--no-input", "-o", str(out / "cc"), str(t.cookiecutter)],
                    cfg.env,
                    prepare=lambda i: _fresh(out / "cc"),
                    check=_check(expected, lambda: out / "cc" / synth.VARIABLES["project_name"]),
                ),
            ),
            (
                f"cookiecutter|{FRESH}",
                Job(
                    "cookiecutter --no-input git+file://..., new HOME",
                    [str(cfg.tools.cookiecutter), "--no-input", "-o", str(out / "cc-cold"), t.cookiecutter_url],
                    cc_cold,
                    prepare=lambda i: _empty(out / "cc-cold", cc_home),
                    check=_check(expected, lambda: out / "cc-cold" / synth.VARIABLES["project_name"]),
                ),
            ),
            (
                "copier",
                Job(
                    "copier copy --defaults",
                    [str(cfg.tools.copier), "copy", "--defaults", "--quiet", str(t.copier), str(out / "cp")],
                    cfg.env,
                    prepare=lambda i: _fresh(out / "cp"),
                    check=_check(expected, lambda: out / "cp"),
                ),
            ),
        ]
    return _rows("render", size, cfg, jobs)


def e2e(cfg: Config, size: str, t: Templates) -> list[Row]:
    """Create end to end: a committed repository (scaffold: pushed to the forge, in the catalog)."""
    out = cfg.work / f"e2e-{size}"
    home, cold_home = out / "scaffold-home", out / "scaffold-fresh-home"
    env = cfg.with_env(SCAFFOLD_LIBRARY=str(t.library), SCAFFOLD_HOME=str(home))
    cold = cfg.with_env(SCAFFOLD_LIBRARY=t.git_library, SCAFFOLD_HOME=str(cold_home), TMPDIR=cfg.disk_tmp)
    expected = synth.rendered(t.shape, 2)
    cmd = [str(cfg.tools.scaffold), "new", synth.NAME, "--no-input", "-q"]

    def workspace(home: Path) -> Callable[[], Path]:
        return lambda: next((home / "runs").glob("*/workspace"))

    # Every run starts from an empty home (an empty forge and catalog): the fresh-home variant
    # differs by taking the golden path from a git library, into an empty cache.
    jobs = [
        (
            "scaffold",
            Job(
                "scaffold new (forge + catalog)",
                cmd,
                env,
                prepare=lambda i: _fresh(home),
                check=_check(expected, workspace(home)),
            ),
        ),
        (
            f"scaffold|{FRESH}",
            Job(
                "scaffold new (forge + catalog), git library, new SCAFFOLD_HOME",
                cmd,
                cold,
                prepare=lambda i: _fresh(cold_home),
                check=_check(expected, workspace(cold_home)),
            ),
        ),
    ]
    if cfg.peers:
        assert cfg.tools.cruft and cfg.tools.copier
        commit = "git init -q -b main && git add -A && git commit -q --no-gpg-sign -m generated"
        cc_out, cp_out = out / "cruft", out / "copier"
        jobs += [
            (
                "cruft",
                Job(
                    "cruft create + git commit",
                    [
                        "sh",
                        "-c",
                        f'"$0" create --no-input --output-dir "$1" "$2" && cd "$1/$3" && {commit}',
                        str(cfg.tools.cruft),
                        str(cc_out),
                        str(t.cookiecutter),
                        synth.VARIABLES["project_name"],
                    ],
                    cfg.env,
                    prepare=lambda i: _fresh(cc_out),
                    check=_check(expected, lambda: cc_out / synth.VARIABLES["project_name"]),
                ),
            ),
            (
                "copier",
                Job(
                    "copier copy + git commit",
                    [
                        "sh",
                        "-c",
                        f'"$0" copy --defaults --quiet "$2" "$1" && cd "$1" && {commit}',
                        str(cfg.tools.copier),
                        str(cp_out),
                        str(t.copier),
                    ],
                    cfg.env,
                    prepare=lambda i: _fresh(cp_out),
                    check=_check(expected, lambda: cp_out),
                ),
            ),
        ]
    return _rows("e2e", size, cfg, jobs)


# --- upgrade ---------------------------------------------------------------------------------


def _pristine(cfg: Config, shape: synth.Shape, project: Path, dest: Path) -> Path:
    """The generated project with the human edits committed, moved to `dest`."""
    _init_commit(project, cfg.env)
    synth.human_edit(shape, project)
    _init_commit(project, cfg.env, "human edits")
    shutil.rmtree(dest, ignore_errors=True)
    project.rename(dest)
    return dest


def _copy_of(cfg: Config, pristine: Path, run: Path) -> Callable[[int], None]:
    def prepare(i: int) -> None:
        shutil.rmtree(run, ignore_errors=True)
        shutil.copytree(pristine, run, symlinks=True)
        _git(["status", "--porcelain"], run, cfg.env)  # refresh the index, as in a repo in use

    return prepare


def _generated(cfg: Config, shape: synth.Shape, env: dict[str, str], out: Path) -> Path:
    """A repo made by `scaffold new NAME@1.0.0` with `env` (its library), cloned from the forge,
    the human edits committed: `out-pristine`."""
    home = out.with_name(out.name + "-home")
    run_once(
        [str(cfg.tools.scaffold), "new", f"{synth.NAME}@1.0.0", "--no-input", "-q"], {**env, "SCAFFOLD_HOME": str(home)}
    )
    bare = home / "forge" / "local" / f"{synth.VARIABLES['project_name']}.git"
    _git(["clone", "-q", str(bare), str(out.with_name(out.name + "-gen"))], out.parent, cfg.env)
    return _pristine(cfg, shape, out.with_name(out.name + "-gen"), out.with_name(out.name + "-pristine"))


def upgrade(cfg: Config, size: str, t: Templates) -> list[Row]:
    """Upgrade one repo from version 1 to 2 (20 files changed upstream, human edits to keep)."""
    out = cfg.work / f"upgrade-{size}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    expected = synth.upgraded(t.shape)
    home, cold_home = out / "scaffold-home", out / "scaffold-fresh-home"
    env = cfg.with_env(SCAFFOLD_LIBRARY=str(t.library), SCAFFOLD_HOME=str(home))
    cold = cfg.with_env(SCAFFOLD_LIBRARY=t.git_library, SCAFFOLD_HOME=str(cold_home), TMPDIR=cfg.disk_tmp)
    pristine = _generated(cfg, t.shape, env, out / "scaffold")
    cold_pristine = _generated(cfg, t.shape, cold, out / "scaffold-git-library")
    runs = {tool: out / f"{tool}-run" for tool in ("scaffold", "scaffold-disk", "scaffold-cold", "cruft", "copier")}

    def scaffold(variant: str, label: str, env: dict[str, str], pristine: Path, run: Path) -> tuple[str, Job]:
        copy = _copy_of(cfg, pristine, run)

        def prepare(i: int) -> None:
            copy(i)
            if variant == FRESH:
                _fresh(cold_home)

        cmd = [str(cfg.tools.scaffold), "upgrade", str(run), "--no-input"]
        return f"scaffold|{variant}", Job(label, cmd, env, prepare=prepare, check=_check(expected, lambda: run))

    jobs = [
        scaffold("", "scaffold upgrade", env, pristine, runs["scaffold"]),
        scaffold(
            ON_DISK,
            "scaffold upgrade, TMPDIR on disk",
            {**env, "TMPDIR": cfg.disk_tmp},
            pristine,
            runs["scaffold-disk"],
        ),
        scaffold(FRESH, "scaffold upgrade, git library, new SCAFFOLD_HOME", cold, cold_pristine, runs["scaffold-cold"]),
    ]
    if cfg.peers:
        assert cfg.tools.cruft and cfg.tools.copier
        run_once(
            [
                str(cfg.tools.cruft),
                "create",
                "--no-input",
                "--checkout",
                "v1",
                "--output-dir",
                str(out / "cruft-gen"),
                str(t.cookiecutter),
            ],
            cfg.env,
        )
        cruft_pristine = _pristine(
            cfg, t.shape, out / "cruft-gen" / synth.VARIABLES["project_name"], out / "cruft-pristine"
        )
        copier_pristine = out / "copier-pristine"
        if "copier" not in cfg.skip:
            copy = [str(cfg.tools.copier), "copy", "--defaults", "--quiet", "--vcs-ref", "v1", str(t.copier)]
            run_once([*copy, str(out / "copier-gen")], cfg.env)
            copier_pristine = _pristine(cfg, t.shape, out / "copier-gen", copier_pristine)
        jobs += [
            (
                "cruft",
                Job(
                    "cruft update",
                    [str(cfg.tools.cruft), "update", "-y", "--checkout", "v2", "-p", str(runs["cruft"])],
                    cfg.env,
                    prepare=_copy_of(cfg, cruft_pristine, runs["cruft"]),
                    check=_check(expected, lambda: runs["cruft"]),
                ),
            ),
            (
                "copier",
                Job(
                    "copier update",
                    [str(cfg.tools.copier), "update", "--defaults", "--quiet", "--vcs-ref", "v2", str(runs["copier"])],
                    cfg.env,
                    prepare=_copy_of(cfg, copier_pristine, runs["copier"]),
                    check=_check(expected, lambda: runs["copier"]),
                ),
            ),
        ]
    return _rows("upgrade", size, cfg, jobs)
