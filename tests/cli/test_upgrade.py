"""`scaffold upgrade` through the command line: a library with releases, repos made by `scaffold new`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder import git, record
from scaffolder.sources import cut_release
from tests.cli.conftest import Invoke, as_json
from tests.test_upgrade import V1, V2, golden

NEW = ["new", "--no-input", "--set", "name=orders-api", "--set", "owner=group:payments", "-o", "json"]
SCRIPT = """\
  migrations:
    - to: 3.0.0
      steps:
        - script: [{python!r}, -c, "open('MIGRATED', 'w').write('yes')"]
"""


def _release(lib: Path, version: str, files: dict[str, str | bytes], **kw: str) -> None:
    """Make `version` the current version of lib/svc, cutting the current one as a release first."""
    build = golden(lib.parent / "build" / version, version, files, **kw).path
    folder = lib / "svc"
    if folder.exists():
        cut_release(folder)
        for child in folder.iterdir():
            if child.name != "releases":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(build, folder, dirs_exist_ok=True)


@pytest.fixture
def lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A template library holding svc 1.0.0 (released) and 2.0.0 (current)."""
    lib = tmp_path / "lib"
    _release(lib, "1.0.0", V1)
    _release(lib, "2.0.0", V2, spec="  required_files: [LICENSE]\n")
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    return lib


@pytest.fixture
def repo(invoke: Invoke, lib: Path, tmp_path: Path) -> Path:
    """A clone of orders-api, made by `scaffold new svc@1.0.0`."""
    data = as_json(invoke(*NEW[:1], "svc@1.0.0", *NEW[1:]))
    assert data["version"] == "1.0.0"
    return git.clone(data["repository"]["clone_url"], tmp_path / "orders-api")


def commit(repo: Path) -> None:
    git.commit_all(repo, "human edit", "2026-02-01T00:00:00+00:00")


def test_a_clean_upgrade(invoke: Invoke, repo: Path) -> None:
    readme = repo / "README.md"
    readme.write_text(readme.read_text().replace("A service.", "A service that takes orders."))
    commit(repo)
    result = invoke("upgrade", str(repo))
    assert f"Upgraded {repo} from svc 1.0.0 to 2.0.0." in result.stdout
    assert "Added (1):\n  docs/guide.md\n" in result.stdout
    assert "Deleted (1):\n  old.txt\n" in result.stdout
    assert "Renamed (1):\n  setup.cfg -> settings.cfg\n" in result.stdout  # found by content: no migration
    assert "Review with `git diff`, then commit." in result.stdout
    assert "A service that takes orders." in readme.read_text() and "kubectl apply -k" in readme.read_text()
    rec = record.read(repo)
    assert (rec.template.version, rec.template.ref) == ("2.0.0", "2.0.0")
    assert "already at svc 2.0.0" in invoke("upgrade", str(repo), "--allow-dirty").stdout


def test_conflicts_exit_4_and_are_listed(invoke: Invoke, repo: Path) -> None:
    readme = repo / "README.md"
    readme.write_text(readme.read_text().replace("kubectl apply -f deploy/", "helm install"))
    commit(repo)
    data = as_json(invoke("upgrade", str(repo), "-o", "json", code=4))
    assert data["conflicts"] == ["README.md"] and data["changed"] is True
    assert data["conflict_kinds"] == {"README.md": "content"}
    assert (data["template"], data["from_version"], data["to_version"]) == ("svc", "1.0.0", "2.0.0")
    assert set(data) >= {"added", "modified", "deleted", "renamed", "kept_deleted"} and "diff" not in data
    marked = (
        "<<<<<<< yours\nhelm install\n||||||| svc 1.0.0\nkubectl apply -f deploy/\n=======\nkubectl apply -k deploy/\n"
    )
    assert marked + ">>>>>>> svc 2.0.0\n" in readme.read_text()


def test_text_output_names_conflicts_and_kept_deleted_files(invoke: Invoke, repo: Path) -> None:
    readme = repo / "README.md"
    readme.write_text(readme.read_text().replace("kubectl apply -f deploy/", "helm install"))
    (repo / "config/app.ini").unlink()
    commit(repo)
    out = invoke("upgrade", str(repo), code=4).stdout
    assert "Kept deleted (you deleted them; the template changed them) (1):\n  config/app.ini\n" in out
    # every case needing a human under one heading, each with its kind
    assert (
        "NEEDS A HUMAN (2):\n"
        "  README.md  [content] both changed the same lines: conflict markers written\n"
        "  config/app.ini  [modify/delete] you deleted it, the template changed it: left deleted\n"
        "They are unmerged in git's index"
    ) in out


def test_dry_run_prints_the_diff_and_writes_nothing(invoke: Invoke, repo: Path) -> None:
    out = invoke("upgrade", str(repo), "--dry-run").stdout
    assert out.startswith(f"Would upgrade {repo} from svc 1.0.0 to 2.0.0.")
    assert "-kubectl apply -f deploy/\n+kubectl apply -k deploy/\n" in out
    assert "diff --git a/.scaffold/record.yaml b/.scaffold/record.yaml" in out
    assert git.dirty_paths(repo) == [] and record.read(repo).template.version == "1.0.0"
    data = as_json(invoke("upgrade", str(repo), "--dry-run", "-o", "json"))
    assert data["dry_run"] is True and data["diff"].startswith("diff --git a/")


def test_a_dirty_tree_is_refused_unless_allowed(invoke: Invoke, repo: Path) -> None:
    (repo / "LICENSE").write_text("changed, not committed\n")
    (repo / "scratch.txt").write_text("untracked\n")
    result = invoke("upgrade", str(repo), code=1)
    assert "has uncommitted changes" in result.stderr
    assert "LICENSE: uncommitted" in result.stderr and "scratch.txt: uncommitted" in result.stderr
    assert record.read(repo).template.version == "1.0.0"
    invoke("upgrade", str(repo), "--allow-dirty")
    assert (repo / "LICENSE").read_text() == "changed, not committed\n"
    assert record.read(repo).template.version == "2.0.0"


def test_bad_input(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    assert "has no .scaffold/record.yaml" in invoke("upgrade", str(tmp_path), code=1).stderr
    result = invoke("upgrade", str(repo), "--to", "9.9.9", code=1)
    assert "9.9.9" in result.stderr and "1.0.0" in result.stderr
    invoke("upgrade", str(repo))
    commit(repo)
    assert "downgrades are not supported" in invoke("upgrade", str(repo), "--to", "1.0.0", code=1).stderr


def test_new_parameters_from_set_or_defaults(invoke: Invoke, repo: Path, lib: Path) -> None:
    params = "    - id: region\n      default: eu-west-1\n    - id: channel\n"
    files = {**V2, "deploy.ini": "region = {{ values.region }}\nchannel = {{ values.channel }}\n"}
    _release(lib, "3.0.0", files, params=params)
    result = invoke("upgrade", str(repo), "--no-input", code=1)
    assert "channel: is required" in result.stderr
    invoke("upgrade", str(repo), "--no-input", "--set", "channel=#orders")
    assert (repo / "deploy.ini").read_text() == "region = eu-west-1\nchannel = #orders\n"
    assert record.read(repo).answers["channel"] == "#orders"


def test_to_picks_a_version_and_scripts_need_trust(invoke: Invoke, repo: Path, lib: Path) -> None:
    _release(lib, "3.0.0", V2, spec=SCRIPT.format(python=sys.executable))
    invoke("upgrade", str(repo), "--to", "2.0.0")
    assert record.read(repo).template.version == "2.0.0"
    commit(repo)
    refused = invoke("upgrade", str(repo), code=1)
    assert "run only with trust (--trust)" in refused.stderr and "would run:" in refused.stderr
    assert git.dirty_paths(repo) == []
    invoke("upgrade", str(repo), "--trust")
    assert (repo / "MIGRATED").read_text() == "yes"
    assert record.read(repo).template.version == "3.0.0"


def test_a_trusted_source_needs_no_flag(
    invoke: Invoke, repo: Path, lib: Path, scaffold_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _release(lib, "3.0.0", V2, spec=SCRIPT.format(python=sys.executable))
    (scaffold_home / "config.toml").write_text(f'trusted_sources = ["{lib.parent}/other"]\n')
    assert "run only with trust" in invoke("upgrade", str(repo), code=1).stderr  # another prefix
    (scaffold_home / "config.toml").write_text(f'trusted_sources = ["{lib.parent}"]\n')
    assert str(lib.parent) in as_json(invoke("config", "show", "-o", "json"))["trusted_sources"]
    invoke("upgrade", str(repo))
    assert (repo / "MIGRATED").read_text() == "yes"


def test_the_upgraded_repo_commits_cleanly(invoke: Invoke, repo: Path) -> None:
    invoke("upgrade", str(repo))
    commit(repo)
    log = subprocess.run(["git", "log", "--oneline"], cwd=repo, capture_output=True, text=True, check=True)
    assert len(log.stdout.splitlines()) == 2
    assert "already at" in invoke("upgrade", str(repo)).stdout


def test_backend_service_from_1_to_2_on_the_builtin_library(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The built-in golden path's real upgrade: app.py renamed to api.py by its migration, the
    team's code follows it, the generated project's own tests still pass."""
    monkeypatch.delenv("SCAFFOLD_LIBRARY", raising=False)
    data = as_json(invoke(*NEW[:1], "backend-service@1.0.0", *NEW[1:]))
    repo = git.clone(data["repository"]["clone_url"], tmp_path / "orders-api")
    app = repo / "src/orders_api/app.py"
    app.write_text(app.read_text() + '\n\ndef shout(text: str) -> str:\n    """Ours."""\n    return text.upper()\n')
    (repo / "NOTES.md").write_text("team notes\n")
    commit(repo)

    out = as_json(invoke("upgrade", str(repo), "-o", "json"))
    assert (out["from_version"], out["to_version"], out["conflicts"]) == ("1.0.0", "2.1.0", [])
    assert ["src/orders_api/app.py", "src/orders_api/api.py"] in out["renamed"]
    assert "src/orders_api/metrics.py" in out["added"]
    api = (repo / "src/orders_api/api.py").read_text()
    assert "def shout(text: str) -> str:" in api and "/metrics" in api
    assert not app.exists() and (repo / "NOTES.md").read_text() == "team notes\n"
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=repo, capture_output=True, text=True
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    commit(repo)
    assert "already at backend-service 2.1.0" in invoke("upgrade", str(repo)).stdout


def test_conflict_style_merge_leaves_markers_without_the_base(invoke: Invoke, repo: Path) -> None:
    readme = repo / "README.md"
    readme.write_text(readme.read_text().replace("kubectl apply -f deploy/", "helm install"))
    commit(repo)
    invoke("upgrade", str(repo), "--conflict-style", "merge", code=4)
    assert "<<<<<<< yours\nhelm install\n=======\nkubectl apply -k deploy/\n>>>>>>> svc 2.0.0\n" in readme.read_text()


def test_conflict_style_comes_from_the_config(
    invoke: Invoke, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = tmp_path / "config.toml"
    conf.write_text('conflict_style = "zdiff3"\n')
    monkeypatch.setenv("SCAFFOLD_CONFIG", str(conf))
    readme = repo / "README.md"
    readme.write_text(readme.read_text().replace("kubectl apply -f deploy/", "helm install"))
    commit(repo)
    invoke("upgrade", str(repo), code=4)
    assert "||||||| svc 1.0.0\nkubectl apply -f deploy/\n=======" in readme.read_text()
    conf.write_text('conflict_style = "fancy"\n')
    assert "conflict_style: 'fancy' is not merge, diff3 or zdiff3" in invoke("upgrade", str(repo), code=1).stderr


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def test_upgrade_refuses_to_run_again_until_the_conflicts_are_resolved(invoke: Invoke, repo: Path) -> None:
    readme = repo / "README.md"
    readme.write_text(readme.read_text().replace("kubectl apply -f deploy/", "helm install"))
    (repo / "config/app.ini").unlink()
    commit(repo)
    invoke("upgrade", str(repo), code=4)
    assert "UU README.md" in _git(repo, "status", "--porcelain").splitlines()
    assert "DU config/app.ini" in _git(repo, "status", "--porcelain").splitlines()
    # unmerged paths: refused, naming them (even though the record is at 2.0.0 now)
    err = invoke("upgrade", str(repo), "--allow-dirty", code=1).stderr
    assert "the last upgrade left conflicts that are not resolved" in err
    assert "README.md: unmerged in git's index" in err and "config/app.ini: unmerged in git's index" in err
    # committed with the markers still in (as the migration bot does): still refused, by the markers
    commit(repo)
    assert _git(repo, "ls-files", "-u") == ""
    err = invoke("upgrade", str(repo), code=1).stderr
    assert "README.md: still holds conflict markers" in err and "config/app.ini" not in err
    # resolved: the upgrade runs (nothing to do)
    text = readme.read_text()
    start, end = text.index("<<<<<<<"), text.index(">>>>>>> svc 2.0.0\n") + len(">>>>>>> svc 2.0.0\n")
    readme.write_text(text[:start] + "helm install\n" + text[end:])
    commit(repo)
    assert "already at svc 2.0.0" in invoke("upgrade", str(repo)).stdout


def test_a_dry_run_with_conflicts_exits_4_and_leaves_the_index_alone(invoke: Invoke, repo: Path) -> None:
    readme = repo / "README.md"
    readme.write_text(readme.read_text().replace("kubectl apply -f deploy/", "helm install"))
    commit(repo)
    data = as_json(invoke("upgrade", str(repo), "--dry-run", "-o", "json", code=4))
    assert data["conflict_kinds"] == {"README.md": "content"}
    assert _git(repo, "ls-files", "-u") == "" and git.dirty_paths(repo) == []
    assert record.read(repo).template.version == "1.0.0"
