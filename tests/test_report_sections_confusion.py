"""The confusion section (mnist_viz/report/sections/confusion.py): counts and per-class metrics from
mnist_viz.metrics, the drill-down when the run has test images.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402

from report_runs import write_run, drill_json  # noqa: E402


def test_run_without_images_or_features_still_renders(tmp_path):
    from mnist_viz.report import build_report

    run = write_run(tmp_path / "noimg", with_images=False, with_features=False)
    page = build_report(run).html
    assert "holds no images" in page
    assert drill_json(page) == {}
    assert 'id="r0-cm"' in page  # the counts table is there without drill-down


def test_counts_and_per_class_table_are_the_metrics_ones(tmp_path):
    from mnist_viz import metrics
    from mnist_viz.report.sections import confusion_section
    from mnist_viz.run import Run

    run = Run.load(write_run(tmp_path / "r", n_test=300, seed=2))
    s, drill = confusion_section(run, "r0-confusion", drill_id="r0-cm")
    assert [b.kind for b in s.blocks] == ["figure", "confusion", "figure", "table", "downloads"]
    y_true, y_pred = run.test.labels, run.test.predicted
    counts = metrics.confusion_counts(y_true, y_pred, 10)
    assert s.blocks[1].counts == counts.tolist() and s.blocks[1].max == counts.max() and s.blocks[1].drill
    per_class = metrics.per_class_metrics(y_true, y_pred, 10)
    rows = s.blocks[3].table.rows
    assert [r[0] for r in rows] == [str(c) for c in range(10)]
    for j, column in enumerate(["precision", "recall", "f1"], start=1):  # fixed decimals per column
        assert [r[j] for r in rows] == [f"{v:.3f}" for v in per_class[column]]
    assert [r[4] for r in rows] == [f"{v:,}" for v in per_class["support"]]
    assert sum(cell["n"] for cell in drill["cells"].values()) == len(y_true)


def test_class_names_pad_to_the_number_of_probability_columns():
    from mnist_viz.report.sections import confusion_section
    from mnist_viz.run import Predictions, Run

    run = Run.from_dict({"loss": [0.5]}, name="three")
    run.info["class_names"] = ["cat", "dog"]
    run.test = Predictions(probabilities=np.eye(3)[[0, 1, 2, 2]], labels=np.array([0, 1, 2, 1]))
    s, drill = confusion_section(run, "r0-confusion", drill_id="r0-cm")
    assert drill is None and s.blocks[1].classes == ["cat", "dog", "2"]
    assert s.blocks[1].counts == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    assert s.blocks[2].text == "No drill-down: test_predictions.npz holds no images for this run."


def test_rows_of_nan_probabilities_are_left_out_with_a_note(tmp_path):
    """A diverged model's NaN rows were arg-maxed to class 0: counted, drilled and scored as predictions."""
    from mnist_viz import metrics
    from mnist_viz.report.sections import confusion_section
    from mnist_viz.run import Run

    run = Run.load(write_run(tmp_path / "r", n_test=60, seed=3))
    finite = np.ones(60, bool)
    finite[[4, 9, 30]] = False
    run.test.probabilities[~finite] = np.nan
    s, drill = confusion_section(run, "r0-confusion", drill_id="r0-cm")
    notes = [b.text for b in s.blocks if b.kind == "note"]
    assert notes == ["test_predictions.npz: 3 of 60 digits have NaN or inf probabilities (row 4 first); they are left "
                     "out of the confusion matrix, the per-class metrics and the drill-down."]
    y_true, y_pred = run.test.labels[finite], run.test.probabilities[finite].argmax(1)
    cm = next(b for b in s.blocks if b.kind == "confusion")
    assert cm.counts == metrics.confusion_counts(y_true, y_pred, 10).tolist() and np.sum(cm.counts) == 57
    assert sum(cell["n"] for cell in drill["cells"].values()) == 57
    shown = {i for cell in drill["cells"].values() for i in cell["idx"]}  # rows of the whole test set
    assert not shown & {4, 9, 30} and max(shown) > 56
    for key, cell in drill["cells"].items():
        t, p = map(int, key.split(","))
        assert all(run.test.labels[i] == t and run.test.predicted[i] == p for i in cell["idx"])
