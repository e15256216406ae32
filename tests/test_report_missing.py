"""Why a record is missing (mnist_viz/report/_missing.py): the notes of a partial run.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

from report_runs import write_run  # noqa: E402


def test_interrupted_run_without_records_says_what_is_missing(tmp_path):
    from mnist_viz.report import build_report

    run = write_run(tmp_path / "cut", epochs=2, planned=5, status="interrupted", with_test=False,
                    with_weights=False, with_probe=False, with_batches=False)
    page = build_report(run).html
    assert "interrupted after 2 of 5 epochs" in page
    for missing in ("test_predictions.npz", "weights/stats.csv", "probe/epoch_XXXX.npz", "features.npz", "batches.csv"):
        assert missing in page, missing
    assert 'id="r0-curves"' in page and page.count("<img") >= 1  # the curves still render
