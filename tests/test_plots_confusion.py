"""Behaviour of mnist_viz.plots.confusion_matrix, tested on the artists (cell texts, margins, tick labels,
colormaps, colorbars); bad input names the argument, what was expected and what came.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.metrics import confusion_matrix as sk_cm  # noqa: E402

import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402


def test_confusion_matrix_counts_margins_and_ticks(preds):
    _i, labels, probs = preds
    pred = probs.argmax(1)
    ax = mp.confusion_matrix(labels, pred)
    cm = sk_cm(labels, pred, labels=range(10))
    assert gd.texts(ax, "cell") == [str(v) for v in cm.ravel()]
    recall = np.diag(cm) / cm.sum(1)
    precision = np.diag(cm) / cm.sum(0)
    assert gd.texts(ax, "recall") == [f"{r:.0%}" for r in recall]
    assert gd.texts(ax, "precision") == [f"{p:.0%}" for p in precision]
    assert gd.texts(ax, "accuracy") == [f"{np.mean(pred == labels):.0%}"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(i) for i in range(10)] + ["recall"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(i) for i in range(10)] + ["precision"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert ax.images[0].get_cmap().name == "viridis"
    assert len(ax.figure.axes) == 2  # the colorbar


def test_confusion_matrix_takes_probabilities_one_hot_and_names(preds):
    _i, labels, probs = preds
    names = list("abcdefghij")
    a = mp.confusion_matrix(np.eye(10)[labels], probs, class_names=names, cmap="cividis")
    b = mp.confusion_matrix(labels, probs.argmax(1))
    assert gd.texts(a, "cell") == gd.texts(b, "cell")
    assert [t.get_text() for t in a.get_xticklabels()][:10] == names
    assert a.images[0].get_cmap().name == "cividis"


def test_confusion_matrix_normalize_true_and_pred(preds):
    _i, labels, probs = preds
    ax = mp.confusion_matrix(labels, probs, normalize="true", margins=False)
    arr = ax.images[0].get_array()
    np.testing.assert_allclose(arr.sum(axis=1), 1.0)
    assert all(len(t.split(".")[1]) == 2 for t in gd.texts(ax, "cell"))
    ax = mp.confusion_matrix(labels, probs, normalize="pred", values_format=".1f")
    np.testing.assert_allclose(ax.images[0].get_array().sum(axis=0), 1.0)
    assert gd.texts(ax, "cell")[0].count(".") == 1 and len(gd.texts(ax, "cell")[0].split(".")[1]) == 1


def test_confusion_matrix_text_contrasts_with_cell():
    ax = mp.confusion_matrix([0] * 50 + [1], [0] * 50 + [0], margins=False)
    cells = [t for t in ax.texts if t.get_gid() == "cell"]
    assert mcolors.to_hex(cells[0].get_color()) == "#000000"  # 50 on yellow
    assert mcolors.to_hex(cells[1].get_color()) == "#ffffff"  # 0 on dark purple


def test_confusion_matrix_at_47_classes_drops_cell_text_keeps_readable_margins():
    y, probs, names = gd.many_class_predictions(1500)
    pred = probs.argmax(1)
    ax = mp.confusion_matrix(y, probs, class_names=names)
    assert gd.texts(ax, "cell") == []
    cm = sk_cm(y, pred, labels=range(47))
    # the margins keep their values, as bare percentages in small type; the tick labels say "%"
    assert gd.texts(ax, "recall") == [f"{100 * r:.0f}" for r in np.diag(cm) / cm.sum(1)]
    assert gd.texts(ax, "precision") == [f"{100 * p:.0f}" for p in np.diag(cm) / cm.sum(0)]
    assert gd.texts(ax, "accuracy") == [f"{100 * np.mean(pred == y):.0f}"]
    assert all(t.get_fontsize() >= 6.5 for t in ax.texts)
    assert ax.get_xticklabels()[-1].get_text() == "recall %" and ax.get_yticklabels()[-1].get_text() == "precision %"
    assert len(ax.get_xticklabels()) == 48
    # two colorbars: counts for the matrix, 0-100 % for the margins (not one that reads counts only)
    assert len(ax.figure.axes) == 3
    labels = sorted(a.get_ylabel() for a in ax.figure.axes[1:])
    assert labels == ["count", "margins: recall / precision"]
    margin_cb = [a for a in ax.figure.axes[1:] if a.get_ylabel().startswith("margins")][0]
    assert margin_cb.get_ylim() == (0.0, 1.0)
    assert "over 47 classes" in mp.alt_text(ax)


def test_confusion_matrix_margin_colorbar_only_where_counts_would_mislead(preds):
    _i, labels, probs = preds
    assert len(mp.confusion_matrix(labels, probs).figure.axes) == 2  # 10 classes: values written, as before
    y, p47, names = gd.many_class_predictions(600)
    assert len(mp.confusion_matrix(y, p47, normalize="true").figure.axes) == 2  # fraction bar: same 0..1 scale
    assert len(mp.confusion_matrix(y, p47, margins=False).figure.axes) == 2


def test_confusion_matrix_n_classes_catches_out_of_range_labels():
    with pytest.raises(ValueError, match=r"y_pred holds label 12, out of range for 10 classes \(0..9\)"):
        mp.confusion_matrix([0, 1, 2], [0, 1, 12], n_classes=10)
    with pytest.raises(ValueError, match=r"y_true holds label 10, out of range for 10 classes"):
        mp.class_metrics([0, 10], [0, 1], n_classes=10)
    with pytest.raises(ValueError, match="n_classes must be an integer >= 1; got 0"):
        mp.confusion_matrix([0], [0], n_classes=0)
    with pytest.raises(ValueError, match="class_names has 3 names, n_classes is 4"):
        mp.confusion_matrix([0], [0], n_classes=4, class_names=list("abc"))
    # without n_classes a stray label widens the matrix (the documented fallback); with it, 10 classes
    ax = mp.confusion_matrix([0, 1], [0, 1], n_classes=10)
    assert len(ax.get_xticklabels()) == 11


def test_confusion_matrix_alt_text():
    ax = mp.confusion_matrix([4, 4, 1, 9], [9, 4, 1, 9])
    assert mp.alt_text(ax) == ("Confusion matrix of 4 predictions over 10 classes; accuracy 75.0%; "
                               "most confused: true 4 → pred 9 (1).")


def test_confusion_matrix_bad_input():
    with pytest.raises(ValueError, match="mismatched lengths: y_true has 3 rows, y_pred has 2 rows"):
        mp.confusion_matrix([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="y_pred holds label 5, out of range for 3 classes"):
        mp.confusion_matrix([0, 1, 2], [0, 1, 5], class_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="y_true holds a negative label"):
        mp.confusion_matrix([0, -1], [0, 1])
    with pytest.raises(TypeError, match="y_true must hold integer class labels; got dtype float64"):
        mp.confusion_matrix([0.5, 1.0], [0, 1])
    with pytest.raises(ValueError, match="normalize must be None, 'true', 'pred' or 'all'; got 'rows'"):
        mp.confusion_matrix([0, 1], [0, 1], normalize="rows")
    with pytest.raises(ValueError, match=r"y_pred has 10 columns \(one per class\), expected 3"):
        mp.confusion_matrix(np.eye(3)[[0, 1]], np.eye(10)[[0, 1]])


def test_confusion_matrix_empty_gives_a_message():
    ax = mp.confusion_matrix([], [], class_names=["a", "b"])
    assert gd.texts(ax) == ["No predictions to plot."]


def test_confusion_matrix_im_kw_and_text_kw_pass_through():
    ax = mp.confusion_matrix([0, 1, 1], [0, 1, 0], im_kw={"alpha": 0.5}, text_kw={"fontsize": 5, "color": "red"})
    assert ax.images[0].get_alpha() == 0.5
    cells = [t for t in ax.texts if t.get_gid() == "cell"]
    assert all(t.get_fontsize() == 5 and t.get_color() == "red" for t in cells)


def test_confusion_matrix_counts_and_alt_text_come_from_metrics(preds):
    from mnist_viz import metrics

    _i, labels, probs = preds
    pred = probs.argmax(1)
    ax = mp.confusion_matrix(labels, probs)
    counts = metrics.confusion_counts(labels, pred, 10)
    np.testing.assert_array_equal(ax.images[0].get_array(), counts)
    assert gd.texts(ax, "accuracy") == [f"{metrics.accuracy(labels, pred):.0%}"]
    ((t, p, n),) = metrics.most_confused_pairs(labels, pred, 10, n_pairs=1)
    assert mp.alt_text(ax).endswith(f"most confused: true {t} → pred {p} ({n}).")


def _overlapping_pairs(ax, gids=("cell", "recall", "precision", "accuracy")):
    import itertools

    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts if t.get_gid() in gids]
    return boxes, [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]


@pytest.mark.parametrize("layout", [None, "constrained"])
def test_normalized_cell_texts_do_not_overlap_in_a_users_2x2_grid(preds, layout):
    """Issue 13: in plt.subplots(2, 2, figsize=(10, 8)) the normalized cell texts ran into each
    other at 8 pt; sized to the Axes' cells, no two cell or margin texts' boxes overlap."""
    import matplotlib.pyplot as plt

    _images, y_true, probabilities = preds
    fig, axes = plt.subplots(2, 2, figsize=(10, 8), layout=layout)
    ax = mp.confusion_matrix(y_true, probabilities, normalize="true", ax=axes[0, 1])
    boxes, overlapping = _overlapping_pairs(ax)
    assert len(boxes) == 100 + 10 + 10 + 1 and overlapping == []
    sizes = {t.get_fontsize() for t in ax.texts if t.get_gid() == "cell"}
    assert len(sizes) == 1 and 5 <= sizes.pop() <= 8  # at most a fresh figure's 8 pt, still readable
    # sized as drawn: the same figure drawn smaller gets smaller values, still clear of each other
    fig.set_size_inches(6, 5)
    boxes, overlapping = _overlapping_pairs(ax)
    smaller = {t.get_fontsize() for t in ax.texts if t.get_gid() == "cell"}
    assert overlapping == [] and len(smaller) == 1 and smaller.pop() < 6.5
    plt.close(fig)


def test_cell_texts_keep_their_size_on_a_fresh_figure_and_text_kw_wins(preds):
    import matplotlib.pyplot as plt

    _images, y_true, probabilities = preds
    ax = mp.confusion_matrix(y_true, probabilities, normalize="true")
    assert {t.get_fontsize() for t in ax.texts if t.get_gid() == "cell"} == {8}
    assert _overlapping_pairs(ax)[1] == []
    _fig, small = plt.subplots(2, 2, figsize=(10, 8))
    ax = mp.confusion_matrix(y_true, probabilities, normalize="true", ax=small[0, 0], text_kw={"fontsize": 9})
    assert {t.get_fontsize() for t in ax.texts if t.get_gid() == "cell"} == {9}
    _fig, big = plt.subplots(figsize=(9, 9))  # room enough: the default size
    ax = mp.confusion_matrix(y_true, probabilities, normalize="true", ax=big)
    assert {t.get_fontsize() for t in ax.texts if t.get_gid() == "cell"} == {8}


def test_values_format_and_cmap_are_checked_before_drawing():
    with pytest.raises(TypeError, match=r"values_format must be a format spec .*got int"):
        mp.confusion_matrix([0, 1], [0, 1], values_format=2)
    with pytest.raises(ValueError, match=r"values_format '\.2q' cannot format the cells, which hold counts: e\.g\. 'd'"):
        mp.confusion_matrix([0, 1], [0, 1], values_format=".2q")
    # 'd' suits counts, not the fractions normalize= makes: said before drawing, naming both
    with pytest.raises(ValueError, match=r"values_format 'd' cannot format the cells, which hold fractions "
                                         r"\(normalize='true'\): e\.g\. '\.2f'"):
        mp.confusion_matrix([0, 1], [0, 1], values_format="d", normalize="true")
    assert "a" in [t.get_text() for t in mp.confusion_matrix([0, 1, 1] * 5, [0, 1, 1] * 5, values_format="x").texts]
    with pytest.raises(ValueError, match=r"cmap must be a matplotlib colormap name .*got 'nope'"):
        mp.confusion_matrix([0, 1], [0, 1], cmap="nope")
    ax = mp.confusion_matrix([0, 1], [0, 1], normalize="true", values_format=".0%", cmap="magma")
    assert "100%" in [t.get_text() for t in ax.texts]
