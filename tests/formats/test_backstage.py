"""Backstage Software Templates: converted, run end to end (batch, values file, wizard, GitHub)
and upgraded, on the embedded forge and catalog."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from scaffolder import config, git, record
from scaffolder.errors import TemplateError
from scaffolder.sources import load_template
from tests.cli.conftest import Invoke, as_json
from tests.formats.conftest import BACKSTAGE, CLEAR, DOWN, ENTER, SPACE, commit_and_tag, copy, edit, run_wizard
from tests.servers.github_api import GitHubServer

REPO_URL = "github.com?owner=acme&repo=orders-api"
SETS = ["--set", "name=orders-api", "--set", "owner=group:payments", "--set", f"repoUrl={REPO_URL}"]


def new(ref: str | Path, *extra: str) -> list[str]:
    return ["new", str(ref), "--no-input", "-o", "json", *SETS, *extra]


def forge_files(clone_url: str, dest: Path) -> dict[str, str]:
    clone = git.clone(clone_url, dest)
    return {
        p.relative_to(clone).as_posix(): p.read_text()
        for p in clone.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(clone).parts
    }


# --- conversion --------------------------------------------------------------------------------


def test_parameter_pages_become_parameters() -> None:
    template = load_template(BACKSTAGE)
    assert template.format == "backstage" and template.name == "python-service"
    assert template.model.metadata.owner == "group:platform-team" and template.model.spec.type == "service"
    params = {p.id: p for p in template.parameters}
    assert list(params) == [
        "name", "description", "owner", "python", "kubernetes", "features",
        "namespace", "replicas", "repoUrl", "deployToken",
    ]  # fmt: skip
    assert params["name"].required and params["name"].pattern == "^[a-z][a-z0-9-]{1,40}$"
    assert not params["description"].required and params["description"].default == "A Python service"
    assert params["owner"].pattern and "group:NAME" in (params["owner"].help or "")
    python = params["python"]
    assert python.type == "choice" and python.default == "3.12"
    assert [(c.value, c.label) for c in python.choices or []][2] == ("3.13", "Python 3.13 (newest)")
    assert params["kubernetes"].type == "boolean" and params["features"].type == "multi-choice"
    for conditional in ("namespace", "replicas"):
        assert params[conditional].when == "${{ ((parameters.kubernetes | default(none)) == true) }}"
    assert params["namespace"].required and params["replicas"].minimum == 1
    assert "HOST?owner=OWNER&repo=NAME" in (params["repoUrl"].help or "")
    assert params["deployToken"].secret


def test_steps_map_onto_scaffold_actions() -> None:
    steps = {s.id: s for s in load_template(BACKSTAGE).steps}
    assert [(s.id, s.action) for s in steps.values()] == [
        ("fetch_base", "fetch:template"),
        ("fetch_docs", "fetch:plain"),
        ("log_features", "debug:log"),
        ("drop_kubernetes", "fs:delete"),
        ("publish", "publish:github"),
        ("register", "catalog:register"),
        ("summary", "debug:log"),
    ]
    fetch = steps["fetch_base"].input
    assert fetch["path"] == "skeleton" and fetch["copy_without_templating"] == [".github/workflows/*"]
    assert fetch["values"]["namespace"] == "${{ (parameters.namespace | default(none)) }}"
    assert steps["log_features"].each == "${{ parameters.features }}"
    assert steps["drop_kubernetes"].if_ == "${{ not parameters.kubernetes }}"
    assert steps["register"].input == {
        "catalog_info_path": "catalog-info.yaml",
        "target": "${{ steps.publish.output.repoContentsUrl }}catalog-info.yaml",
    }
    assert "steps.register.output.entity_ref" in steps["summary"].input["message"]
    links = load_template(BACKSTAGE).model.spec.output.links
    assert [(link.title, link.url) for link in links] == [
        ("Repository", "${{ steps.publish.output.remoteUrl }}"),
        ("Open in catalog", "${{ steps.register.output.entity_url }}"),
    ]


UNMAPPED = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: gitlab-service
spec:
  owner: group:platform
  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: fetch
      action: fetch:template
      input: {url: ./skeleton, values: {name: '${{ parameters.name }}'}}
    - id: publish
      action: publish:gitlab
      input: {repoUrl: 'gitlab.com?owner=acme&repo=x'}
    - id: dispatch
      action: github:actions:dispatch
      input: {workflowId: ci.yml}
"""


def test_an_action_without_counterpart_is_named_before_anything_runs(
    invoke: Invoke,
    tmp_path: Path,
    scaffold_home: Path,
) -> None:
    folder = tmp_path / "gitlab-service"
    (folder / "skeleton").mkdir(parents=True)
    (folder / "template.yaml").write_text(UNMAPPED)
    result = invoke("new", str(folder), "--no-input", "--set", "name=x", code=1)
    gitlab, dispatch = (
        UNMAPPED.splitlines().index(f"      action: {a}") + 1 for a in ("publish:gitlab", "github:actions:dispatch")
    )
    assert f"{folder}/template.yaml:{gitlab}: step publish: action 'publish:gitlab' has no scaffold" in result.stderr
    assert f"{folder}/template.yaml:{dispatch}: step dispatch: action 'github:actions:dispatch' has no" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (scaffold_home / "runs").exists() and not (scaffold_home / "forge").exists()
    with pytest.raises(TemplateError) as info:
        load_template(folder)
    assert len(info.value.problems) == 2


def test_what_a_terminal_cannot_give_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "template.yaml").write_text(
        UNMAPPED.replace("action: publish:gitlab", "action: debug:log")
        .replace("action: github:actions:dispatch", "action: fs:delete")
        .replace("{repoUrl: 'gitlab.com?owner=acme&repo=x'}", "{message: '${{ user.entity.metadata.name }}'}")
        .replace("        name: {type: string}", "        name: {type: string}\n        cfg: {type: object}")
    )
    with pytest.raises(TemplateError) as info:
        load_template(folder)
    text = info.value.render()
    assert "`user` (the signed-in Backstage user) does not exist in scaffold" in text
    assert "parameter cfg: type 'object' cannot be asked in a terminal" in text


def test_a_version_annotation_names_the_version(tmp_path: Path) -> None:
    folder = copy(BACKSTAGE, tmp_path / "python-service")
    edit(folder / "template.yaml", "  tags:\n", "  annotations:\n    scaffold.dev/version: 2.1.0\n  tags:\n")
    assert load_template(folder).version == "2.1.0"


def test_without_a_version_the_content_names_one(tmp_path: Path) -> None:
    a = load_template(copy(BACKSTAGE, tmp_path / "a" / "python-service")).version
    b = load_template(copy(BACKSTAGE, tmp_path / "b" / "python-service")).version
    assert a == b and a.startswith("0.0.0+")
    edit(tmp_path / "b" / "python-service" / "skeleton" / "README.md", "Owned by", "Run by")
    assert load_template(tmp_path / "b" / "python-service").version != a


# --- end to end --------------------------------------------------------------------------------


def test_batch_mode_end_to_end(invoke: Invoke, tmp_path: Path, scaffold_home: Path) -> None:
    result = invoke(*new(BACKSTAGE, "--set", "features=metrics,docs", "--set", "deployToken=tok-S3CRET"))
    data = as_json(result)
    assert data["template"] == "python-service"
    assert data["repository"]["full_name"] == "acme/orders-api"
    assert data["entity_ref"] == "component:default/orders-api"
    assert [link["title"] for link in data["links"]] == ["Repository", "Open in catalog"]
    assert data["links"][1]["url"].endswith("#component:default/orders-api")
    assert data["steps"]["log_features"]["message"] == ["Feature 0: metrics", "Feature 1: docs"]
    assert "[debug:log] Feature 1: docs" in result.stderr
    assert "Registered component:default/orders-api for payments in acme/orders-api" in result.stderr
    assert data["steps"]["drop_kubernetes"] == {"deleted": ["deploy"]}  # its `if`: kubernetes is false

    files = forge_files(data["repository"]["clone_url"], tmp_path / "clone")
    assert "deploy/deployment.yaml" not in files
    assert files["README.md"].startswith("# orders-api\n\nA Python service\n\nOwned by group:payments.")
    assert "Kubernetes" not in files["README.md"]
    assert 'name: "orders-api"' in files["catalog-info.yaml"]
    assert "github.com/project-slug: acme/orders-api" in files["catalog-info.yaml"]
    assert "${{ github.sha }}" in files[".github/workflows/ci.yml"]  # copyWithoutTemplating
    assert "${{ values.name }} stays as written" in files["docs/index.md"]  # fetch:plain
    assert files["src/orders_api/app.py"].count("orders-api") == 1
    rec = record.read(tmp_path / "clone")
    assert rec.template.name == "python-service" and rec.template.version.startswith("0.0.0+")
    assert rec.secret_parameters == ["deployToken"] and "deployToken" not in rec.answers
    assert "tok-S3CRET" not in result.stdout + result.stderr
    for path in scaffold_home.rglob("*"):
        if path.is_file():
            assert b"tok-S3CRET" not in path.read_bytes(), path

    settings = config.load()
    entity = config.open_catalog(settings).get("component:default/orders-api")
    assert entity is not None and entity["spec"]["owner"] == "group:payments"


def test_a_values_file_with_the_conditional_branch(invoke: Invoke, tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text(
        "name: stock-api\nowner: group:logistics\nrepoUrl: github.com?repo=stock-api&owner=acme\n"
        "kubernetes: true\nreplicas: 3\npython: '3.13'\n"
    )
    data = as_json(invoke("new", str(BACKSTAGE), "--no-input", "-o", "json", "-f", str(values)))
    files = forge_files(data["repository"]["clone_url"], tmp_path / "clone")
    assert "namespace: services\nspec:\n  replicas: 3" in files["deploy/deployment.yaml"]
    assert "namespace `services` with 3 replicas" in files["README.md"]
    assert 'requires-python = ">=3.13"' in files["pyproject.toml"]
    assert data["steps"]["log_features"]["message"] == []  # no features: no iteration


def test_bad_answers_are_reported_together(invoke: Invoke, scaffold_home: Path) -> None:
    result = invoke(
        "new", str(BACKSTAGE), "--no-input",
        "--set", "name=Orders", "--set", "owner=payments team", "--set", "repoUrl=gitlab.com?owner=acme&repo=x",
        "--set", "python=2.7", "--set", "kubernetes=true", "--set", "replicas=50",
        code=1,
    )  # fmt: skip
    for pid in ("name", "owner", "repoUrl", "python", "replicas"):
        assert f"  - {pid}: " in result.stderr, pid
    assert not (scaffold_home / "forge").exists()


def test_the_wizard_end_to_end(tmp_path: Path) -> None:
    keys = "".join(
        [
            "billing-api" + ENTER,  # name
            ENTER,  # description: the default
            "group:billing" + ENTER,  # owner
            DOWN + ENTER,  # python: 3.12 is the default, one down is 3.13
            "y",  # kubernetes
            SPACE + DOWN + DOWN + SPACE + ENTER,  # features: metrics, docs
            CLEAR + "payments" + ENTER,  # namespace (asked: kubernetes is true)
            CLEAR + "4" + ENTER,  # replicas
            "github.com?owner=acme&repo=billing-api" + ENTER,  # repoUrl
            ENTER,  # deployToken: optional, none
        ]
    )
    outcome = run_wizard(str(BACKSTAGE), keys)
    assert outcome.steps["log_features"]["message"] == ["Feature 0: metrics", "Feature 1: docs"]
    files = forge_files(outcome.steps["publish"]["clone_url"], tmp_path / "clone")
    assert "namespace `payments` with 4 replicas" in files["README.md"]
    assert 'requires-python = ">=3.13"' in files["pyproject.toml"]
    assert record.read(tmp_path / "clone").answers["owner"] == "group:billing"


def test_publish_github_against_the_github_server(
    invoke: Invoke,
    github_profile: GitHubServer,
    tmp_path: Path,
) -> None:
    data = as_json(invoke(*new(BACKSTAGE)))
    repo = github_profile.repo("acme", "orders-api")
    assert repo.default_branch == "main" and sorted(repo.topics) == ["python", "service"]
    assert repo.description == "This is orders-api"
    assert data["repository"]["url"] == github_profile.html("/acme/orders-api")
    publish = data["steps"]["publish"]
    assert publish["remoteUrl"] == data["repository"]["url"]
    assert publish["repoContentsUrl"] == f"{data['repository']['url']}/blob/main/"
    assert data["steps"]["register"]["location"] == f"{data['repository']['url']}/blob/main/catalog-info.yaml"
    assert github_profile.rev("acme", "orders-api", "main") == publish["commitHash"]


# --- upgrade -----------------------------------------------------------------------------------


def test_a_repo_is_upgraded_to_a_new_release_keeping_a_human_edit(
    invoke: Invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lib = tmp_path / "lib"
    folder = copy(BACKSTAGE, lib / "python-service")
    commit_and_tag(lib, "python-service/v1.0.0")
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    data = as_json(invoke(*new("python-service")))
    assert data["version"] == "1.0.0"
    clone = git.clone(data["repository"]["clone_url"], tmp_path / "orders-api")
    edit(clone / "src/orders_api/app.py", '"""A WSGI', '"""Orders: a WSGI')
    git.commit_all(clone, "human edit", "2026-03-02T00:00:00+00:00")

    edit(folder / "skeleton" / "README.md", "Runs on Python", "See docs/ for how to run it.\n\nRuns on Python")
    (folder / "skeleton" / "Makefile").write_text("test:\n\tpython -m pytest\n")
    edit(folder / "skeleton" / "src" / '${{ values.name | replace("-", "_") }}' / "app.py", "200 OK", "200 OK ")
    git.commit_all(lib, "python-service 1.1.0", "2026-03-03T00:00:00+00:00")
    git.tag(lib, "python-service/v1.1.0")

    assert [r["version"] for r in as_json(invoke("versions", "python-service", "-o", "json"))] == ["1.1.0", "1.0.0"]
    result = as_json(invoke("upgrade", str(clone), "-o", "json"))
    assert (result["from_version"], result["to_version"]) == ("1.0.0", "1.1.0")
    assert result["added"] == ["Makefile"] and result["conflicts"] == []
    assert sorted(result["modified"]) == ["README.md", "src/orders_api/app.py"]
    app = (clone / "src/orders_api/app.py").read_text()
    assert '"""Orders: a WSGI' in app and "200 OK " in app  # both edits
    assert "See docs/ for how to run it." in (clone / "README.md").read_text()
    rec = record.read(clone)
    assert rec.template.version == "1.1.0" and rec.template.source == str(lib)


def test_dry_run_renders_without_publishing(invoke: Invoke, scaffold_home: Path) -> None:
    data = as_json(invoke(*new(BACKSTAGE, "--dry-run", "--set", "kubernetes=true")))
    assert data["dry_run"] is True
    assert "deploy/deployment.yaml" in data["files"] and ".github/workflows/ci.yml" in data["files"]
    plan = {step["id"]: step for step in data["plan"]}
    assert plan["drop_kubernetes"]["runs"] is False
    assert plan["fetch_base"]["input"]["delimiters"]["variable_start"] == "${{"
    assert not (scaffold_home / "forge").exists()


def test_outputs_of_each_and_conditions_are_json(tmp_path: Path) -> None:
    """The plan of a Backstage template shows each item's input (for `--dry-run -o json`)."""
    from scaffolder.parameters import resolve
    from scaffolder.plan import plan

    template = load_template(BACKSTAGE)
    answers = resolve(template, {"name": "a-b", "owner": "group:x", "repoUrl": REPO_URL, "features": ["tracing"]})
    planned = {p.step.id: p for p in plan(template, answers)}
    assert planned["log_features"].inputs == [{"message": "Feature 0: tracing"}]
    json.dumps([p.input for p in planned.values()])


def test_a_template_from_the_backstage_docs(invoke: Invoke, tmp_path: Path) -> None:
    """The example of Backstage's "Writing Templates" page, as written there."""
    folder = tmp_path / "v1beta3-demo"
    (folder / "template").mkdir(parents=True)
    (folder / "template" / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name | dump }}\n"
        "spec:\n  type: service\n  owner: ${{ values.owner }}\n  lifecycle: experimental\n"
    )
    (folder / "template.yaml").write_text(
        textwrap.dedent(
            """\
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: v1beta3-demo
              title: Test Action template
              description: scaffolder v1beta3 template demo
            spec:
              owner: backstage/techdocs-core
              type: service
              parameters:
                - title: Fill in some steps
                  required:
                    - name
                  properties:
                    name:
                      title: Name
                      type: string
                      description: Unique name of the component
                      ui:autofocus: true
                      ui:options:
                        rows: 5
                    owner:
                      title: Owner
                      type: string
                      description: Owner of the component
                      ui:field: OwnerPicker
                      ui:options:
                        catalogFilter:
                          kind: Group
                - title: Choose a location
                  required:
                    - repoUrl
                  properties:
                    repoUrl:
                      title: Repository Location
                      type: string
                      ui:field: RepoUrlPicker
                      ui:options:
                        allowedHosts:
                          - github.com
              steps:
                - id: fetch-base
                  name: Fetch Base
                  action: fetch:template
                  input:
                    url: ./template
                    values:
                      name: ${{ parameters.name }}
                      owner: ${{ parameters.owner }}
                - id: publish
                  name: Publish
                  action: publish:github
                  input:
                    allowedHosts: ['github.com']
                    description: This is ${{ parameters.name }}
                    repoUrl: ${{ parameters.repoUrl }}
                - id: register
                  name: Register
                  action: catalog:register
                  input:
                    repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}
                    catalogInfoPath: '/catalog-info.yaml'
              output:
                links:
                  - title: Repository
                    url: ${{ steps['publish'].output.remoteUrl }}
                  - title: Open in catalog
                    icon: catalog
                    entityRef: ${{ steps['register'].output.entityRef }}
            """
        )
    )
    data = as_json(invoke(*new(folder)))
    assert data["entity_ref"] == "component:default/orders-api"
    assert data["repository"]["full_name"] == "acme/orders-api"
    clone = git.clone(data["repository"]["clone_url"], tmp_path / "clone", branch="master")  # Backstage's default
    assert (clone / "catalog-info.yaml").read_text().startswith("apiVersion: backstage.io/v1alpha1")


FETCH_OPTIONS = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: options
spec:
  owner: group:platform
  parameters:
    - properties:
        name: {type: string, default: demo-app}
  steps:
    - id: compat
      action: fetch:template
      input:
        url: ./cc
        targetPath: compat
        cookiecutterCompat: true
        values: {name: '${{ parameters.name }}'}
    - id: njk
      action: fetch:template
      input:
        url: ./njk
        targetPath: njk
        templateFileExtension: true
        values: {name: '${{ parameters.name }}'}
    - id: globs
      action: fetch:template
      input:
        url: ./globs
        targetPath: globs
        copyWithoutTemplating: ['*.txt', 'assets/**', '!assets/keep.md', '{a,b}/x.md']
        values: {name: '${{ parameters.name }}'}
    - id: entity
      action: catalog:write
      input:
        filePath: catalog-info.yaml
        entity:
          apiVersion: backstage.io/v1alpha1
          kind: Component
          metadata: {name: '${{ parameters.name }}', tags: [python]}
          spec: {type: website, lifecycle: experimental, owner: group:web}
"""


def test_fetch_template_options_and_catalog_write(tmp_path: Path) -> None:
    folder = tmp_path / "options"
    files = {
        "cc/README.md": "# {{ cookiecutter.name }} / {{ values.name }}\n",
        "njk/app.cfg.njk": "name=${{ values.name }}\n",
        "njk/raw.cfg": "name=${{ values.name }}\n",
        "globs/top.txt": "${{ values.name }}\n",
        "globs/sub/nested.txt": "${{ values.name }}\n",
        "globs/assets/img/logo.svg": "${{ values.name }}\n",
        "globs/assets/keep.md": "${{ values.name }}\n",
        "globs/a/x.md": "${{ values.name }}\n",
        "globs/c/x.md": "${{ values.name }}\n",
    }
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    (folder / "template.yaml").write_text(FETCH_OPTIONS)
    from scaffolder.catalogs.null import NullCatalog
    from scaffolder.forges.local import LocalForge
    from scaffolder.parameters import resolve
    from scaffolder.runner import Runner

    template = load_template(folder)
    ws = tmp_path / "ws"
    Runner(LocalForge(tmp_path / "forge"), NullCatalog()).render(template, resolve(template, {}), ws)
    assert (ws / "compat/README.md").read_text() == "# demo-app / \n"  # as Backstage: `cookiecutter` only
    assert (ws / "njk/app.cfg").read_text() == "name=demo-app\n"
    assert (ws / "njk/raw.cfg").read_text() == "name=${{ values.name }}\n"  # no .njk: copied as it is
    rendered = {rel: (ws / "globs" / rel).read_text() == "demo-app\n" for rel in (
        "top.txt", "sub/nested.txt", "assets/img/logo.svg", "assets/keep.md", "a/x.md", "c/x.md"
    )}  # fmt: skip
    assert rendered == {
        "top.txt": False,  # *.txt: the top folder only, as globby matches
        "sub/nested.txt": True,
        "assets/img/logo.svg": False,
        "assets/keep.md": True,  # excluded again by !
        "a/x.md": False,  # {a,b}
        "c/x.md": True,
    }
    catalog_info = (ws / "catalog-info.yaml").read_text()
    assert "name: demo-app" in catalog_info and "type: website" in catalog_info and "- python" in catalog_info

    assert "backstage.io/source-template: template:default/" in catalog_info  # as Backstage writes it
    (folder / "template.yaml").write_text(FETCH_OPTIONS.replace("tags: [python]}", "tags: [python], labels: {a: b}}"))
    Runner(LocalForge(tmp_path / "forge"), NullCatalog()).render(load_template(folder), resolve(template, {}), ws)
    assert "labels:\n    a: b\n" in (ws / "catalog-info.yaml").read_text()  # any key, as Backstage writes it
