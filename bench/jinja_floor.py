"""The floor of a Jinja render: a short script that renders a golden path's skeleton with plain
jinja2 (one environment, each file compiled once) and writes it, the time scaffold's render
should at least match. Run with scaffold's Python (it has jinja2):

    python bench/jinja_floor.py SKELETON OUT VALUES_JSON
"""

import json
import os
import sys
from pathlib import Path

from jinja2 import Environment

skeleton, out, values = Path(sys.argv[1]), Path(sys.argv[2]), {"values": json.loads(sys.argv[3])}
env = Environment(keep_trailing_newline=True, autoescape=False)
for folder, _, names in os.walk(skeleton):
    for name in names:
        source = Path(folder, name)
        target = out / env.from_string(source.relative_to(skeleton).as_posix()).render(values)
        text = env.from_string(source.read_text(encoding="utf-8")).render(values)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
