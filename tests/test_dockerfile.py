"""The Dockerfile at the repo root builds scaffold's image.

No docker daemon runs in CI, so the image itself is never built here. What can be checked is: every
COPY source exists and survives .dockerignore, the wheel stage builds a working wheel from exactly
those sources, the image runs `scaffold` as the non-root user the Kubernetes Job expects, and git
is installed (campaigns clone and push).
"""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    joined, out = "", []
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        joined += line.removesuffix("\\").strip() + " "
        if not line.endswith("\\"):
            word, _, rest = joined.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
            joined = ""
    return out


def ignored(path: str) -> bool:
    """Whether .dockerignore keeps `path` (or a folder above it) out of the build context."""
    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines() if p.strip()]
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatch(prefix, pat) or fnmatch.fnmatch(prefix, pat.removeprefix("**/"))
        for pat in patterns
        if not pat.startswith(("#", "!"))
        for prefix in prefixes
    )


def context_sources() -> list[str]:
    """The sources of the COPY lines that read the build context (not another stage)."""
    sources = []
    for word, args in instructions():
        if word == "COPY" and not args.startswith("--from"):
            *srcs, _dest = args.split()
            sources += srcs
    return sources


def test_every_copy_source_exists_and_reaches_the_build_context() -> None:
    sources = context_sources()
    assert {"pyproject.toml", "scaffolder", "actions", "golden_paths"} <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: no such file in the repo"
        assert not ignored(source), f"COPY {source}: .dockerignore keeps it out of the build context"
    assert ignored("tests") and ignored(".git") and ignored("scaffolder/__pycache__/x.pyc")


def test_the_image_runs_scaffold_as_the_non_root_user_the_job_expects(tmp_path: Path) -> None:
    steps = instructions()
    froms = [args for word, args in steps if word == "FROM"]
    assert len(froms) == 2 and all(f.split()[0].startswith("python:") and "-slim" in f for f in froms)
    final = steps[max(i for i, (word, _) in enumerate(steps) if word == "FROM") :]
    assert any(word == "RUN" and "apt-get install" in args and " git " in args for word, args in final)
    user = [args for word, args in final if word == "USER"]
    assert user and user[-1].split(":")[0] not in ("0", "root")
    assert [args for word, args in final if word == "ENTRYPOINT"] == ['["scaffold"]']
    scripts = (ROOT / "pyproject.toml").read_text()
    assert 'scaffold = "scaffolder.cli:main"' in scripts
    from scaffolder import ci_files

    job = yaml.safe_load(ci_files.indexed_job(ci_files.Campaign("mini", 2), "scaffold:dev"))
    assert job["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == int(user[-1].split(":")[0])


@pytest.mark.slow
def test_the_wheel_stage_builds_scaffold_from_exactly_the_copied_sources(tmp_path: Path) -> None:
    """What `COPY` brings in is enough for `pip wheel .` (the first stage), and the wheel has the CLI."""
    context = tmp_path / "src"
    context.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache")
    for source in context_sources():
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, context / source, ignore=skip)
        else:
            shutil.copy2(ROOT / source, context / source)
    out = tmp_path / "wheels"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(context)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheel = zipfile.ZipFile(next(out.glob("scaffold_golden_paths-*.whl")))
    names = wheel.namelist()
    assert "scaffolder/cli/__init__.py" in names and "scaffolder/golden_paths/backend-service/template.yaml" in names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "scaffold = scaffolder.cli:main" in wheel.read(entry_points).decode()
