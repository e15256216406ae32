"""Behaviour of mnist_viz.plots.topk_grid: marks, bar colours and widths, the true class's outline, image
layouts, indices and bad input.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from types import SimpleNamespace  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402
from mnist_viz.plots._style import CORRECT_COLOR, WRONG_COLOR  # noqa: E402


def _patch(fig, gid):
    return [p for p in fig.axes[0].patches if p.get_gid() == gid]


def test_topk_grid_marks_correct_and_wrong(preds):
    images, labels, probs = preds
    fig = mp.topk_grid(images, labels, probs, k=3, n=12, ncols=4)
    ok = probs[:12].argmax(1) == labels[:12]
    titles = (_patch(fig, "titles_correct") or [SimpleNamespace(texts=[])])[0].texts
    wrong_titles = (_patch(fig, "titles_wrong") or [SimpleNamespace(texts=[])])[0].texts
    assert len(titles) == ok.sum() and len(wrong_titles) == (~ok).sum()
    assert all(t.startswith("✓ true ") for t in titles) and all(t.startswith("✗ true ") for t in wrong_titles)
    bars = [c for c in fig.axes[0].collections if c.get_gid() == "bars"][0]
    colors = [mcolors.to_hex(c) for c in bars.get_facecolors()]
    assert len(colors) == 36
    top_colors = colors[::3]
    assert top_colors == [CORRECT_COLOR.lower() if o else WRONG_COLOR.lower() for o in ok]
    widths = np.array([np.ptp(p.vertices[:, 0]) for p in bars.get_paths()]).reshape(12, 3)
    np.testing.assert_allclose(widths / widths[:, :1], np.sort(probs[:12], 1)[:, ::-1][:, :3] / probs[:12].max(1)[:, None])
    # the true class bar is outlined in black and its label drawn bold
    edges = bars.get_edgecolors()
    assert sum(mcolors.to_hex(e, keep_alpha=True) == "#000000ff" for e in edges) == (
        sum(int(labels[i]) in np.argsort(-probs[i])[:3] for i in range(12)))
    labels_bold = _patch(fig, "true_labels")[0].texts
    assert labels_bold == [str(labels[i]) for i in range(12) if int(labels[i]) in np.argsort(-probs[i])[:3]]


def test_topk_grid_accepts_every_image_layout_and_one_hot_labels(preds):
    images, labels, probs = preds
    arrays = []
    for imgs in (images, images.reshape(-1, 784), images[..., None], images / 255.0):
        fig = mp.topk_grid(imgs, np.eye(10)[labels], probs, n=4)
        arrays.append(fig.axes[0].images[0].get_array())
    for a in arrays[1:]:
        np.testing.assert_array_equal(a, arrays[0])


def test_topk_grid_indices_and_k(preds):
    images, labels, probs = preds
    fig = mp.topk_grid(images, labels, probs, k=5, indices=[7, 3], ncols=5)
    assert len(_patch(fig, "bar_probs")[0].texts) == 10
    assert mp.alt_text(fig).startswith("Top-5 predictions for 2 digits")
    first = _patch(fig, "bar_probs")[0].texts[0]
    assert first == f"{probs[7].max():.2f}"


def test_topk_grid_bad_input(preds):
    images, labels, probs = preds
    with pytest.raises(ValueError, match=r"images must have shape \(n, 784\), \(n, 28, 28\) or \(n, 28, 28, 1\); got \(300, 28, 27\)"):
        mp.topk_grid(images[:, :, :27], labels, probs)
    with pytest.raises(ValueError, match="mismatched lengths: images has 299 rows, y_true has 300 rows"):
        mp.topk_grid(images[:-1], labels, probs)
    with pytest.raises(ValueError, match="y_true holds label 10, out of range for 10 classes"):
        mp.topk_grid(images, np.full(300, 10), probs)
    with pytest.raises(ValueError, match="k must be at most the number of classes \\(10\\); got 11"):
        mp.topk_grid(images, labels, probs, k=11)
    with pytest.raises(ValueError, match="n must be an integer >= 1; got 0"):
        mp.topk_grid(images, labels, probs, n=0)
    with pytest.raises(ValueError, match="indices must be in 0..299"):
        mp.topk_grid(images, labels, probs, indices=[400])
    with pytest.raises(ValueError, match="class_names has 3 names, probabilities has 10 columns"):
        mp.topk_grid(images, labels, probs, class_names=["a", "b", "c"])
    with pytest.warns(UserWarning, match="treating them as logits"):
        mp.topk_grid(images, labels, np.log(probs) * 3, n=2)
    with pytest.raises(TypeError, match=r"images must hold numbers \(pixel values, 0..1 floats or 0..255\); "
                                        r"got dtype <U1 \(e.g. 'a'\)"):
        mp.topk_grid(np.full((5, 784), "a"), labels[:5], probs[:5])
    with pytest.raises(TypeError, match="y_true must hold numbers .*; got dtype <U"):
        mp.topk_grid(images[:2], ["four", "nine"], probs[:2])


def test_topk_grid_empty_input_gives_a_message():
    fig = mp.topk_grid(np.zeros((0, 28, 28)), np.zeros(0, dtype=int), np.zeros((0, 10)))
    assert gd.texts(fig.axes[0]) == ["No digits to show."]


def test_topk_grid_bars_in_metrics_top_k_order(preds):
    from mnist_viz import metrics

    images, labels, probs = preds
    fig = mp.topk_grid(images, labels, probs, k=4, n=6, ncols=3)
    top = metrics.top_k(probs[:6], 4)
    labels_drawn = _patch(fig, "bar_labels")[0].texts + _patch(fig, "true_labels")[0].texts
    assert sorted(labels_drawn) == sorted(str(c) for c in top.ravel())
    assert _patch(fig, "bar_probs")[0].texts == [f"{probs[i, c]:.2f}" for i in range(6) for c in top[i]]


def test_titles_are_9_points(preds):
    """Issue 13: each digit's title ("✓ true 7") is drawn in 9 pt type at the default size: its
    glyph outlines (a bold digit and 't' at least cap height, 0.73 em) are that tall on the canvas."""
    from mnist_viz.plots.topk import TITLE_SIZE

    images, y_true, probabilities = preds
    assert TITLE_SIZE >= 9
    fig = mp.topk_grid(images[:1], y_true[:1], probabilities[:1], n=1)
    (title,) = [p for p in fig.axes[0].patches if p.get_gid().startswith("titles")]
    fig.canvas.draw()
    assert title.get_window_extent().height >= 0.73 * 9 / 72 * fig.dpi
