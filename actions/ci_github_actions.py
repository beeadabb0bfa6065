"""`ci:github-actions`: write a GitHub Actions workflow that builds and tests the generated project.

One `test` job (checkout, language setup, install, lint, build, test) and, when `docker_image` is
given, a `docker` job that builds the Dockerfile without pushing it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from scaffolder.action import ActionContext, ActionError, ActionInput, ActionOutput, Example, Problem, define_action

from ._entity import dump_yaml, write_text

Language = Literal["python", "node", "static"]

CHECKOUT = "actions/checkout@v4"
SETUP_PYTHON = "actions/setup-python@v5"
SETUP_NODE = "actions/setup-node@v4"
SETUP_BUILDX = "docker/setup-buildx-action@v3"
BUILD_PUSH = "docker/build-push-action@v6"

DEFAULT_INSTALL: dict[str, str | None] = {
    "python": 'python -m pip install --upgrade pip && python -m pip install -e ".[test]"',
    "node": "npm ci",
    "static": None,
}
DEFAULT_TEST: dict[str, str | None] = {
    "python": "python -m pytest -q",
    "node": "npm test",
    "static": None,
}


class CiGithubActionsInput(ActionInput):
    file_path: str = Field(".github/workflows/ci.yml", description="Workflow file, relative to the workspace")
    workflow_name: str = Field("CI", description="The workflow's display name")
    language: Language = Field(description="python, node or static (no toolchain set up)")
    python_version: str = Field("3.12", description="For language python: actions/setup-python version")
    node_version: str = Field("20", description="For language node: actions/setup-node version")
    install_command: str | None = Field(
        None, description="Installs dependencies; None: the language default, '': no install step"
    )
    lint_command: str | None = Field(None, description="Optional lint step, run before the build")
    build_command: str | None = Field(None, description="Optional build step, run before the tests")
    test_command: str | None = Field(None, description="Runs the tests; None: the language default, '': no test step")
    docker_image: str | None = Field(
        None,
        description="When given, a second job builds the Dockerfile and tags it with this name",
    )
    dockerfile: str = Field("Dockerfile", description="Dockerfile for the docker job")
    docker_context: str = Field(".", description="Build context for the docker job")
    branches: list[str] = Field(default_factory=lambda: ["main"], description="Branches that trigger CI")
    timeout_minutes: int = Field(15, ge=1, le=360, description="timeout-minutes of each job")


class CiGithubActionsOutput(ActionOutput):
    file_path: str = Field(description="The workflow written, relative to the workspace")


def _command(given: str | None, default: str | None) -> str | None:
    value = default if given is None else given
    if value is None or not value.strip():
        return None
    return value.strip()


def _problems(inp: CiGithubActionsInput, commands: list[str | None]) -> list[Problem]:
    found = []
    if not inp.branches or any(not b.strip() for b in inp.branches):
        found.append(("branches", "must list at least one non-empty branch name"))
    if not any(commands):
        found.append(("test_command", "give at least one of test_command, build_command or lint_command"))
    if inp.language == "python" and not inp.python_version.strip():
        found.append(("python_version", "must not be empty"))
    if inp.language == "node" and not inp.node_version.strip():
        found.append(("node_version", "must not be empty"))
    if inp.docker_image is not None and not inp.docker_image.strip():
        found.append(("docker_image", "must not be empty when given"))
    return [Problem(f"ci:github-actions {where}", msg) for where, msg in found]


def _setup(inp: CiGithubActionsInput) -> list[dict[str, Any]]:
    if inp.language == "python":
        return [
            {
                "name": "Set up Python",
                "uses": SETUP_PYTHON,
                "with": {"python-version": inp.python_version},
            }
        ]
    if inp.language == "node":
        return [
            {
                "name": "Set up Node.js",
                "uses": SETUP_NODE,
                "with": {"node-version": inp.node_version},
            }
        ]
    return []


def workflow(inp: CiGithubActionsInput) -> dict[str, Any]:
    """The workflow as plain data."""
    install = _command(inp.install_command, DEFAULT_INSTALL[inp.language])
    lint, build = _command(inp.lint_command, None), _command(inp.build_command, None)
    test = _command(inp.test_command, DEFAULT_TEST[inp.language])
    problems = _problems(inp, [lint, build, test])
    if problems:
        raise ActionError("ci:github-actions cannot write a workflow", problems)
    steps: list[dict[str, Any]] = [{"name": "Check out", "uses": CHECKOUT}, *_setup(inp)]
    for title, command in (("Install", install), ("Lint", lint), ("Build", build), ("Test", test)):
        if command:
            steps.append({"name": title, "run": command})
    job = {
        "name": "Build and test",
        "runs-on": "ubuntu-latest",
        "timeout-minutes": inp.timeout_minutes,
    }
    jobs: dict[str, Any] = {"test": {**job, "steps": steps}}
    if inp.docker_image:
        jobs["docker"] = {
            "name": "Docker image",
            "needs": "test",
            "runs-on": "ubuntu-latest",
            "timeout-minutes": inp.timeout_minutes,
            "steps": [
                {"name": "Check out", "uses": CHECKOUT},
                {"name": "Set up Docker Buildx", "uses": SETUP_BUILDX},
                {
                    "name": "Build image",
                    "uses": BUILD_PUSH,
                    "with": {
                        "context": inp.docker_context,
                        "file": inp.dockerfile,
                        "push": False,
                        "tags": inp.docker_image,
                    },
                },
            ],
        }
    branches = list(inp.branches)
    return {
        "name": inp.workflow_name,
        "on": {"push": {"branches": branches}, "pull_request": {"branches": branches}},
        "permissions": {"contents": "read"},
        "concurrency": {
            "group": "${{ github.workflow }}-${{ github.ref }}",
            "cancel-in-progress": True,
        },
        "jobs": jobs,
    }


def write_workflow(ctx: ActionContext, inp: CiGithubActionsInput) -> CiGithubActionsOutput:
    write_text(ctx, inp.file_path, dump_yaml(workflow(inp)))
    return CiGithubActionsOutput(file_path=inp.file_path)


action = define_action(
    id="ci:github-actions",
    description="Write a GitHub Actions workflow that installs, builds and tests the project.",
    input=CiGithubActionsInput,
    output=CiGithubActionsOutput,
    handler=write_workflow,
    supports_dry_run=True,
    examples=(
        Example(
            "A Python service tested with pytest and built as a Docker image",
            {"language": "python", "python_version": "3.12", "docker_image": "orders-api:ci"},
        ),
        Example(
            "A static site built and tested with Node's built-in tools",
            {
                "language": "node",
                "node_version": "20",
                "install_command": "",
                "build_command": "npm run build",
                "test_command": "npm test",
                "branches": ["main", "release"],
            },
        ),
    ),
)
