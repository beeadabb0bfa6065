"""The files that run a sharded campaign on engines people already operate, and the shard contract.

`workflow` writes a GitHub Actions workflow (a matrix of shards, then one fleet report in the job
summary); `indexed_job` writes a Kubernetes Indexed Job whose pods each run one shard. A pod learns
its shard from `JOB_COMPLETION_INDEX` (set by Kubernetes, 0-based) and `JOB_COMPLETIONS` (set in the
manifest): `shard_from_env` reads them back for `scaffold migrate` when `--shard` is not given.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass

from scaffolder import __version__, yamlio
from scaffolder.errors import ConfigError, Problem
from scaffolder.fleet import Shard

NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")  # template.py's golden path names
SECRET = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
K8S_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")  # a DNS-1123 label (a Job's name is a label value)
CRON_FIELD = re.compile(r"^[0-9*/,A-Za-z-]+$")
MAX_MATRIX = 256  # GitHub runs at most 256 jobs per matrix
DEFAULT_INSTALL = f"scaffold-golden-paths=={__version__}"


def workflow_path(name: str) -> str:
    """Where `scaffold ci migrate-workflow NAME --write` puts the workflow."""
    return f".github/workflows/scaffold-migrate-{name}.yml"


@dataclass(frozen=True)
class Campaign:
    """What every shard process runs: `scaffold migrate NAME` with these settings."""

    name: str
    shards: int
    profile: str | None = None
    concurrency: int = 2
    token_secret: str = "SCAFFOLD_BOT_TOKEN"
    catalog_token_secret: str | None = None
    extra: tuple[str, ...] = ()  # more `scaffold migrate` arguments, e.g. --automerge, --trust, --to 2.0.0

    def check(self, max_shards: int) -> None:
        """Raise ConfigError naming every setting a generated file could not carry."""
        problems = []
        if not NAME.match(self.name):
            problems.append(Problem("NAME", f"{self.name!r} is not a golden path name (lowercase letters, digits, -)"))
        if not 1 <= self.shards <= max_shards:
            problems.append(Problem("--shards", f"must be 1 to {max_shards}, got {self.shards}"))
        secrets = {"--token-secret": self.token_secret, "--catalog-token-secret": self.catalog_token_secret}
        for option, secret in secrets.items():
            if secret is not None and (not SECRET.match(secret) or secret.upper().startswith("GITHUB_")):
                problems.append(Problem(option, f"{secret!r} is not a secret name (letters, digits, _; no GITHUB_)"))
        if self.profile is not None and not re.fullmatch(r"[A-Za-z0-9_.-]+", self.profile):
            problems.append(Problem("--profile", f"{self.profile!r} is not a profile name"))
        taken = ("--shard", "--output", "-o", "--concurrency")
        for arg in self.extra:
            if "\n" in arg or "${{" in arg or arg.split("=")[0] in taken:
                why = (
                    "sets what the file sets itself" if arg.split("=")[0] in taken else "must be one line without `${{`"
                )
                problems.append(Problem("--migrate-arg", f"{arg!r} {why}"))
        if problems:
            raise ConfigError("cannot write the campaign's file", problems)


_WORKFLOW = """\
# Runs the scaffold migration campaign for golden path <<name>> as <<shards>> shards, then one fleet report.
# Written by `scaffold ci migrate-workflow <<name>> --shards <<shards>>` (scaffold <<version>>); safe to edit.
# Secrets: <<token_secret>> is a bot token that can push branches and open pull requests in the fleet's repos.
name: scaffold migrate <<name>>
on:
  workflow_dispatch:
    inputs:
      version:
        description: Target version of <<name>> (empty for the newest)
        required: false
        type: string
      dry_run:
        description: Upgrade in temporary clones; push and open nothing
        required: false
        type: boolean
        default: false<<schedule>>
permissions: {}
concurrency:
  group: scaffold-migrate-<<name>>
  cancel-in-progress: false
jobs:
  migrate:
    name: shard ${{ matrix.shard }}/<<shards>>
    runs-on: ubuntu-latest
    timeout-minutes: <<timeout>>
    permissions:
      contents: read
    strategy:
      fail-fast: false
      matrix:
        shard: <<matrix>>
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install scaffold
        run: python -m pip install <<install>>
      - name: Migrate shard ${{ matrix.shard }} of <<shards>>
        shell: bash
        env:
<<env>>
          TARGET_VERSION: ${{ inputs.version }}
          DRY_RUN: ${{ inputs.dry_run }}
        run: |
          args=(--shard "${{ matrix.shard }}/<<shards>>" --concurrency <<concurrency>> --output json<<extra>>)
          if [ -n "$TARGET_VERSION" ]; then args+=(--to "$TARGET_VERSION"); fi
          if [ "$DRY_RUN" = "true" ]; then args+=(--dry-run); fi
          scaffold migrate <<name>> "${args[@]}" > "outcomes-${{ matrix.shard }}.jsonl"
      - name: Keep this shard's outcomes
        if: ${{ !cancelled() }}
        uses: actions/upload-artifact@v4
        with:
          name: scaffold-outcomes-<<name>>-${{ matrix.shard }}
          path: outcomes-${{ matrix.shard }}.jsonl
          if-no-files-found: error
          overwrite: true
          retention-days: 30
  report:
    name: fleet report
    needs: migrate
    if: ${{ !cancelled() }}
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions: {}
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install scaffold
        run: python -m pip install <<install>>
      - uses: actions/download-artifact@v4
        with:
          pattern: scaffold-outcomes-<<name>>-*
          path: outcomes
          merge-multiple: true
      - name: Fleet report
        shell: bash
        run: |
          if ! scaffold migrate report --shards <<shards>> -o markdown outcomes/*.jsonl > report.md 2> report.err; then
            echo "## scaffold migrate <<name>>: no fleet report" >> "$GITHUB_STEP_SUMMARY"
            printf '\\n```\\n%s\\n```\\n' "$(cat report.err)" >> "$GITHUB_STEP_SUMMARY"
            cat report.err >&2
            exit 1
          fi
          cat report.md >> "$GITHUB_STEP_SUMMARY"
          scaffold migrate report --shards <<shards>> --output json outcomes/*.jsonl > fleet-report.json
      - uses: actions/upload-artifact@v4
        with:
          name: scaffold-report-<<name>>
          path: fleet-report.json
          overwrite: true
"""


def _cron(schedule: str) -> str:
    fields = schedule.split()
    if len(fields) != 5 or not all(CRON_FIELD.match(f) for f in fields):
        raise ConfigError(f"--schedule must be a cron expression of five fields, got {schedule!r}")
    return " ".join(fields)


def workflow(
    campaign: Campaign,
    *,
    schedule: str | None = None,
    install: str = DEFAULT_INSTALL,
    config: str | None = None,
    library: str | None = None,
    timeout_minutes: int = 60,
) -> str:
    """The GitHub Actions workflow running `campaign` as a matrix of shards and reporting the fleet.

    Values reach the shell through `env:`, never through `${{ }}` inside a script (GitHub's advice
    against script injection); the token comes from a secret; the jobs ask for the least permissions.
    """
    campaign.check(MAX_MATRIX)
    given = {"--install": install, "--config": config, "--library": library}
    problems = [
        Problem(option, "must be one line without `${{` (GitHub would evaluate it)")
        for option, value in given.items()
        if value is not None and ("\n" in value or "${{" in value or not value.strip())
    ]
    if problems:
        raise ConfigError("cannot write the workflow", problems)
    env = {"GITHUB_TOKEN": f"${{{{ secrets.{campaign.token_secret} }}}}"}
    if campaign.catalog_token_secret:
        env["BACKSTAGE_TOKEN"] = f"${{{{ secrets.{campaign.catalog_token_secret} }}}}"
    if campaign.profile:
        env["SCAFFOLD_PROFILE"] = campaign.profile
    else:  # no profile: the forge is GitHub, the organisation the workflow's repository belongs to
        env["SCAFFOLD_FORGE"] = "github"
        env["SCAFFOLD_FORGE_OWNER"] = "${{ github.repository_owner }}"
    if config:
        env["SCAFFOLD_CONFIG"] = "${{ github.workspace }}/" + config.lstrip("/")
    if library:
        env["SCAFFOLD_LIBRARY"] = library if "://" in library else "${{ github.workspace }}/" + library.lstrip("/")
    cron = f"\n  schedule:\n    - cron: {json.dumps(_cron(schedule))}" if schedule else ""
    values = {
        "name": campaign.name,
        "shards": str(campaign.shards),
        "version": __version__,
        "token_secret": campaign.token_secret,
        "schedule": cron,
        "timeout": str(timeout_minutes),
        "matrix": json.dumps(list(range(1, campaign.shards + 1))),
        "install": shlex.quote(install),
        "concurrency": str(campaign.concurrency),
        "extra": "".join(f" {shlex.quote(arg)}" for arg in campaign.extra),
        "env": "\n".join(f"          {k}: {json.dumps(v)}" for k, v in env.items()),
    }
    text = _WORKFLOW
    for key, value in values.items():
        text = text.replace(f"<<{key}>>", value)
    return text


def indexed_job(
    campaign: Campaign,
    image: str,
    *,
    job_name: str | None = None,
    parallelism: int | None = None,
    backoff: int = 2,
    secret: str = "scaffold-bot",
    config_map: str | None = None,
    deadline_seconds: int = 6 * 3600,
) -> str:
    """A Kubernetes Indexed Job: `shards` completions, each pod running one shard of `scaffold migrate`."""
    campaign.check(10_000)
    job_name = job_name or f"scaffold-migrate-{campaign.name}"
    problems = [
        Problem(option, f"{value!r} is not a Kubernetes name (lowercase letters, digits, -; at most 63)")
        for option, value in (("--job-name", job_name), ("--secret", secret), ("--config-map", config_map))
        if value is not None and not K8S_NAME.match(value)
    ]
    if not image.strip() or any(c.isspace() for c in image):
        problems.append(Problem("--image", f"{image!r} is not an image reference"))
    if problems:
        raise ConfigError("cannot write the Job", problems)
    labels = {"app.kubernetes.io/name": "scaffold", "app.kubernetes.io/component": "migrate"}
    labels["scaffold.dev/golden-path"] = campaign.name
    doc = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": job_name, "labels": labels},
        "spec": {
            "completionMode": "Indexed",
            "completions": campaign.shards,
            "parallelism": min(parallelism or campaign.shards, campaign.shards),
            "backoffLimitPerIndex": backoff,  # a failed shard is retried alone; a rerun is idempotent
            "podFailurePolicy": {
                # Exit 1 or 2: the shard ran and reported its failed repos, or is misconfigured; a retry
                # fails the same way. A crash or OOM is retried; an evicted pod does not count as a try.
                "rules": [
                    {
                        "action": "FailIndex",
                        "onExitCodes": {"containerName": "migrate", "operator": "In", "values": [1, 2]},
                    },
                    {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
                ]
            },
            "activeDeadlineSeconds": deadline_seconds,
            "ttlSecondsAfterFinished": 7 * 24 * 3600,
            "template": {"metadata": {"labels": dict(labels)}, "spec": _pod(campaign, image, secret, config_map)},
        },
    }
    header = (
        f"# Runs the scaffold migration campaign for golden path {campaign.name} as {campaign.shards} shards:\n"
        f"# pod i runs shard i+1 of {campaign.shards} (JOB_COMPLETION_INDEX, JOB_COMPLETIONS).\n"
        f"# Written by `scaffold ci migrate-job` (scaffold {__version__}); safe to edit.\n"
        f"# Needs the Secret {secret} (key github-token: a bot token that can push and open pull requests).\n"
    )
    return header + yamlio.dump(doc)


def _pod(campaign: Campaign, image: str, secret: str, config_map: str | None) -> dict[str, object]:
    """The pod each shard runs in: scaffold as a non-root user, tokens from a Secret, scratch in emptyDir."""
    env: list[dict[str, object]] = [
        {"name": "JOB_COMPLETIONS", "value": str(campaign.shards)},
        {"name": "HOME", "value": "/scratch"},
        {"name": "TMPDIR", "value": "/scratch"},
        {"name": "GITHUB_TOKEN", "valueFrom": {"secretKeyRef": {"name": secret, "key": "github-token"}}},
    ]
    if campaign.catalog_token_secret:
        ref = {"name": secret, "key": "backstage-token", "optional": True}
        env.append({"name": "BACKSTAGE_TOKEN", "valueFrom": {"secretKeyRef": ref}})
    if campaign.profile:
        env.append({"name": "SCAFFOLD_PROFILE", "value": campaign.profile})
    mounts: list[dict[str, object]] = [{"name": "scratch", "mountPath": "/scratch"}]
    volumes: list[dict[str, object]] = [{"name": "scratch", "emptyDir": {"sizeLimit": "4Gi"}}]
    if config_map:
        env.append({"name": "SCAFFOLD_CONFIG", "value": "/etc/scaffold/config.toml"})
        mounts.append({"name": "config", "mountPath": "/etc/scaffold", "readOnly": True})
        volumes.append({"name": "config", "configMap": {"name": config_map}})
    container = {
        "name": "migrate",
        "image": image,
        # --quiet: `kubectl logs` mixes stderr into stdout, so only the JSON outcomes are printed
        "args": [
            *("migrate", campaign.name, "--concurrency", str(campaign.concurrency), "--quiet", "--output", "json"),
            *campaign.extra,
        ],
        "env": env,
        "resources": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"memory": "2Gi"}},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": mounts,
    }
    return {
        "restartPolicy": "Never",
        "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container],
        "volumes": volumes,
    }


def shard_from_env(env: Mapping[str, str]) -> Shard | None:
    """The shard a Kubernetes Indexed Job's pod runs: index `JOB_COMPLETION_INDEX` (0-based) of
    `JOB_COMPLETIONS`; None when neither is set; ConfigError when one is missing or out of range."""
    index, count = env.get("JOB_COMPLETION_INDEX"), env.get("JOB_COMPLETIONS")
    if index is None and count is None:
        return None
    if index is None or count is None:
        given, missing = (
            ("JOB_COMPLETION_INDEX", "JOB_COMPLETIONS")
            if count is None
            else (
                "JOB_COMPLETIONS",
                "JOB_COMPLETION_INDEX",
            )
        )
        raise ConfigError(
            f"{given} is set but {missing} is not: an Indexed Job's pod needs both "
            "(Kubernetes sets JOB_COMPLETION_INDEX; set JOB_COMPLETIONS to the Job's completions), or pass --shard"
        )
    if not count.strip().isdigit() or int(count) < 1:
        raise ConfigError(f"JOB_COMPLETIONS must be a whole number of shards (1 or more), got {count!r}")
    if not index.strip().isdigit() or int(index) >= int(count):
        last = int(count) - 1
        raise ConfigError(f"JOB_COMPLETION_INDEX must be 0 to {last} (JOB_COMPLETIONS={count}), got {index!r}")
    return Shard(int(index) + 1, int(count))
