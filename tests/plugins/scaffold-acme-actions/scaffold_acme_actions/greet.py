"""`acme:greet`: write a greeting file into the new repo (an example third-party action)."""

from __future__ import annotations

from pydantic import Field

from scaffolder.action import ActionContext, ActionInput, ActionOutput, Example, define_action


class Input(ActionInput):
    name: str = Field(description="Who the greeting is for, e.g. the new repo's name")
    greeting: str = Field("Hello", description="The word to greet with")
    file_path: str = Field("GREETING.md", description="Where to write it, relative to the workspace")


class Output(ActionOutput):
    file_path: str = Field(description="The file written")
    text: str = Field(description="The greeting")


def run(ctx: ActionContext, inp: Input) -> Output:
    text = f"{inp.greeting}, {inp.name}!"
    target = ctx.resolve(inp.file_path)  # refuses paths that leave the workspace
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"# {text}\n\nFrom the acme:greet action of scaffold-acme-actions.\n", encoding="utf-8")
    ctx.log.info("wrote %s", inp.file_path)
    return Output(file_path=inp.file_path, text=text)


action = define_action(
    id="acme:greet",
    description="Write a greeting file into the workspace (an example plugin action).",
    input=Input,
    output=Output,
    handler=run,
    supports_dry_run=True,  # it only writes into the workspace, so dry runs and renders include it
    examples=(Example("Greet the new repo", {"name": "orders-api"}),),
)
