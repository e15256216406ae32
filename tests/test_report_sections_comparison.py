"""The comparison section (mnist_viz/report/sections/comparison.py).

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

from report_runs import two_run_report  # noqa: E402,F401 (fixtures)


def test_comparison_has_deltas_and_side_by_side_matrices(two_run_report):
    page = two_run_report.html
    sec = page[page.index('id="comparison"'):page.index('id="r0"')]
    assert "Δ conv" in sec
    assert "test accuracy" in sec
    assert sec.count("<img") == 2  # overlaid curves + confusion matrices side by side
