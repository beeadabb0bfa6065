"""Forges: where repositories live. `base` defines the protocol; `local` and `github` implement it."""
