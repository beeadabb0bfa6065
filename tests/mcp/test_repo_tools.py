"""An existing repo through the tools: check it, plan its upgrade (the diff), upgrade it; and the read-only
tools answer with the CLI's `--output json`, the resources and prompts are there."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scaffolder import git
from scaffolder.mcp.results import EXIT_KEY
from tests.mcp.conftest import Talk, in_memory, scaffold_json

ANSWERS = {"name": "orders-api", "owner": "group:payments"}


def test_check_plan_and_upgrade_an_existing_repo_on_the_embedded_defaults(root: Path) -> None:
    made: dict[str, str] = {}

    async def create(talk: Talk) -> None:
        made.update(await talk.data("create_from_golden_path", golden_path="backend-service@1.0.0", parameters=ANSWERS))

    in_memory(root, create, allow_writes=True)
    repo = git.clone(made["repository"]["clone_url"], root / "orders-api")  # type: ignore[index]
    before = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout

    async def read_only(talk: Talk) -> None:
        checked = await talk.call("check_repo", path="orders-api/src")
        assert checked.meta and checked.meta[EXIT_KEY] == 5  # `scaffold check` exits 5: behind
        data = json.loads(checked.content[0].text)  # type: ignore[union-attr]
        assert data == scaffold_json("check", str(repo), code=5)
        assert (data["status"], data["current_version"], data["target_version"]) == ("behind", "1.0.0", "2.1.0")
        assert data["changelog"]
        plan = await talk.data("plan_upgrade", path="orders-api")
        assert (plan["from_version"], plan["to_version"], plan["dry_run"]) == ("1.0.0", "2.1.0", True)
        assert ["src/orders_api/app.py", "src/orders_api/api.py"] in plan["renamed"]
        assert "+++ b/src/orders_api/metrics.py" in plan["diff"]
        assert (await talk.error("upgrade_repo", path="orders-api"))["error"] == "WritesOff"
        versions = await talk.data("list_versions", golden_path="backend-service")
        assert [v["version"] for v in versions][:1] == ["2.1.0"] and all(v["changelog"] for v in versions)

    in_memory(root, read_only)
    assert subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout == before

    async def upgrade(talk: Talk) -> None:
        done = await talk.data("upgrade_repo", path="orders-api")
        assert (done["to_version"], done["conflicts"], done["dry_run"]) == ("2.1.0", [], False)
        assert (await talk.data("check_repo", path="orders-api"))["status"] == "current"

    in_memory(root, upgrade, allow_writes=True)
    assert (repo / "src/orders_api/api.py").is_file() and not (repo / "src/orders_api/app.py").exists()


def test_read_only_tools_answer_with_the_cli_json(root: Path) -> None:
    async def body(talk: Talk) -> None:
        assert await talk.data("list_golden_paths") == scaffold_json("list")
        shown = await talk.data("show_golden_path", golden_path="website")
        assert shown.pop("parameters_schema")["type"] == "object"
        assert shown == scaffold_json("show", "website")
        assert await talk.data("list_versions", golden_path="website") == scaffold_json("versions", "website")
        fleet = await talk.data("fleet_status", golden_path="backend-service")
        assert fleet == scaffold_json("migrate", "status", "backend-service")
        unknown = await talk.error("show_golden_path", golden_path="nope")
        assert unknown["error"] == "TemplateNotFound" and unknown["message"].startswith("no golden path named 'nope'")
        assert (await talk.error("catalog_lookup"))["exit_code"] == 1

    in_memory(root, body)


def test_resources_and_prompts(root: Path) -> None:
    async def body(talk: Talk) -> None:
        session = talk.session
        uris = {str(r.uri) for r in (await session.list_resources()).resources}
        assert {"golden-path://backend-service/template.yaml", "golden-path://backend-service/CHANGELOG.md"} <= uris
        read = await session.read_resource("golden-path://backend-service/template.yaml")
        text = read.contents[0].text  # type: ignore[union-attr]
        assert text == Path("golden_paths/backend-service/template.yaml").read_text(encoding="utf-8")
        prompts = {p.name: p for p in (await session.list_prompts()).prompts}
        assert set(prompts) == {"create_service", "upgrade_to_latest"}
        got = await session.get_prompt("upgrade_to_latest", {"path": "orders-api"})
        message = got.messages[0].content.text  # type: ignore[union-attr]
        assert "check_repo" in message and "plan_upgrade" in message and "'orders-api'" in message

    in_memory(root, body)


def test_a_bug_is_exit_3_with_its_traceback_on_stderr_only(
    root: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from scaffolder import golden_path_info

    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(golden_path_info, "list_data", broken)

    async def body(talk: Talk) -> None:
        crash = await talk.error("list_golden_paths")
        assert (crash["error"], crash["exit_code"], crash["message"]) == ("Bug", 3, "boom")
        assert "Traceback" not in talk.seen[-1]

    in_memory(root, body)
    assert "Traceback (most recent call last)" in capfd.readouterr().err
