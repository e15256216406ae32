"""The calibration section (mnist_viz/report/sections/calibration.py): the reliability table, whose
bins and ECE are the figure's (mnist_viz.metrics.reliability_bins), and the embedding.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


def test_reliability_table_matches_a_hand_count():
    from mnist_viz.report.sections.calibration import reliability_table

    probs = np.array([[0.95, 0.05], [0.9, 0.1], [0.38, 0.62], [0.45, 0.55]])
    rows, ece = reliability_table([0, 1, 1, 0], probs, n_bins=10)
    # bins are (lo, hi], as in the calibration figure: 0.9 is in the bin that ends at 0.9
    assert [r[0] for r in rows] == ["0.5–0.6", "0.6–0.7", "0.8–0.9", "0.9–1.0"]
    assert [r[1] for r in rows] == ["1", "1", "1", "1"]
    # bins: 0.55 wrong (gap .55), 0.62 right (gap .38), 0.9 wrong (gap .9), 0.95 right (gap .05)
    assert ece == pytest.approx(0.25 * 0.55 + 0.25 * 0.38 + 0.25 * 0.9 + 0.25 * 0.05)


#: (probability of class 0, of class 1, true label): top-class confidences exactly on bin edges
#: (0.5, 0.6, 0.7, 0.8, 1.0; 0.3 is the other class's share), right and wrong, and two inside bins
#: (0.55, 0.65): 0.5 (right) shares a bin with 0.55 (wrong) only in the old [lo, hi) convention
EDGE_CASES = [("0.5", "0.5", 0), ("0.45", "0.55", 0), ("0.3", "0.7", 1), ("0.7", "0.3", 1), ("0.35", "0.65", 0),
              ("0.6", "0.4", 0), ("0.2", "0.8", 1), ("0", "1", 1), ("1", "0", 1)]


def _hand_bins(n_bins=10):
    """{bin: (count, correct, sum of confidences)} with bins (lo, hi] counted in exact fractions."""
    import math
    from fractions import Fraction

    bins = {}
    for p0, p1, y in EDGE_CASES:
        p = (Fraction(p0), Fraction(p1))
        conf = max(p)
        b = max(math.ceil(conf * n_bins) - 1, 0)
        count, correct, total = bins.get(b, (0, 0, Fraction(0)))
        bins[b] = (count + 1, correct + int(p.index(conf) == y), total + conf)
    return bins


def test_reliability_table_ece_equals_the_figure_on_bin_edges():
    from fractions import Fraction

    from mnist_viz import metrics, plots
    from mnist_viz.report.sections.calibration import calibration_section
    from mnist_viz.run import Predictions, Run

    probs = np.array([[float(p0), float(p1)] for p0, p1, _ in EDGE_CASES])
    y_true = np.array([y for _, _, y in EDGE_CASES])
    run = Run.from_dict({"loss": [0.5]}, name="edges")
    run.test = Predictions(probabilities=probs, labels=y_true)
    s = calibration_section(run, "r0-calibration")
    (table,) = [b.table for b in s.blocks if b.kind == "table"]

    # each row's count is the (lo, hi] bin's, counted by hand
    hand = _hand_bins()
    assert [r[0] for r in table.rows] == [f"{b / 10:.1f}–{(b + 1) / 10:.1f}" for b in sorted(hand)]
    assert [r[1] for r in table.rows] == [str(hand[b][0]) for b in sorted(hand)]
    assert sorted(hand) == [4, 5, 6, 7, 9]  # 0.5 in (0.4, 0.5], 0.7 in (0.6, 0.7], 1.0 in (0.9, 1.0]

    # the caption's ECE is metrics' and the figure's
    ece = metrics.expected_calibration_error(y_true, probs, n_bins=10)
    n = len(EDGE_CASES)
    by_hand = sum(Fraction(c, n) * abs(Fraction(k, c) - t / c) for c, k, t in hand.values())
    assert ece == pytest.approx(float(by_hand))
    assert table.caption.endswith(f"expected calibration error {ece:.4f}")
    assert plots.calibration(y_true, probs, n_bins=10).get_title() == f"Reliability diagram (ECE = {ece:.3f})"

    # the old table's bins [lo, hi) put these confidences elsewhere, and its ECE differed
    edges = np.linspace(0.0, 1.0, 11)
    conf, correct = probs.max(axis=1), probs.argmax(axis=1) == y_true
    old = np.clip(np.searchsorted(edges, conf, side="right") - 1, 0, 9)
    old_ece = sum((old == b).sum() / n * abs(correct[old == b].mean() - conf[old == b].mean())
                  for b in np.unique(old))
    assert f"{old_ece:.4f}" != f"{ece:.4f}"


def test_nan_probabilities_of_a_diverged_model_still_give_a_report(tmp_path):
    """A model that diverged writes NaN probabilities; the page is still built, and the sections that
    cannot use them say so (the rest of the report is unaffected)."""
    from mnist_viz.report import build_report
    from mnist_viz.run import Predictions, Run

    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(10), 50).astype(np.float32)
    probs[:5] = np.nan
    run = Run.from_dict({"loss": [0.9, float("nan")]}, name="diverged")
    run.test = Predictions(probabilities=probs, labels=np.arange(50) % 10,
                           images=rng.integers(0, 256, (50, 28, 28), dtype=np.uint8))
    report = build_report(run, tmp_path / "nan.html", jobs=1)
    assert report.path.exists()
    left_out = "test_predictions.npz: 5 of 50 digits have NaN or inf probabilities (row 0 first); they are left out of "
    for views in ("the confusion matrix, the per-class metrics and the drill-down", "the top-k grid and the error views",
                  "the reliability diagram and table"):
        assert left_out + views + "." in report.html
    # the 45 finite rows are counted and drawn (none becomes a vote for class 0), nothing fails to draw
    assert "Could not" not in report.html and "Reliability per bin of top-class confidence" in report.html
    assert "Test set, 45 digits:" in report.html
