"""The wizard in a real terminal: tmux runs `scaffold new`, send-keys types, capture-pane reads."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from scaffolder import config

pytestmark = pytest.mark.slow


class Terminal:
    def __init__(self, socket: str, session: str) -> None:
        self.socket, self.session = socket, session

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True).stdout

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", self.session)

    def wait_for(self, text: str, timeout: float = 20.0, times: int = 1) -> str:
        """The screen once `text` is on it (`times` times: a question asked again)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if screen.count(text) >= times:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared on the screen:\n{self.screen()}")


@pytest.fixture
def terminal(scaffold_home: Path, tmp_path: Path) -> Iterator[Terminal]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the terminal test: apt-get install tmux (.ci/run installs it)")
    term = Terminal(f"scaffold-test-{uuid.uuid4().hex[:8]}", "wizard")
    # a fixed release, so the questions stay those of 1.0.0 as backend-service evolves
    command = f"cd {tmp_path} && {sys.executable} -m scaffolder new backend-service@1.0.0; echo EXIT=$?; sleep 60"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
    subprocess.run(
        [
            "tmux",
            "-L",
            term.socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            term.session,
            "-x",
            "160",
            "-y",
            "50",
            command,
        ],
        check=True,
        env=env,
    )
    yield term
    subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True)


def test_wizard_in_a_real_terminal(terminal: Terminal, scaffold_home: Path) -> None:
    terminal.wait_for("Service name")
    terminal.send("Bad_Name", "Enter")
    terminal.wait_for("did you mean bad-name?")  # re-asked, with the reason in words
    assert "^[a-z]" not in terminal.screen()  # no raw pattern
    terminal.send("C-u")
    terminal.send("orders-api", "Enter")
    terminal.wait_for("Owner")
    terminal.send("group:payments", "Enter")
    terminal.wait_for("Description")
    terminal.send("C-b")  # back to the owner, its answer prefilled
    terminal.wait_for("? Owner", times=2)
    terminal.send("C-u", "group:platform", "Enter")
    terminal.wait_for("Description")
    terminal.send("Enter")  # computed default: "orders-api: an HTTP service"
    terminal.wait_for("HTTP port")
    terminal.send("C-u", "70000", "Enter")
    terminal.wait_for("must be at most 65535")
    terminal.send("C-u", "9000", "Enter")
    terminal.wait_for("Python version")
    terminal.send("Enter")
    terminal.wait_for("Kubernetes manifests")
    terminal.send("n")  # no Kubernetes: replicas and autoscaling are not asked
    terminal.wait_for("System")
    terminal.send("Enter")
    terminal.wait_for("Lifecycle")
    terminal.send("Enter")
    screen = terminal.wait_for("Review the answers")
    assert "Replicas" not in screen and "orders-api: an HTTP service" in screen
    assert "group:platform" in screen
    terminal.send("Down", "Down", "Enter")  # change the owner
    terminal.wait_for("? Owner", times=3)
    terminal.send("C-u", "group:payments", "Enter")
    terminal.wait_for("Review the answers", times=2)
    terminal.send("Enter")  # create it
    terminal.wait_for("Create orders-api from backend-service@1.0.0?")
    terminal.send("n")  # No: back to the review, nothing thrown away
    terminal.wait_for("Review the answers", times=3)
    assert "Not created yet" in terminal.screen()
    terminal.send("Enter")
    terminal.wait_for("Create orders-api from backend-service@1.0.0? (Y/n)")
    terminal.send("Enter")
    screen = terminal.wait_for("EXIT=")
    assert "EXIT=0" in screen, screen
    assert "catalog entry:  component:default/orders-api" in screen
    assert (scaffold_home / "forge/local/orders-api.git").is_dir()
    entity = config.open_catalog(config.load()).get("component:default/orders-api")
    assert entity is not None and entity["spec"]["owner"] == "group:payments"  # the edited answer


def test_ctrl_c_in_a_real_terminal_exits_130(terminal: Terminal, scaffold_home: Path, tmp_path: Path) -> None:
    terminal.wait_for("Service name")
    terminal.send("orders-api", "Enter")
    terminal.wait_for("Owner")
    terminal.send("C-c")
    terminal.wait_for("Save the answers so far to scaffold-answers.yaml?")
    terminal.send("y")
    screen = terminal.wait_for("EXIT=")
    assert "EXIT=130" in screen, screen
    assert "scaffold new backend-service@1.0.0 --set name=orders-api" in screen
    assert "scaffold new backend-service@1.0.0 --values scaffold-answers.yaml" in screen
    assert (tmp_path / "scaffold-answers.yaml").read_text() == "name: orders-api\n"
    assert not (scaffold_home / "forge/local/orders-api.git").exists()
