"""`scaffold template new` as a library function: a new golden path that passes lint and test as
created (template.yaml, a Python skeleton with a README and a test, CHANGELOG, an example, its
snapshot)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scaffolder.errors import Problem, TemplateError
from scaffolder.template import NAME

OWNER = re.compile(r"^(group|user):[a-z0-9][a-z0-9-]*$")

TEMPLATE = """\
apiVersion: scaffold/v1
kind: GoldenPath
metadata:
  name: {name}
  title: {title}
  description: >-
    A small Python project with a test, a CI workflow and a catalog entry (created with
    `scaffold template new`; make it yours).
  owner: {owner}
  lifecycle: experimental
  tags: [python]
spec:
  version: 0.1.0
  type: service
  parameters:
    - id: name
      title: Name
      help: DNS-safe (lowercase letters, digits, '-'); becomes the repo and catalog name
      pattern: '^[a-z][a-z0-9-]{{1,61}}[a-z0-9]$'
    - id: owner
      title: Owner
      help: The team or person who owns it, as a catalog reference like group:payments
      pattern: '^(group|user):[a-z0-9][a-z0-9-]*$'
    - id: description
      title: Description
      help: One sentence shown in the catalog and the README
      default: '${{{{ parameters.name }}}}: made from the {name} golden path'
  steps:
    - id: skeleton
      name: Render the skeleton
      action: fetch:template
      input:
        path: skeleton
    - id: catalog
      name: Describe it for the catalog
      action: catalog:write
      input:
        name: '${{{{ parameters.name }}}}'
        description: '${{{{ parameters.description }}}}'
        owner: '${{{{ parameters.owner }}}}'
        lifecycle: experimental
        type: service
        repo:
          name: '${{{{ parameters.name }}}}'
    - id: ci
      name: Add the CI workflow
      action: ci:github-actions
      input:
        language: python
        install_command: python -m pip install pytest
        test_command: python -m pytest -q
    - id: publish
      name: Create the repository
      action: repo:create
      input:
        name: '${{{{ parameters.name }}}}'
        description: '${{{{ parameters.description }}}}'
    - id: register
      name: Register in the catalog
      action: catalog:register
      input:
        target: '${{{{ steps.publish.output.catalog_info_url }}}}'
  # `scaffold template test` runs these in every rendered example: the project's own tests.
  checks:
    - name: unit tests
      run: [python, -m, pytest, -q, -p, no:cacheprovider]
  output:
    links:
      - title: Repository
        url: '${{{{ steps.publish.output.repo_url }}}}'
      - title: Catalog entry
        url: '${{{{ steps.register.output.entity_url }}}}'
"""

CHANGELOG = """\
# Changelog

All notable changes to the `{name}` golden path are documented here.
The format follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/), and this golden path
uses [Semantic Versioning](https://semver.org/spec/v2.0.0.html): a release that needs a migration
for existing repos bumps the major version.

## [Unreleased]

## [0.1.0] - {date}

### Added

- The first version, created with `scaffold template new`: a Python project with a test, a CI
  workflow and a catalog entry. Parameters: `name`, `owner`, `description`.
"""

EXAMPLE = """\
# The least batch mode needs: every other parameter takes its default.
name: example-project
owner: {owner}
"""

SKELETON: dict[str, str] = {
    "README.md": """\
# {{{{ values.name }}}}

{{{{ values.description }}}}

Owned by `{{{{ values.owner }}}}`. Made from the `{name}` golden path {{{{ template.version }}}}: its
origin is recorded in `.scaffold/record.yaml`, and `scaffold upgrade` brings later versions.

## Develop

```sh
python -m pip install pytest
python -m pytest
```
""",
    ".gitignore": "__pycache__/\n*.py[cod]\n.pytest_cache/\n",
    "pyproject.toml": """\
[project]
name = "{{{{ values.name }}}}"
version = "0.1.0"
description = {{{{ values.description | tojson }}}}
readme = "README.md"
requires-python = ">=3.11"

[project.optional-dependencies]
# `scaffold template test` runs the checks in an environment built from these.
test = ["pytest>=8"]

[tool.pytest.ini_options]
# Tests import the package from src/ without installing it.
pythonpath = ["src"]
testpaths = ["tests"]
""",
    "src/{{ values.name | snake }}/__init__.py": '''\
"""{{{{ values.name }}}}: a greeting, so the project has something to test."""

NAME = {{{{ values.name | tojson }}}}


def hello(who: str = "world") -> str:
    """Greet `who`."""
    return f"Hello, {{who}}, from {{NAME}}!"
''',
    "tests/test_hello.py": """\
from {{{{ values.name | snake }}}} import NAME, hello


def test_hello_names_the_project() -> None:
    assert hello("you") == f"Hello, you, from {{NAME}}!"
""",
}


@dataclass
class Created:
    """What `create_golden_path` wrote."""

    name: str
    path: Path
    owner: str
    version: str
    files: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "golden_path": self.name,
            "path": str(self.path),
            "owner": self.owner,
            "version": self.version,
            "files": self.files,
        }


def _title(name: str) -> str:
    return " ".join(part.capitalize() for part in name.split("-"))


def create_golden_path(name: str, owner: str, library: Path, today: str | None = None) -> Created:
    """Write a new golden path `library/name/` and its example's snapshot; an existing folder,
    a bad name or a bad owner is refused before anything is written."""
    problems = []
    if not re.match(NAME, name):
        problems.append(Problem(name, "a golden path name is DNS-safe: lowercase letters, digits and '-'"))
    if not OWNER.match(owner):
        problems.append(Problem(owner, "the owner is a catalog group or user, like group:backend-guild"))
    folder = library / name
    if folder.exists():
        problems.append(Problem(str(folder), "already exists; choose another name or edit that golden path"))
    if problems:
        raise TemplateError(f"cannot create the golden path {name}", problems)
    date = today or datetime.now(UTC).date().isoformat()
    files = {
        "template.yaml": TEMPLATE.format(name=name, title=_title(name), owner=owner),
        "CHANGELOG.md": CHANGELOG.format(name=name, date=date),
        "examples/minimal.yaml": EXAMPLE.format(owner=owner),
        **{f"skeleton/{rel}": body.format(name=name) for rel, body in SKELETON.items()},
    }
    folder.mkdir(parents=True)
    for rel, body in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    from scaffolder.guild.testing import run_template_test

    report = run_template_test(folder, update_snapshots=True, checks=False, upgrade=False)
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return Created(name, folder, owner, report.version, written)
