"""`scaffold adopt`: repos made by cruft (the real package) and by copier (its API), and a hand-made one,
brought under a golden path and then upgraded with a real three-way merge; answers read from the repo."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import copier
import cruft
import pytest

from scaffolder import git, record
from scaffolder.repo_answers import discover
from scaffolder.sources import cache
from tests.cli.conftest import Invoke, as_json

DATE = "2026-03-01T00:00:00+00:00"
CATALOG = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
spec:
  type: service
  owner: group:billing
"""
MAIN = "def main():\n    return 1\n"
INI_V1 = "[app]\nport = {port}\nlog = info\n"
INI_V11 = "[app]\nport = {port}\nlog = info\ntimeout = 30\n"
INI_V2 = "[app]\nport = {port}\nlog = info\ntimeout = 30\nmetrics = on\n"
README_V1 = "# {name}\n\nA service.\n"
README_V2 = "# {name}\n\nA service, with metrics.\n"


def _write(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _release(repo: Path, files: dict[str, str], tag: str) -> None:
    _write(repo, files)
    git.init(repo)
    git.commit_all(repo, tag, DATE)
    git.tag(repo, tag)


def cookiecutter_template(root: Path) -> Path:
    """A cookiecutter template repository (it writes its own catalog-info.yaml) with releases
    v1.0.0, v1.1.0 and v2.0.0."""
    repo = root / "cc-service"
    (repo / "cookiecutter.json").parent.mkdir(parents=True)
    context = {"project_name": "Orders", "project_slug": "{{ cookiecutter.project_name.lower() }}", "port": "8080"}
    (repo / "cookiecutter.json").write_text(json.dumps(context))
    out = "{{cookiecutter.project_slug}}/"
    fields = {"name": "{{ cookiecutter.project_name }}", "port": "{{ cookiecutter.port }}"}
    slug = {"name": "{{ cookiecutter.project_slug }}"}
    base = {out + "main.py": MAIN, out + "catalog-info.yaml": CATALOG.format(**slug)}
    _release(
        repo,
        {**base, out + "README.md": README_V1.format(**fields), out + "app.ini": INI_V1.format(**fields)},
        "v1.0.0",
    )
    _release(repo, {out + "app.ini": INI_V11.format(**fields)}, "v1.1.0")
    _release(repo, {out + "app.ini": INI_V2.format(**fields), out + "README.md": README_V2.format(**fields)}, "v2.0.0")
    return repo


def copier_template(root: Path) -> Path:
    """A copier template repository (answers file, catalog-info.yaml) with releases v1.0.0, v1.1.0, v2.0.0."""
    repo = root / "copier-service"
    fields = {"name": "{{ project_name }}", "port": "{{ port }}"}
    base = {
        "copier.yml": "_answers_file: .copier-answers.yml\nproject_name:\n  type: str\n  default: Orders\n"
        "port:\n  type: int\n  default: 8080\n",
        "{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers|to_nice_yaml }}",
        "main.py": MAIN,
        "catalog-info.yaml.jinja": CATALOG.format(name="{{ project_name | lower }}"),
    }
    _release(
        repo,
        {**base, "README.md.jinja": README_V1.format(**fields), "app.ini.jinja": INI_V1.format(**fields)},
        "v1.0.0",
    )
    _release(repo, {"app.ini.jinja": INI_V11.format(**fields)}, "v1.1.0")
    _release(repo, {"app.ini.jinja": INI_V2.format(**fields), "README.md.jinja": README_V2.format(**fields)}, "v2.0.0")
    return repo


def team_edits(project: Path) -> None:
    """The repo becomes a git repo and the team edits its code."""
    git.init(project)
    git.commit_all(project, "generated", DATE)
    (project / "main.py").write_text("def main():\n    return 2  # the team's edit\n")
    (project / "tests.py").write_text("assert True\n")
    git.commit_all(project, "team edit", DATE)


def adopt_then_upgrade(invoke: Invoke, project: Path, *extra: str) -> dict[str, object]:
    """Dry run (nothing written), adopt, commit, upgrade; the upgrade's JSON."""
    dry = as_json(invoke("adopt", str(project), "--no-input", "--dry-run", "-o", "json", *extra))
    assert dry["base"] == "1.0.0" and dry["record"] is None and not (project / ".scaffold").exists()
    scores = {c["version"]: c["score"] for c in dry["candidates"]}
    assert list(scores) == ["2.0.0", "1.1.0", "1.0.0"]
    assert scores["1.0.0"] < scores["1.1.0"] < scores["2.0.0"]
    assert dry["answers"]["project_name"] == "Billing" and dry["missing"] == []
    data = as_json(invoke("adopt", str(project), "--no-input", "-o", "json", *extra))
    rec = record.read(project)
    assert (rec.template.version, rec.answers["project_name"]) == ("1.0.0", "Billing")
    git.commit_all(project, "adopt", DATE)
    assert data["base"] == "1.0.0"
    cache._fetched.clear()  # each command is a process of its own: it fetches the URL again
    result: dict[str, object] = as_json(invoke("upgrade", str(project), "--no-input", "-o", "json"))
    assert (result["from_version"], result["to_version"]) == ("1.0.0", "2.0.0")
    assert (project / "main.py").read_text() == "def main():\n    return 2  # the team's edit\n"
    assert (project / "tests.py").is_file()
    assert (project / "app.ini").read_text() == INI_V2.format(name="Billing", port=9090)
    assert (project / "README.md").read_text() == README_V2.format(name="Billing")
    assert record.read(project).template.version == "2.0.0"
    return result


def test_a_cruft_made_repo_is_adopted_then_upgraded(invoke: Invoke, tmp_path: Path) -> None:
    template = cookiecutter_template(tmp_path / "templates")
    context = {"project_name": "Billing", "port": "9090"}
    cruft.create(str(template), output_dir=tmp_path, checkout="v1.0.0", no_input=True, extra_context=context)
    project = tmp_path / "billing"
    assert json.loads((project / ".cruft.json").read_text())["checkout"] == "v1.0.0"
    team_edits(project)
    result = adopt_then_upgrade(invoke, project)  # the template is the one .cruft.json names
    assert result["conflicts"] == [] and result["modified"] == ["README.md", "app.ini"]


def test_a_copier_made_repo_is_adopted_then_upgraded(invoke: Invoke, tmp_path: Path) -> None:
    template = copier_template(tmp_path / "templates")
    project = tmp_path / "billing"
    copier.run_copy(
        str(template), project, data={"project_name": "Billing", "port": 9090}, vcs_ref="v1.0.0", defaults=True
    )
    answers = (project / ".copier-answers.yml").read_text()
    assert "_commit: v1.0.0" in answers
    team_edits(project)
    result = adopt_then_upgrade(invoke, project, "--template", str(template))
    assert result["conflicts"] == [] and result["modified"] == ["README.md", "app.ini"]


def test_answers_come_from_the_repos_own_files(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "from-pyproject"\ndescription = "Orders"\n',
            "catalog-info.yaml": CATALOG.format(name="orders-api"),
            ".copier-answers.yml": "_commit: v1\n_src_path: gh:acme/tpl\nport: 9090\n",
        },
    )
    found = discover(tmp_path)
    assert found == {
        "name": ("orders-api", "catalog-info.yaml"),  # the catalog entry wins over project metadata
        "description": ("Orders", "pyproject.toml"),
        "owner": ("group:billing", "catalog-info.yaml"),
        "port": (9090, ".copier-answers.yml"),
    }
    (tmp_path / "package.json").write_text("{not json")
    assert discover(tmp_path) == found  # a file that does not parse gives nothing


@pytest.fixture
def mini_repo(library: Path, tmp_path: Path) -> Path:
    """A repo made by hand from mini 1.0.0's files, with a catalog entry and an edit."""
    repo = tmp_path / "orders"
    _write(
        repo,
        {
            "README.md": "# orders-api\n\nOwned by group:billing.\n",
            "app.py": "PORT = 8080\n\n\ndef main():\n    return 'hello, team'\n",
            "catalog-info.yaml": CATALOG.format(name="orders-api"),
        },
    )
    git.init(repo)
    git.commit_all(repo, "by hand", DATE)
    return repo


def test_a_hand_made_repo_takes_answers_from_its_catalog_entry(invoke: Invoke, mini_repo: Path) -> None:
    out = invoke("adopt", str(mini_repo), "--template", "mini", "--no-input", "--dry-run").stdout
    assert out.startswith(f"Would adopt {mini_repo} as mini 1.0.0 (the release closest to it).")
    assert "name = 'orders-api'  (catalog-info.yaml)" in out and "owner = 'group:billing'  (catalog-info.yaml)" in out
    assert "port = 8080  (default)" in out
    data = as_json(invoke("adopt", str(mini_repo), "-t", "mini@2.0.0", "--no-input", "-o", "json"))
    assert data["base"] == "2.0.0" and [c["version"] for c in data["candidates"]] == ["2.0.0"]
    assert data["missing"] == ["docs/index.md"] and data["added"] == [] and not (mini_repo / "docs").exists()
    again = invoke("adopt", str(mini_repo), "-t", "mini", "--no-input", code=1)
    assert "is already under a golden path" in again.stderr


def test_adopt_bad_input(invoke: Invoke, mini_repo: Path, tmp_path: Path) -> None:
    shutil.rmtree(mini_repo / ".git")
    (mini_repo / "catalog-info.yaml").unlink()
    result = invoke("adopt", str(mini_repo), "--template", "mini", "--no-input", code=1)
    assert "owner: is required" in result.stderr and not (mini_repo / ".scaffold").exists()
    assert "--template is required" in invoke("adopt", str(tmp_path), "--no-input", code=2).stderr


def test_the_wizard_asks_what_the_repo_does_not_say(mini_repo: Path) -> None:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from scaffolder import config, wizard
    from scaffolder.adopt import adopt_repo
    from tests.formats.conftest import CLEAR, ENTER

    with create_pipe_input() as pipe:
        pipe.send_text(CLEAR + "9090" + ENTER + ENTER)  # port, then the optional secret api_token
        result = adopt_repo(
            mini_repo,
            "mini",
            config.load(),
            ask=lambda t, v: wizard.ask(t, dict(v), input=pipe, output=DummyOutput()),
            dry_run=True,
        )
    assert result.answers["port"] == 9090 and result.sources["port"] == "asked"
    assert result.answers["owner"] == "group:billing" and result.sources["owner"] == "catalog-info.yaml"


def test_add_missing_writes_the_files_the_repo_lacks(invoke: Invoke, mini_repo: Path) -> None:
    out = invoke("adopt", str(mini_repo), "-t", "mini@2.0.0", "--no-input", "--dry-run").stdout
    assert "Not in the repo (1; an upgrade keeps them deleted, as yours):\n  docs/index.md\n" in out
    out = invoke("adopt", str(mini_repo), "-t", "mini@2.0.0", "--no-input", "--dry-run", "--add-missing").stdout
    assert "Would add the files the repo lacked (1):\n  docs/index.md\n" in out and not (mini_repo / "docs").exists()
    (mini_repo / "docs").write_text("a file where the folder goes\n")
    blocked = invoke("adopt", str(mini_repo), "-t", "mini@2.0.0", "--no-input", "--add-missing", code=1)
    assert "docs/index.md: a file stands where its folder should be" in blocked.stderr
    assert not (mini_repo / ".scaffold").exists()
    (mini_repo / "docs").unlink()
    data = as_json(invoke("adopt", str(mini_repo), "-t", "mini@2.0.0", "--no-input", "--add-missing", "-o", "json"))
    assert (
        data["added"] == ["docs/index.md"] and (mini_repo / "docs" / "index.md").read_text() == "Docs for orders-api\n"
    )
    assert record.read(mini_repo).template.version == "2.0.0"
