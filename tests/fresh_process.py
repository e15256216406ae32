"""Which heavy modules an import pulls in, asked of a fresh Python process (this one has loaded them all)."""
from __future__ import annotations

import ast
import os
import subprocess
import sys


def loaded_by(import_line: str, candidates, *, env: dict | None = None) -> list[str]:
    """The ``candidates`` (module names) present in ``sys.modules`` after ``import_line`` runs in a new
    interpreter, sorted; e.g. ``loaded_by("import mnist_viz.metrics", ["matplotlib"]) == []``.
    ``env``: variables set (a None value: removed) in that interpreter's environment."""
    environ = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    code = f"import sys\n{import_line}\nprint(sorted(m for m in {list(candidates)!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environ)
    return ast.literal_eval(out.stdout.strip())
