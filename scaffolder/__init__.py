"""scaffold: turn golden-path templates into registered repositories and keep them on the path."""

__version__ = "0.1.0"
