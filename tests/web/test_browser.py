"""The dashboard in a real browser: Debian's headless chromium driven by Selenium through Debian's
chromedriver (installed by `.ci/run`), against `scaffold serve` running as a process.

With SCAFFOLD_SCREENSHOTS=DIR the pages' screenshots are also copied there (docs/images/ is made so).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Invoke, as_json

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(fleet: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """`scaffold serve --allow-actions` on a free loopback port, over the test's fleet."""
    yield from serve(tmp_path)


@pytest.fixture
def follow_server(follow_fleet: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """The same over a fleet whose PRs have checks and merge verdicts (tests/web/conftest.py)."""
    yield from serve(tmp_path)


def serve(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "scaffolder", "serve", "--allow-actions", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(url + "/static/style.css", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    from selenium import webdriver

    for path in (CHROMIUM, CHROMEDRIVER):
        assert Path(path).exists(), f"{path} is missing: apt-get install chromium chromium-driver (bash .ci/run does)"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
    flags += ["--disable-background-networking", "--window-size=1280,1000", f"--user-data-dir={tmp_path / 'chrome'}"]
    for arg in flags:
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def shot(driver: Any, tmp_path: Path, name: str) -> None:
    """A screenshot of the whole page (for docs/dashboard.md when SCAFFOLD_SCREENSHOTS is set)."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(int(height), 600), 2400))
    file = tmp_path / f"dashboard-{name}.png"
    driver.save_screenshot(str(file))
    if os.environ.get("SCAFFOLD_SCREENSHOTS"):
        shutil.copy(file, Path(os.environ["SCAFFOLD_SCREENSHOTS"]) / file.name)
    driver.set_window_size(1280, 1000)


def pr_cell(driver: Any, repo: str) -> str:
    from selenium.webdriver.common.by import By

    row = driver.find_element(By.CSS_SELECTOR, f'tr[data-repo="{repo}"]')
    return str(row.find_element(By.CSS_SELECTOR, "td.pr-state").text)


def test_click_open_migration_pr_in_a_real_browser(server: str, browser: Any, invoke: Invoke, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get(server + "/")
    assert "Golden paths" in driver.title
    shot(driver, tmp_path, "golden-paths")

    driver.get(server + "/paths/mini")
    behind = driver.find_elements(By.CSS_SELECTOR, "tr.behind")
    assert sorted(r.get_attribute("data-repo") for r in behind) == ["local/alpha", "local/delta", "local/gamma"]
    assert pr_cell(driver, "local/delta") == "-"

    button = driver.find_element(By.CSS_SELECTOR, 'button[aria-label="Open migration PR for local/delta"]')
    button.click()
    wait = WebDriverWait(driver, 60)
    wait.until(
        expected_conditions.text_to_be_present_in_element(
            (By.CSS_SELECTOR, 'tr[data-repo="local/delta"] td.pr-state'), "open"
        )
    )
    assert pr_cell(driver, "local/delta") == "#1 open → 2.0.0"
    assert driver.find_element(By.CSS_SELECTOR, 'tr[data-repo="local/delta"] td.outcome').text == "opened"

    found = as_json(invoke("forge", "prs", "local/delta", "-o", "json"))
    assert [(p["number"], p["state"], p["head"]) for p in found] == [(1, "open", "scaffold/mini")]

    driver.get(server + "/paths/mini/repos/local/alpha")
    assert "+TIMEOUT = 30" in driver.find_element(By.CSS_SELECTOR, "pre.diff").text
    shot(driver, tmp_path, "preview")


def test_static_report_from_file_url_shows_the_cli_numbers(
    fleet: dict[str, str], browser: Any, invoke: Invoke, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    report = tmp_path / "fleet.html"
    data = as_json(invoke("migrate", "status", "mini", "--html", str(report), "-o", "json", code=1))
    driver = browser
    driver.get(report.as_uri())
    shown = {e.get_attribute("data-version"): e.text for e in driver.find_elements(By.CSS_SELECTOR, "[data-version]")}
    assert shown == {v: f"{v}: {n}" for v, n in data["versions"].items()}
    prs = {e.get_attribute("data-pr"): e.text for e in driver.find_elements(By.CSS_SELECTOR, "[data-pr]")}
    assert prs == {s: f"{s}: {n}" for s, n in data["pull_requests"].items()}
    assert driver.find_element(By.CSS_SELECTOR, "[data-failed]").text == str(data["failed"])
    rows = [r.get_attribute("data-repo") for r in driver.find_elements(By.CSS_SELECTOR, "tr[data-repo]")]
    assert rows == [r["repo"] for r in data["repos"]]
    # Nothing was fetched over the network: every resource the page used is the file itself.
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources == []
    shot(driver, tmp_path, "report")


def test_click_merge_on_a_green_minor_pr_in_a_real_browser(
    follow_server: str, browser: Any, invoke: Invoke, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(follow_server + "/paths/mini")
    merges = {
        r.get_attribute("data-repo"): r.find_element(By.CSS_SELECTOR, "td.merge").text
        for r in driver.find_elements(By.CSS_SELECTOR, "tr[data-repo]")
    }
    assert merges == {"local/alpha": "ready", "local/beta": "checks failing", "local/delta": "major step"}
    assert driver.find_element(By.ID, "checks-totals").text == "failure 1, success 2"
    shot(driver, tmp_path, "fleet")

    driver.get(follow_server + "/paths/mini/repos/local/beta")
    assert not driver.find_element(By.ID, "merge").is_enabled()
    assert driver.find_element(By.ID, "merge-why").text == "the merge policy says no: checks failing"

    driver.get(follow_server + "/paths/mini/repos/local/alpha")
    assert driver.find_element(By.ID, "checks-state").text == "success"
    assert driver.find_element(By.ID, "catalog-version").text == "1.0.0"
    shot(driver, tmp_path, "repo")
    driver.find_element(By.ID, "merge").click()  # a plain form POST: the page comes back after the merge
    assert "merged local/alpha#1 into main; catalog refreshed" in driver.find_element(By.CSS_SELECTOR, ".flash").text
    assert driver.find_element(By.ID, "pr-state").text == "merged"
    assert driver.find_element(By.ID, "catalog-version").text == "1.1.0"
    shot(driver, tmp_path, "merged")

    assert [(p["number"], p["state"]) for p in as_json(invoke("forge", "prs", "local/alpha", "-o", "json"))] == [
        (1, "merged")
    ]
    catalog = {
        e["metadata"]["name"]: e["metadata"]["annotations"]["scaffold.dev/template-version"]
        for e in as_json(invoke("catalog", "list", "-o", "json"))
    }
    assert catalog == {"alpha": "1.1.0", "beta": "1.0.0", "delta": "0.9.0"}
