"""Figures into the page (mnist_viz/report/_figures.py): a plot that fails becomes a note.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

from report_runs import two_runs  # noqa: E402,F401 (fixtures)


def test_a_failing_plot_function_becomes_a_note(two_runs, monkeypatch):
    import mnist_viz.plots
    from mnist_viz.report import build_report

    def boom(*a, **k):
        raise RuntimeError("kaput <b>")

    monkeypatch.setattr(mnist_viz.plots, "misclassified", boom)
    monkeypatch.delattr(mnist_viz.plots, "calibration")
    page = build_report(two_runs[0]).html
    assert "Could not draw the most confident errors: RuntimeError: kaput &lt;b&gt;" in page
    assert "Could not draw the calibration" in page
    calibration = page.split('id="r0-calibration"')[1].split("</section>")[0]
    assert "Reliability: accuracy vs confidence" not in calibration
    assert 'id="r0-internals"' in page  # the sections after a failed plot are still there
