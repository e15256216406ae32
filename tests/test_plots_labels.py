"""Class names in figures (mnist_viz/plots/_labels.py): cut with an ellipsis, measured, and — for
every plot with class tick labels — drawn so that no tick label's box overlaps another's or leaves
the figure, for 10 long names and for 47 classes."""
from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402
from mnist_viz.plots._labels import ELLIPSIS, MAX_LABEL_CHARS, class_ticks, short_name, text_width, wrapped  # noqa: E402

FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
#: Fashion-MNIST's names, half of them replaced by 30-character ones (and one HTML-hostile)
LONG_10 = ['<b>T&shirt</b> "top" & friends', "Trouser", "Pullover with a very long name", "Dress",
           "Coat for the rain and the wind", "Sandal", "Shirt with buttons and a collar", "Sneaker",
           "Bag with a strap and a buckle!", "Ankle boot"]
#: 47 classes (EMNIST balanced's count), every name long
LONG_47 = [f"class number {i} with a long name" for i in range(47)]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_short_name_cuts_with_an_ellipsis_and_keeps_short_names():
    assert short_name("T-shirt/top") == "T-shirt/top"
    cut = short_name(LONG_10[2])
    assert len(cut) == MAX_LABEL_CHARS and cut.endswith(ELLIPSIS) and LONG_10[2].startswith(cut[:-1])
    assert short_name("a  b\nc") == "a b c"
    assert short_name("abcdefgh", width=4) == "abc…"


def test_wrapped_breaks_at_a_space_or_slash_on_two_lines():
    assert wrapped("Ankle boot") == "Ankle boot"
    assert wrapped("T-shirt/top", 7) == "T-shirt/\ntop"
    two = wrapped("Shirt with buttons and a collar")
    assert two.count("\n") == 1 and two.endswith(ELLIPSIS)


def test_text_width_grows_with_the_text_and_the_size():
    assert text_width("", 8) == 0.0
    assert 0 < text_width("i", 8) < text_width("W", 8) < text_width("WW", 8) < text_width("WW", 12)
    assert text_width("ab\nabcdef", 8) == text_width("abcdef", 8)


def test_class_ticks_turn_labels_wider_than_a_cell():
    fig, ax = plt.subplots(figsize=(4, 3))
    assert class_ticks(ax, "x", [0, 1], ["a", "b"], fontsize=8, pitch_in=1.0) == 0
    assert class_ticks(ax, "x", [0, 1], LONG_10[:2], fontsize=8, pitch_in=0.3) == 90
    assert [t.get_text() for t in ax.get_xticklabels()] == [short_name(LONG_10[0]), "Trouser"]
    assert ax.get_xticklabels()[0].get_rotation() == 90


def _tick_boxes(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = []
    for ax in fig.axes:
        for labels, lim, at in ((ax.get_xticklabels(), ax.get_xlim(), 0), (ax.get_yticklabels(), ax.get_ylim(), 1)):
            lo, hi = sorted(lim)
            for lab in labels:  # the labels drawn: visible, not blank, at a tick inside the view
                if lab.get_visible() and lab.get_text().strip() and lo - 1e-9 <= lab.get_position()[at] <= hi + 1e-9:
                    boxes.append((lab.get_text(), lab.get_window_extent(renderer)))
    return boxes


def assert_tick_labels_apart(obj):
    """No tick label's box overlaps another's (1 px of slack) or leaves the figure."""
    fig = obj if isinstance(obj, matplotlib.figure.Figure) else obj.figure
    boxes = _tick_boxes(fig)
    assert boxes, "no tick labels drawn"
    frame = fig.bbox
    for text, b in boxes:
        assert b.x0 >= frame.x0 - 0.5 and b.y0 >= frame.y0 - 0.5 and b.x1 <= frame.x1 + 0.5 and b.y1 <= frame.y1 + 0.5, (
            f"tick label {text!r} leaves the figure: {b} outside {frame}")
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        overlap_w = min(a.x1, b.x1) - max(a.x0, b.x0)
        overlap_h = min(a.y1, b.y1) - max(a.y0, b.y0)
        assert overlap_w <= 1 or overlap_h <= 1, f"tick labels {ta!r} and {tb!r} overlap: {a} and {b}"
    return boxes


def _predictions(names, n=600, seed=0):
    y = np.random.default_rng(seed).integers(0, len(names), n)
    return y, gd.synthetic_probabilities(y, n_classes=len(names), accuracy=0.8, seed=seed)


@pytest.mark.parametrize("names", [LONG_10, FASHION, LONG_47], ids=["10 long", "fashion", "47 long"])
@pytest.mark.parametrize("draw", [
    lambda y, p, names: mp.confusion_matrix(y, p, class_names=names),
    lambda y, p, names: mp.confusion_matrix(y, p, class_names=names, normalize="true", margins=False),
    lambda y, p, names: mp.class_metrics(y, p, class_names=names),
    lambda y, p, names: mp.class_metrics(y, p, class_names=names, kind="table"),
], ids=["confusion", "confusion normalized", "class_metrics bars", "class_metrics table"])
def test_no_tick_label_overlaps_another_or_leaves_the_figure(draw, names):
    y, p = _predictions(names)
    boxes = assert_tick_labels_apart(draw(y, p, names))
    texts = [t for t, _ in boxes]
    assert any(t.startswith(short_name(names[0]).rstrip(ELLIPSIS)) for t in texts)  # the names are drawn
    assert all(len(t.split("\n")[0].split(" (n=")[0]) <= MAX_LABEL_CHARS for t in texts)


@pytest.mark.parametrize("names", [LONG_10, LONG_47], ids=["10 long", "47 long"])
def test_evolution_and_side_by_side_matrices_keep_their_labels_apart(names):
    from types import SimpleNamespace

    from mnist_viz.run import Predictions, Run

    rng = np.random.default_rng(1)
    labels = np.arange(3 * len(names)) % len(names)
    probe = SimpleNamespace(labels=labels, epochs=np.arange(3),
                            probabilities=rng.dirichlet(np.ones(len(names)), size=(3, len(labels))))
    assert_tick_labels_apart(mp.prediction_evolution(probe, class_names=names))
    assert_tick_labels_apart(mp.prediction_evolution(probe, class_names=names, kind="accuracy"))
    runs = []
    for name in ("a", "b"):
        run = Run.from_dict({"loss": [0.5]}, name=name, metadata={"data": {"class_names": names}})
        y, p = _predictions(names, seed=len(runs))
        run.test = Predictions(probabilities=p, labels=y)
        runs.append(run)
    assert_tick_labels_apart(mp.compare_confusion(runs))


def test_the_check_catches_overlapping_labels():
    """The overlap check has teeth: long names set unturned under narrow cells fail it."""
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_xticks(range(10), LONG_10)
    with pytest.raises(AssertionError, match="overlap|leaves"):
        assert_tick_labels_apart(ax)
