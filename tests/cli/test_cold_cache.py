"""Cold caches: with a fresh SCAFFOLD_HOME, a git library gives an upgrade the two versions it
renders and nothing else (no other release, no other golden path, no history's files), and a
later operation that needs more fetches it then."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder import git
from tests.cli.conftest import Invoke, as_json
from tests.helpers import MINIMAL

ANSWERS = ["--no-input", "--set", "name=orders-api", "--set", "owner=group:payments"]
DATE = "2026-03-01T00:00:00+00:00"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _mini(lib: Path, version: str, notes: str) -> None:
    folder = lib / "mini"
    (folder / "skeleton").mkdir(parents=True, exist_ok=True)
    (folder / "template.yaml").write_text(MINIMAL.replace("version: 1.0.0", f"version: {version}"))
    (folder / "skeleton" / "README.md").write_text("# {{ values.name }}\n")
    (folder / "skeleton" / "NOTES.md").write_text(notes)
    (folder / "CHANGELOG.md").write_text(f"# Changelog\n\n## [{version}] - 2026-02-01\n\n- {notes}")


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare git library: mini tagged 1.0.0, 1.1.0 and 2.0.0 (HEAD), and `other` at HEAD."""
    work = tmp_path / "libwork"
    work.mkdir()
    _git(work, "init", "-q", "-b", "main")
    for version in ("1.0.0", "1.1.0", "2.0.0"):
        _mini(work, version, f"notes of {version}\n")
        if version == "2.0.0":
            (work / "other" / "skeleton").mkdir(parents=True)
            (work / "other" / "template.yaml").write_text(MINIMAL.replace("name: mini", "name: other"))
            (work / "other" / "skeleton" / "OTHER.md").write_text("only in other\n")
        _git(work, "add", "-A")
        _git(work, "commit", "-q", "-m", f"mini {version}")
        _git(work, "tag", f"mini/v{version}")
    bare = tmp_path / "lib.git"
    _git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    return bare


def _blob(remote: Path, rev: str) -> str:
    return _git(remote, "rev-parse", rev)


def _missing(mirror: Path) -> set[str]:
    """Objects a partial mirror knows of but has not fetched (listing them fetches nothing)."""
    out = _git(mirror, "rev-list", "--objects", "--all", "--missing=print")
    return {line[1:] for line in out.splitlines() if line.startswith("?")}


def _made_at_1_0_0(invoke: Invoke, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repo made from mini 1.0.0 (in another SCAFFOLD_HOME) and committed."""
    monkeypatch.setenv("SCAFFOLD_LIBRARY", url)
    monkeypatch.setenv("SCAFFOLD_HOME", str(tmp_path / "maker-home"))
    dest = tmp_path / "orders"
    invoke("new", "mini@1.0.0", *ANSWERS, "--into", str(dest))
    git.init(dest)
    git.commit_all(dest, "orders", DATE)
    return dest


def test_a_cold_upgrade_fetches_and_extracts_only_the_two_versions(
    invoke: Invoke, remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"git+file://{remote}"
    dest = _made_at_1_0_0(invoke, url, tmp_path, monkeypatch)
    cold = tmp_path / "cold-home"  # a fresh home, as on a CI runner or a campaign shard
    monkeypatch.setenv("SCAFFOLD_HOME", str(cold))

    data = as_json(invoke("upgrade", str(dest), "--no-input", "-o", "json"))
    assert (data["from_version"], data["to_version"]) == ("1.0.0", "2.0.0")
    assert (dest / "NOTES.md").read_text() == "notes of 2.0.0\n"

    [mirror] = list(cold.rglob("repo.git"))
    missing = _missing(mirror)
    assert _blob(remote, "mini/v1.1.0:mini/skeleton/NOTES.md") in missing  # a release it did not render
    assert _blob(remote, "mini/v2.0.0:other/skeleton/OTHER.md") in missing  # another golden path
    for version in ("1.0.0", "2.0.0"):
        assert _blob(remote, f"mini/v{version}:mini/skeleton/NOTES.md") not in missing
    commits = {_git(remote, "rev-parse", f"mini/v{v}^{{commit}}") for v in ("1.0.0", "2.0.0")}
    extracted = {p.parent.name for p in mirror.parent.glob("*/*") if p.is_dir() and p.parent != mirror}
    assert extracted == commits and {p.name for p in mirror.parent.glob("*/*") if p.parent.name in commits} == {"mini"}


def test_after_a_cold_upgrade_versions_list_and_another_release_fetch_what_they_need(
    invoke: Invoke, remote: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"git+file://{remote}"
    dest = _made_at_1_0_0(invoke, url, tmp_path, monkeypatch)
    monkeypatch.setenv("SCAFFOLD_HOME", str(tmp_path / "cold-home"))
    invoke("upgrade", str(dest), "--no-input")

    listed = as_json(invoke("versions", "mini", "-o", "json"))
    assert [(r["version"], r["changelog"]) for r in listed] == [
        (v, f"- notes of {v}") for v in ("2.0.0", "1.1.0", "1.0.0")
    ]
    names = {e["name"] for e in as_json(invoke("list", "-o", "json"))}
    assert {"mini", "other"} <= names
    middle = tmp_path / "middle"
    invoke("new", "mini@1.1.0", *ANSWERS, "--into", str(middle))
    assert (middle / "NOTES.md").read_text() == "notes of 1.1.0\n"


def test_a_bare_library_lists_releases_without_extracting_them(
    invoke: Invoke, remote: Path, scaffold_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(remote))
    listed = as_json(invoke("versions", "mini", "-o", "json"))
    assert [r["version"] for r in listed] == ["2.0.0", "1.1.0", "1.0.0"]
    head = _git(remote, "rev-parse", "HEAD")
    extracted = {f"{p.parent.name[:7]}/{p.name}" for p in scaffold_home.glob("cache/libraries/*/*/*") if p.is_dir()}
    assert extracted == {f"{head[:7]}/mini"}  # the current version only: no other release, no `other`


_MIRROR = """
import sys
from pathlib import Path
from scaffolder.sources.cache import mirror_once
print("started", flush=True)
mirror_once(sys.argv[1], Path(sys.argv[2]))
print("fetched", flush=True)
"""


def test_processes_sharing_a_home_fetch_a_mirror_one_at_a_time(remote: Path, tmp_path: Path) -> None:
    """A shard that finds another fetching the same library waits for it (a file lock), then
    finds the mirror there; it never fetches into a half-made one."""
    from filelock import FileLock

    cache = tmp_path / "cache" / "lib"
    cache.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    with FileLock(cache / "repo.git.lock"):
        shard = subprocess.Popen(
            [sys.executable, "-c", _MIRROR, f"file://{remote}", str(cache)], stdout=subprocess.PIPE, text=True, env=env
        )
        assert shard.stdout is not None
        assert shard.stdout.readline().strip() == "started"
        with pytest.raises(subprocess.TimeoutExpired):
            shard.wait(timeout=1)  # held back by the lock
        assert not (cache / "repo.git").exists()
    assert shard.stdout.readline().strip() == "fetched"
    assert shard.wait(timeout=60) == 0
    assert git.rev_parse(cache / "repo.git", "mini/v2.0.0^{commit}", bare=True) is not None
