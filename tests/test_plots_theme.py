"""mnist_viz.plots._theme: the dark theme a block of code draws in — the dark style file on top of
the base one, hand-written colours swapped by ink(), light output untouched, and the theme local to
its block (a contextvar).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import contextvars  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

import mnist_viz.plots as mp  # noqa: E402
from mnist_viz.plots._theme import DARK_BACKGROUND, DARK_INK, current_theme, ink, theme  # noqa: E402


def _luminance(rgb) -> float:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return r * 0.2126 + g * 0.7152 + b * 0.0722


def _pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255.0


def test_dark_figures_are_dark_with_light_text(preds):
    _i, labels, probs = preds
    with theme("dark"):
        ax = mp.confusion_matrix(labels, probs)
    fig = ax.figure
    assert to_rgb(fig.get_facecolor()) == pytest.approx(to_rgb(DARK_BACKGROUND))
    assert to_rgb(ax.title.get_color()) == pytest.approx(to_rgb(DARK_INK))
    assert to_rgb(ax.xaxis.label.get_color()) == pytest.approx(to_rgb(DARK_INK))
    px = _pixels(fig)
    assert _luminance(px[0, 0]) < 0.15 and _luminance(px[-1, -1]) < 0.15
    # cell texts still follow their cell's colour (white on dark cells, black on light ones)
    cells = [t for t in ax.texts if t.get_gid() == "cell"]
    assert {t.get_color() for t in cells} == {"white", "black"}


def test_light_figures_are_what_they_were(preds):
    _i, labels, probs = preds
    light = _pixels(mp.confusion_matrix(labels, probs).figure)
    with theme("light"):
        again = _pixels(mp.confusion_matrix(labels, probs).figure)
    assert np.array_equal(light, again)
    assert _luminance(light[0, 0]) > 0.95


def _label_colours(fig) -> set:
    return {to_rgb(a.get_facecolor()) for a in fig.findobj(lambda a: a.get_gid() in ("bar_labels", "true_labels"))}


def test_the_dark_theme_reaches_hand_written_colours(preds):
    """topk_grid writes its bar labels in black by hand: light text in the dark theme."""
    images, labels, probs = preds
    with theme("dark"):
        dark = mp.topk_grid(images, labels, probs, k=3, n=4)
    assert _label_colours(dark) == {to_rgb(DARK_INK)}
    assert _label_colours(mp.topk_grid(images, labels, probs, k=3, n=4)) == {(0.0, 0.0, 0.0)}


def test_ink_swaps_greys_black_and_white_only_in_the_dark():
    assert [ink(c) for c in ("0.3", "black", "white", "#0072B2")] == ["0.3", "black", "white", "#0072B2"]
    with theme("dark"):
        assert [ink(c) for c in ("0.3", "black", "white", "#0072B2", "none")] == \
            ["0.7", DARK_INK, DARK_BACKGROUND, "#0072B2", "none"]


def test_the_theme_is_local_to_its_block_and_context():
    seen = []
    with theme("dark"):
        contextvars.Context().run(lambda: seen.append(current_theme()))  # a fresh context: the default
        seen.append(current_theme())
        with pytest.raises(RuntimeError):
            with theme("light"):
                raise RuntimeError("inside")
        seen.append(current_theme())  # restored after an exception
    assert seen == ["light", "dark", "dark"] and current_theme() == "light"
    with pytest.raises(ValueError, match="theme must be one of 'light', 'dark'; got 'Dark'"):
        with theme("Dark"):
            pass


def test_the_style_context_leaves_rcparams_alone_after_a_dark_plot(preds):
    _i, labels, probs = preds
    before = dict(matplotlib.rcParams)
    with theme("dark"):
        mp.confusion_matrix(labels, probs)
    after = dict(matplotlib.rcParams)
    assert {k for k in before if before[k] != after[k]} <= {"backend", "interactive"}
