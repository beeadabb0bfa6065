"""Helpers shared by tests: build golden paths inline, as copier's test suite does."""

from __future__ import annotations

import textwrap
from pathlib import Path

MINIMAL = """\
apiVersion: scaffold/v1
kind: GoldenPath
metadata:
  name: mini
  title: Mini service
  description: A tiny golden path for tests
  owner: group:test-guild
spec:
  version: 1.0.0
  parameters:
    - id: name
      type: string
      pattern: '^[a-z][a-z0-9-]{1,61}[a-z0-9]$'
      help: DNS-safe name
    - id: owner
      type: string
      pattern: '^(group|user):[a-z0-9-]+$'
    - id: port
      type: integer
      minimum: 1024
      maximum: 65535
      default: 8080
    - id: api_token
      type: string
      secret: true
      required: false
  steps:
    - id: skeleton
      action: fetch:template
      input: {path: skeleton}
    - id: catalog
      action: catalog:write
      input:
        name: ${{ parameters.name }}
        owner: ${{ parameters.owner }}
        description: ${{ parameters.name }} for tests
        repo: {name: '${{ parameters.name }}'}
    - id: publish
      action: repo:create
      input:
        name: ${{ parameters.name }}
        description: ${{ parameters.name }} service
    - id: register
      action: catalog:register
      input:
        target: ${{ steps.publish.output.catalog_info_url }}
  output:
    links:
      - {title: Repository, url: '${{ steps.publish.output.repo_url }}'}
"""


# Two versions of a small skeleton, for upgrade and campaign tests.
V1_FILES = {
    "README.md": "# {{ values.name }}\n\nOwned by {{ values.owner }}.\n",
    "app.py": "PORT = {{ values.port }}\n\n\ndef main():\n    return 'hello'\n",
}
V2_FILES = {
    "README.md": "# {{ values.name }}\n\nOwned by {{ values.owner }}.\n\nSee docs/.\n",
    "app.py": "PORT = {{ values.port }}\nTIMEOUT = 30\n\n\ndef main():\n    return 'hello'\n",
    "docs/index.md": "Docs for {{ values.name }}\n",
}


def write_template(root: Path, template_yaml: str = MINIMAL, files: dict[str, str | bytes] | None = None) -> Path:
    """Write a golden path folder under `root` and return it."""
    folder = root / "golden"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.yaml").write_text(textwrap.dedent(template_yaml), encoding="utf-8")
    skeleton = {
        "README.md": "# {{ values.name }}\n\nOwned by {{ values.owner }}, port {{ values.port }}.\n",
        "src/{{ values.name | snake }}/__init__.py": '"""{{ values.name }}."""\n',
    }
    for rel, content in (files if files is not None else skeleton).items():
        path = folder / "skeleton" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder
