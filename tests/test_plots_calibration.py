"""Behaviour of mnist_viz.plots.calibration and expected_calibration_error: hand-computed values, the gap
bars, the confidence histogram, logits and bad input.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402
from mnist_viz.plots._style import WRONG_COLOR  # noqa: E402


def test_expected_calibration_error_hand_value():
    # bins of width 0.25: conf 0.9 (right), 0.8 (wrong) -> bin (0.75, 1]: acc 0.5, conf 0.85
    #                     conf 0.6 (right), 0.55 (right) -> bin (0.5, 0.75]: acc 1.0, conf 0.575
    y = [0, 1, 0, 1]
    p = [[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.45, 0.55]]
    expected = 0.5 * abs(0.5 - 0.85) + 0.5 * abs(1.0 - 0.575)
    assert mp.expected_calibration_error(y, p, n_bins=4) == pytest.approx(expected)  # 0.3875
    ax = mp.calibration(y, p, n_bins=4)
    assert ax.get_title() == "Reliability diagram (ECE = 0.388)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "gap: overconfident" in legend and "gap: underconfident" in legend


def test_calibration_gaps_stay_distinct_when_accuracy_is_above_confidence():
    """Overconfident gap: an opaque pale block above the bar; underconfident gap (accuracy above
    confidence): only a vermillion hatch over the bar's top, so the blue bar still reads up to its
    accuracy. No see-through fill (the report's 128-colour palette turned one into a grey block)."""
    y = [0, 1, 0, 1]
    p = [[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.45, 0.55]]  # bin (0.75, 1]: over; (0.5, 0.75]: under
    ax = mp.calibration(y, p, n_bins=4)
    gaps = sorted((b for b in ax.patches if b.get_gid() == "gap"), key=lambda b: b.get_x())
    under, over = gaps
    assert under.get_x() == pytest.approx(0.5) and over.get_x() == pytest.approx(0.75)
    assert under.get_y() == pytest.approx(0.575) and under.get_height() == pytest.approx(0.425)
    assert over.get_y() == pytest.approx(0.5) and over.get_height() == pytest.approx(0.35)
    assert under.get_facecolor()[3] == 0 and under.get_hatch()  # hatch only: the bar shows through
    assert over.get_facecolor()[3] == 1 and over.get_hatch()    # opaque block
    assert mcolors.to_hex(under.get_edgecolor()) == mcolors.to_hex(over.get_edgecolor()) == WRONG_COLOR.lower()
    assert under.get_hatch() != over.get_hatch()
    acc_bars = sorted((b for b in ax.patches if b.get_gid() == "accuracy"), key=lambda b: b.get_x())
    assert acc_bars[0].get_height() == pytest.approx(1.0) and acc_bars[0].get_zorder() <= under.get_zorder()


def test_calibration_bars_and_histogram(preds):
    _i, labels, probs = preds
    ax = mp.calibration(labels, probs, n_bins=10)
    hist = [a for a in ax.child_axes if a.get_gid() == "confidence_histogram"][0]
    assert sum(b.get_height() for b in hist.patches) == len(labels)
    conf = probs.max(1)
    top = conf > 0.9
    acc_bars = [b for b in ax.patches if b.get_gid() == "accuracy"]
    assert acc_bars[-1].get_x() == pytest.approx(0.9)
    assert acc_bars[-1].get_height() == pytest.approx(np.mean(probs[top].argmax(1) == labels[top]))
    gaps = sorted((b for b in ax.patches if b.get_gid() == "gap"), key=lambda b: b.get_x())
    assert gaps[-1].get_height() == pytest.approx(abs(conf[top].mean() - acc_bars[-1].get_height()))


def test_calibration_logits_warn_and_softmax():
    logits = np.array([[3.0, -1.0], [0.5, 2.0]])
    with pytest.warns(UserWarning, match="treating them as logits and applying softmax"):
        ax = mp.calibration([0, 1], logits)
    assert "ECE" in ax.get_title()


def test_calibration_bad_input():
    with pytest.raises(ValueError, match="n_bins must be an integer >= 1; got 0"):
        mp.calibration([0], [[1.0, 0.0]], n_bins=0)
    with pytest.raises(ValueError, match="probabilities must be a 2-D array"):
        mp.calibration([0, 1], [0.2, 0.8])
    with pytest.raises(ValueError, match="mismatched lengths: y_true has 3 rows, probabilities has 2 rows"):
        mp.calibration([0, 1, 1], [[0.2, 0.8], [0.5, 0.5]])
    with pytest.raises(ValueError, match="y_true holds label 2, out of range for 2 classes"):
        mp.calibration([0, 2], [[0.2, 0.8], [0.5, 0.5]])
    with pytest.raises(TypeError, match="probabilities must hold numbers .*; got dtype <U"):
        mp.calibration([0, 1], [["a", "b"], ["c", "d"]])


def test_calibration_draws_metrics_reliability_bins_confidences_on_edges_included():
    """The figure's bins, bars and ECE are mnist_viz.metrics.reliability_bins': confidences exactly on
    the edges 0.5 and 1.0 sit in the bin they end, so the title's ECE is the report table's."""
    from mnist_viz import metrics

    y = [0, 1, 0, 0, 1]
    p = [[0.5, 0.5], [0.5, 0.5], [1.0, 0.0], [0.3, 0.7], [0.15, 0.85]]
    ax = mp.calibration(y, p, n_bins=10)
    bins = metrics.reliability_bins(y, p, n_bins=10)
    assert ax.get_title() == f"Reliability diagram (ECE = {bins.ece:.3f})"
    assert mp.expected_calibration_error is metrics.expected_calibration_error  # one function, re-exported
    hist = [a for a in ax.child_axes if a.get_gid() == "confidence_histogram"][0]
    assert [b.get_height() for b in hist.patches] == bins.count.tolist() == [0, 0, 0, 0, 2, 0, 1, 0, 1, 1]
    acc_bars = sorted((b for b in ax.patches if b.get_gid() == "accuracy"), key=lambda b: b.get_x())
    assert [round(b.get_x(), 6) for b in acc_bars] == [0.4, 0.6, 0.8, 0.9]  # 0.5 in (0.4, 0.5], 1.0 in (0.9, 1]
    np.testing.assert_allclose([b.get_height() for b in acc_bars], bins.accuracy[bins.used])
