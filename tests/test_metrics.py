"""mnist_viz.metrics: every number a plot or the report shows about a classifier, checked against
hand-computed values and scikit-learn; the reliability bins are ``(lo, hi]`` (a confidence exactly on
an edge is in the bin it ends), and the docstring examples run.
"""
from __future__ import annotations

import doctest
import warnings

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion_matrix
from sklearn.metrics import precision_recall_fscore_support

import gallery_data as gd
from mnist_viz import metrics


@pytest.fixture(scope="module")
def preds():
    _images, labels, probs = gd.predictions(300)
    return labels, probs


def test_docstring_examples_run():
    result = doctest.testmod(metrics, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_metrics_import_no_drawing_library():
    from fresh_process import loaded_by

    assert loaded_by("import mnist_viz.metrics", ["matplotlib", "seaborn", "tensorflow"]) == []


# ---------------------------------------------------------------- confusion_counts / accuracy

def test_confusion_counts_rows_true_columns_predicted(preds):
    labels, probs = preds
    counts = metrics.confusion_counts(labels, probs.argmax(1), 10)
    assert counts.dtype == np.int64 and counts.shape == (10, 10) and counts.sum() == 300
    np.testing.assert_array_equal(counts, sk_confusion_matrix(labels, probs.argmax(1), labels=range(10)))
    np.testing.assert_array_equal(metrics.confusion_counts([2, 2, 0], [1, 2, 2], 3), [[0, 0, 1], [0, 0, 0], [0, 1, 1]])


def test_confusion_counts_fixed_classes_empty_and_bad_input():
    # classes 0..C-1 whatever the labels hold; a label outside is not counted (as scikit-learn's labels=)
    np.testing.assert_array_equal(metrics.confusion_counts([0, 0, 5], [0, 1, 0], 2), [[1, 1], [0, 0]])
    empty = metrics.confusion_counts([], [], 4)
    assert empty.shape == (4, 4) and empty.dtype == np.int64 and not empty.any()
    with pytest.raises(ValueError, match="mismatched lengths: y_true has 3 rows, y_pred has 2 rows"):
        metrics.confusion_counts([0, 1, 1], [0, 1], 2)
    with pytest.raises(ValueError, match="n_classes must be an integer >= 1; got 0"):
        metrics.confusion_counts([0], [0], 0)


def test_accuracy_is_the_trace_over_the_sum(preds):
    labels, probs = preds
    pred = probs.argmax(1)
    counts = metrics.confusion_counts(labels, pred, 10)
    assert metrics.accuracy(labels, pred) == np.trace(counts) / counts.sum()  # the very same float
    assert metrics.accuracy([1, 2, 3], [1, 2, 3]) == 1.0 and metrics.accuracy([0, 1], [1, 0]) == 0.0
    assert np.isnan(metrics.accuracy([], []))
    with pytest.raises(ValueError, match="mismatched lengths: y_true has 2 rows, y_pred has 1 rows"):
        metrics.accuracy([0, 1], [0])


def test_labels_are_validated_not_truncated():
    # floats that are not whole numbers are refused (np.asarray(..., int64) used to make 0.7 -> 0, 1.9 -> 1)
    for call in (lambda y: metrics.confusion_counts(y, [0, 1], 2), lambda y: metrics.accuracy(y, [0, 1]),
                 lambda y: metrics.per_class_metrics(y, [0, 1], 2)):
        with pytest.raises(TypeError, match="y_true must hold integer class labels; got dtype float64"):
            call([0.7, 1.9])
    with pytest.raises(TypeError, match="y_pred must hold integer class labels; got dtype float64"):
        metrics.confusion_counts([0, 1], [0.7, 1.9], 2)
    with pytest.raises(TypeError, match="y_true must hold numbers"):
        metrics.accuracy(["a", "b"], [0, 1])
    with pytest.raises(ValueError, match=r"y_true holds a negative label \(-1\)"):
        metrics.confusion_counts([-1, 0], [0, 0], 2)
    with pytest.raises(ValueError, match=r"y_true is 2-D \(2, 2\) but not one-hot"):
        metrics.accuracy([[0.2, 0.8], [1, 0]], [1, 0])
    # whole-number floats are labels
    assert metrics.confusion_counts([0.0, 1.0], [1.0, 1.0], 2).tolist() == [[0, 1], [0, 1]]


def test_one_hot_y_true_and_scores_as_y_pred(preds):
    labels, probs = preds
    one_hot = np.eye(10)[labels]
    pred = probs.argmax(1)
    # one-hot y_true used to be an error about row counts (it was flattened to n * C values)
    assert metrics.accuracy(one_hot, pred) == metrics.accuracy(labels, pred)
    np.testing.assert_array_equal(metrics.confusion_counts(one_hot, pred, 10), metrics.confusion_counts(labels, pred, 10))
    # y_pred may be probabilities (or logits, or one-hot): the arg-max is taken
    np.testing.assert_array_equal(metrics.confusion_counts(labels, probs, 10), metrics.confusion_counts(labels, pred, 10))
    assert metrics.accuracy(labels, np.log(probs)) == metrics.accuracy(labels, pred)
    assert metrics.per_class_metrics(one_hot, probs, 10).equals(metrics.per_class_metrics(labels, pred, 10))
    assert metrics.most_confident_errors(one_hot, probs).tolist() == metrics.most_confident_errors(labels, probs).tolist()
    with pytest.raises(ValueError, match="mismatched lengths: y_true has 3 rows, probabilities has 2 rows"):
        metrics.most_confident_errors([0, 1, 1], [[0.2, 0.8], [0.5, 0.5]])


def test_label_validation_is_one_helper_and_cheap_for_integer_arrays(monkeypatch):
    import mnist_viz._arrays as arrays

    seen = []
    real = arrays.as_labels

    def spy(y, name, **kw):
        seen.append((name, kw.get("scores", False)))
        return real(y, name, **kw)

    monkeypatch.setattr(metrics, "as_labels", spy)
    metrics.confusion_counts([0, 1], [0, 1], 2)
    metrics.per_class_metrics([0, 1], [0, 1], 2)
    metrics.accuracy([0, 1], [0, 1])
    assert seen == [("y_true", False), ("y_pred", True)] * 3
    monkeypatch.undo()
    # an int64 vector is not copied on its way through
    y = np.arange(5, dtype=np.int64)
    yt, yp = metrics._label_pair(y, y)
    assert np.shares_memory(yt, y) and np.shares_memory(yp, y)


# ---------------------------------------------------------------- recall_precision

def test_recall_precision_of_the_counts_nan_where_undefined(preds):
    labels, probs = preds
    counts = metrics.confusion_counts(labels, probs.argmax(1), 10)
    recall, precision = metrics.recall_precision(counts)
    np.testing.assert_array_equal(recall, np.diag(counts) / counts.sum(axis=1))
    np.testing.assert_array_equal(precision, np.diag(counts) / counts.sum(axis=0))
    # class 1 predicted but never true: recall NaN, precision 0; class 2 neither: both NaN
    recall, precision = metrics.recall_precision(metrics.confusion_counts([0, 0, 0], [0, 1, 0], 3))
    assert recall[0] == pytest.approx(2 / 3) and np.isnan(recall[1:]).all()
    assert precision[:2].tolist() == [1.0, 0.0] and np.isnan(precision[2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division warnings escape
        metrics.recall_precision(np.zeros((3, 3), dtype=np.int64))
    with pytest.raises(ValueError, match=r"counts must be a square \(classes, classes\) confusion matrix; got shape \(2, 3\)"):
        metrics.recall_precision(np.zeros((2, 3)))


def test_per_class_metrics_are_recall_precision_with_zero_for_nan(preds):
    labels, probs = preds
    for y_true, y_pred, n in ((labels, probs.argmax(1), 10), ([0, 0, 0], [0, 1, 0], 3), ([0, 1, 1, 4], [1, 1, 2, 4], 6)):
        recall, precision = metrics.recall_precision(metrics.confusion_counts(y_true, y_pred, n))
        frame = metrics.per_class_metrics(y_true, y_pred, n)
        np.testing.assert_array_equal(frame["recall"], np.nan_to_num(recall, nan=0.0))
        np.testing.assert_array_equal(frame["precision"], np.nan_to_num(precision, nan=0.0))


# ---------------------------------------------------------------- per_class_metrics

def test_per_class_metrics_are_scikit_learns_with_zero_where_undefined(preds):
    labels, probs = preds
    frame = metrics.per_class_metrics(labels, probs.argmax(1), 10)
    assert list(frame.columns) == ["precision", "recall", "f1", "support"] and len(frame) == 10
    p, r, f, s = precision_recall_fscore_support(labels, probs.argmax(1), labels=range(10), zero_division=0)
    np.testing.assert_array_equal(frame["precision"], p)
    np.testing.assert_array_equal(frame["recall"], r)
    np.testing.assert_array_equal(frame["f1"], f)
    assert frame["support"].dtype == np.int64 and frame["support"].tolist() == s.tolist()
    # class 2 never true nor predicted; class 1 predicted but never true: 0, not NaN
    frame = metrics.per_class_metrics([0, 0, 0], [0, 1, 0], 3)
    assert frame["precision"].tolist() == [1.0, 0.0, 0.0] and frame["recall"].tolist() == [pytest.approx(2 / 3), 0.0, 0.0]
    assert not frame.isna().any().any()


def test_per_class_metrics_empty_and_bad_input():
    frame = metrics.per_class_metrics([], [], 2)
    assert frame.to_dict("list") == {"precision": [0.0, 0.0], "recall": [0.0, 0.0], "f1": [0.0, 0.0], "support": [0, 0]}
    with pytest.raises(ValueError, match="mismatched lengths"):
        metrics.per_class_metrics([0, 1], [0], 2)


# ---------------------------------------------------------------- reliability_bins / expected_calibration_error

def test_reliability_bins_hand_values():
    # bins of width 0.25: conf 0.9 (right), 0.8 (wrong) -> bin (0.75, 1]: acc 0.5, conf 0.85
    #                     conf 0.6 (right), 0.55 (right) -> bin (0.5, 0.75]: acc 1.0, conf 0.575
    y = [0, 1, 0, 1]
    p = [[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.45, 0.55]]
    b = metrics.reliability_bins(y, p, n_bins=4)
    np.testing.assert_allclose(b.edges, [0, 0.25, 0.5, 0.75, 1.0])
    assert b.count.tolist() == [0, 0, 2, 2] and b.used.tolist() == [False, False, True, True]
    np.testing.assert_allclose(b.mean_confidence[b.used], [0.575, 0.85])
    np.testing.assert_allclose(b.accuracy[b.used], [1.0, 0.5])
    assert np.isnan(b.mean_confidence[:2]).all() and np.isnan(b.accuracy[:2]).all()  # empty bins
    assert b.ece == pytest.approx(0.5 * abs(0.5 - 0.85) + 0.5 * abs(1.0 - 0.575))
    assert metrics.expected_calibration_error(y, p, n_bins=4) == b.ece


@pytest.mark.parametrize("confidence, n_classes, n_bins, expected_bin", [
    (0.5, 2, 10, 4),    # exactly on the edge 0.5: the bin (0.4, 0.5] it ends, not (0.5, 0.6]
    (0.5, 2, 2, 0),     # the first bin (0, 0.5]
    (1.0, 2, 10, 9),    # a sure prediction: the last bin (0.9, 1.0]
    (1.0, 2, 1, 0),     # one bin holds everything
    (0.25, 4, 4, 0),    # uniform over 4 classes, on the edge 0.25: the first bin (0, 0.25]
    (0.1, 10, 10, 0),   # uniform over 10 classes, on the edge 0.1: the first bin (0, 0.1] (its lower end 0
                        # itself is in the first bin too, but no top-class confidence is below 1/C)
    (0.75, 2, 4, 2),    # on the edge 0.75: (0.5, 0.75]
])
def test_a_confidence_on_a_bin_edge_is_in_the_bin_it_ends(confidence, n_classes, n_bins, expected_bin):
    row = np.full(n_classes, (1 - confidence) / (n_classes - 1) if n_classes > 1 else 1.0)
    row[0] = confidence
    assert row.max() == confidence
    b = metrics.reliability_bins([0], [row], n_bins=n_bins)
    assert b.edges[expected_bin + 1] == confidence  # exactly on the upper edge of that bin
    assert np.flatnonzero(b.count).tolist() == [expected_bin]
    assert b.mean_confidence[expected_bin] == confidence and b.accuracy[expected_bin] == 1.0
    assert b.ece == pytest.approx(1.0 - confidence)


def test_reliability_bins_on_edges_many_samples_and_the_ece_formula():
    # 0.5 (right), 0.5 (wrong), 1.0 (right), 0.7 (wrong) in 10 bins
    y = [0, 1, 0, 0]
    p = [[0.5, 0.5], [0.5, 0.5], [1.0, 0.0], [0.3, 0.7]]
    b = metrics.reliability_bins(y, p, n_bins=10)
    assert b.count.tolist() == [0, 0, 0, 0, 2, 0, 1, 0, 0, 1]
    np.testing.assert_allclose(b.accuracy[b.used], [0.5, 0.0, 1.0])
    n = b.count.sum()
    expected = sum(c / n * abs(a - m) for c, a, m in zip(b.count[b.used], b.accuracy[b.used], b.mean_confidence[b.used]))
    assert b.ece == pytest.approx(expected) == pytest.approx(0.5 * 0.0 + 0.25 * 0.7 + 0.25 * 0.0)


def test_reliability_bins_validate_and_warn_on_logits(preds):
    labels, probs = preds
    b = metrics.reliability_bins(labels, probs)
    assert len(b.count) == 10 and b.count.sum() == 300  # default 10 bins, every sample in one
    with pytest.warns(UserWarning, match="treating them as logits and applying softmax"):
        from_logits = metrics.reliability_bins(labels, np.log(probs))
    np.testing.assert_array_equal(from_logits.count, b.count)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        metrics.reliability_bins(labels, probs)  # probabilities: no warning
    empty = metrics.reliability_bins([], np.zeros((0, 10)), n_bins=5)
    assert empty.count.tolist() == [0] * 5 and np.isnan(empty.ece) and not empty.used.any()
    with pytest.raises(ValueError, match="n_bins must be an integer >= 1; got 0"):
        metrics.reliability_bins(labels, probs, n_bins=0)
    with pytest.raises(ValueError, match="y_true holds label 2, out of range for 2 classes"):
        metrics.reliability_bins([0, 2], [[0.2, 0.8], [0.5, 0.5]])
    with pytest.raises(ValueError, match="mismatched lengths: y_true has 3 rows, probabilities has 2 rows"):
        metrics.reliability_bins([0, 1, 1], [[0.2, 0.8], [0.5, 0.5]])


# ---------------------------------------------------------------- top_k / errors / pairs

def test_top_k_most_probable_first_ties_to_the_lower_class():
    probs = np.array([[0.1, 0.6, 0.3], [0.4, 0.2, 0.4], [1 / 3, 1 / 3, 1 / 3]])
    assert metrics.top_k(probs, 2).tolist() == [[1, 2], [0, 2], [0, 1]]
    assert metrics.top_k(probs, 1).tolist() == [[1], [0], [0]]
    assert metrics.top_k(probs, 3).tolist()[2] == [0, 1, 2]
    assert metrics.top_k(np.zeros((0, 3)), 2).shape == (0, 2)
    with pytest.raises(ValueError, match="k must be an integer >= 1; got 0"):
        metrics.top_k(probs, 0)


def test_most_confident_errors_first_ties_in_their_order(preds):
    probs = np.array([[0.6, 0.4], [0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    y = [1, 1, 1, 1, 0]
    assert metrics.most_confident_errors(y, probs).tolist() == [1, 4, 0, 3]  # 0.9, 0.7, then the two 0.6 in order
    assert metrics.most_confident_errors([0, 1], [[0.9, 0.1], [0.2, 0.8]]).tolist() == []
    labels, p = preds
    order = metrics.most_confident_errors(labels, p)
    pred = p.argmax(1)
    assert set(order) == set(np.flatnonzero(pred != labels))
    conf = p[order, pred[order]]
    assert np.all(np.diff(conf) <= 0)


def test_most_confused_pairs_ranked_by_count_ties_by_class_order(preds):
    y_true = [0, 0, 1, 1, 2, 2, 2, 3]
    y_pred = [1, 1, 0, 1, 0, 3, 3, 3]
    assert metrics.most_confused_pairs(y_true, y_pred, 4) == [(0, 1, 2), (2, 3, 2), (1, 0, 1), (2, 0, 1)]
    assert metrics.most_confused_pairs(y_true, y_pred, 4, n_pairs=2) == [(0, 1, 2), (2, 3, 2)]
    assert metrics.most_confused_pairs([0, 1], [0, 1], 2) == []  # the diagonal is not a confusion
    labels, probs = preds
    pairs = metrics.most_confused_pairs(labels, probs.argmax(1), 10)
    counts = metrics.confusion_counts(labels, probs.argmax(1), 10)
    assert sum(c for _t, _p, c in pairs) == counts.sum() - np.trace(counts)
    assert all(isinstance(v, int) for pair in pairs for v in pair)
    with pytest.raises(ValueError, match="n_pairs must be an integer >= 1; got 0"):
        metrics.most_confused_pairs(y_true, y_pred, 4, n_pairs=0)


def test_top1_accuracy_counts_nan_rows_as_wrong():
    from mnist_viz.metrics import accuracy, top1_accuracy

    probs = np.array([[0.9, 0.1], [np.nan, 0.5], [0.2, 0.8], [np.inf, 0.0]])
    assert top1_accuracy([0, 0, 1, 0], probs) == 0.5  # argmax would call rows 1 and 3 class 0: 1.0
    assert top1_accuracy([0, 1], probs[[0, 2]]) == accuracy([0, 1], [0, 1]) == 1.0
    assert top1_accuracy([0, 0], np.full((2, 2), np.nan)) == 0.0
    assert np.isnan(top1_accuracy([], np.zeros((0, 2))))


def test_top1_accuracy_checks_its_arguments():
    from mnist_viz.metrics import top1_accuracy

    with pytest.raises(ValueError, match=r"mismatched lengths: y_true has 2 rows, probabilities has 1"):
        top1_accuracy([0, 1], [[0.1, 0.9]])
    with pytest.raises(ValueError, match=r"probabilities must be 2-D \(n_samples, n_classes\); got shape \(1,\)"):
        top1_accuracy([0], [0.5])
    with pytest.raises(ValueError, match=r"y_true holds a negative label"):
        top1_accuracy([-1], [[0.5, 0.5]])
