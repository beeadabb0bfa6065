"""One semver for the whole tool: SemVer 2.0.0 precedence, strict parsing."""

from __future__ import annotations

import pytest

from scaffolder import versions
from scaffolder.formats.versions import tag_version
from scaffolder.upgrade import version_key


def test_numeric_pre_release_parts_compare_as_numbers() -> None:
    assert versions.key("1.0.0-rc.2") < versions.key("1.0.0-rc.10") < versions.key("1.0.0")
    ordered = ["1.0.0-rc.1", "1.0.0-rc.2", "1.0.0-rc.10", "1.0.0", "1.0.1-dev+abc", "1.0.1"]
    assert sorted(reversed(ordered), key=versions.key) == ordered
    assert sorted(reversed(ordered), key=version_key) == ordered  # upgrades order them the same way


def test_build_metadata_does_not_order() -> None:
    assert versions.key("2.0.0+build.5") == versions.key("2.0.0")


def test_strict_parsing() -> None:
    for bad in ("v1", "1.0", "01.0.0", "1.0.0-01", "1.0.0-", ""):
        assert not versions.is_valid(bad)
        with pytest.raises(ValueError, match="not a semantic version"):
            versions.parse(bad)
    assert versions.parse("1.2.3-rc.1+b.2").prerelease == "rc.1"


@pytest.mark.parametrize(
    ("tag", "prefix", "version"),
    [("v1.2.3", "", "1.2.3"), ("mini/v1.0.0-rc.10", "mini/v", "1.0.0-rc.10"), ("v1.2", "", None)],
)
def test_tags_name_versions(tag: str, prefix: str, version: str | None) -> None:
    assert tag_version(tag, prefix) == version
