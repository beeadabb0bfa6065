"""scaffold: turn golden-path templates into registered repositories and keep them on the path."""

from pathlib import Path as _Path

__version__ = "0.1.0"

# The project keeps `actions/` and `golden_paths/` at the top of the source tree (the layout it
# was asked for); the wheel installs them as `scaffolder.actions` and `scaffolder.golden_paths`.
# When this package is imported from a source checkout (e.g. `python -m scaffolder` run in the
# repo root, where the checkout shadows any installed copy), let the same names resolve there.
_here = _Path(__file__).resolve().parent
if not (_here / "actions").is_dir() and (_here.parent / "actions" / "__init__.py").is_file():
    __path__.append(str(_here.parent))
