"""Compiled skeleton files are kept under `$SCAFFOLD_HOME/cache/jinja/` across runs
(`scaffolder.jinja_cache`): a second run compiles nothing, renders the same bytes, and an entry
that is not exactly its key's (another key's, corrupt, foreign, writable by others) is ignored."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scaffolder import jinja_cache, render
from scaffolder.errors import RenderError
from scaffolder.render import Delimiters, make_environment, render_tree

VALUES = {"values": {"name": "svc", "tags": ["a", "b"], "on": True}}
SKELETON = {
    "README.md": "# {{ values.name | title }}\n{% for t in values.tags %}- {{ t | upper }}\n{% endfor %}",
    "{{ values.name }}/main.py": "{% if values.on %}ON{% else %}OFF{% endif %} {{ values.name ~ '!' }}\r\n",
    "plain.txt": "no Jinja here\n",
}


@pytest.fixture(autouse=True)
def fresh_process() -> Iterator[None]:
    """Each test starts as a new process would: nothing compiled in memory."""
    render._compiled.cache_clear()
    yield
    render._compiled.cache_clear()


def skeleton(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(text.encode())
    return root


def rendered(root: Path, context: dict[str, Any] = VALUES, **options: Any) -> dict[str, bytes]:
    return {f.path: f.content for f in render_tree(root, context, **options)}


def cache_dir(home: Path) -> Path:
    return home / "cache" / "jinja"


def store(home: Path) -> Path:
    """The folder of this software's entries (`jinja_cache.software`)."""
    return cache_dir(home) / jinja_cache.software()


def entries(home: Path) -> list[Path]:
    return sorted(p for p in cache_dir(home).rglob("*") if p.is_file())


def no_compiling(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every Jinja compile fail loudly, and record what was asked for."""
    asked: list[str] = []

    def refuse(self: Any, source: str, name: str | None = None, filename: str | None = None, **kw: Any) -> Any:
        asked.append(name or "")
        raise AssertionError(f"compiled {name} again")

    monkeypatch.setattr(type(make_environment()), "compile", refuse)
    return asked


def test_a_second_run_compiles_nothing_and_renders_the_same_bytes(
    tmp_path: Path, scaffold_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = skeleton(tmp_path / "sk", SKELETON)
    first = rendered(root)
    assert first["README.md"] == b"# Svc\n- A\n- B\n"
    assert first["svc/main.py"] == b"ON svc!\r\n"
    assert len(entries(scaffold_home)) == 2  # the two files that need Jinja
    render._compiled.cache_clear()
    no_compiling(monkeypatch)
    assert rendered(root) == first


def test_the_folder_is_private_and_entries_are_written_whole(tmp_path: Path, scaffold_home: Path) -> None:
    rendered(skeleton(tmp_path / "sk", SKELETON))
    assert stat.S_IMODE(cache_dir(scaffold_home).stat().st_mode) == 0o700
    assert stat.S_IMODE(store(scaffold_home).stat().st_mode) == 0o700
    for entry in entries(scaffold_home):
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600
        assert entry.read_bytes().startswith(jinja_cache.MAGIC + entry.name.encode())
        assert not entry.name.startswith(".tmp-")


def test_a_folder_others_may_write_to_is_made_private(tmp_path: Path, scaffold_home: Path) -> None:
    cache_dir(scaffold_home).mkdir(parents=True)
    cache_dir(scaffold_home).chmod(0o777)
    rendered(skeleton(tmp_path / "sk", SKELETON))
    assert stat.S_IMODE(cache_dir(scaffold_home).stat().st_mode) == 0o700


def test_another_keys_entry_is_not_used(tmp_path: Path, scaffold_home: Path) -> None:
    """A poisoned cache: template A's compiled file put where template B's would be."""
    a = skeleton(tmp_path / "a", {"f.txt": "{{ 'A wrote this' }}\n"})
    b = skeleton(tmp_path / "b", {"f.txt": "{{ 'B' | lower }}\n"})
    rendered(a)
    (a_entry,) = entries(scaffold_home)
    env = make_environment()
    b_key = jinja_cache.key(env, "{{ 'B' | lower }}\n", "f.txt")
    assert b_key != a_entry.name
    target = store(scaffold_home) / b_key
    target.write_bytes(a_entry.read_bytes())
    target.chmod(0o600)
    render._compiled.cache_clear()
    assert rendered(b) == {"f.txt": b"b\n"}
    assert jinja_cache.load(store(scaffold_home), b_key) is not None  # replaced by B's own


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-8] + b"\0" * 8, id="corrupt"),
        pytest.param(lambda data: b"\x00\x01 not ours at all", id="foreign"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_a_spoilt_entry_is_ignored(tmp_path: Path, scaffold_home: Path, spoil: Any) -> None:
    root = skeleton(tmp_path / "sk", {"f.txt": "{{ values.name | upper }}\n"})
    rendered(root)
    (entry,) = entries(scaffold_home)
    entry.write_bytes(spoil(entry.read_bytes()))
    assert jinja_cache.load(store(scaffold_home), entry.name) is None
    render._compiled.cache_clear()
    assert rendered(root) == {"f.txt": b"SVC\n"}


def test_an_entry_others_may_write_to_is_ignored(tmp_path: Path, scaffold_home: Path) -> None:
    rendered(skeleton(tmp_path / "sk", {"f.txt": "{{ values.name | upper }}\n"}))
    (entry,) = entries(scaffold_home)
    assert jinja_cache.load(store(scaffold_home), entry.name) is not None
    entry.chmod(0o666)
    assert jinja_cache.load(store(scaffold_home), entry.name) is None


def test_a_symlinked_entry_is_ignored(tmp_path: Path, scaffold_home: Path) -> None:
    rendered(skeleton(tmp_path / "sk", {"f.txt": "{{ values.name | upper }}\n"}))
    (entry,) = entries(scaffold_home)
    moved = tmp_path / "elsewhere"
    entry.rename(moved)
    entry.symlink_to(moved)
    assert jinja_cache.load(store(scaffold_home), entry.name) is None


def test_the_same_text_in_another_file_names_its_own_file(tmp_path: Path, scaffold_home: Path) -> None:
    """The file's name is part of the key: errors point at the file being rendered."""
    text = "ok\n{{ values.nope.deeper }}\n"
    with pytest.raises(RenderError) as first:
        rendered(skeleton(tmp_path / "a", {"a.txt": text}))
    assert first.value.problems[0].where == "a.txt:2"
    render._compiled.cache_clear()
    with pytest.raises(RenderError) as second:
        rendered(skeleton(tmp_path / "b", {"b.txt": text}))
    assert second.value.problems[0].where == "b.txt:2"


def test_the_environment_is_part_of_the_key(tmp_path: Path, scaffold_home: Path) -> None:
    """Delimiters, dialect and newline compile differently: each has its own entry."""
    source = "<< values.name >> {{ values.name }}\n"
    angle = Delimiters(variable_start="<<", variable_end=">>")
    keys = {
        jinja_cache.key(make_environment(), source, "f"),
        jinja_cache.key(make_environment(angle), source, "f"),
        jinja_cache.key(make_environment(dialect="nunjucks"), source, "f"),
        jinja_cache.key(render._with_newline(make_environment(), "\r\n"), source, "f"),
    }
    assert len(keys) == 4
    root = skeleton(tmp_path / "sk", {"f.txt": source})
    assert rendered(root) == {"f.txt": b"<< values.name >> svc\n"}
    render._compiled.cache_clear()
    assert rendered(root, delimiters=angle) == {"f.txt": b"svc {{ values.name }}\n"}
    render._compiled.cache_clear()
    assert rendered(root) == {"f.txt": b"<< values.name >> svc\n"}


def test_the_cache_can_be_switched_off(tmp_path: Path, scaffold_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCAFFOLD_JINJA_CACHE", "0")
    assert rendered(skeleton(tmp_path / "sk", SKELETON))["README.md"] == b"# Svc\n- A\n- B\n"
    assert not cache_dir(scaffold_home).exists()


def test_an_unwritable_home_still_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "home-is-a-file"
    blocked.write_text("")
    monkeypatch.setenv("SCAFFOLD_HOME", str(blocked))
    assert rendered(skeleton(tmp_path / "sk", SKELETON))["svc/main.py"] == b"ON svc!\r\n"
    assert blocked.is_file()


def test_entries_of_software_unused_for_a_month_are_removed(tmp_path: Path, scaffold_home: Path) -> None:
    old, recent = cache_dir(scaffold_home) / "0123456789abcdef", cache_dir(scaffold_home) / "fedcba9876543210"
    for folder, days in ((old, jinja_cache.UNUSED_DAYS + 1), (recent, 2)):
        (folder / "ab").mkdir(parents=True)
        (folder / "ab" / "abcd").write_bytes(b"x")
        when = time.time() - days * 86400
        os.utime(folder, (when, when))
    jinja_cache._folder.cache_clear()
    rendered(skeleton(tmp_path / "sk", SKELETON))
    assert not old.exists()
    assert (recent / "ab" / "abcd").exists()
    assert store(scaffold_home).is_dir()
