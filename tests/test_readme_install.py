"""The README's first command, run literally where `python3` is a PEP 668 Python (as on Debian and
Ubuntu: plain `pip install` refuses with `externally-managed-environment`), installs scaffold and
creates a service; pip byte-compiles the installed golden paths, and the service has none of it.
The tool install the README names instead (`pipx install .`) works there too."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from scaffolder.litter import is_litter

ROOT = Path(__file__).resolve().parents[1]
MARKER = "[externally-managed]\nError=This Python is managed by the system: use a virtual environment.\n"

pytestmark = pytest.mark.slow


def readme_install_command() -> str:
    """The command under `# 1.` in the README's "Two commands" block, as a user would paste it."""
    section = (ROOT / "README.md").read_text().split("## Two commands", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    lines = block.group(1).splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("# 1."))
    return lines[first + 1]


def pep668_python(root: Path) -> Path:
    """A Python installation (not a venv) at `root` whose stdlib carries the EXTERNALLY-MANAGED
    marker: the interpreter is copied and its stdlib linked, entry by entry; returns its bin dir."""
    stdlib = Path(sysconfig.get_path("stdlib"))
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if stdlib.name != version or not (Path(sys.base_prefix) / "lib" / version).samefile(stdlib):
        pytest.skip("needs a POSIX Python layout (PREFIX/lib/pythonX.Y)")
    lib = root / "lib" / version
    (lib / "site-packages").mkdir(parents=True)
    for entry in stdlib.iterdir():
        if entry.name not in ("site-packages", "EXTERNALLY-MANAGED"):
            (lib / entry.name).symlink_to(entry)
    pip = Path(sysconfig.get_path("purelib", vars={"base": sys.base_prefix})) / "pip"
    (lib / "site-packages" / "pip").symlink_to(pip)
    (lib / "EXTERNALLY-MANAGED").write_text(MARKER)
    (root / "bin").mkdir()
    shutil.copy2(Path(getattr(sys, "_base_executable", sys.executable)).resolve(), root / "bin" / "python3")
    return root / "bin"


def checkout(dest: Path) -> Path:
    """The files git tracks, as a fresh clone has them (no build/, no egg-info, no .venv)."""
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, tracked.decode().split("\0")):
        if (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    return dest


def test_the_readme_install_works_on_a_pep668_python(tmp_path: Path, scaffold_home: Path) -> None:
    bin_dir = pep668_python(tmp_path / "system-python")
    src = checkout(tmp_path / "scaffold")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    sh = lambda command: subprocess.run(  # noqa: E731
        ["bash", "-c", command], cwd=src, env=env, capture_output=True, text=True, timeout=900
    )

    refused = sh("python3 -m pip install .")  # what the README said before, and what Debian refuses
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr

    command = readme_install_command()
    assert command.startswith("python3 ") and "scaffold new backend-service --no-input" in command
    done = sh(command)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "backend-service@" in done.stdout and "component:default/orders-api" in done.stdout
    [bare] = scaffold_home.glob("forge/*/orders-api.git")  # the forge is where SCAFFOLD_HOME says
    assert sh(".venv/bin/python -m scaffolder --version").stdout.startswith("scaffold, version")

    # pip byte-compiled the installed golden path's skeleton; the service has none of it
    [skeleton] = (src / ".venv").glob("lib/python*/site-packages/scaffolder/golden_paths/backend-service/skeleton")
    assert list(skeleton.rglob("__pycache__/*.pyc")), "pip compiled nothing: the check below would prove nothing"
    clone = tmp_path / "orders-api"
    subprocess.run(["git", "clone", "-q", str(bare), str(clone)], check=True, env=env)
    assert (clone / "catalog-info.yaml").is_file()
    assert not [p for p in clone.rglob("*") if ".git" not in p.parts and is_litter(p.relative_to(clone).as_posix())]


def test_the_documented_tool_install_works_on_a_pep668_python(tmp_path: Path, scaffold_home: Path) -> None:
    """`pipx install .` (pipx from PyPI), with that Python as pipx's, then `scaffold new` from PATH."""
    assert "`pipx install .`" in (ROOT / "README.md").read_text()
    python = pep668_python(tmp_path / "system-python") / "python3"
    src = checkout(tmp_path / "scaffold")
    tools = tmp_path / "tools"
    venv.create(tools, with_pip=True)
    pip = [str(tools / "bin" / "python"), "-m", "pip", "install", "-q", "pipx"]
    subprocess.run(pip, check=True, capture_output=True, timeout=600)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env |= {
        "PIPX_HOME": str(tmp_path / "pipx"),
        "PIPX_BIN_DIR": str(tmp_path / "bin"),
        "PIPX_MAN_DIR": str(tmp_path / "man"),
        "PIPX_DEFAULT_PYTHON": str(python),
        "PATH": os.pathsep.join([str(tmp_path / "bin"), str(tools / "bin"), env["PATH"]]),
    }
    sh = lambda command: subprocess.run(  # noqa: E731
        ["bash", "-c", command], cwd=src, env=env, capture_output=True, text=True, timeout=900
    )
    installed = sh("pipx install .")
    assert installed.returncode == 0, installed.stdout[-2000:] + installed.stderr[-4000:]
    created = sh("scaffold new backend-service --no-input --set name=orders-api --set owner=group:payments")
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "bin" / "scaffold").exists() and list(scaffold_home.glob("forge/*/orders-api.git"))
    [cfg] = (tmp_path / "pipx" / "venvs").glob("*/pyvenv.cfg")
    assert f"home = {python.parent}" in cfg.read_text()  # pipx built the tool on the PEP 668 Python
