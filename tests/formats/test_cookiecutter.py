"""cookiecutter templates: converted, refused without trust (hooks), run end to end (batch,
wizard, a git URL) and upgraded from one tagged release to the next."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from scaffolder import git, record
from scaffolder.sources import load_template
from tests.cli.conftest import Invoke, as_json
from tests.formats.conftest import CLEAR, COOKIECUTTER, DOWN, ENTER, commit_and_tag, copy, edit, run_wizard

SETS = ["--set", "owner=group:payments"]


def new(ref: str | Path, *extra: str) -> list[str]:
    return ["new", str(ref), "--no-input", "-o", "json", *SETS, *extra]


def test_cookiecutter_json_becomes_parameters() -> None:
    template = load_template(COOKIECUTTER)
    assert template.format == "cookiecutter" and template.file == "cookiecutter.json"
    assert template.name == "cookiecutter-pyservice"
    params = {p.id: p for p in template.parameters}
    assert list(params) == [
        "full_name",
        "email",
        "project_name",
        "project_slug",
        "module_name",
        "project_short_description",
        "version",
        "license",
        "use_docker",
        "owner",
    ]  # fmt: skip  (no _private_team, _copy_without_render or __prompts__; owner is scaffold's)
    assert params["full_name"].title == "Your name" and params["full_name"].default == "Jane Doe"
    license_ = params["license"]
    assert license_.type == "choice" and license_.default == "MIT" and license_.title == "Which license?"
    assert [c.label for c in license_.choices or []] == [None, None, None, "Proprietary (not open source)"]
    assert params["use_docker"].type == "boolean" and params["use_docker"].default is True
    slug = params["project_slug"]  # computed by cookiecutter when left empty
    assert not slug.required and slug.default is None and "cookiecutter.project_name.lower()" in (slug.help or "")
    assert [s.action for s in template.steps] == [
        "fetch:cookiecutter",
        "catalog:write",
        "repo:create",
        "catalog:register",
    ]
    assert template.steps[2].input["name"] == "${{ steps.fetch.output.directory }}"


def test_hooks_are_refused_without_trust(invoke: Invoke, scaffold_home: Path) -> None:
    result = invoke(*new(COOKIECUTTER), code=1)
    assert f"{COOKIECUTTER}/hooks/pre_gen_project.py: the hook script would run" in result.stderr
    assert f"{COOKIECUTTER}/hooks/post_gen_project.py: the hook script would run" in result.stderr
    assert "--trust" in result.stderr
    assert not (scaffold_home / "runs").exists() and not (scaffold_home / "forge").exists()
    assert invoke(*new(COOKIECUTTER, "--dry-run"), code=1).stderr.count("would run") == 2


def test_trusted_sources_trust_a_template_without_the_flag(
    invoke: Invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = copy(COOKIECUTTER, tmp_path / "trusted" / "cookiecutter-pyservice")
    monkeypatch.setenv("SCAFFOLD_TRUSTED_SOURCES", str(folder.parent))
    assert as_json(invoke(*new(folder)))["status"] == "done"


def test_batch_mode_end_to_end(invoke: Invoke, tmp_path: Path) -> None:
    data = as_json(invoke(*new(COOKIECUTTER, "--trust", "--set", "project_name=Billing API", "--set", "use_docker=no")))
    assert data["repository"]["full_name"] == "local/billing-api"  # the folder cookiecutter made
    assert data["entity_ref"] == "component:default/billing-api"
    assert data["steps"]["fetch"]["directory"] == "billing-api"
    clone = git.clone(data["repository"]["clone_url"], tmp_path / "clone")
    assert not (clone / "Dockerfile").exists()  # removed by the post_gen_project hook
    readme = (clone / "README.md").read_text()
    assert readme.startswith("# Billing API\n") and "for the platform team" in readme  # a private variable
    assert (clone / "src" / "billing_api" / "__init__.py").is_file()  # computed defaults, computed by cookiecutter
    assert "{{ page.title }}" in (clone / "docs" / "index.html").read_text()  # _copy_without_render
    assert (clone / "assets" / "banner.txt").read_text() == "{{ kept as it is }}\n"
    assert (clone / "LICENSE").read_text().startswith("MIT License")
    assert "owner: group:payments" in (clone / "catalog-info.yaml").read_text()
    rec = record.read(clone)
    assert rec.template.name == "cookiecutter-pyservice"
    assert rec.answers["project_name"] == "Billing API" and rec.answers["project_slug"] is None
    assert "_private_team" not in rec.answers


def test_the_wizard_end_to_end(tmp_path: Path) -> None:
    keys = "".join(
        [
            ENTER,  # full_name: Jane Doe
            ENTER,  # email
            "\x15Stock Keeper" + ENTER,  # project_name
            ENTER,  # project_slug: cookiecutter computes it
            ENTER,  # module_name: cookiecutter computes it
            ENTER,  # description
            ENTER,  # version
            DOWN + DOWN + DOWN + ENTER,  # license: Not open source
            ENTER,  # use_docker: yes (the default)
            CLEAR + "group:logistics" + ENTER,  # owner (offered: user:jane-doe, from full_name)
        ]
    )
    outcome = run_wizard(str(COOKIECUTTER), keys, trusted=True)
    assert outcome.steps["fetch"]["directory"] == "stock-keeper"
    clone = git.clone(outcome.steps["publish"]["clone_url"], tmp_path / "clone")
    assert (clone / "Dockerfile").is_file()
    assert (clone / "LICENSE").read_text().startswith("Proprietary: all rights reserved by Jane Doe.")


def test_a_bad_choice_is_refused_before_anything_runs(invoke: Invoke, scaffold_home: Path) -> None:
    result = invoke(*new(COOKIECUTTER, "--trust", "--set", "license=GPL"), code=1)
    assert "license: 'GPL' is not one of: MIT, BSD-3-Clause, Apache-2.0, Not open source" in result.stderr
    assert not (scaffold_home / "forge").exists()


def test_a_failing_pre_gen_hook_fails_the_run(
    invoke: Invoke,
    scaffold_home: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    result = invoke(*new(COOKIECUTTER, "--trust", "--set", "module_name=9lives"), code=1)
    assert "a hook of cookiecutter-pyservice failed; nothing was written" in result.stderr
    assert "ERROR: 9lives is not a valid Python module name!" in capfd.readouterr().err  # the hook's own words
    assert not (scaffold_home / "forge").exists()


def test_skeleton_code_runs_in_the_sandbox(invoke: Invoke, tmp_path: Path, scaffold_home: Path) -> None:
    folder = tmp_path / "evil"
    (folder / "{{cookiecutter.name}}").mkdir(parents=True)
    (folder / "cookiecutter.json").write_text(json.dumps({"name": "evil"}))
    (folder / "{{cookiecutter.name}}" / "x.txt").write_text("{{ cycler.__init__.__globals__.os.getcwd() }}\n")
    result = invoke(*new(folder), code=1)
    assert "unsafe" in result.stderr or "__init__" in result.stderr
    assert not (scaffold_home / "forge").exists()


@pytest.fixture
def template_repo(tmp_path: Path) -> Path:
    """The template as a repository of its own, released as v1.0.0."""
    repo = copy(COOKIECUTTER, tmp_path / "templates" / "cookiecutter-pyservice")
    commit_and_tag(repo, "v1.0.0")
    return repo


def release_1_1_0(repo: Path) -> None:
    project = repo / "{{cookiecutter.project_slug}}"
    edit(project / "README.md", "License:", "Run the tests with `python -m pytest`.\n\nLicense:")
    (project / "CHANGELOG.md").write_text("# Changelog of {{ cookiecutter.project_name }}\n")
    git.commit_all(repo, "1.1.0", "2026-03-05T00:00:00+00:00")
    git.tag(repo, "v1.1.0")


def test_a_repo_is_upgraded_to_a_new_release_keeping_a_human_edit(
    invoke: Invoke,
    template_repo: Path,
    tmp_path: Path,
) -> None:
    data = as_json(invoke(*new(template_repo, "--trust")))
    assert data["version"] == "1.0.0"
    clone = git.clone(data["repository"]["clone_url"], tmp_path / "orders-service")
    edit(clone / "README.md", "# Orders Service\n", "# Orders Service\n\nOur team's notes go here.\n")
    git.commit_all(clone, "human edit", "2026-03-04T00:00:00+00:00")
    release_1_1_0(template_repo)

    refused = invoke("upgrade", str(clone), code=1)
    assert "the hook script would run" in refused.stderr
    result = as_json(invoke("upgrade", str(clone), "--trust", "-o", "json"))
    assert (result["from_version"], result["to_version"]) == ("1.0.0", "1.1.0")
    assert result["added"] == ["CHANGELOG.md"] and not result["conflicts"]
    assert result["modified"] == ["README.md", "catalog-info.yaml"]  # catalog-info names the template's version
    readme = (clone / "README.md").read_text()
    assert "Our team's notes go here." in readme and "python -m pytest" in readme
    assert (clone / "CHANGELOG.md").read_text() == "# Changelog of Orders Service\n"
    rec = record.read(clone)
    assert (rec.template.version, rec.template.ref, rec.template.source) == ("1.1.0", "v1.1.0", str(template_repo))


def test_new_from_a_release_and_from_a_git_url(invoke: Invoke, template_repo: Path) -> None:
    release_1_1_0(template_repo)
    older = as_json(invoke(*new(f"{template_repo}@1.0.0", "--trust")))
    assert (older["version"], older["repository"]["full_name"]) == ("1.0.0", "local/orders-service")
    url = f"file://{template_repo}"
    newest = as_json(invoke(*new(url, "--trust", "--set", "project_name=Second One")))
    assert newest["version"] == "1.1.0"
    assert newest["steps"]["fetch"]["directory"] == "second-one"
    unknown = invoke(*new(f"{url}@3.0.0", "--trust"), code=1)
    assert "3.0.0 is not a release; available: 1.1.0, 1.0.0" in unknown.stderr


PROVENANCE = COOKIECUTTER.parent / "cookiecutter-provenance"


def tree_of(root: Path) -> dict[str, tuple[str, bytes | str, bool]]:
    """Every file and symlink under `root` (bytes, exec bit, link target), `.git` and the record
    (`.scaffold/`) left out: what must match between scaffold's output and the native tool's."""
    out: dict[str, tuple[str, bytes | str, bool]] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel.split("/")[0] in (".git", ".scaffold"):
            continue
        if path.is_symlink():
            out[rel] = ("link", str(path.readlink()), False)
        elif path.is_file():
            out[rel] = ("file", path.read_bytes(), bool(path.stat().st_mode & 0o111))
    return out


def native(template: str | Path, **context: object) -> Path:
    """The project cookiecutter itself generates from `template` in the current folder (no input),
    as a user runs it; moved out of the way into a fresh folder, so it can run again."""
    from cookiecutter.main import cookiecutter

    made = Path(cookiecutter(str(template), no_input=True, extra_context=context))
    kept = made.parent.parent / f"native-{len(list(made.parent.parent.glob('native-*')))}"
    return made.rename(kept)


def test_provenance_values_are_cookiecutters_and_stable_across_an_upgrade(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = copy(PROVENANCE, tmp_path / "templates" / "cookiecutter-provenance").resolve()
    commit_and_tag(repo, "v1.0.0")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)  # cookiecutter's _output_dir is the folder it runs in
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # cookiecutter's replay goes there
    data = as_json(invoke("new", str(repo), "--no-input", "-o", "json", "--set", "project_name=Ledger"))
    clone = git.clone(data["repository"]["clone_url"], tmp_path / "clone")
    assert tree_of(clone) == tree_of(native(repo, project_name="Ledger"))
    text = (clone / "provenance.txt").read_text()
    assert text == f"template: {repo}\nrepo_dir: {repo}\noutput_dir: {here}\ncheckout: None\n"
    assert "scaffold-" not in (clone / ".cookiecutter.json").read_text()  # no scratch or cache folder

    edit(repo / "{{cookiecutter.project_slug}}" / "README.md", "By", "Written by")
    git.commit_all(repo, "1.1.0", "2026-03-05T00:00:00+00:00")
    git.tag(repo, "v1.1.0")
    result = as_json(invoke("upgrade", str(clone), "-o", "json"))
    assert (result["to_version"], result["conflicts"], result["modified"]) == ("1.1.0", [], ["README.md"])
    assert tree_of(clone) == tree_of(native(repo, project_name="Ledger"))


def owner_test_template(tmp_path: Path, context: dict[str, str]) -> Path:
    """A template with no catalog-info.yaml and no owner question: scaffold writes the entry."""
    folder = tmp_path / "cookiecutter-plain"
    (folder / "{{cookiecutter.project_slug}}").mkdir(parents=True)
    (folder / "cookiecutter.json").write_text(json.dumps({"project_slug": "tally", **context}))
    (folder / "{{cookiecutter.project_slug}}" / "README.md").write_text("# {{ cookiecutter.project_slug }}\n")
    return folder


@pytest.mark.parametrize(
    ("env", "context", "owner", "said"),
    [
        ({}, {"github_username": "Jane-Doe"}, "user:jane-doe", False),  # the template's owner-like answer
        ({"SCAFFOLD_CATALOG_OWNER": "group:platform"}, {"author": "Jo"}, "group:platform", False),  # the profile's
        ({}, {"language": "python"}, "unknown", True),  # neither: the fallback, said in one line
    ],
)
def test_batch_mode_asks_only_what_cookiecutter_needs(
    invoke: Invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    context: dict[str, str],
    owner: str,
    said: bool,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    folder = owner_test_template(tmp_path, context)
    result = invoke("new", str(folder), "--no-input", "-o", "json")
    data = as_json(result)
    clone = git.clone(data["repository"]["clone_url"], tmp_path / "clone")
    assert data["repository"]["full_name"] == "local/tally"  # the folder cookiecutter made
    assert f"owner: {owner}\n" in (clone / "catalog-info.yaml").read_text()
    assert result.stderr.count("no catalog owner") == int(said)
    monkeypatch.chdir(tmp_path)
    expected = tree_of(native(folder))
    assert {k: v for k, v in tree_of(clone).items() if k != "catalog-info.yaml"} == expected


BACKSTAGE_TEMPLATE = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: ledger-from-cookiecutter, title: Ledger}
spec:
  owner: group:ledger
  type: service
  parameters:
    - title: Service
      required: [name, repoUrl]
      properties:
        name: {type: string}
        repoUrl: {type: string, ui:field: RepoUrlPicker}
  steps:
    - id: fetch
      action: fetch:cookiecutter
      input:
        url: ./skeleton
        targetPath: service
        imageName: acme/cookiecutter:latest
        copyWithoutRender: ['docs/*.html']
        values:
          name: ${{ parameters.name }}
          replicas: 3
          public: true
    - id: publish
      action: publish:github
      input:
        repoUrl: ${{ parameters.repoUrl }}
        protectDefaultBranch: false
"""


def backstage_cookiecutter(tmp_path: Path) -> Path:
    """A Backstage template whose fetch:cookiecutter skeleton has no cookiecutter.json (Backstage
    builds the context from the step's values) and a hook that Backstage copies, never runs."""
    folder = tmp_path / "ledger-bs"
    skeleton = folder / "skeleton"
    (skeleton / "docs").mkdir(parents=True)
    (skeleton / "hooks").mkdir()
    (folder / "template.yaml").write_text(BACKSTAGE_TEMPLATE)
    (skeleton / "README.md").write_text("# {{ cookiecutter.name }}\n\n{{ cookiecutter.replicas }} replicas\n")
    (skeleton / "public.txt").write_text("{% if cookiecutter.public %}public{% else %}private{% endif %}\n")
    (skeleton / "docs" / "index.html").write_text("<title>{{ page.title }}</title>\n")
    (skeleton / "hooks" / "post_gen_project.py").write_text("import os\nos.remove('README.md')\n")
    (skeleton / "run.sh").write_text("#!/bin/sh\necho {{ cookiecutter.name }}\n")
    (skeleton / "run.sh").chmod(0o755)
    return folder


def backstage_native(skeleton: Path, values: dict[str, object], copy_without_render: list[str], out: Path) -> Path:
    """What Backstage's fetch:cookiecutter hands cookiecutter, written out as its module does
    (`CookiecutterRunner.run`): the skeleton as `{{cookiecutter and 'contents'}}`, a cookiecutter.json
    of the step's values and `_copy_without_render`; then `cookiecutter --no-input -o OUT TEMPLATE`."""
    from cookiecutter.main import cookiecutter

    template = out / "template"
    shutil.copytree(skeleton, template / "{{cookiecutter and 'contents'}}")
    context = {**values, "_copy_without_render": copy_without_render}
    (template / "cookiecutter.json").write_text(json.dumps(context))
    return Path(cookiecutter(str(template), no_input=True, output_dir=str(out / "intermediate")))


def test_backstage_fetch_cookiecutter_needs_no_cookiecutter_json(invoke: Invoke, tmp_path: Path) -> None:
    folder = backstage_cookiecutter(tmp_path)
    given = ["--set", "name=ledger", "--set", "repoUrl=github.com?owner=acme&repo=ledger"]
    data = as_json(invoke("new", str(folder), "--no-input", "-o", "json", *given))  # no --trust: no hook runs
    clone = git.clone(data["repository"]["clone_url"], tmp_path / "clone")
    values = {"name": "ledger", "replicas": 3, "public": True}
    expected = backstage_native(folder / "skeleton", values, ["docs/*.html"], tmp_path / "native")
    assert expected.name == "contents"
    assert tree_of(clone / "service") == tree_of(expected)
    assert (clone / "service" / "README.md").read_text() == "# ledger\n\n3 replicas\n"
    assert (clone / "service" / "docs" / "index.html").read_text() == "<title>{{ page.title }}</title>\n"
    assert (clone / "service" / "hooks" / "post_gen_project.py").is_file()  # a file of the project
    assert os.access(clone / "service" / "run.sh", os.X_OK)
