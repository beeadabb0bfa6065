"""What the server refuses: writes without --allow-writes, paths outside its roots (symlinks followed),
and secrets in any answer. Errors are the CLI's one-line messages with the exit code's meaning."""

from __future__ import annotations

from pathlib import Path

from scaffolder import config, git
from tests.mcp.conftest import SECRET, Talk, in_memory
from tests.security.attack import cookiecutter_template

ANSWERS = {"name": "orders-api", "owner": "group:payments"}


def test_write_tools_are_refused_without_the_flag_but_their_dry_runs_say_what_they_would_do(root: Path) -> None:
    async def body(talk: Talk) -> None:
        refused = await talk.error("create_from_golden_path", golden_path="backend-service", parameters=ANSWERS)
        assert refused["error"] == "WritesOff" and refused["exit_code"] == 1 and refused["meaning"]
        assert "--allow-writes" in refused["message"] and "dry_run=true" in refused["message"]
        result = await talk.call("create_from_golden_path", golden_path="backend-service", parameters=ANSWERS)
        assert result.content[0].type == "text" and result.content[0].text.startswith("error: create_from_golden_path")
        dry = await talk.data(
            "create_from_golden_path", golden_path="backend-service", parameters=ANSWERS, dry_run=True
        )
        assert dry["dry_run"] is True and [s["id"] for s in dry["plan"]][-1] == "register"
        assert (await talk.error("upgrade_repo", path="."))["error"] == "WritesOff"

    in_memory(root, body)
    assert config.open_forge(config.load()).get_repo("local", "orders-api") is None
    assert config.open_catalog(config.load()).get("orders-api") is None


def test_paths_outside_the_roots_are_refused_symlinks_resolved(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "link").symlink_to(outside)
    nested = root / "repo" / "sub"
    nested.mkdir(parents=True)

    async def body(talk: Talk) -> None:
        for path in ("../outside", str(outside), "link", "link/anything"):
            for tool in ("check_repo", "plan_upgrade"):
                refused = await talk.error(tool, path=path)
                assert refused["error"] == "OutsideRoots" and refused["exit_code"] == 1, (tool, path)
                assert str(root) in refused["message"]
        refused = await talk.error("show_golden_path", golden_path="../outside/golden")
        assert refused["error"] == "OutsideRoots"
        # inside the roots, the CLI's own message
        missing = await talk.error("check_repo", path="repo/sub")
        assert missing["error"] == "TemplateError" and "has no .scaffold/record.yaml" in missing["message"]

    in_memory(root, body)


def test_a_record_found_above_the_roots_is_refused(tmp_path: Path) -> None:
    """`find_root` walks upward as git does; the repo root it finds must be inside the roots too."""
    repo = tmp_path / "repo"
    (repo / ".scaffold").mkdir(parents=True)
    (repo / ".scaffold" / "record.yaml").write_text("template: {name: mini, version: 1.0.0}\n")
    (repo / "sub").mkdir()
    git.init(repo)

    async def body(talk: Talk) -> None:
        assert (await talk.error("check_repo"))["error"] == "OutsideRoots"  # path: the first root

    in_memory(repo / "sub", body)


def test_a_secret_answer_is_in_no_answer(root: Path, secret_library: Path) -> None:
    answers = {**ANSWERS, "api_token": SECRET}

    async def body(talk: Talk) -> None:
        await talk.data("show_golden_path", golden_path="mini")
        await talk.data("plan_new", golden_path="mini", parameters=answers)
        await talk.data("plan_new", golden_path="mini", parameters=answers, unknown=SECRET)  # ignored
        await talk.error("plan_new", golden_path="mini", parameters={**answers, "name": "Bad_Name", "port": SECRET})
        made = await talk.data("create_from_golden_path", golden_path="mini", parameters=answers, dry_run=False)
        assert made["entity_ref"] == "component:default/orders-api"
        await talk.error("create_from_golden_path", golden_path="mini", parameters=answers)  # taken now
        await talk.data("catalog_lookup", ref="orders-api")
        bad = await talk.error("create_from_golden_path", golden_path="mini", parameters=answers, dry_run=SECRET)
        assert (bad["error"], bad["exit_code"], bad["problems"][0]["where"]) == ("ArgumentsError", 2, "dry_run")
        await talk.error("plan_upgrade", path=".", parameters=SECRET)

    talk = in_memory(root, body, allow_writes=True)
    assert len(talk.seen) == 9
    assert not [seen for seen in talk.seen if SECRET in seen]
    assert "********" in talk.seen[3]  # the bad port echoed the secret; it was masked


def test_trust_is_never_implied_a_template_s_hooks_do_not_run(root: Path) -> None:
    marker = root / "PWNED"
    hook = f"open({str(marker)!r}, 'w').write('ran')\n"
    folder = cookiecutter_template(root, {}, {"README.md": "hi\n", "/hooks/post_gen_project.py": hook})

    async def body(talk: Talk) -> None:
        for tool, extra in (("plan_new", {}), ("create_from_golden_path", {"dry_run": False})):
            refused = await talk.error(tool, golden_path=f"./{folder.name}", parameters={"owner": "group:x"}, **extra)
            (problem,) = refused["problems"]
            assert problem["where"].endswith("hooks/post_gen_project.py"), refused
            assert problem["message"].startswith("the hook script would run: it runs only with trust")

    in_memory(root, body, allow_writes=True)
    assert not marker.exists()
    assert config.open_forge(config.load()).list_repos() == []


def test_a_batch_is_rehearsed_as_one_and_a_bad_service_creates_nothing(root: Path, secret_library: Path) -> None:
    first = {**ANSWERS, "api_token": SECRET}
    second = {"name": "billing-api", "owner": "group:payments", "api_token": SECRET}

    async def body(talk: Talk) -> None:
        plan = await talk.data("plan_new", golden_path="mini", services=[first, second])
        assert [r["service"] for r in plan["results"]] == ["orders-api", "billing-api"] and plan["failed"] == 0
        clash = await talk.error("create_from_golden_path", golden_path="mini", services=[first, {**second, **ANSWERS}])
        assert clash["exit_code"] == 1 and clash["problems"]
        both = await talk.error("plan_new", golden_path="mini", parameters=first, services=[second])
        assert both["message"] == "give parameters (one service) or services (a batch), not both"
        made = await talk.data("create_from_golden_path", golden_path="mini", services=[first, second])
        assert [r["entity_ref"] for r in made["results"]] == [
            "component:default/orders-api",
            "component:default/billing-api",
        ]

    talk = in_memory(root, body, allow_writes=True)
    assert not [seen for seen in talk.seen if SECRET in seen]
