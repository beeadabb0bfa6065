"""A corpus of hand-written upgrade scenarios, run through `scaffold upgrade`, `copier update` and
`cruft update` side by side and checked against plain `git merge` (docs/upgrades.md)."""
