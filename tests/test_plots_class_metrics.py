"""Behaviour of mnist_viz.plots.class_metrics (bars and table), tested on the artists against scikit-learn.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.metrics import precision_recall_fscore_support  # noqa: E402

import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402


def test_class_metrics_bars_match_sklearn(preds):
    _i, labels, probs = preds
    ax = mp.class_metrics(labels, probs)
    p, r, f, s = precision_recall_fscore_support(labels, probs.argmax(1), labels=range(10), zero_division=0)
    heights = np.array([b.get_height() for b in ax.patches]).reshape(3, 10)
    np.testing.assert_allclose(heights, [p, r, f])
    assert [t.get_text() for t in ax.get_xticklabels()][0] == f"0\nn={s[0]}"
    assert [t.get_text() for t in ax.get_legend().get_texts()][:3] == ["precision", "recall", "F1"]


def test_class_metrics_table_kind(preds):
    _i, labels, probs = preds
    ax = mp.class_metrics(labels, probs, kind="table", class_names=list("abcdefghij"))
    p, r, f, s = precision_recall_fscore_support(labels, probs.argmax(1), labels=range(10), zero_division=0)
    np.testing.assert_allclose(ax.images[0].get_array(), np.column_stack([p, r, f]))
    assert gd.texts(ax)[3] == f"{s[0]:,}"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["precision", "recall", "F1", "support"]
    with pytest.raises(ValueError, match="kind must be 'bars' or 'table'; got 'pie'"):
        mp.class_metrics(labels, probs, kind="pie")


def test_class_metrics_numbers_are_metrics_per_class_metrics(preds):
    from mnist_viz import metrics

    _i, labels, probs = preds
    ax = mp.class_metrics(labels, probs, kind="table")
    frame = metrics.per_class_metrics(labels, probs.argmax(1), 10)
    np.testing.assert_array_equal(ax.images[0].get_array(), frame[["precision", "recall", "f1"]].to_numpy())
    assert f"accuracy {metrics.accuracy(labels, probs.argmax(1)):.1%}" in ax.get_title()
