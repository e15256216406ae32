"""mnist_viz.plots._inputs: class names and counts, label pairs, digits with their predictions, and the
sources of the model views (a live keras.Model or a Run's features); errors name the argument.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402


@pytest.fixture(scope="module")
def preds():
    return gd.predictions(300)


def _texts(ax, gid=None):
    return [t.get_text() for t in ax.texts if gid is None or t.get_gid() == gid]


def test_two_d_true_labels_must_be_one_hot(preds):
    """A 2-D y_true / labels that is not one-hot (probabilities, smoothed labels) is an error, not an
    argmax; a 2-D y_pred is scores and keeps its argmax."""
    images, probs, labels = preds
    with pytest.raises(ValueError, match=r"y_true is 2-D \(300, 10\) but not one-hot: row 0 is \[.*\] "
                                         r"\(300 such rows\); expected integer labels \(n,\) or one-hot rows"):
        mp.confusion_matrix(probs, labels)
    smoothed = np.eye(10)[labels] * 0.9 + 0.01
    with pytest.raises(ValueError, match="y_true is 2-D .* but not one-hot"):
        mp.calibration(smoothed, probs)
    with pytest.raises(ValueError, match="y_true is 2-D .* but not one-hot"):
        mp.topk_grid(images, smoothed, probs)
    with pytest.raises(ValueError, match="y_true is 2-D .* but not one-hot"):
        mp.class_metrics(smoothed, probs)
    # one-hot (ints, floats or bools) is accepted everywhere
    for one_hot in (np.eye(10, dtype=int)[labels], np.eye(10)[labels], np.eye(10, dtype=bool)[labels]):
        assert _texts(mp.confusion_matrix(one_hot, probs), "cell") == _texts(mp.confusion_matrix(labels, probs), "cell")
