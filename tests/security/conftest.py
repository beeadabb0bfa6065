"""Security tests drive the CLI in-process like the CLI tests do; `scene` is one attack's setting."""

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, invoke, library  # noqa: F401
from tests.security.attack import Scene


@pytest.fixture
def scene(tmp_path: Path, scaffold_home: Path, invoke: Invoke) -> Scene:  # noqa: F811
    """A folder outside every workspace (`scene.outside`) and the checks of tests/security/attack.py."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("the user's file\n")
    return Scene(home=scaffold_home, outside=outside, invoke=invoke)
