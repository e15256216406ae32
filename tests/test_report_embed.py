"""Bytes inside the page (mnist_viz/report/_embed.py): JSON safe inside <script>.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import json  # noqa: E402



def test_embedded_json_escapes_angle_brackets_and_ampersands():
    from mnist_viz.report._embed import safe_json

    text = safe_json({"a": "</script><!--&", "nan": float("nan")})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!--&", "nan": None}
