"""The record a generated repo keeps of its origin, committed as `.scaffold/record.yaml`.

It names the golden path, version and library, holds the answers without secrets and a manifest
of every generated file with its SHA-256, so an upgrade can tell template changes from human ones.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from scaffolder import yamlio
from scaffolder.errors import Problem, TemplateError

RECORD_PATH = ".scaffold/record.yaml"
IGNORED = {".git"}


class RecordTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    version: str
    source: str = Field(description="library the golden path came from ('builtin' or a path/URL)")
    ref: str | None = Field(None, description="git ref or release of the library, when known")


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    api_version: str = Field("scaffold/v1", alias="apiVersion")
    kind: str = "Record"
    template: RecordTemplate
    answers: dict[str, Any]
    secret_parameters: list[str] = Field(default_factory=list)
    run_id: str
    created_at: str
    files: dict[str, str] = Field(description="generated file -> sha256 of its content")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(root: Path) -> dict[str, str]:
    """sha256 of every file under root, by POSIX path; `.git` and the record itself excluded."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in IGNORED or rel.as_posix() == RECORD_PATH or not path.is_file():
            continue
        out[rel.as_posix()] = sha256(path.read_bytes())
    return out


def write(root: Path, record: Record) -> Path:
    path = root / RECORD_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# Written by scaffold: where this repo came from. `scaffold upgrade` reads it.\n"
    path.write_text(header + yamlio.dump(record.model_dump(mode="json", by_alias=True)), encoding="utf-8")
    return path


def read(root: Path) -> Record:
    path = root / RECORD_PATH
    if not path.is_file():
        raise TemplateError(f"{root} has no {RECORD_PATH}: it was not made by scaffold")
    try:
        data = yamlio.plain(yamlio.load(path))
        return Record.model_validate(data)
    except yamlio.YamlSyntaxError as exc:
        raise TemplateError(f"the record in {root} is unreadable", [exc.problem]) from None
    except ValueError as exc:
        raise TemplateError(f"the record in {root} is invalid", [Problem(str(path), str(exc))]) from None
