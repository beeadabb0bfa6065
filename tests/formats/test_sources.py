"""Which format a folder holds, where a template named by a path or URL lives, and the version a
template without one gets (release tags, content hashes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scaffolder import git, sources
from scaffolder.errors import TemplateNotFound
from scaffolder.formats.versions import content_hash, version_for
from scaffolder.sources import detect, is_template_dir, load_template
from scaffolder.sources.refs import expand, split_version
from tests.formats.conftest import BACKSTAGE, COOKIECUTTER, COPIER, commit_and_tag, copy, edit

BUILTIN = Path(__file__).parents[2] / "golden_paths" / "backend-service"


def test_detect() -> None:
    assert [detect(f) for f in (BUILTIN, BACKSTAGE, COOKIECUTTER, COPIER)] == [
        "scaffold",
        "backstage",
        "cookiecutter",
        "copier",
    ]
    assert detect(BACKSTAGE / "skeleton") is None and not is_template_dir(BACKSTAGE / "docs")


@pytest.mark.parametrize(
    ("ref", "url"),
    [
        ("gh:acme/svc", "https://github.com/acme/svc.git"),
        ("gl:acme/svc", "https://gitlab.com/acme/svc.git"),
        ("https://git.example/acme/svc.git", "https://git.example/acme/svc.git"),
        ("git+https://git.example/acme/svc.git", "https://git.example/acme/svc.git"),
        ("git@github.com:acme/svc.git", "git@github.com:acme/svc.git"),
        ("file:///srv/templates/svc", "file:///srv/templates/svc"),
        ("./svc", None),
        ("backend-service", None),
    ],
)
def test_urls_as_cookiecutter_takes_them(ref: str, url: str | None) -> None:
    assert expand(ref) == url


def test_a_version_after_the_at() -> None:
    assert split_version("gh:acme/svc@v1.2.0") == ("gh:acme/svc", "1.2.0")
    assert split_version("./svc@1.2.0-rc.1") == ("./svc", "1.2.0-rc.1")
    assert split_version("git@github.com:acme/svc.git") == ("git@github.com:acme/svc.git", None)


def test_a_path_without_a_template_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(TemplateNotFound, match=r"no template\.yaml, cookiecutter\.json or copier\.yml there"):
        sources.resolve(str(tmp_path))


def test_versions_come_from_release_tags(tmp_path: Path) -> None:
    repo = copy(COOKIECUTTER, tmp_path / "cookiecutter-pyservice")
    untagged = load_template(repo).version
    assert untagged == f"0.0.0+{content_hash(repo)[:12]}"
    commit_and_tag(repo, "v1.4.0")
    assert load_template(repo).version == "1.4.0"
    edit(repo / "cookiecutter.json", "Jane Doe", "John Doe")  # not committed: a development version
    assert load_template(repo).version == f"1.4.1-dev+{content_hash(repo)[:12]}"
    git.commit_all(repo, "next", "2026-03-09T00:00:00+00:00")
    git.tag(repo, "2.0.0")  # a tag without the v counts too
    assert load_template(repo).version == "2.0.0"
    found = sources.resolve(f"{repo}@1.4.0")
    assert (found.template.version, found.ref) == ("1.4.0", "v1.4.0")
    assert found.template.parameters[0].default == "Jane Doe"
    with pytest.raises(TemplateNotFound, match=r"@9\.9\.9 is not a release; available: 2\.0\.0 \(current\), 1\.4\.0"):
        sources.resolve(f"{repo}@9.9.9")


def test_a_path_or_url_template_lists_its_release_tags(tmp_path: Path) -> None:
    repo = copy(COOKIECUTTER, tmp_path / "cookiecutter-pyservice")
    commit_and_tag(repo, "v1.4.0")
    edit(repo / "cookiecutter.json", "Jane Doe", "John Doe")
    git.commit_all(repo, "next", "2026-03-09T00:00:00+00:00")
    git.tag(repo, "2.0.0")
    for ref in (str(repo), f"file://{repo}"):
        found = sources.resolve(ref).versions()
        assert [(r.version, r.ref, r.kind, r.current) for r in found] == [
            ("1.4.0", "v1.4.0", "tag", False),
            ("2.0.0", "2.0.0", "tag", True),
        ]
        assert found[0].folder != repo and (found[0].folder / "cookiecutter.json").read_text().count("Jane Doe")
    edit(repo / "cookiecutter.json", "John Doe", "Jo Doe")  # not committed: a development version, listed too
    found = sources.resolve(str(repo)).versions()
    assert [(r.version, r.kind, r.current) for r in found][-1] == (load_template(repo).version, "current", True)
    untagged = copy(COOKIECUTTER, tmp_path / "elsewhere" / "plain")  # in no repository: its one version
    assert [r.kind for r in sources.resolve(str(untagged)).versions()] == ["current"]


def test_a_git_library_tags_its_folders(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    copy(COPIER, lib / "copier-pyservice")
    copy(BACKSTAGE, lib / "python-service")
    commit_and_tag(lib, "copier-pyservice/v0.3.0")
    assert version_for(lib / "copier-pyservice") == "0.3.0"
    assert version_for(lib / "python-service").startswith("0.0.0+")  # no tag of its own
    names = {e.name: e.template.version for e in sources.list_entries([lib]) if e.template}
    assert names["copier-pyservice"] == "0.3.0"
    bare = tmp_path / "lib.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(lib), str(bare)], check=True)
    assert sources.resolve("copier-pyservice", [bare]).template.version == "0.3.0"


def test_only_rendering_imports_cookiecutter_and_copier() -> None:
    """`scaffold --help`, the registry and converting templates leave both libraries unloaded."""
    code = (
        "import sys\nfrom pathlib import Path\nfrom scaffolder.cli import cli\n"
        "try: cli.main(['--help'], standalone_mode=False)\nexcept SystemExit: pass\n"
        "from scaffolder.registry import load_registry\nfrom scaffolder.sources import load_template\nload_registry()\n"
        f"load_template(Path({str(COOKIECUTTER)!r})); load_template(Path({str(COPIER)!r}))\n"
        "print([m for m in sys.modules if m.split('.')[0] in ('cookiecutter', 'copier', 'plumbum')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
