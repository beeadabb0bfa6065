"""copier templates rendered through scaffold (the CLI, batch mode) and through copier's own
`run_copy` with the same answers, in the same test: the trees must be identical (bytes, exec bit,
symlinks), `.copier-answers.yml` included; only scaffold's record (`.scaffold/`) is left out."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from scaffolder import git, record
from scaffolder.sources import cache
from tests.cli.conftest import Invoke, as_json
from tests.formats.conftest import CLEAR, COPIER, ENTER, FIXTURES, commit_and_tag, copy, edit, run_wizard

SLUG = FIXTURES / "copier" / "copier-slug"
NAME = "Café Déjà Vu"


def tree(root: Path) -> dict[str, tuple[str, Any]]:
    """Every path under `root` (not `.git`, not `.scaffold`) as (kind, content and exec bit)."""
    out: dict[str, tuple[str, Any]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".scaffold")]
        for name in [*dirnames, *filenames]:
            path = Path(dirpath, name)
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = ("link", str(path.readlink()))
            elif path.is_file():
                out[rel] = ("file", (path.read_bytes(), bool(path.stat().st_mode & stat.S_IXUSR)))
    return out


def copier_copy(src: str, dst: Path, data: dict[str, Any], vcs_ref: str | None = None) -> Path:
    """`copier copy --trust --defaults SRC NAME` run in dst's parent folder, with `data`, as a
    user would run it."""
    from copier import Settings, run_copy

    dst.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.chdir(dst.parent):
        run_copy(
            src, Path(dst.name), data=data, defaults=True, unsafe=True, vcs_ref=vcs_ref, quiet=True, settings=Settings()
        )
    return dst


def scaffold_new(invoke: Invoke, ref: str, tmp: Path, *sets: str, trust: bool = True) -> Path:
    """`scaffold new REF --no-input` with `--set` answers; the published repository, cloned."""
    args = ["new", ref, "--no-input", "-o", "json", *(["--trust"] if trust else [])]
    for item in sets:
        args += ["--set", item]
    data = as_json(invoke(*args))
    return git.clone(data["repository"]["clone_url"], tmp / "clone")


@pytest.fixture
def slug_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The slug fixture as a git repository tagged v1.0.0; its extension module importable (as
    copier-template-extensions would make it), for copier and scaffold alike."""
    repo = copy(SLUG, tmp_path / "templates" / "copier-slug")
    commit_and_tag(repo, "v1.0.0")
    monkeypatch.syspath_prepend(str(repo))
    cache._fetched.clear()
    return repo


def test_defaults_use_copier_filters_and_the_template_extension(
    invoke: Invoke, tmp_path: Path, slug_repo: Path
) -> None:
    """A default computed by the template's own `slugify` extension (two arguments, non-ASCII
    input), `default: yes`/`no` and `default: ""`: copier's values, batch mode asking nothing else."""
    ours = scaffold_new(invoke, f"{slug_repo}@1.0.0", tmp_path, f"project_name={NAME}")
    theirs = copier_copy(str(slug_repo), tmp_path / "theirs" / "cafe-deja-vu", {"project_name": NAME}, "v1.0.0")
    assert tree(ours) == tree(theirs)
    readme = (ours / "README.md").read_text()
    assert "folder: cafe-deja-vu; dst: cafe-deja-vu; ref: v1.0.0; commit: v1.0.0" in readme
    assert "(cafe-deja-vu, package cafe_deja_vu)" in readme and "public: True; archived: False" in readme
    assert (ours / "cafe_deja_vu" / "__init__.py").is_file()
    answers = record.read(ours).answers
    assert answers["project_slug"] == "cafe-deja-vu" and answers["public"] is True and answers["license"] == ""


def test_an_explicit_empty_answer_is_an_answer(invoke: Invoke, tmp_path: Path, slug_repo: Path) -> None:
    ours = scaffold_new(invoke, f"{slug_repo}@1.0.0", tmp_path, f"project_name={NAME}", "tagline=", "archived=true")
    data = {"project_name": NAME, "tagline": "", "archived": True}
    theirs = copier_copy(str(slug_repo), tmp_path / "theirs" / "cafe-deja-vu", data, "v1.0.0")
    assert tree(ours) == tree(theirs)
    assert "\n (cafe-deja-vu" in (ours / "README.md").read_text()


def test_the_answers_file_names_the_real_source_and_commit(invoke: Invoke, tmp_path: Path, slug_repo: Path) -> None:
    """`_src_path` is what the user gave (a path; a file:// URL, which copier reads only as
    `git+file://`), `_commit` git describe's output."""
    (slug_repo / "NOTES.md").write_text("after the release\n")
    git.commit_all(slug_repo, "notes", "2026-03-02T00:00:00+00:00")
    for i, (source, as_copier) in enumerate(
        [(str(slug_repo),) * 2, (f"file://{slug_repo}", f"git+file://{slug_repo}")]
    ):
        cache._fetched.clear()
        name = f"{NAME} {i}"
        ours = scaffold_new(invoke, f"{source}@1.0.0", tmp_path / str(i), f"project_name={name}")
        theirs = copier_copy(as_copier, tmp_path / str(i) / f"cafe-deja-vu-{i}", {"project_name": name}, "v1.0.0")
        assert tree(ours) == tree(theirs)
        answers = (ours / ".copier-answers.yml").read_text()
        assert f"_src_path: {as_copier}\n" in answers and "_commit: v1.0.0\n" in answers


def test_extensions_are_refused_without_trust_before_anything_runs(
    invoke: Invoke, slug_repo: Path, scaffold_home: Path
) -> None:
    result = invoke("new", f"{slug_repo}@1.0.0", "--no-input", "--set", f"project_name={NAME}", code=1)
    assert "the Jinja extension slug_ext.SlugExtension (_jinja_extensions) would run" in result.stderr
    assert not (scaffold_home / "forge").exists()


def test_a_trusted_source_needs_no_flag_for_its_extensions(
    invoke: Invoke, tmp_path: Path, slug_repo: Path, scaffold_home: Path
) -> None:
    (scaffold_home / "config.toml").write_text(f'trusted_sources = ["{slug_repo}"]\n')
    ours = scaffold_new(invoke, f"{slug_repo}@1.0.0", tmp_path, f"project_name={NAME}", trust=False)
    theirs = copier_copy(str(slug_repo), tmp_path / "theirs" / "cafe-deja-vu", {"project_name": NAME}, "v1.0.0")
    assert tree(ours) == tree(theirs)


def test_path_at_version_reads_the_format_at_the_tag(invoke: Invoke, tmp_path: Path, slug_repo: Path) -> None:
    """The template changed format after v1.0.0 (HEAD holds a v1beta2 Backstage template scaffold
    refuses): PATH@1.0.0 and file://PATH@1.0.0 still render the copier template of the tag."""
    (slug_repo / "copier.yml").unlink()
    shutil.rmtree(slug_repo / "template")
    (slug_repo / "template.yaml").write_text(
        "apiVersion: backstage.io/v1beta2\nkind: Template\nmetadata:\n  name: slug\nspec:\n  steps: []\n"
    )
    git.commit_all(slug_repo, "now a Backstage template", "2026-03-03T00:00:00+00:00")
    for i, source in enumerate((str(slug_repo), f"file://{slug_repo}")):
        cache._fetched.clear()
        name = f"{NAME} {i}"
        ours = scaffold_new(invoke, f"{source}@1.0.0", tmp_path / str(i), f"project_name={name}")
        theirs = copier_copy(str(slug_repo), tmp_path / str(i) / f"cafe-deja-vu-{i}", {"project_name": name}, "v1.0.0")
        assert tree(ours).keys() == tree(theirs).keys()
        assert (ours / "README.md").read_bytes() == (theirs / "README.md").read_bytes()


def test_upgrade_across_release_tags_matches_copier_update(invoke: Invoke, tmp_path: Path) -> None:
    """A template with tasks and a migration, released twice: `scaffold new PATH@1.0.0` then
    `scaffold upgrade` give what `copier copy --vcs-ref v1.0.0` then `copier update` give."""
    from copier import Settings, run_update

    repo = copy(COPIER, tmp_path / "templates" / "copier-pyservice")
    (repo / "template" / "catalog-info.yaml.jinja").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {{ project_slug }}\n"
        "spec:\n  type: service\n  owner: group:stock\n  lifecycle: production\n"
    )
    commit_and_tag(repo, "v1.0.0")
    edit(repo / "template" / "README.md.jinja", "# {{ project_name }}", "# {{ project_name }} (v1.1)")
    (repo / "template" / "CONTRIBUTING.md.jinja").write_text("Contributing to {{ project_name }}\n")
    with (repo / "copier.yml").open("a") as fh:
        fh.write('\n_migrations:\n  - version: v1.1.0\n    command: "echo migrated > MIGRATED.txt"\n')
    git.commit_all(repo, "1.1.0", "2026-03-05T00:00:00+00:00")
    git.tag(repo, "v1.1.0")
    answers = {"project_name": "Stock Keeper", "use_docker": False}

    cache._fetched.clear()
    ours = scaffold_new(invoke, f"{repo}@1.0.0", tmp_path, "project_name=Stock Keeper", "use_docker=false")
    theirs = copier_copy(str(repo), tmp_path / "theirs" / "stock-keeper", answers, "v1.0.0")
    assert tree(ours) == tree(theirs)
    git.init(theirs)
    git.commit_all(theirs, "made with copier", "2026-03-06T00:00:00+00:00")

    cache._fetched.clear()
    result = as_json(invoke("upgrade", str(ours), "--trust", "-o", "json"))
    assert (result["from_version"], result["to_version"]) == ("1.0.0", "1.1.0") and not result["conflicts"]
    with contextlib.chdir(theirs):
        run_update(".", defaults=True, overwrite=True, unsafe=True, quiet=True, vcs_ref="v1.1.0", settings=Settings())
    assert tree(ours) == tree(theirs)
    assert (ours / "MIGRATED.txt").read_text() == "migrated\n" and "_commit: v1.1.0" in (
        ours / ".copier-answers.yml"
    ).read_text()


def test_a_default_copier_computes_stays_within_the_render_budget(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """copier computes defaults before anything runs, in scaffold's sandbox and render budget."""
    folder = tmp_path / "slow"
    folder.mkdir()
    loop = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    (folder / "copier.yml").write_text(f"name:\n  type: str\n  default: 'x{loop}'\n")
    (folder / "README.md.jinja").write_text("{{ name }}\n")
    monkeypatch.setenv("SCAFFOLD_RENDER_TIMEOUT", "1")
    result = invoke("new", str(folder), "--no-input", "--set", "owner=group:x", "--set", "repo_name=slow", code=None)
    assert result.exit_code == 1 and f"{folder}/copier.yml: still rendering after 1 s" in result.stderr


def test_a_default_from_the_folder_name_is_left_to_copier(invoke: Invoke, tmp_path: Path) -> None:
    """`_folder_name` is known when copier renders, not when scaffold asks: a default that reads it
    (and one computed from that) is copier's, given the folder scaffold names after the repository."""
    folder = tmp_path / "templates" / "by-folder"
    folder.mkdir(parents=True)
    (folder / "copier.yml").write_text(
        "project_name:\n  type: str\n  default: '{{ _folder_name }}'\n"
        "slug:\n  type: str\n  default: '{{ project_name | upper }}'\n"
    )
    (folder / "README.md.jinja").write_text("{{ project_name }} / {{ slug }} in {{ _folder_name }}\n")
    (folder / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger-api\n"
        "spec:\n  type: service\n  owner: group:ledger\n  lifecycle: production\n"
    )
    (folder / "{{ _copier_conf.answers_file }}.jinja").write_text("{{ _copier_answers|to_nice_yaml -}}\n")
    commit_and_tag(folder, "v1.0.0")
    ours = scaffold_new(invoke, f"{folder}@1.0.0", tmp_path, "repo_name=ledger-api")
    theirs = copier_copy(str(folder), tmp_path / "theirs" / "ledger-api", {}, "v1.0.0")
    assert tree(ours) == tree(theirs)
    assert (ours / "README.md").read_text() == "ledger-api / LEDGER-API in ledger-api\n"


def test_the_wizard_shows_copier_defaults_recomputed_after_each_answer(tmp_path: Path, slug_repo: Path) -> None:
    """The wizard prefills each question with copier's default over the answers so far (the
    template's own `slugify`, under trust); accepting them all gives what copier gives."""
    from scaffolder.formats.copier_questions import trusting

    keys = CLEAR + NAME + ENTER + ENTER * 6 + ENTER  # project_name, then six defaults, then repo_name
    with trusting(True):
        outcome = run_wizard(f"{slug_repo}@1.0.0", keys, trusted=True)
    assert outcome.steps["publish"]["full_name"] == "local/cafe-deja-vu"
    ours = git.clone(outcome.steps["publish"]["clone_url"], tmp_path / "clone")
    theirs = copier_copy(str(slug_repo), tmp_path / "theirs" / "cafe-deja-vu", {"project_name": NAME}, "v1.0.0")
    assert tree(ours) == tree(theirs)


def test_upgrade_no_input_takes_a_yaml_11_boolean_default(invoke: Invoke, tmp_path: Path, slug_repo: Path) -> None:
    """A question added in the new release with `default: yes` needs no answer in `scaffold
    upgrade --no-input`, as in `copier update --defaults`, and gets copier's value."""
    from copier import Settings, run_update

    ours = scaffold_new(invoke, f"{slug_repo}@1.0.0", tmp_path, f"project_name={NAME}")
    theirs = copier_copy(str(slug_repo), tmp_path / "theirs" / "cafe-deja-vu", {"project_name": NAME}, "v1.0.0")
    git.init(theirs)
    git.commit_all(theirs, "made with copier", "2026-03-06T00:00:00+00:00")
    with (slug_repo / "copier.yml").open("a") as fh:
        fh.write("\nci:\n  type: bool\n  default: yes\n")
    (slug_repo / "template" / "CI.md.jinja").write_text("ci: {{ ci }}\n")
    git.commit_all(slug_repo, "1.1.0", "2026-03-07T00:00:00+00:00")
    git.tag(slug_repo, "v1.1.0")
    cache._fetched.clear()
    result = as_json(invoke("upgrade", str(ours), "--trust", "--no-input", "-o", "json"))
    assert result["to_version"] == "1.1.0" and not result["conflicts"]
    with contextlib.chdir(theirs):
        run_update(".", defaults=True, overwrite=True, unsafe=True, quiet=True, vcs_ref="v1.1.0", settings=Settings())
    # copier update renders `_folder_name` and `_copier_conf.dst_path` as its temporary folder
    # (and then conflicts with itself in README.md): a run-specific value scaffold does not copy
    assert {k: v for k, v in tree(ours).items() if k != "README.md"} == {
        k: v for k, v in tree(theirs).items() if k != "README.md"
    }
    assert "folder: cafe-deja-vu; dst: cafe-deja-vu; ref: v1.1.0" in (ours / "README.md").read_text()
    assert (ours / "CI.md").read_text() == "ci: True\n"
