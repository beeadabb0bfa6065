"""Template libraries: names, paths, NAME@VERSION, shadowing, and what `list` sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder import sources
from scaffolder.errors import TemplateNotFound
from scaffolder.sources import libraries
from tests.helpers import MINIMAL, write_template


def test_split_ref() -> None:
    assert sources.split_ref("backend-service") == ("backend-service", None)
    assert sources.split_ref("backend-service@1.2.0") == ("backend-service", "1.2.0")
    assert sources.split_ref("backend-service@") == ("backend-service", None)


def test_find_by_path(tmp_path: Path) -> None:
    folder = write_template(tmp_path)
    for ref in (str(folder), str(folder / "template.yaml")):
        found = sources.resolve(ref)
        assert (found.template.name, found.library, found.ref) == ("mini", str(folder.resolve()), "1.0.0")
    with pytest.raises(TemplateNotFound, match=r"no golden path at \./nowhere"):
        sources.resolve("./nowhere")


def test_find_builtin_by_name_is_the_current_version() -> None:
    found = sources.resolve("website")
    template, label = found.template, found.library
    assert (template.name, label) == ("website", sources.BUILTIN)
    assert template.path == sources.builtin_library() / "website"
    assert sources.resolve("website").ref == template.version


def test_unknown_name_lists_the_golden_paths() -> None:
    with pytest.raises(TemplateNotFound) as err:
        sources.resolve("nope@1.0.0")
    assert err.value.message.startswith("no golden path named 'nope'; available: backend-service, data-pipeline")


def test_list_entries_sees_current_versions_only(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    folder = write_template(lib)
    folder.rename(lib / "mini")
    sources.cut_release(lib / "mini")
    (lib / "mini" / "template.yaml").write_text(MINIMAL.replace("version: 1.0.0", "version: 1.1.0"))
    entries = sources.list_entries([lib])
    assert next((e.name, e.library, e.template.version if e.template else None) for e in entries) == (
        "mini",
        str(lib),
        "1.1.0",
    )
    assert {e.name for e in entries} >= {"mini", "backend-service", "data-pipeline", "website"}
    assert libraries.libraries([lib])[0] == (str(lib), lib)
    assert libraries.libraries()[-1] == (sources.BUILTIN, sources.builtin_library())


def test_a_library_that_is_not_there_holds_nothing(tmp_path: Path) -> None:
    assert libraries.libraries([tmp_path / "missing"])[0] == (str(tmp_path / "missing"), tmp_path / "missing")
    assert sources.resolve("website", [tmp_path / "missing"]).library == sources.BUILTIN
