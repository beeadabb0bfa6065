"""The record's manifest is written and read line by line: the same text and data as ruamel.yaml."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from scaffolder import record, yamlio

SEGMENT = st.text(alphabet="abcXYZ019_.-+/ :#'\"~é", min_size=1, max_size=40)
SPECIAL = st.sampled_from(
    [
        "true",
        "null",
        "1.5",
        "123",
        ".inf",
        "2024-01-01",
        "~",
        "yes",
        "0x1f",
        "1e5",
        "-x",
        "a b",
        "x" * 130,
        ".github/workflows/ci.yml",
        "catalog-info.yaml",
        "src/orders_api/app.py",
    ]
)
DIGEST = st.one_of(
    st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    st.sampled_from(["1" * 64, "12e" + "4" * 61, "f" * 64]),
)


def _record(files: dict[str, str]) -> record.Record:
    return record.Record(
        template=record.RecordTemplate(name="t", version="1.0.0", source="/lib", ref="1.0.0"),
        answers={"name": "svc", "note": "a: b # c", "n": 3, "on": True},
        run_id="r",
        created_at="2026-01-01T00:00:00+00:00",
        files=files,
    )


def _ruamel_text(rec: record.Record) -> str:
    data = rec.model_dump(mode="json", by_alias=True)
    if not data["conflicts"]:
        del data["conflicts"]  # omitted when none, so records without conflicts read as before
    return record.HEADER + yamlio.dump(data)


@settings(max_examples=300, deadline=None)
@given(files=st.dictionaries(st.one_of(SEGMENT, SPECIAL), DIGEST, max_size=6))
def test_text_and_data_match_ruamel(files: dict[str, str]) -> None:
    rec = _record(files)
    text = _ruamel_text(rec)
    assert record.dumps(rec) == text
    assert record.parse(text, Path("record.yaml")) == record.Record.model_validate(
        yamlio.plain(yamlio.load(Path("record.yaml"), text))
    )


def test_a_usual_manifest_takes_the_line_by_line_path() -> None:
    rec = _record({"catalog-info.yaml": "ab" * 32, "src/a.py": "cd" * 32})
    text = record.dumps(rec)
    assert "  catalog-info.yaml: \n    " + "ab" * 32 in text  # wrapped past 80 columns, as ruamel does
    assert record._files_block(text) is not None
    assert record.parse(text, Path("record.yaml")) == rec


def test_an_edited_record_falls_back_to_yaml(tmp_path: Path) -> None:
    rec = _record({"a.py": "ab" * 32})
    edited = record.dumps(rec).replace("  a.py: ", "  'a.py': ") + "extra: 1\n"
    assert record._files_block(edited) is None
    (tmp_path / ".scaffold").mkdir()
    (tmp_path / record.RECORD_PATH).write_text(record.dumps(rec).replace("  a.py: ", "  'a.py': "))
    assert record.read(tmp_path) == rec


def test_manifest_order_is_pathlib_order(tmp_path: Path) -> None:
    for rel in ["a/b", "a-b", "a.b/c", ".git/x", "sub/.git/y", ".scaffold/record.yaml", "Z"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    (tmp_path / "link").symlink_to(tmp_path / "Z")
    assert list(record.manifest(tmp_path)) == ["Z", "a/b", "a-b", "a.b/c", "link", "sub/.git/y"]


def test_the_last_upgrades_conflicts_are_written_and_read_back() -> None:
    rec = _record({"README.md": "1" * 64}).model_copy(update={"conflicts": ["README.md", "a b.txt"]})
    text = record.dumps(rec)
    assert "conflicts:\n- README.md\n- a b.txt\n" in text
    assert record.parse(text, Path("record.yaml")).conflicts == ["README.md", "a b.txt"]
    assert "conflicts" not in record.dumps(_record({}))
