"""Every number a plot or the report shows about a classifier, computed once (NumPy + scikit-learn).

The plot functions and the report's sections both call these; nothing computes them a second
way. Inputs are labels ``y_true`` (integers, or one-hot rows) and ``y_pred`` (integers, or 2-D
scores whose arg-max is taken) of shape (n,), and class ``probabilities`` (n, C); they are
validated by :mod:`mnist_viz._arrays` (errors name the argument): ``[0.7, 1.9]`` is refused, not
truncated.

* :func:`confusion_counts` — (C, C) counts, rows true, columns predicted (scikit-learn).
* :func:`recall_precision` — per-class recall and precision of those counts, NaN where undefined
  (what a figure shows as "–").
* :func:`per_class_metrics` — precision, recall, F1 and support per class (scikit-learn), 0 where
  undefined (what a table or a CSV holds).
* :func:`reliability_bins` and :func:`expected_calibration_error` — equal-width bins
  ``(lo, hi]`` of the top-class confidence (a confidence of exactly 0.5 is in the bin ending at
  0.5; 0 is in the first bin).
* :func:`top_k` — the ``k`` most probable classes of each sample.
* :func:`most_confident_errors` and :func:`most_confused_pairs` — the errors to look at first.
* :func:`accuracy` — the fraction of predictions that are right; :func:`top1_accuracy` the same
  from probabilities, a row of NaN or inf (a diverged model's) counted as wrong.

Example
-------
>>> import numpy as np
>>> y_true = np.array([0, 1, 1, 2]); probs = np.array([[.8, .1, .1], [.3, .6, .1], [.7, .2, .1], [.1, .1, .8]])
>>> confusion_counts(y_true, probs.argmax(1), 3).tolist()
[[1, 0, 0], [1, 1, 0], [0, 0, 1]]
>>> most_confident_errors(y_true, probs).tolist()
[2]
>>> round(expected_calibration_error(y_true, probs, n_bins=5), 3)
0.175
"""
from __future__ import annotations

from dataclasses import dataclass

from typing import TYPE_CHECKING, cast

import numpy as np
from numpy.typing import ArrayLike

from mnist_viz._arrays import as_labels, as_probabilities, check_same_length, positive_int

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "confusion_counts",
    "recall_precision",
    "per_class_metrics",
    "ReliabilityBins",
    "reliability_bins",
    "expected_calibration_error",
    "top_k",
    "most_confident_errors",
    "most_confused_pairs",
    "accuracy",
    "top1_accuracy",
]


def _label_pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """``(y_true, y_pred)`` as int64 label vectors of the same length: ``y_true`` integer labels or
    one-hot rows, ``y_pred`` integer labels or 2-D scores (probabilities, logits, one-hot; the
    arg-max is taken). Non-integer labels, negative labels and mismatched lengths raise, naming the
    argument. An int64 vector passes through without a copy (one pass for the sign check)."""
    yt = as_labels(y_true, "y_true")
    yp = as_labels(y_pred, "y_pred", scores=True)
    check_same_length(y_true=yt, y_pred=yp)
    return yt, yp


def confusion_counts(y_true: ArrayLike, y_pred: ArrayLike, n_classes: int) -> np.ndarray:
    """(C, C) int64 counts, rows = true class, columns = predicted class, for classes ``0..C-1``
    (``sklearn.metrics.confusion_matrix`` with ``labels=range(C)``: a label outside is not counted).

    >>> confusion_counts([0, 1, 1, 2], [0, 1, 0, 2], 3).tolist()
    [[1, 0, 0], [1, 1, 0], [0, 0, 1]]
    """
    from sklearn.metrics import confusion_matrix

    n_classes = positive_int(n_classes, "n_classes")
    yt, yp = _label_pair(y_true, y_pred)
    if yt.size == 0:
        return np.zeros((n_classes, n_classes), dtype=np.int64)
    return cast(np.ndarray, confusion_matrix(yt, yp, labels=np.arange(n_classes)).astype(np.int64))


def recall_precision(counts: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Per-class ``(recall, precision)`` of a (C, C) :func:`confusion_counts` matrix: recall is the
    diagonal over the row sums (the class's samples), precision the diagonal over the column sums
    (its predictions). **NaN** where a class has no samples (recall) or no predictions
    (precision): undefined, which a figure shows as "–". :func:`per_class_metrics` gives the same
    numbers with 0 there (scikit-learn's ``zero_division=0``), for tables and CSV files.

    >>> counts = confusion_counts([0, 0, 1, 1], [0, 1, 1, 1], 3)
    >>> recall, precision = recall_precision(counts)
    >>> recall.round(3).tolist(), precision.round(3).tolist()
    ([0.5, 1.0, nan], [1.0, 0.667, nan])
    """
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"counts must be a square (classes, classes) confusion matrix; got shape {counts.shape}")
    diag = np.diag(counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return diag / counts.sum(axis=1), diag / counts.sum(axis=0)


def per_class_metrics(y_true: ArrayLike, y_pred: ArrayLike, n_classes: int) -> pd.DataFrame:
    """DataFrame of ``precision``, ``recall``, ``f1`` and ``support`` per class,
    ``sklearn.metrics.precision_recall_fscore_support(..., zero_division=0)``: **0** where a class
    has no samples or no predictions, as a table or a CSV file wants. Precision and recall are
    :func:`recall_precision`'s with NaN replaced by 0 (that function keeps NaN, for the figures).

    >>> per_class_metrics([0, 0, 1, 1], [0, 1, 1, 1], 3).round(3)
       precision  recall     f1  support
    0      1.000     0.5  0.667        2
    1      0.667     1.0  0.800        2
    2      0.000     0.0  0.000        0
    """
    import pandas as pd
    from sklearn.metrics import precision_recall_fscore_support

    n_classes = positive_int(n_classes, "n_classes")
    yt, yp = _label_pair(y_true, y_pred)
    if yt.size == 0:
        zeros = np.zeros(n_classes)
        return pd.DataFrame({"precision": zeros, "recall": zeros, "f1": zeros,
                             "support": np.zeros(n_classes, dtype=np.int64)})
    p, r, f, s = precision_recall_fscore_support(yt, yp, labels=np.arange(n_classes), zero_division=0)
    return pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s.astype(np.int64)})


@dataclass(frozen=True)
class ReliabilityBins:
    """Equal-width bins ``(lo, hi]`` of top-class confidence (``reliability_bins``).

    ``edges`` (B+1,), ``count`` (B,) int, ``mean_confidence`` and ``accuracy`` (B,) (NaN in empty
    bins); ``ece`` the expected calibration error, ``sum_b (n_b / n) |acc_b - conf_b|`` (NaN for
    no samples).
    """

    edges: np.ndarray
    count: np.ndarray
    mean_confidence: np.ndarray
    accuracy: np.ndarray
    ece: float

    @property
    def used(self) -> np.ndarray:
        """Bins holding at least one sample."""
        return self.count > 0


def reliability_bins(y_true: ArrayLike, probabilities: ArrayLike, *, n_bins: int = 10) -> ReliabilityBins:
    """Per-bin count, mean confidence and accuracy of the top-class confidence, and the ECE.

    Bins are ``(lo, hi]`` on [0, 1]: a confidence exactly on an edge belongs to the bin it ends.
    ``probabilities`` are validated (logits are softmaxed with a warning, as in the plots).

    >>> b = reliability_bins([0, 1, 0], [[0.9, 0.1], [0.3, 0.7], [0.5, 0.5]], n_bins=5)
    >>> b.count.tolist(), round(b.ece, 4)
    ([0, 0, 1, 1, 1], 0.3)
    """
    n_bins = positive_int(n_bins, "n_bins")
    probs = as_probabilities(probabilities, "probabilities")
    yt = as_labels(y_true, "y_true", n_classes=probs.shape[1] if probs.size else None)
    check_same_length(y_true=yt, probabilities=probs)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    if yt.size == 0:
        zeros = np.zeros(n_bins)
        return ReliabilityBins(edges, zeros.astype(int), zeros, zeros, float("nan"))
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == yt).astype(float)
    idx = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    count = np.bincount(idx, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(idx, weights=conf, minlength=n_bins) / count
        accuracy = np.bincount(idx, weights=correct, minlength=n_bins) / count
    used = count > 0
    ece = float(np.sum(count[used] / count.sum() * np.abs(accuracy[used] - mean_conf[used])))
    return ReliabilityBins(edges, count, mean_conf, accuracy, ece)


def expected_calibration_error(y_true: ArrayLike, probabilities: ArrayLike, *, n_bins: int = 10) -> float:
    """Expected calibration error of the top-class confidence: ``sum_b (n_b / n) * |acc_b - conf_b|``
    over ``n_bins`` equal-width bins (lo, hi] of [0, 1] (:func:`reliability_bins`).

    >>> round(expected_calibration_error([0, 1], [[0.9, 0.1], [0.8, 0.2]], n_bins=10), 3)
    0.45
    """
    return reliability_bins(y_true, probabilities, n_bins=n_bins).ece


def top_k(probabilities: ArrayLike, k: int) -> np.ndarray:
    """(n, k) indices of the ``k`` most probable classes of each row, most probable first (ties:
    the lower class first).

    >>> top_k(np.array([[0.2, 0.5, 0.3], [0.4, 0.4, 0.2]]), 2).tolist()
    [[1, 2], [0, 1]]
    """
    k = positive_int(k, "k")
    probs = np.asarray(probabilities)
    return np.argsort(-probs, axis=1, kind="stable")[:, :k]


def most_confident_errors(y_true: ArrayLike, probabilities: ArrayLike) -> np.ndarray:
    """Indices of the misclassified samples (arg-max differs from ``y_true``), most confident first
    (ties in their original order).

    >>> most_confident_errors([1, 1, 1], np.array([[0.97, 0.03], [0.2, 0.8], [0.6, 0.4]])).tolist()
    [0, 2]
    """
    probs = np.asarray(probabilities)
    yt = as_labels(y_true, "y_true")
    check_same_length(y_true=yt, probabilities=probs)
    pred = probs.argmax(axis=1)
    wrong = np.flatnonzero(pred != yt)
    conf = probs[wrong, pred[wrong]]
    return wrong[np.argsort(-conf, kind="stable")]


def most_confused_pairs(y_true: ArrayLike, y_pred: ArrayLike, n_classes: int, *, n_pairs: int | None = None) -> list[tuple[int, int, int]]:
    """``[(true, predicted, count), ...]`` of the off-diagonal confusion cells with errors, most
    errors first (ties by class order), at most ``n_pairs``.

    >>> most_confused_pairs([0, 0, 1, 0], [1, 1, 2, 0], 3)
    [(0, 1, 2), (1, 2, 1)]
    """
    counts = confusion_counts(y_true, y_pred, n_classes)
    np.fill_diagonal(counts, 0)
    flat = np.argsort(-counts, axis=None, kind="stable")
    if n_pairs is not None:
        flat = flat[:positive_int(n_pairs, "n_pairs")]
    return [(*divmod(int(f), n_classes), int(counts.flat[f])) for f in flat if counts.flat[f] > 0]


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """The fraction of ``y_pred`` equal to ``y_true`` (NaN for no samples); the same number as the
    trace of :func:`confusion_counts` over its sum.

    >>> accuracy([0, 1, 1, 2], [0, 1, 0, 2])
    0.75
    """
    yt, yp = _label_pair(y_true, y_pred)
    return float(np.mean(yt == yp)) if yt.size else float("nan")


def top1_accuracy(y_true: ArrayLike, probabilities: ArrayLike) -> float:
    """The fraction of rows of ``probabilities`` (n, C) whose arg-max is the label (NaN for no
    samples); a row holding NaN or inf (a diverged model's output, whose arg-max means nothing)
    counts as wrong, never as a vote for class 0.

    >>> top1_accuracy([0, 1, 0], [[0.9, 0.1], [0.2, 0.8], [float("nan"), float("nan")]])
    0.6666666666666666
    """
    probs = np.asarray(probabilities, dtype=np.float64)
    labels = as_labels(y_true, "y_true")
    if probs.ndim != 2:
        raise ValueError(f"probabilities must be 2-D (n_samples, n_classes); got shape {probs.shape}")
    check_same_length(y_true=labels, probabilities=probs)
    if not len(labels):
        return float("nan")
    right = np.isfinite(probs).all(axis=-1) & (probs.argmax(axis=-1) == labels)
    return float(right.mean())
