"""Tools for the guilds that own golden paths: `scaffold template test`, `new` and `release` as
library functions (the CLI in `scaffolder/cli/template_tools.py` only parses and prints).

- `testing.run_template_test`: render every example, compare with its snapshot, run the project's
  checks, upgrade each example's repo from the previous release (`snapshots`, `checks`, `impact`);
  `report` turns the result into text or Markdown.
- `new.create_golden_path`: a new golden path that passes lint and test as created.
- `release.release_golden_path`: lint, test, then cut the immutable release (snapshot or tag).
"""
