"""BackstageCatalog against a real Backstage catalog backend (one per session, static token)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffolder.catalogs import backstage as backstage_module
from scaffolder.catalogs.backstage import BackstageCatalog, location_spec
from scaffolder.errors import CatalogError
from tests.servers import backstage_server
from tests.servers.backstage_server import BackstageServer, free_port

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def component(name: str, **spec: Any) -> dict[str, Any]:
    body = {"type": "service", "lifecycle": "production", "owner": "group:backend-guild", **spec}
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": name, "description": "made by a test"},
        "spec": {k: v for k, v in body.items() if v is not None},
    }


def unique(prefix: str = "svc") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def write(path: Path, *entities: dict[str, Any]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump_all(entities, sort_keys=False))
    return str(path)


@pytest.fixture
def catalog(backstage: BackstageServer) -> BackstageCatalog:
    return BackstageCatalog(backstage.base_url, token=backstage.token, poll_interval=0.1)


def locations(backstage: BackstageServer) -> list[str]:
    request = urllib.request.Request(
        f"{backstage.base_url}/api/catalog/locations",
        headers={"Authorization": f"Bearer {backstage.token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return [f"{i['data']['type']}:{i['data']['target']}" for i in json.load(response)]


def refs(entities: list[dict[str, Any]]) -> list[str]:
    return [f"{e['kind'].lower()}:default/{e['metadata']['name']}" for e in entities]


# -- register, get, list, unregister -------------------------------------------------------------


def test_register_file_location_is_visible_and_a_rerun_is_a_no_op(
    catalog: BackstageCatalog, backstage: BackstageServer, tmp_path: Path
) -> None:
    name = unique()
    entity = component(name)
    location = write(tmp_path / "catalog-info.yaml", entity)

    first = catalog.register(entity, location)

    ref = f"component:default/{name}"
    assert first.created is True
    assert first.entity_ref == ref
    assert first.location == location
    api = f"{backstage.base_url}/api/catalog"
    assert first.url == f"{api}/entities/by-name/component/default/{name}"
    got = catalog.get(ref)
    assert got is not None
    assert got["spec"]["owner"] == "group:backend-guild"
    assert got["metadata"]["annotations"]["backstage.io/managed-by-origin-location"] == (f"file:{location}")
    assert catalog.get(name) == catalog.get(f"default/{name}") == got
    assert ref in refs(catalog.list())
    assert ref in refs(catalog.list(None))

    again = catalog.register(entity, location)
    assert again.created is False
    assert again.entity_ref == ref
    assert locations(backstage).count(f"file:{location}") == 1


def test_register_url_location(catalog: BackstageCatalog, backstage: BackstageServer) -> None:
    name = unique()
    entity = component(name)
    write(backstage.files_dir / name / "catalog-info.yaml", entity)
    url = backstage.file_url(f"{name}/catalog-info.yaml")

    registration = catalog.register(entity, url)

    assert registration.created is True
    assert location_spec(url) == ("url", url)
    got = catalog.get(registration.entity_ref)
    assert got is not None
    assert got["metadata"]["annotations"]["backstage.io/managed-by-location"] == f"url:{url}"
    assert catalog.register(entity, url).created is False


def test_registration_url_points_at_the_ui_when_app_url_is_given(backstage: BackstageServer, tmp_path: Path) -> None:
    catalog = BackstageCatalog(backstage.base_url, token=backstage.token, app_url="https://backstage.example.test/")
    name = unique()
    entity = component(name)
    registration = catalog.register(entity, write(tmp_path / "c.yaml", entity), dry_run=True)
    assert registration.url == f"https://backstage.example.test/catalog/default/component/{name}"


def test_get_unknown_is_none(catalog: BackstageCatalog) -> None:
    assert catalog.get("component:default/does-not-exist") is None
    assert catalog.unregister("component:default/does-not-exist") is False


def test_list_pages_through_every_entity(
    catalog: BackstageCatalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = sorted(unique("paged") for _ in range(3))
    entities = [component(n) for n in names]
    location = write(tmp_path / "catalog-info.yaml", *entities)
    catalog.register(entities[0], location)
    for name in names:  # siblings from the same file are ingested at their own pace
        catalog._wait_visible(f"component:default/{name}", "file", location)
    monkeypatch.setattr(backstage_module, "PAGE_SIZE", 1)

    listed = refs(catalog.list("Component"))

    assert [r for r in listed if r.split("/")[1] in names] == [f"component:default/{n}" for n in names]
    assert listed == sorted(listed)
    assert len(listed) == len(set(listed))


def test_unregister_removes_the_location_and_the_entity(
    catalog: BackstageCatalog, backstage: BackstageServer, tmp_path: Path
) -> None:
    name = unique()
    entity = component(name)
    location = write(tmp_path / "catalog-info.yaml", entity)
    registration = catalog.register(entity, location)

    assert catalog.unregister(registration.entity_ref) is True

    assert catalog.get(registration.entity_ref) is None
    assert registration.entity_ref not in refs(catalog.list())
    assert f"file:{location}" not in locations(backstage)
    assert catalog.unregister(registration.entity_ref) is False
    # and it can be registered again afterwards
    assert catalog.register(entity, location).created is True
    assert catalog.unregister(name) is True


# -- checks before anything is stored ------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        (component("Bad_Name!!"), '"metadata.name" is not valid'),
        (component("no-owner", owner=None), "must have required property 'owner'"),
        (component("no-lifecycle", lifecycle=None), "must have required property 'lifecycle'"),
    ],
    ids=["bad-name", "missing-owner", "missing-lifecycle"],
)
def test_an_invalid_entity_is_refused_and_nothing_is_stored(
    catalog: BackstageCatalog,
    backstage: BackstageServer,
    tmp_path: Path,
    entity: dict[str, Any],
    expected: str,
) -> None:
    entity["metadata"]["name"] = entity["metadata"]["name"].replace("no-", unique("no-") + "-")
    location = write(tmp_path / "catalog-info.yaml", entity)
    before = refs(catalog.list(None))

    with pytest.raises(CatalogError) as caught:
        catalog.register(entity, location)

    assert "Backstage rejected" in caught.value.message
    assert expected in str(caught.value)
    assert refs(catalog.list(None)) == before
    assert f"file:{location}" not in locations(backstage)


def test_a_location_holding_another_entity_is_refused(
    catalog: BackstageCatalog, backstage: BackstageServer, tmp_path: Path
) -> None:
    wanted, other = component(unique()), component(unique())
    location = write(tmp_path / "catalog-info.yaml", other)

    with pytest.raises(CatalogError) as caught:
        catalog.register(wanted, location)

    assert "does not describe" in caught.value.message
    assert f"component:default/{other['metadata']['name']}" in str(caught.value)
    assert f"file:{location}" not in locations(backstage)


def test_an_unreadable_location_is_refused(
    catalog: BackstageCatalog, backstage: BackstageServer, tmp_path: Path
) -> None:
    entity = component(unique())
    missing = str(tmp_path / "missing.yaml")
    with pytest.raises(CatalogError, match="does not exist"):
        catalog.register(entity, missing)
    not_allowed = "https://example.invalid/catalog-info.yaml"
    with pytest.raises(CatalogError, match=r"backend\.reading\.allow"):
        catalog.register(entity, not_allowed)
    assert not {f"file:{missing}", f"url:{not_allowed}"} & set(locations(backstage))


def test_dry_run_checks_and_stores_nothing(
    catalog: BackstageCatalog, backstage: BackstageServer, tmp_path: Path
) -> None:
    entity = component(unique())
    location = write(tmp_path / "catalog-info.yaml", entity)

    registration = catalog.register(entity, location, dry_run=True)

    assert registration.created is True
    assert catalog.get(registration.entity_ref) is None
    assert f"file:{location}" not in locations(backstage)
    # a location that is not published yet is fine in a dry run, an invalid entity is not
    unpublished = str(tmp_path / "not-pushed-yet.yaml")
    assert catalog.register(entity, unpublished, dry_run=True).created is True
    with pytest.raises(CatalogError, match=r"metadata\.name"):
        catalog.register(component("Bad Name"), unpublished, dry_run=True)


def test_the_same_entity_from_another_location_is_a_conflict(catalog: BackstageCatalog, tmp_path: Path) -> None:
    entity = component(unique())
    catalog.register(entity, write(tmp_path / "a" / "catalog-info.yaml", entity))
    with pytest.raises(CatalogError, match="already registered from location file:"):
        catalog.register(entity, write(tmp_path / "b" / "catalog-info.yaml", entity))


def test_a_timeout_says_registered_but_not_visible_and_a_rerun_finishes(
    backstage: BackstageServer, catalog: BackstageCatalog, tmp_path: Path
) -> None:
    impatient = BackstageCatalog(backstage.base_url, token=backstage.token, wait_timeout=0)
    entity = component(unique())
    location = write(tmp_path / "catalog-info.yaml", entity)

    with pytest.raises(CatalogError, match=r"registered from file:.* but is not yet visible"):
        impatient.register(entity, location)

    rerun = catalog.register(entity, location)
    assert rerun.created is False
    assert catalog.get(rerun.entity_ref) is not None


# -- validate ------------------------------------------------------------------------------------


def test_validate_accepts_a_good_entity_and_lists_backstage_errors(
    catalog: BackstageCatalog, backstage: BackstageServer
) -> None:
    catalog.validate(component("orders-api"), "https://git.example.test/o/r/catalog-info.yaml")
    catalog.validate(component("orders-api"), "/srv/repos/orders-api/catalog-info.yaml")

    with pytest.raises(CatalogError) as caught:
        catalog.validate(component("Orders API"), "https://git.example.test/catalog-info.yaml")
    assert caught.value.message == "Backstage rejected component:default/orders api"
    assert len(caught.value.problems) == 1
    assert '"metadata.name" is not valid' in caught.value.problems[0].message

    with pytest.raises(CatalogError, match="required property 'apiVersion'"):
        catalog.validate({"kind": "Component"}, "https://git.example.test/catalog-info.yaml")
    assert catalog.list("component") is not None  # validating stored nothing and broke nothing


# -- failures talking to Backstage ----------------------------------------------------------------


@pytest.mark.parametrize("token", ["not-the-token", None])
def test_a_refused_token_gives_a_clear_message(backstage: BackstageServer, token: str | None) -> None:
    catalog = BackstageCatalog(backstage.base_url, token=token)
    with pytest.raises(CatalogError) as caught:
        catalog.list()
    assert caught.value.message.startswith("the Backstage token was refused")
    assert "not-the-token" not in caught.value.render()
    assert "not-the-token" not in repr(catalog)


def test_an_unreachable_backstage_gives_a_clear_message(tmp_path: Path) -> None:
    base_url = f"http://127.0.0.1:{free_port()}"
    catalog = BackstageCatalog(base_url, token="secret-token", request_timeout=5)
    entity = component("orders-api")
    for call in (
        lambda: catalog.get("orders-api"),
        lambda: catalog.list(),
        lambda: catalog.register(entity, write(tmp_path / "c.yaml", entity)),
        lambda: catalog.unregister("orders-api"),
    ):
        with pytest.raises(CatalogError) as caught:
            call()
        assert caught.value.message.startswith(f"Backstage catalog at {base_url} is unreachable")
        assert "secret-token" not in caught.value.render()


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("https://h.test/a/catalog-info.yaml", ("url", "https://h.test/a/catalog-info.yaml")),
        ("url:https://h.test/x.yaml", ("url", "https://h.test/x.yaml")),
        ("file:///srv/a%20b/catalog-info.yaml", ("file", "/srv/a b/catalog-info.yaml")),
        ("file:/srv/c.yaml", ("file", "/srv/c.yaml")),
        ("/srv/d.yaml", ("file", "/srv/d.yaml")),
    ],
)
def test_location_spec(location: str, expected: tuple[str, str]) -> None:
    assert location_spec(location) == expected


def test_location_spec_refuses_other_schemes() -> None:
    with pytest.raises(CatalogError, match="http"):
        location_spec("ssh://git@h.test/repo.git")
    with pytest.raises(CatalogError, match="empty"):
        location_spec(" ")


# -- the test server's install cache (a fake npm, no backend) ------------------------------------

FAKE_NPM = """#!/bin/sh
# fake `npm ci`: slow enough for two installers to overlap; counts its runs
echo run >> "$FAKE_NPM_COUNT"
[ -n "$FAKE_NPM_FAIL" ] && { echo "npm ERR! boom"; exit 1; }
sleep 1
mkdir -p node_modules/better-sqlite3
"""


@pytest.fixture
def fake_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool, text in (("npm", FAKE_NPM), ("node", "#!/bin/sh\nexit 0\n")):
        (bin_dir / tool).write_text(text)
        (bin_dir / tool).chmod(0o755)
    count = tmp_path / "npm-runs"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("SCAFFOLD_TEST_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("FAKE_NPM_COUNT", str(count))
    return count


def test_concurrent_installs_run_npm_once_and_never_expose_a_partial_tree(fake_npm: Path, tmp_path: Path) -> None:
    code = "from tests.servers.backstage_server import ensure_installed; print(ensure_installed())"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = {p.communicate(timeout=60)[0].strip() for p in procs}

    assert [p.returncode for p in procs] == [0, 0]
    assert outputs == {str(backstage_server.install_dir())}
    assert fake_npm.read_text().splitlines() == ["run"]
    cache = tmp_path / "cache"
    assert sorted(p.name for p in cache.iterdir() if not p.name.endswith(".lock")) == [
        backstage_server.install_dir().name
    ]
    assert (backstage_server.install_dir() / "node_modules" / "better-sqlite3").is_dir()
    assert backstage_server.ensure_installed() == backstage_server.install_dir()  # cached
    assert fake_npm.read_text().splitlines() == ["run"]


def test_a_failed_install_leaves_nothing_behind(
    fake_npm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_NPM_FAIL", "1")
    with pytest.raises(backstage_server.BackstageUnavailableError, match="npm ERR! boom"):
        backstage_server.ensure_installed()
    cache = tmp_path / "cache"
    assert [p.name for p in cache.iterdir() if not p.name.endswith(".lock")] == []


def test_missing_node_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("SCAFFOLD_TEST_CACHE", str(tmp_path / "cache"))
    with pytest.raises(backstage_server.BackstageUnavailableError) as caught:
        backstage_server.ensure_installed()
    assert "node and npm not found" in str(caught.value)
    assert "apt-get install nodejs npm" in str(caught.value)
