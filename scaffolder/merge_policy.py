"""Whether a campaign may merge a migration pull request itself, and if not, why.

A PR is merged only when every condition holds (Renovate's automerge, made strict): the run asked
for it (`--automerge`), the version step is one the golden path lets merge (`spec.campaign.automerge`,
default patch and minor), its checks passed (no checks at all is not a pass), the bot committed no
conflicts, the forge sees none against the base, and nobody but the bot committed to the branch.
Otherwise the PR stays open for review and the reason is reported (in the outcome and in status).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from scaffolder import versions

Step = Literal["major", "minor", "patch"]
CHECK_REASONS = {
    "failure": "checks failing",
    "pending": "checks pending",
    "timed-out": "checks timed out",
    "none": "no checks",
}


def step(old: str, new: str) -> Step:
    """The semantic-version step from `old` to `new` (a pre-release or build change counts as patch)."""
    a, b = versions.parse(old), versions.parse(new)
    if a.major != b.major:
        return "major"
    return "minor" if a.minor != b.minor else "patch"


def blockers(
    allowed: Iterable[str],
    old: str | None,
    new: str,
    checks: str | None,
    *,
    conflicts: bool = False,
    human: bool = False,
) -> list[str]:
    """Every reason the campaign may not merge (empty: it may); `allowed` are the version steps
    the golden path lets merge, `checks` the PR's check state."""
    reasons = []
    moved = step(old, new) if old else "major"
    if moved not in set(allowed):
        reasons.append(f"{moved} step")
    if checks != "success":
        reasons.append(CHECK_REASONS.get(checks or "none", f"checks {checks}"))
    if conflicts:
        reasons.append("conflicts")
    if human:
        reasons.append("human commits")
    return reasons


def verdict(reasons: list[str], automerge: bool) -> str:
    """What `merge` says for an open PR: why it stays open (or that it waits for `--automerge`)."""
    if reasons:
        return ", ".join(reasons)
    return "ready" if not automerge else "merging"
