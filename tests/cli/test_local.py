"""`scaffold new --into DIR`, `scaffold check` and `upgrade` from a subfolder: local renders on real git
repos, with the `mini` library (1.0.0 released, 2.0.0 current, a CHANGELOG)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder import git, record
from scaffolder.check import EXIT_BEHIND
from scaffolder.runner import Runner
from tests.cli.conftest import Invoke, as_json
from tests.formats.conftest import BACKSTAGE, COOKIECUTTER, COPIER

ANSWERS = ["--no-input", "--set", "name=orders-api", "--set", "owner=group:payments"]
DATE = "2026-03-01T00:00:00+00:00"


def monorepo(tmp_path: Path) -> Path:
    """A git repo with a file of its own at the top, committed."""
    repo = tmp_path / "mono"
    git.init(repo)
    (repo / "README.md").write_text("# The monorepo\n")
    git.commit_all(repo, "init", DATE)
    return repo


def test_into_renders_a_new_folder_with_its_record_and_nothing_on_the_forge(
    invoke: Invoke, library: Path, tmp_path: Path, scaffold_home: Path
) -> None:
    dest = tmp_path / "orders"
    data = as_json(invoke("new", "mini@1.0.0", *ANSWERS, "--into", str(dest), "-o", "json"))
    assert data["files"] == ["README.md", "app.py", "catalog-info.yaml"] and data["published"] is None
    assert (dest / "app.py").read_text() == "PORT = 8080\n\n\ndef main():\n    return 'hello'\n"
    rec = record.read(dest)
    assert (rec.template.name, rec.template.version, rec.run_id) == ("mini", "1.0.0", data["run_id"])
    assert rec.answers["name"] == "orders-api" and set(rec.files) == set(data["files"])
    assert not (scaffold_home / "forge").exists()  # no repository was made
    assert not list(scaffold_home.glob("catalog*"))  # nor a catalog entry


def test_a_local_render_is_what_upgrade_renders(invoke: Invoke, library: Path, tmp_path: Path) -> None:
    """The files are byte for byte what `upgrade` re-renders from the record: an upgrade right away
    would change nothing but the version."""
    from scaffolder import config, sources
    from scaffolder.catalogs.null import NullCatalog
    from scaffolder.parameters import resolve

    dest = tmp_path / "orders"
    invoke("new", "mini@1.0.0", *ANSWERS, "--into", str(dest))
    rec = record.read(dest)
    found = sources.resolve("mini@1.0.0", config.load())
    runner = Runner(config.open_forge(config.load()), NullCatalog())
    again = tmp_path / "again"
    runner.render(
        found.template, resolve(found.template, rec.answers), again, run_id=rec.run_id, started_at=rec.created_at
    )
    assert record.manifest(again) == rec.files == {k: v for k, v in record.manifest(dest).items()}


def test_into_an_existing_folder_lists_what_it_would_overwrite(invoke: Invoke, library: Path, tmp_path: Path) -> None:
    dest = tmp_path / "orders"
    dest.mkdir()
    (dest / "app.py").write_text("mine\n")
    (dest / "README.md").write_text("# orders-api\n\nOwned by group:payments.\n")  # what the render holds
    (dest / "notes.txt").write_text("kept\n")
    result = invoke("new", "mini@1.0.0", *ANSWERS, "--into", str(dest), code=1)
    assert "would overwrite files; pass --force to overwrite them; nothing was created" in result.stderr
    assert "app.py: exists with other content" in result.stderr and "README.md" not in result.stderr
    assert (dest / "app.py").read_text() == "mine\n" and not (dest / ".scaffold").exists()

    data = as_json(invoke("new", "mini@1.0.0", *ANSWERS, "--into", str(dest), "--force", "-o", "json"))
    assert data["overwritten"] == ["app.py"] and data["unchanged"] == ["README.md"]
    assert (dest / "app.py").read_text().startswith("PORT = 8080") and (dest / "notes.txt").read_text() == "kept\n"
    again = invoke("new", "mini@1.0.0", *ANSWERS, "--into", str(dest), code=1)
    assert "was already made by scaffold" in again.stderr and "scaffold upgrade" in again.stderr


def test_into_a_dry_run_writes_nothing(invoke: Invoke, library: Path, tmp_path: Path) -> None:
    dest = tmp_path / "orders"
    out = invoke("new", "mini", *ANSWERS, "--into", str(dest), "--dry-run").stdout
    assert out.startswith(f"Would render mini@2.0.0 into {dest} (4 files)") and not dest.exists()


def test_force_and_publish_need_into(invoke: Invoke, library: Path) -> None:
    assert "--force and --publish go with --into DIR" in invoke("new", "mini", *ANSWERS, "--force", code=2).stderr


def test_into_with_publish_also_makes_the_repo_and_catalog_entry(invoke: Invoke, library: Path, tmp_path: Path) -> None:
    dest = tmp_path / "orders"
    data = as_json(invoke("new", "mini@1.0.0", *ANSWERS, "--into", str(dest), "--publish", "-o", "json"))
    published = data["published"]
    assert published["entity_ref"] == "component:default/orders-api"
    clone = git.clone(published["repository"]["clone_url"], tmp_path / "clone")
    assert record.read(clone) == record.read(dest) and (dest / "app.py").read_bytes() == (clone / "app.py").read_bytes()


def test_a_monorepo_folder_is_upgraded_from_any_folder_inside_it(
    invoke: Invoke, library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = monorepo(tmp_path)
    folder = repo / "services" / "orders"
    invoke("new", "mini@1.0.0", *ANSWERS, "--into", str(folder))
    assert (folder / ".scaffold" / "record.yaml").is_file() and not (repo / ".scaffold").exists()
    app = folder / "app.py"
    app.write_text(app.read_text().replace("'hello'", "'hello, orders'"))
    (folder / "src").mkdir()
    (folder / "src" / "extra.py").write_text("X = 1\n")
    git.commit_all(repo, "orders service, edited", DATE)
    (repo / "elsewhere.txt").write_text("not this folder's business\n")  # dirty, outside the folder

    monkeypatch.chdir(folder / "src")
    data = as_json(invoke("upgrade", "--no-input", "-o", "json"))
    assert (data["from_version"], data["to_version"]) == ("1.0.0", "2.0.0") and not data["conflicts"]
    assert "TIMEOUT = 30" in app.read_text() and "'hello, orders'" in app.read_text()  # both sides kept
    assert (folder / "docs" / "index.md").is_file() and not (repo / "docs").exists()
    assert record.read(folder).template.version == "2.0.0"


def test_upgrade_of_a_folder_refuses_its_own_uncommitted_changes(invoke: Invoke, library: Path, tmp_path: Path) -> None:
    repo = monorepo(tmp_path)
    folder = repo / "orders"
    invoke("new", "mini@1.0.0", *ANSWERS, "--into", str(folder))
    git.commit_all(repo, "orders", DATE)
    (folder / "app.py").write_text("changed\n")
    result = invoke("upgrade", str(folder / ".scaffold"), code=1)
    assert "has uncommitted changes" in result.stderr and "orders/app.py: uncommitted" in result.stderr


def test_upgrade_outside_any_record_says_so(invoke: Invoke, tmp_path: Path) -> None:
    repo = monorepo(tmp_path)
    (repo / "sub").mkdir()
    result = invoke("upgrade", str(repo / "sub"), code=1)
    assert "has no .scaffold/record.yaml, nor has any folder above it up to" in result.stderr


def test_check_says_behind_with_the_changelog_then_current(
    invoke: Invoke, library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "orders"
    invoke("new", "mini@1.0.0", *ANSWERS, "--into", str(dest))
    monkeypatch.chdir(dest / ".scaffold")  # from a folder inside the repo
    result = invoke("check", code=EXIT_BEHIND)
    assert result.stdout.startswith(f"{dest}: mini 1.0.0 is behind 2.0.0 (2.0.0 released since).")
    assert "- A docs folder and a request timeout." in result.stdout
    data = as_json(invoke("check", "-o", "json", code=EXIT_BEHIND))
    assert (data["current_version"], data["target_version"], data["status"]) == ("1.0.0", "2.0.0", "behind")
    assert data["newer_versions"] == ["2.0.0"] and data["changelog"].startswith("## 2.0.0 - 2026-02-01")
    assert as_json(invoke("check", "--to", "1.0.0", "-o", "json"))["status"] == "current"

    git.init(dest)
    git.commit_all(dest, "orders", DATE)
    invoke("upgrade", str(dest), "--no-input")
    assert invoke("check", str(dest)).stdout == f"{dest}: mini 2.0.0 is the newest version.\n"


def test_check_bad_input(invoke: Invoke, library: Path, tmp_path: Path) -> None:
    assert "has no .scaffold/record.yaml" in invoke("check", str(tmp_path), code=1).stderr
    dest = tmp_path / "orders"
    invoke("new", "mini@1.0.0", *ANSWERS, "--into", str(dest))
    assert "9.9.9" in invoke("check", str(dest), "--to", "9.9.9", code=1).stderr


@pytest.mark.parametrize(
    ("fixture", "extra", "expected"),
    [
        (COOKIECUTTER, ["--trust"], "pyproject.toml"),
        (COPIER, ["--trust"], "pyproject.toml"),
        (
            BACKSTAGE,
            ["--set", "name=orders-api", "--set", "repoUrl=github.com?owner=acme&repo=orders-api"],
            "README.md",
        ),
    ],
    ids=["cookiecutter", "copier", "backstage"],
)
def test_into_renders_every_format(
    invoke: Invoke, tmp_path: Path, scaffold_home: Path, fixture: Path, extra: list[str], expected: str
) -> None:
    dest = tmp_path / "project"
    data = as_json(
        invoke(
            "new",
            str(fixture),
            "--no-input",
            "--set",
            "owner=group:payments",
            *extra,
            "--into",
            str(dest),
            "-o",
            "json",
        )
    )
    assert expected in data["files"] and (dest / expected).is_file()
    assert record.read(dest).template.name == fixture.name and not (scaffold_home / "forge").exists()


def test_a_cookiecutter_render_into_a_folder_upgrades_like_any_repo(invoke: Invoke, tmp_path: Path) -> None:
    from tests.cli.test_adopt import INI_V2, README_V2, cookiecutter_template

    template = cookiecutter_template(tmp_path / "templates")
    dest = tmp_path / "billing"
    sets = ["--set", "project_name=Billing", "--set", "port=9090"]
    data = as_json(invoke("new", f"{template}@1.0.0", "--no-input", *sets, "--into", str(dest), "-o", "json"))
    assert data["version"] == "1.0.0" and sorted(data["files"]) == [
        "README.md",
        "app.ini",
        "catalog-info.yaml",
        "main.py",
    ]
    git.init(dest)
    git.commit_all(dest, "rendered", DATE)
    (dest / "main.py").write_text("def main():\n    return 3\n")
    git.commit_all(dest, "team edit", DATE)
    assert as_json(invoke("check", str(dest), "-o", "json", code=EXIT_BEHIND))["newer_versions"] == ["1.1.0", "2.0.0"]
    result = as_json(invoke("upgrade", str(dest), "--no-input", "-o", "json"))
    assert result["to_version"] == "2.0.0" and result["conflicts"] == []
    assert (dest / "main.py").read_text() == "def main():\n    return 3\n"
    assert (dest / "app.ini").read_text() == INI_V2.format(port=9090)
    assert (dest / "README.md").read_text() == README_V2.format(name="Billing")
