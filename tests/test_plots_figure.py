"""mnist_viz.plots._figure: one contract for fresh figures and Axes (never the current figure), message
figures for empty inputs, and the image canvas of the mosaics.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mnist_viz.plots as mp  # noqa: E402


@pytest.mark.parametrize("draw, message", [
    (lambda: mp.class_metrics([], [], class_names=["a", "b"]), "No predictions to score."),
    (lambda: mp.calibration([], np.zeros((0, 10))), "No predictions to calibrate."),
    (lambda: mp.misclassified(np.zeros((0, 784)), [], np.zeros((0, 10))), "No digits to show."),
    (lambda: mp.confused_pairs(np.zeros((0, 28, 28)), [], np.zeros((0, 10))), "No digits to show."),
])
def test_empty_inputs_give_a_message_figure(draw, message):
    out = draw()
    fig = out if isinstance(out, matplotlib.figure.Figure) else out.figure
    assert [t.get_text() for ax in fig.axes for t in ax.texts] == [message]
    assert mp.alt_text(fig)
