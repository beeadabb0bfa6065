"""The labels of a migration pull request: scaffold's own, the golden path's (`spec.campaign.labels`),
the conflict label while conflicts remain, and every label someone else put on the PR, kept."""

from __future__ import annotations

from scaffolder.forges.base import PullRequest


def labels_for(wanted: list[str], conflict_label: str, conflicted: bool, current: PullRequest | None) -> list[str]:
    """The labels to set: `wanted` (plus `conflict_label` when `conflicted`), then the labels the
    open PR already carries (people's own), without a conflict label that no longer applies."""
    labels = list(dict.fromkeys([*wanted, *([conflict_label] if conflicted else [])]))
    have = {label.lower() for label in labels}
    if current is not None and current.state == "open":
        for label in current.labels:
            stale = label.lower() == conflict_label.lower() and not conflicted
            if label.lower() not in have and not stale:
                labels.append(label)
                have.add(label.lower())
    return labels
