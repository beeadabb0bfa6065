"""Example scaffold actions from another package (see greet.py)."""
