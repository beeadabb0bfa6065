"""`scaffold mcp`: a Model Context Protocol server over the library the CLI uses.

Coding assistants list golden paths, plan and create services, check and upgrade repos through
the same functions (and the same JSON) as `scaffold ... --output json`. Only `scaffold mcp`
imports this package, and it alone imports the `mcp` SDK (an optional extra).
"""
