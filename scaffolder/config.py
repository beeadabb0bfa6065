"""Where scaffold keeps its state and which forge and catalog it talks to.

A TOML file (path from `SCAFFOLD_CONFIG`, default `<user config dir>/scaffold/config.toml`) holds
named profiles; environment variables override it. With no file and no variables, the embedded
defaults apply: bare git repos and SQLite under `$SCAFFOLD_HOME`.

```toml
default_profile = "local"
libraries = ["/srv/golden-paths"]
trusted_sources = ["/srv/golden-paths"]   # their migration scripts may run without --trust
render_timeout = 60          # seconds one render of template content may take (0: no limit)
render_memory = 2048         # MiB of memory one render may add (0: no limit)
conflict_style = "diff3"     # upgrade conflict markers: diff3 (with the base), merge or zdiff3

[profiles.work.forge]
kind = "github"              # local | github
owner = "acme"               # organisation (or user) that owns new repos
base_url = "https://api.github.com"   # GitHub Enterprise: https://HOST/api/v3
token_env = "GITHUB_TOKEN"   # where the token comes from (default GITHUB_TOKEN)

[profiles.work.catalog]
kind = "backstage"           # sqlite | backstage
base_url = "https://backstage.acme.example"       # where the catalog API is (backend)
app_url = "https://backstage.acme.example"        # optional: the UI, for entity links
token_env = "BACKSTAGE_TOKEN"                     # a static token (backend.auth.externalAccess)
default_owner = "group:platform"  # catalog owner of cookiecutter/copier projects (SCAFFOLD_CATALOG_OWNER)
```
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from scaffolder import budget
from scaffolder.errors import ConfigError, Problem

if TYPE_CHECKING:
    from scaffolder.catalogs.base import Catalog
    from scaffolder.forges.base import Forge

ForgeKind = Literal["local", "github"]
CatalogKind = Literal["sqlite", "backstage"]
BUILTIN_PROFILE = "local"


def home() -> Path:
    """`$SCAFFOLD_HOME`, or the platform's user data dir (e.g. ~/.local/share/scaffold)."""
    env = os.environ.get("SCAFFOLD_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("scaffold", appauthor=False))


def config_path() -> Path:
    """`$SCAFFOLD_CONFIG`, or `config.toml` in the platform's user config dir."""
    env = os.environ.get("SCAFFOLD_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("scaffold", appauthor=False)) / "config.toml"


def _read_file(path: Path) -> dict[str, Any]:
    """The config file's tables; a file named by `SCAFFOLD_CONFIG` must exist (a typo there must
    not fall back silently to the local forge and catalog), the default one may be absent."""
    if not path.exists():
        if os.environ.get("SCAFFOLD_CONFIG"):
            raise ConfigError(f"SCAFFOLD_CONFIG names {path}, which does not exist")
        return {}
    if not path.is_file():
        raise ConfigError(f"the config file {path} is not a file")
    import tomllib  # only when there is a file to read

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot read the config file {path}", [Problem(str(path), str(exc))]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc}") from None


def checked_home() -> Path:
    """`home()`, created when missing; ConfigError when it is not a directory or cannot be made."""
    path = home()
    what = "SCAFFOLD_HOME" if os.environ.get("SCAFFOLD_HOME") else "scaffold's data directory"
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{what} {path} is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{what} {path} cannot be created: {exc.strerror or exc}") from None
    return path


def _profile_name(profile: str | None, data: dict[str, Any], path: Path) -> str:
    """The chosen profile; ConfigError naming where the choice came from when it is not defined."""
    if profile:
        name, source = profile, "--profile"
    elif os.environ.get("SCAFFOLD_PROFILE"):
        name, source = os.environ["SCAFFOLD_PROFILE"], "SCAFFOLD_PROFILE"
    elif data.get("default_profile"):
        name, source = str(data["default_profile"]), "default_profile"
    else:
        return BUILTIN_PROFILE
    profiles = data.get("profiles") or {}
    if name != BUILTIN_PROFILE and (not isinstance(profiles, dict) or name not in profiles):
        known = ", ".join(sorted({BUILTIN_PROFILE, *(profiles if isinstance(profiles, dict) else ())}))
        where = str(path) if path.is_file() else f"{path} (no such file)"
        raise ConfigError(f"the profile {name!r} ({source}) is not defined in {where}; defined: {known}")
    return name


@dataclass(frozen=True)
class ForgeConfig:
    kind: ForgeKind = "local"
    owner: str | None = None
    base_url: str = "https://api.github.com"
    token_env: str = "GITHUB_TOKEN"
    token: str | None = field(default=None, repr=False)
    min_write_interval: float = 1.0

    def resolved_token(self) -> str | None:
        return os.environ.get(self.token_env) or self.token


@dataclass(frozen=True)
class CatalogConfig:
    kind: CatalogKind = "sqlite"
    base_url: str | None = None
    app_url: str | None = None  # Backstage's UI, for links to entity pages
    token_env: str = "BACKSTAGE_TOKEN"
    token: str | None = field(default=None, repr=False)
    wait_timeout: float = 60.0
    # The catalog owner of projects made from cookiecutter and copier templates when none is given.
    default_owner: str | None = None

    def resolved_token(self) -> str | None:
        return os.environ.get(self.token_env) or self.token


@dataclass(frozen=True)
class Settings:
    """The effective configuration of one invocation."""

    home: Path
    profile: str = BUILTIN_PROFILE
    forge: ForgeConfig = ForgeConfig()
    catalog: CatalogConfig = CatalogConfig()
    libraries: tuple[Path | str, ...] = ()  # folders, git repos, or git+URLs
    trusted_sources: tuple[str, ...] = ()  # golden paths from these library prefixes may run code
    source: Path | None = None  # the config file read, if any
    render_timeout: float = budget.DEFAULT_SECONDS  # the render budgets (scaffolder.budget)
    render_memory: float = budget.DEFAULT_MEMORY_MIB
    conflict_style: Literal["merge", "diff3", "zdiff3"] = "diff3"  # upgrade conflict markers

    def trusts(self, source: str) -> bool:
        """Whether golden paths from `source` (a library label: path, URL or `builtin`) are trusted
        to run code (migration scripts) without `--trust`."""
        return any(source == prefix or source.startswith(prefix.rstrip("/") + "/") for prefix in self.trusted_sources)

    @property
    def runs_dir(self) -> Path:
        return self.home / "runs"

    @property
    def forge_dir(self) -> Path:
        return self.home / "forge"

    @property
    def catalog_db(self) -> Path:
        return self.home / "catalog.db"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    def masked(self) -> dict[str, Any]:
        """The effective settings as data, with every token masked (for `scaffold config show`)."""

        def mask(token: str | None) -> str | None:
            return None if not token else "****" + (token[-4:] if len(token) >= 12 else "")

        return {
            "profile": self.profile,
            "config_file": str(self.source) if self.source else None,
            "home": str(self.home),
            "libraries": [str(p) for p in self.libraries],
            "trusted_sources": list(self.trusted_sources),
            "render_timeout": self.render_timeout,
            "render_memory": self.render_memory,
            "forge": {
                "kind": self.forge.kind,
                "owner": self.forge.owner,
                "base_url": self.forge.base_url if self.forge.kind == "github" else None,
                "path": str(self.forge_dir) if self.forge.kind == "local" else None,
                "token_env": self.forge.token_env if self.forge.kind == "github" else None,
                "token": mask(self.forge.resolved_token()) if self.forge.kind == "github" else None,
            },
            "catalog": {
                "kind": self.catalog.kind,
                "base_url": self.catalog.base_url,
                "path": str(self.catalog_db) if self.catalog.kind == "sqlite" else None,
                "token_env": self.catalog.token_env if self.catalog.kind == "backstage" else None,
                "token": mask(self.catalog.resolved_token()) if self.catalog.kind == "backstage" else None,
                "default_owner": self.catalog.default_owner,
            },
        }


_FORGE_KEYS = {"kind", "owner", "base_url", "token_env", "token", "min_write_interval"}
_CATALOG_KEYS = {"kind", "base_url", "app_url", "token_env", "token", "wait_timeout", "default_owner"}


def _section(data: Any, keys: set[str], where: str, problems: list[Problem]) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(where, "must be a table"))
        return {}
    for key in sorted(set(data) - keys):
        problems.append(Problem(f"{where}.{key}", f"unknown key (known: {', '.join(sorted(keys))})"))
    return {k: v for k, v in data.items() if k in keys}


def load(profile: str | None = None) -> Settings:
    """Read the config file and environment; raise ConfigError naming every problem."""
    path = config_path()
    data = _read_file(path)
    problems: list[Problem] = []
    name = _profile_name(profile, data, path)
    profiles = data.get("profiles") or {}
    if not isinstance(profiles, dict):
        raise ConfigError(f"the configuration in {path} is not valid", [Problem("profiles", "must be a table")])
    chosen = profiles.get(name) or {}
    forge = _section(chosen.get("forge"), _FORGE_KEYS, f"profiles.{name}.forge", problems)
    catalog = _section(chosen.get("catalog"), _CATALOG_KEYS, f"profiles.{name}.catalog", problems)
    env = os.environ
    if env.get("SCAFFOLD_FORGE"):
        forge["kind"] = env["SCAFFOLD_FORGE"]
    if env.get("SCAFFOLD_CATALOG_OWNER"):
        catalog["default_owner"] = env["SCAFFOLD_CATALOG_OWNER"]
    if env.get("SCAFFOLD_FORGE_OWNER"):
        forge["owner"] = env["SCAFFOLD_FORGE_OWNER"]
    if env.get("SCAFFOLD_GITHUB_URL"):
        forge["base_url"] = env["SCAFFOLD_GITHUB_URL"]
    if env.get("SCAFFOLD_CATALOG"):
        catalog["kind"] = env["SCAFFOLD_CATALOG"]
    if env.get("SCAFFOLD_BACKSTAGE_URL"):
        catalog["base_url"] = env["SCAFFOLD_BACKSTAGE_URL"]
    if forge.get("kind", "local") not in ("local", "github"):
        problems.append(Problem(f"profiles.{name}.forge.kind", f"{forge['kind']!r} is not local or github"))
    if catalog.get("kind", "sqlite") not in ("sqlite", "backstage"):
        problems.append(Problem(f"profiles.{name}.catalog.kind", f"{catalog['kind']!r} is not sqlite or backstage"))
    if catalog.get("kind") == "backstage" and not catalog.get("base_url"):
        problems.append(Problem(f"profiles.{name}.catalog.base_url", "is required for a backstage catalog"))
    libraries = data.get("libraries", [])
    if not isinstance(libraries, list):
        problems.append(Problem("libraries", "must be a list of paths"))
        libraries = []
    extra = [p for p in env.get("SCAFFOLD_LIBRARY", "").split(os.pathsep) if p]
    trusted = data.get("trusted_sources", [])
    if not isinstance(trusted, list) or not all(isinstance(t, str) and t for t in trusted):
        problems.append(Problem("trusted_sources", "must be a list of library paths or URL prefixes"))
        trusted = []
    trusted = [*library_specs([p for p in env.get("SCAFFOLD_TRUSTED_SOURCES", "").split(os.pathsep) if p]), *trusted]
    render_timeout = _budget(data, "render_timeout", budget.DEFAULT_SECONDS, problems)
    render_memory = _budget(data, "render_memory", budget.DEFAULT_MEMORY_MIB, problems)
    conflict_style = data.get("conflict_style", "diff3")
    if conflict_style not in ("merge", "diff3", "zdiff3"):
        problems.append(Problem("conflict_style", f"{conflict_style!r} is not merge, diff3 or zdiff3"))
    if problems:
        raise ConfigError(f"the configuration in {path} is not valid", problems)
    budget.configure(seconds=render_timeout, memory_mib=render_memory)
    try:
        settings = Settings(
            home=checked_home(),
            profile=name,
            forge=ForgeConfig(**forge),
            catalog=CatalogConfig(**catalog),
            libraries=tuple(_library(str(p)) for p in [*library_specs(extra), *libraries]),
            source=path if path.is_file() else None,
            trusted_sources=tuple(str(_library(t)) for t in trusted),
            render_timeout=budget.seconds(),
            render_memory=budget.memory_mib(),
            conflict_style=conflict_style,
        )
    except TypeError as exc:
        raise ConfigError(f"the configuration in {path} is not valid", [Problem(name, str(exc))]) from None
    return settings


def _budget(data: dict[str, Any], key: str, default: float, problems: list[Problem]) -> float:
    """A render budget from the file (a number >= 0; 0 switches it off)."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        problems.append(Problem(key, f"must be a number >= 0 (0: no limit), not {value!r}"))
        return default
    return float(value)


def library_specs(entries: list[str]) -> list[str]:
    """`SCAFFOLD_LIBRARY` entries split on ':', with `git+SCHEME://…` URLs put back together."""
    out: list[str] = []
    for entry in entries:
        if out and out[-1].startswith("git+") and "://" not in out[-1] and entry.startswith("//"):
            out[-1] = f"{out[-1]}:{entry}"
        else:
            out.append(entry)
    return out


def _library(spec: str) -> Path | str:
    """A library path (user-expanded) or, for a URL, the URL text untouched."""
    return spec if "://" in spec else Path(spec).expanduser()


def open_forge(settings: Settings) -> Forge:
    """The forge the settings name; concrete modules are imported only when chosen."""
    if settings.forge.kind == "github":
        from scaffolder.forges.github import GitHubForge

        token = settings.forge.resolved_token()
        if not token:
            raise ConfigError(
                f"the github forge needs a token: set {settings.forge.token_env} "
                f"(or `token` in the profile's forge table of {config_path()})"
            )
        return GitHubForge(
            token=token,
            owner=settings.forge.owner,
            base_url=settings.forge.base_url,
            min_write_interval=settings.forge.min_write_interval,
        )
    from scaffolder.forges.local import LocalForge

    return LocalForge(settings.forge_dir, default_owner=settings.forge.owner or "local")


def open_catalog(settings: Settings) -> Catalog:
    """The catalog the settings name."""
    if settings.catalog.kind == "backstage":
        from scaffolder.catalogs.backstage import BackstageCatalog

        assert settings.catalog.base_url is not None  # checked in load()
        return BackstageCatalog(
            settings.catalog.base_url,
            token=settings.catalog.resolved_token(),
            wait_timeout=settings.catalog.wait_timeout,
            app_url=settings.catalog.app_url,
        )
    from scaffolder.catalogs.sqlite import SqliteCatalog

    return SqliteCatalog(settings.catalog_db)
