"""Semantic versions, one implementation for the whole tool: the `semver` package (SemVer 2.0.0).

Template versions, release tags, migrations and upgrades all parse and order versions here, so
`1.0.0-rc.10` sorts after `1.0.0-rc.2` everywhere and build metadata never changes the order.
`semver` (with its argparse CLI) is imported on the first version parsed, not when this is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from semver import Version

    Key = Version


def __getattr__(name: str) -> Any:
    """`Key` (semver's `Version`, the sort key) imports semver when first asked for."""
    if name != "Key":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from semver import Version

    return Version


def is_valid(version: str) -> bool:
    """Whether `version` is a semantic version like `1.2.3`, `1.2.3-rc.1` or `1.2.3+build`."""
    from semver import Version

    return Version.is_valid(version)


def parse(version: str) -> Version:
    """The parsed version; ValueError (naming it) when it is not a semantic version."""
    from semver import Version

    try:
        return Version.parse(version)
    except (ValueError, TypeError):
        raise ValueError(f"{version!r} is not a semantic version") from None


def key(version: str) -> Key:
    """Sort key in SemVer precedence: numbers, then pre-releases before their release, build ignored."""
    return parse(version)
