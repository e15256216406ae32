"""The training-curves section (mnist_viz/report/sections/curves.py).

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

from report_runs import write_run, parse  # noqa: E402


def test_csvlogger_history_renders(tmp_path):
    from mnist_viz.report import build_report
    from mnist_viz.run import Run

    log = tmp_path / "training.log"
    log.write_text("epoch,accuracy,loss,val_accuracy,val_loss\n0,0.8,0.6,0.82,0.55\n1,0.9,0.3,NA,0.4\n")
    report = build_report(Run.from_csv(log))
    page = report.html
    assert "Training curves" in page and "training log" in page
    assert parse(page).imgs, "the training curves should be drawn"
    report_dir = build_report(write_run(tmp_path / "bare", with_test=False, with_weights=False, with_probe=False,
                                        with_batches=False))
    assert report_dir.size_bytes > 0


def test_empty_history_renders(tmp_path):
    from mnist_viz._io import atomic_write_json
    from mnist_viz.report import build_report

    d = tmp_path / "fresh"
    atomic_write_json(d / "run.json", {"format_version": 1, "name": "fresh", "status": "interrupted",
                                       "epochs_planned": 3, "epochs_completed": 0})
    page = build_report(d).html
    assert "No epochs recorded" in page
