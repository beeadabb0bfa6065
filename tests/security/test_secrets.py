"""A marker secret goes through every command path; it must appear in no output and no file
written: records, run folders, journals, logs, crash logs, commits, PR bodies, JSON, errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from scaffolder import config
from scaffolder.sources import cut_release
from tests.cli.conftest import Invoke
from tests.helpers import MINIMAL, write_template

MARKER = "tok_MARKERs3cr3t9f8e7d"
SECRET_PARAM = """    - id: api_token
      type: string
      secret: true
      pattern: '^tok_[A-Za-z0-9]+$'
      help: A deploy token
"""


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    text = MINIMAL.replace(
        "    - id: api_token\n      type: string\n      secret: true\n      required: false\n", SECRET_PARAM
    )
    assert SECRET_PARAM in text
    return write_template(tmp_path / "tpl", text)


def sweep(home: Path, *texts: str, markers: tuple[str, ...] = (MARKER,)) -> None:
    """No marker is in any of the texts, any file under home, or any commit of any forge repo."""
    for marker in markers:
        for text in texts:
            assert marker not in text
        for path in home.rglob("*"):
            if path.is_file():
                assert marker.encode() not in path.read_bytes(), path
    forge = config.open_forge(config.load())
    for repo in forge.list_repos():
        history = subprocess.run(
            ["git", "--git-dir", str(home / "forge" / repo.owner / f"{repo.name}.git"), "log", "-p", "--all"],
            capture_output=True,
            text=True,
            check=True,
        )
        for marker in markers:
            assert marker not in history.stdout, repo.full_name


def two_releases(golden: Path, lib: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library (the one scaffold uses from now on) where `golden` is `mini`, released as 1.0.0,
    with a 2.0.0 that adds NEW.md: something for upgrade and migrate to do."""
    shutil.copytree(golden, lib / "mini")
    (lib / "mini" / "CHANGELOG.md").write_text("# Changelog\n\n## [1.0.0]\n\n- First.\n")
    cut_release(lib / "mini")
    v2 = (lib / "mini" / "template.yaml").read_text().replace("version: 1.0.0", "version: 2.0.0")
    (lib / "mini" / "template.yaml").write_text(v2)
    (lib / "mini" / "skeleton" / "NEW.md").write_text("new in 2.0.0\n")
    (lib / "mini" / "CHANGELOG.md").write_text("# Changelog\n\n## [2.0.0]\n\n- NEW.md.\n\n## [1.0.0]\n\n- First.\n")
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    return lib


ARGS = ["--no-input", "--set", "name=orders-api", "--set", "owner=group:payments"]


def test_new_text_json_dry_run_and_runs(invoke: Invoke, golden: Path, scaffold_home: Path) -> None:
    outputs = []
    for extra in (["--dry-run"], ["--dry-run", "-o", "json"], ["-o", "json"]):
        result = invoke("new", str(golden), *ARGS, "--set", f"api_token={MARKER}", *extra)
        outputs += [result.stdout, result.stderr]
    outputs.append(invoke("runs", "-o", "json").stdout)
    outputs.append(invoke("catalog", "list", "-o", "json").stdout)
    sweep(scaffold_home, *outputs)


def test_a_secret_that_breaks_its_pattern_is_not_echoed(invoke: Invoke, golden: Path, scaffold_home: Path) -> None:
    bad = "nottok-" + MARKER
    for extra in ([], ["-o", "json"]):
        result = invoke("new", str(golden), *ARGS, "--set", f"api_token={bad}", *extra, code=1)
        assert "api_token" in result.stderr and bad not in result.stdout + result.stderr
        assert MARKER not in result.stdout + result.stderr


def test_resume_asks_again_and_keeps_it_out(
    invoke: Invoke, golden: Path, scaffold_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder.catalogs.sqlite import SqliteCatalog
    from scaffolder.errors import CatalogError

    real = SqliteCatalog.register

    def down(self: SqliteCatalog, *args: object, **kwargs: object) -> object:
        raise CatalogError("catalog unreachable (injected)")

    monkeypatch.setattr(SqliteCatalog, "register", down)
    failed = invoke("new", str(golden), *ARGS, "--set", f"api_token={MARKER}", code=1)
    run_id = failed.stderr.split("scaffold resume ")[1].split(")")[0].strip()
    monkeypatch.setattr(SqliteCatalog, "register", real)
    missing = invoke("resume", run_id, "--no-input", code=1)
    assert "api_token" in missing.stderr  # secrets are never stored, so it must be given again
    resumed = invoke("resume", run_id, "--no-input", "--set", f"api_token={MARKER}", "-o", "json")
    assert json.loads(resumed.stdout)["status"] == "done"
    sweep(scaffold_home, failed.stdout, failed.stderr, missing.stderr, resumed.stdout, resumed.stderr)


def test_a_crash_log_never_holds_the_secret(
    invoke: Invoke, golden: Path, scaffold_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder.catalogs.sqlite import SqliteCatalog

    def boom(self: SqliteCatalog, entity: object, *args: object, **kwargs: object) -> object:
        raise RuntimeError(f"bug while holding {MARKER}")

    monkeypatch.setattr(SqliteCatalog, "register", boom)
    for extra in ([], ["-o", "json"]):
        result = invoke(
            "new",
            str(golden),
            "--no-input",
            "--set",
            f"name=svc-{len(extra)}",
            "--set",
            "owner=group:payments",
            "--set",
            f"api_token={MARKER}",
            *extra,
            code=3,
        )
        assert "the traceback is in" in result.stderr
        sweep(scaffold_home, result.stdout, result.stderr)
    assert list((scaffold_home / "logs").glob("crash-*.log"))


def test_config_show_masks_tokens(invoke: Invoke, scaffold_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (scaffold_home / "config.toml").write_text(
        '[profiles.gh.forge]\nkind = "github"\nowner = "acme"\n'
        '[profiles.gh.catalog]\nkind = "backstage"\nbase_url = "http://127.0.0.1:1"\n'
    )
    monkeypatch.setenv("GITHUB_TOKEN", MARKER)
    monkeypatch.setenv("BACKSTAGE_TOKEN", MARKER + "b")
    for extra in ([], ["-o", "json"]):
        result = invoke("config", "show", "--profile", "gh", *extra)
        assert MARKER not in result.stdout and "****" in result.stdout


def test_upgrade_and_migrate_keep_it_out(
    invoke: Invoke, golden: Path, scaffold_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_releases(golden, tmp_path / "lib", monkeypatch)
    outputs: list[str] = []
    for name in ("alpha", "beta"):
        r = invoke(
            "new",
            "mini@1.0.0",
            "--no-input",
            "-q",
            "--set",
            f"name={name}",
            "--set",
            "owner=group:payments",
            "--set",
            f"api_token={MARKER}",
        )
        outputs += [r.stdout, r.stderr]
    forge = config.open_forge(config.load())
    repo = forge.get_repo("local", "alpha")
    assert repo is not None
    clone = forge.clone(repo, tmp_path / "alpha")
    missing = invoke("upgrade", str(clone), "--no-input", code=1)
    assert "api_token" in missing.stderr  # never recorded, so it must be given again
    up = invoke("upgrade", str(clone), "--no-input", "--set", f"api_token={MARKER}", "-o", "json")
    outputs += [missing.stdout, missing.stderr, up.stdout, up.stderr]
    for path in clone.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert MARKER.encode() not in path.read_bytes(), path
    migrated = invoke("migrate", "mini", "--repo", "beta", "--set", f"api_token={MARKER}", "-o", "json")
    assert '"state": "opened"' in migrated.stdout
    outputs += [migrated.stdout, migrated.stderr]
    sweep(scaffold_home, *outputs)
