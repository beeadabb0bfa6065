"""The record a generated repo keeps of its origin, committed as `.scaffold/record.yaml`.

It names the golden path, version and library, holds the answers without secrets and a manifest
of every generated file with its SHA-256 (a symlink: `symlink:` and its target text), so an upgrade
can tell template changes from human ones.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from scaffolder import yaml_fast, yamlio
from scaffolder.errors import Problem, TemplateError

if TYPE_CHECKING:
    from scaffolder.parameters import Answers
    from scaffolder.template import Template

RECORD_PATH = ".scaffold/record.yaml"
IGNORED = {".git"}


class RecordTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    name: str
    version: str
    source: str = Field(description="library the golden path came from ('builtin' or a path/URL)")
    ref: str | None = Field(None, description="git ref or release of the library, when known")


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)  # built on first use
    api_version: str = Field("scaffold/v1", alias="apiVersion")
    kind: str = "Record"
    template: RecordTemplate
    answers: dict[str, Any]
    secret_parameters: list[str] = Field(default_factory=list)
    run_id: str
    created_at: str
    conflicts: list[str] = Field(
        default_factory=list, description="paths the last upgrade left with conflicts (omitted when none)"
    )
    files: dict[str, str] = Field(description="generated file -> sha256 of its content, or `symlink:TARGET`")


def build(
    template: Template,
    answers: Answers,
    *,
    source: str,
    ref: str | None,
    run_id: str,
    created_at: str,
    files: dict[str, str],
    conflicts: list[str] | None = None,
) -> Record:
    """The record of a repo made (or upgraded) from `template` with `answers`: the one place a record is
    built, so `new`, `upgrade` and a guild's upgrade test write the same thing. Secrets never go in: only
    the ids of the declared ones, which a resume or an upgrade needs given again."""
    return Record(
        template=RecordTemplate(name=template.name, version=template.version, source=source, ref=ref),
        answers=answers.public(),
        secret_parameters=sorted(p.id for p in template.parameters if p.secret),
        run_id=run_id,
        created_at=created_at,
        conflicts=conflicts or [],
        files=files,
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


LINK_PREFIX = "symlink:"


def link_entry(target: str) -> str:
    """A symlink's manifest entry: its target text, marked so it never reads as a file's hash."""
    return LINK_PREFIX + target


def manifest(root: Path) -> dict[str, str]:
    """sha256 of every file under root and `link_entry` of every symlink (to a file or a folder,
    never followed), by POSIX path; `.git` and the record itself excluded."""
    out = {}
    pending = [("", str(root))]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as it:
            for entry in it:
                rel = prefix + entry.name
                if (not prefix and entry.name in IGNORED) or rel == RECORD_PATH:
                    continue
                if entry.is_symlink():
                    out[rel] = link_entry(str(Path(entry.path).readlink()))
                elif entry.is_dir():
                    pending.append((rel + "/", entry.path))
                else:
                    with open(entry.path, "rb") as fh:  # noqa: PTH123 (cheaper than a Path per file)
                        out[rel] = sha256(fh.read())
    return dict(sorted(out.items(), key=lambda item: item[0].split("/")))  # pathlib's order, by parts


HEADER = "# Written by scaffold: where this repo came from. `scaffold upgrade` reads it.\n"
# The manifest is most of a record (a line per generated file): it is written and read here line by
# line, in exactly the form ruamel.yaml gives it (`  path: sha256`, the hash on a line of its own
# when the line would pass 80 columns), for paths that YAML writes unquoted; any other record goes
# through ruamel.yaml whole.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./+-]*\Z")
_DIGEST = re.compile(r"[0-9a-f]{64}\Z")
_FILE_LINE = re.compile(r"  ([A-Za-z0-9_./][A-Za-z0-9_./+-]*): ([0-9a-f]{64})?\Z")
_WIDTH, _MAX_KEY = 80, 128


@cache
def _resolve() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import ScalarNode

    resolver = YAML(typ="safe", pure=True).resolver
    return lambda text: resolver.resolve(ScalarNode, text, (True, False))


def _plain_str(text: str) -> bool:
    """Whether YAML reads `text`, written unquoted, back as this string (not a number, bool, date...)."""
    return bool(_resolve()(text) == "tag:yaml.org,2002:str")


def _plain_entry(path: str, digest: str) -> bool:
    # A digest holding a, b, c, d or f cannot read as a number (only `e` appears in those).
    hexy = not digest.isdigit() and not set(digest) <= set("0123456789e")
    return (
        len(path) < _MAX_KEY
        and _PLAIN_PATH.match(path) is not None
        and _DIGEST.match(digest) is not None
        and ("/" in path or _plain_str(path))  # no implicit YAML type (number, date, bool...) has a "/"
        and (hexy or _plain_str(digest))
    )


def dumps(record: Record) -> str:
    """The record's text, as `write` stores it."""
    data = record.model_dump(mode="json", by_alias=True)
    if not data["conflicts"]:
        del data["conflicts"]
    files: dict[str, str] = data["files"]
    if not files or list(data)[-1] != "files" or not all(_plain_entry(k, v) for k, v in files.items()):
        return HEADER + yamlio.dump(data)
    del data["files"]
    lines = [HEADER, yamlio.dump(data), "files:\n"]
    for path, digest in files.items():
        wrap = len(path) + 4 + len(digest) > _WIDTH
        lines.append(f"  {path}: \n    {digest}\n" if wrap else f"  {path}: {digest}\n")
    return "".join(lines)


def write(root: Path, record: Record) -> Path:
    path = root / RECORD_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(record), encoding="utf-8")
    return path


def _files_block(text: str) -> tuple[str, dict[str, str]] | None:
    """(the text before `files:`, the manifest) when the manifest ends the record in the form
    `dumps` writes; None otherwise (the caller parses the whole text with ruamel.yaml)."""
    head, sep, block = text.partition("\nfiles:\n")
    if not sep or not block:
        return None
    files: dict[str, str] = {}
    lines = block.split("\n")
    if lines[-1] == "":
        lines.pop()
    i = 0
    while i < len(lines):
        match = _FILE_LINE.match(lines[i])
        if match is None:
            return None
        path, digest = match.group(1), match.group(2)
        if digest is None:  # `path: ` and the digest on the next line
            i += 1
            if i == len(lines) or not lines[i].startswith("    ") or _DIGEST.match(lines[i][4:]) is None:
                return None
            digest = lines[i][4:]
        if path in files or not _plain_entry(path, digest):
            return None
        files[path] = digest
        i += 1
    return head + "\n", files


def _load(text: str, where: Path) -> Any:
    """Plain data from a record's YAML: libyaml's speed where `yaml_fast` vouches for the values,
    else `yamlio` (which also names the line of a syntax error)."""
    data = yaml_fast.load(text)
    return data if data is not None else yamlio.plain(yamlio.load(where, text))


def parse(text: str, where: Path) -> Record:
    """A record from its text; `where` names it in errors."""
    split = _files_block(text)
    if split is not None:
        try:
            data = _load(split[0], where)
        except yamlio.YamlSyntaxError:
            data = None
        if isinstance(data, dict) and "files" not in data:
            data["files"] = split[1]
            return Record.model_validate(data)
    return Record.model_validate(_load(text, where))


def read(root: Path) -> Record:
    path = root / RECORD_PATH
    if not path.is_file():
        raise TemplateError(f"{root} has no {RECORD_PATH}: it was not made by scaffold")
    try:
        return parse(path.read_text(encoding="utf-8"), path)
    except yamlio.YamlSyntaxError as exc:
        raise TemplateError(f"the record in {root} is unreadable", [exc.problem]) from None
    except ValueError as exc:
        raise TemplateError(f"the record in {root} is invalid", [Problem(str(path), str(exc))]) from None
