"""`new` and `runs` in a real terminal (tmux): rich draws the progress and the table, with colour
unless `NO_COLOR`; the same commands piped print plain lines (tests/cli/test_output.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _screen(command: str, env: dict[str, str]) -> str:
    """What a 160x50 terminal shows (with its escape codes) once `command` has finished."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the terminal test: apt-get install tmux (.ci/run installs it)")
    socket = f"scaffold-test-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", socket]
    clean = {k: v for k, v in env.items() if not k.startswith("TMUX")}
    shell = f"{command}; echo EXIT=$?; sleep 60"
    subprocess.run(
        [*tmux, "-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", "160", "-y", "50", shell],
        env=clean,
        check=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p", "-e", "-J", "-t", "t"], capture_output=True, text=True
            ).stdout
            if "EXIT=" in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"the command never finished:\n{screen}")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
def test_new_and_runs_in_a_real_terminal(scaffold_home: Path, no_color: bool) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "SCAFFOLD_HOME": str(scaffold_home)}
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    scaffold = f"{sys.executable} -m scaffolder"
    new = f"{scaffold} new backend-service --no-input --set name=orders-api --set owner=group:payments"
    screen = _screen(f"{new} && {scaffold} runs", env)
    assert "EXIT=0" in screen
    assert "[6/6] register (catalog:register) done in" in screen  # each step stays on screen, the bar goes
    assert screen.count("repository:     file://") == 1
    assert "orders-api" in screen.split("SERVICE", 1)[1]
    coloured = "\x1b[36m" in screen or "\x1b[1;36m" in screen  # tmux re-encodes the cyan of the headers
    assert coloured is not no_color, screen
