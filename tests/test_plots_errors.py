"""Behaviour of mnist_viz.plots.misclassified and confused_pairs: the most confident errors first, the
pairs ranked by count, each digit's pixels under its title.
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
from mnist_viz.plots._style import WRONG_COLOR  # noqa: E402


def _digit_under(ax, title):
    """The 28×28 pixels of the mosaic just below a digit title (its ``xy``: the digit's top centre)."""
    mosaic = np.ma.filled(ax.images[0].get_array().astype(float), np.nan)
    cx, top = title.xy
    r0, c0 = int(round(top + 0.5)), int(round(cx + 0.5 - 14))
    assert np.isnan(mosaic[r0 - 1, c0]) and np.isnan(mosaic[r0, c0 - 1])  # a gap around the digit
    return mosaic[r0:r0 + 28, c0:c0 + 28]


def test_misclassified_most_confident_first(preds):
    images, labels, probs = preds
    fig = mp.misclassified(images, labels, probs, n=5)
    pred = probs.argmax(1)
    wrong = np.flatnonzero(pred != labels)
    top = wrong[np.argsort(-probs[wrong, pred[wrong]], kind="stable")][:5]
    (ax,) = fig.axes  # every digit on one Axes, in one mosaic image
    titles = [t for t in ax.texts if t.get_gid() == "title"]
    assert [t.get_text() for t in titles] == [f"true {labels[i]} → pred {pred[i]} ({probs[i, pred[i]]:.2f})"
                                              for i in top]
    (im,) = ax.images
    assert im.get_interpolation() == "nearest"
    for t, i in zip(titles, top):  # under each title, that digit's pixels in a vermillion frame
        np.testing.assert_array_equal(_digit_under(ax, t), images[i])
    frames = [p for p in ax.patches if p.get_gid() == "frame"]
    assert len(frames) == 5
    assert {mcolors.to_hex(p.get_edgecolor()) for p in frames} == {WRONG_COLOR.lower()}
    assert [(p.get_x() + p.get_width() / 2, p.get_y()) for p in frames] == [t.xy for t in titles]


def test_misclassified_with_no_errors_says_so():
    probs = np.eye(3)[[0, 1, 2]] * 0.9 + 0.1 / 3
    fig = mp.misclassified(np.zeros((3, 28, 28)), [0, 1, 2], probs)
    assert gd.texts(fig.axes[0]) == ["No misclassified digits among 3."]


def test_confused_pairs_ranked_by_count(preds):
    images, labels, probs = preds
    fig = mp.confused_pairs(images, labels, probs, n_pairs=3, n_examples=4)
    pred = probs.argmax(1)
    cm = sk_cm(labels, pred, labels=range(10))
    np.fill_diagonal(cm, 0)
    order = np.argsort(-cm, axis=None, kind="stable")[:3]
    (ax,) = fig.axes  # pair names, digits, frames and probabilities on one Axes
    heads = [t.get_text() for t in ax.texts if t.get_gid() == "pair"]
    pairs = [divmod(int(o), 10) for o in order]
    expected = [f"true {i} → pred {j}\n{cm[i, j]} error{'s' if cm[i, j] != 1 else ''}" for i, j in pairs]
    assert heads == expected
    # row by row: up to 4 examples of that pair, most confident first, the wrong class's probability above
    wrong = np.flatnonzero(pred != labels)
    wrong = wrong[np.argsort(-probs[wrong, pred[wrong]], kind="stable")]
    shown = [i for t, p in pairs for i in wrong[(labels[wrong] == t) & (pred[wrong] == p)][:4]]
    titles = [t for t in ax.texts if t.get_gid() == "title"]
    assert [t.get_text() for t in titles] == [f"{probs[i, pred[i]]:.2f}" for i in shown]
    for t, i in zip(titles, shown):
        np.testing.assert_array_equal(_digit_under(ax, t), images[i])
    assert len([p for p in ax.patches if p.get_gid() == "frame"]) == len(shown)


def test_confused_pairs_bad_input(preds):
    images, labels, probs = preds
    with pytest.raises(ValueError, match="n_pairs must be an integer >= 1; got -1"):
        mp.confused_pairs(images, labels, probs, n_pairs=-1)
    with pytest.raises(ValueError, match="y_true must be integer labels"):
        mp.confused_pairs(images, np.zeros((300, 2, 2)), probs)


def test_error_views_rank_with_metrics(preds):
    from mnist_viz import metrics

    images, labels, probs = preds
    order = metrics.most_confident_errors(labels, probs)
    fig = mp.misclassified(images, labels, probs, n=4)
    pred = probs.argmax(1)
    assert [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "title"] == [
        f"true {labels[i]} → pred {pred[i]} ({probs[i, pred[i]]:.2f})" for i in order[:4]]
    pairs = metrics.most_confused_pairs(labels, pred, 10, n_pairs=3)
    fig = mp.confused_pairs(images, labels, probs, n_pairs=3)
    assert [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "pair"] == [
        f"true {t} → pred {p}\n{n} error{'s' if n != 1 else ''}" for t, p, n in pairs]


def test_titles_are_at_least_9_points(preds):
    """Issue 13: the most-confident-errors titles were about 7 px high (7.5 pt); every title of
    both error views, and their suptitles, is at least 9 pt at the default size."""
    images, y_true, probabilities = preds
    for fig in (mp.misclassified(images, y_true, probabilities),
                mp.confused_pairs(images, y_true, probabilities)):
        texts = [t for t in fig.axes[0].texts if t.get_gid() in ("title", "pair")]
        assert texts and min(t.get_fontsize() for t in texts) >= 9
        assert fig._suptitle.get_fontsize() >= 9
        fig.canvas.draw()
        heights = [t.get_window_extent().height for t in texts if "\n" not in t.get_text()]
        assert heights and min(heights) >= 9 / 72 * fig.dpi  # drawn that tall, not scaled down


def _text_overlaps(view):
    """Pairs of texts of ``view`` (its titles, pair names and suptitle) whose drawn boxes overlap."""
    root = view.get_figure(root=True)
    root.canvas.draw()
    renderer = root.canvas.get_renderer()
    texts = [t for ax in view.axes for t in ax.texts] + [view.get_suptitle() and view._suptitle]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t]
    return [(a, b) for i, (a, box) in enumerate(boxes) for b, other in boxes[i + 1:] if box.overlaps(other)]


@pytest.mark.parametrize("draw", [
    lambda x, y, p, fig: mp.misclassified(x, y, p, fig=fig),
    lambda x, y, p, fig: mp.misclassified(x, y, p, class_names=[f"class number {i}" for i in range(10)], fig=fig),
    lambda x, y, p, fig: mp.confused_pairs(x, y, p, fig=fig),
], ids=["misclassified", "misclassified_long_names", "confused_pairs"])
def test_titles_fit_a_smaller_subfigure_without_overlapping(preds, draw):
    """The titles are broken and sized for the real cells of the user's (sub)figure: in a subfigure
    half the fresh figure's size (and in gs[0, 1] of a 12×8 figure) no two texts overlap, none is
    wider than the subfigure; the fresh figure keeps 9 pt."""
    import matplotlib.pyplot as plt

    images, labels, probs = preds
    fresh = draw(images, labels, probs, None)
    assert {t.get_fontsize() for ax in fresh.axes for t in ax.texts} == {9.0} and fresh._suptitle.get_fontsize() == 9
    if "class number" not in fresh.axes[0].texts[0].get_text():  # long names: 9 pt on a fresh figure all the same
        assert _text_overlaps(fresh) == []
    width, height = fresh.get_size_inches()
    user = plt.figure(figsize=(width, height), layout="constrained")
    half = user.subfigures(2, 2)[0][0]
    grid = plt.figure(figsize=(12, 8), layout="constrained").add_gridspec(2, 2)
    for view in (draw(images, labels, probs, half), draw(images, labels, probs, grid[0, 1])):
        assert _text_overlaps(view) == []
        sizes = [t.get_fontsize() for ax in view.axes for t in ax.texts]
        assert 3 < min(sizes) < 9 and view._suptitle.get_window_extent().width <= view.bbox.width
    plt.close("all")
