"""`scaffold serve`: a web dashboard over the library the CLI uses (golden paths, fleets, repos, and
buttons that run the same campaign code), and the static fleet report of `migrate status --html`.

Only `scaffolder.web.app` imports the web framework (the `web` extra); the views, charts and pages
need nothing beyond Jinja2, so the static report works without the extra.
"""
