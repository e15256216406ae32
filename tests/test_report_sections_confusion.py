"""The confusion section (mnist_viz/report/sections/confusion.py).

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

from report_runs import write_run, drill_json  # noqa: E402


def test_run_without_images_or_features_still_renders(tmp_path):
    from mnist_viz.report import build_report

    run = write_run(tmp_path / "noimg", with_images=False, with_features=False)
    page = build_report(run).html
    assert "holds no images" in page
    assert drill_json(page) == {}
    assert 'id="r0-cm"' in page  # the counts table is there without drill-down
