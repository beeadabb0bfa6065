"""The generated README's instructions work as written in a fresh environment: the shell block of
its development (or documentation) section, run literally with bash in a fresh clone whose only
Python is a bare interpreter, creates a venv, installs the project's declared extras, and passes
its tests and its strict docs build. (pip reaches PyPI; its cache makes this quick.)"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.golden_paths.rendering import render_project
from tests.golden_paths.test_builtin_golden_paths import answers_of

pytestmark = pytest.mark.slow


def shell_block(readme: str, heading: str) -> str:
    """The first ```sh block under `## heading` of a README."""
    section = readme.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"^```sh\n(.*?)^```$", section, re.M | re.S)
    assert found, f"no sh block under '## {heading}'"
    return found.group(1)


def fresh_env(tmp_path: Path) -> dict[str, str]:
    """PATH starting with a Python that has nothing installed (a venv without even pip: the machine's
    own Python may have pytest), and no venv active."""
    bare = tmp_path / "bare"
    venv.create(bare, with_pip=False, symlinks=True)
    keep = [p for p in os.environ["PATH"].split(os.pathsep) if not p.startswith(sys.prefix)]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join([str(bare / "bin"), *keep])
    return env


def follow(project: Path, block: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", block], cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.parametrize(
    ("name", "example", "heading"),
    [
        ("backend-service", "autoscaled.yaml", "Develop"),
        ("data-pipeline", "cronjob.yaml", "Develop"),
        ("website", "kubernetes.yaml", "Documentation"),
    ],
)
def test_readme_instructions_work_in_a_fresh_environment(name: str, example: str, heading: str, tmp_path: Path) -> None:
    template, answers = answers_of(name, example)
    project = tmp_path / answers.values["name"]
    render_project(template, answers, project)
    block = shell_block((project / "README.md").read_text(), heading)
    assert block.startswith("python3 -m venv .venv && . .venv/bin/activate\n")
    done = follow(project, block, fresh_env(tmp_path))
    assert done.returncode == 0, f"{block}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert (project / ".venv/bin/mkdocs").exists()  # what ran came from the project's own venv
    assert (project / "site/index.html").is_file()
    if name != "website":
        assert re.search(r"^=+ \d+ passed in ", done.stdout, re.M), done.stdout[-2000:]
        assert (project / ".venv/bin/pytest").exists()


def test_a_bare_python_has_no_pytest(tmp_path: Path) -> None:
    """The environment the instructions start from is really fresh: `python -m pytest` alone fails."""
    python = Path(fresh_env(tmp_path)["PATH"].split(os.pathsep)[0]) / "python3"
    assert subprocess.run([python, "-m", "pytest", "--version"], capture_output=True, check=False).returncode != 0
