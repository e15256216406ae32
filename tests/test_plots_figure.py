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


def test_new_axes_uses_the_given_axes_else_a_fresh_figure_never_the_current_one():
    import matplotlib.pyplot as plt

    from mnist_viz.plots._figure import new_axes

    current = plt.figure()
    fig, given = plt.subplots()
    assert new_axes(given, figsize=(9, 9)) is given and fig.get_size_inches().tolist() != [9, 9]
    ax = new_axes(None, figsize=(3.0, 2.0))
    assert ax.figure is not current and current.axes == []
    assert ax.figure.get_size_inches().tolist() == [3.0, 2.0]
    assert type(ax.figure.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
    assert new_axes(None, figsize=(3.0, 2.0), layout=None).figure.get_layout_engine() is None


def test_new_figure_and_new_subplots():
    from mnist_viz.plots._figure import new_figure, new_subplots

    fig = new_figure(figsize=(4, 3), layout=None)
    assert fig.get_layout_engine() is None and fig.axes == []
    fig, axes = new_subplots(1, 1, figsize=(4, 3))
    assert axes.shape == (1, 1)  # always 2-D, even for one panel
    fig, axes = new_subplots(2, 3, figsize=(6, 4), width_ratios=[2, 1, 1])
    assert axes.shape == (2, 3) and len(fig.axes) == 6
    assert axes[0, 0].get_subplotspec().get_gridspec().get_width_ratios() == [2, 1, 1]


def test_image_canvas_one_pixel_is_the_same_size_both_ways():
    from mnist_viz.plots._figure import image_canvas

    fig, ax = image_canvas(3.0, (40, 60), top_in=0.5)
    w, h = fig.get_size_inches()
    assert w == 3.0 and h == pytest.approx(40 * 3.0 / 60 + 0.5)
    x0, y0, aw, ah = ax.get_position().bounds
    assert (x0, y0, aw) == (0, 0, 1) and ah * h == pytest.approx(2.0)  # the image's 40 rows: 2 inches
    assert not ax.axison and fig.get_layout_engine() is None


def test_message_figure_and_draw_message():
    from mnist_viz.plots._figure import draw_message, message_figure, new_axes

    fig = message_figure("Nothing here.", "A view: nothing here.", figsize=(5, 2))
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.texts] == ["Nothing here."] and not ax.axison
    assert mp.alt_text(fig) == "A view: nothing here." and fig.get_size_inches().tolist() == [5.0, 2.0]
    ax = new_axes(None, figsize=(2, 2))
    draw_message(ax, "empty")
    (text,) = ax.texts
    assert text.get_position() == (0.5, 0.5) and text.get_transform() == ax.transAxes


def test_target_figure_fresh_given_or_a_subfigure_of_a_subplotspec():
    import matplotlib.pyplot as plt
    from matplotlib.figure import SubFigure

    from mnist_viz.plots._figure import figure_size, target_figure

    fresh = target_figure(None, figsize=(3.0, 2.0), layout=None)
    assert fresh.get_size_inches().tolist() == [3.0, 2.0] and fresh.get_layout_engine() is None
    user = plt.figure(figsize=(8, 4))
    assert target_figure(user, figsize=(1, 1)) is user
    left, right = user.subfigures(1, 2)
    assert target_figure(right, figsize=(1, 1)) is right and figure_size(right) == (4.0, 4.0)
    gs = user.add_gridspec(2, 2)
    sub = target_figure(gs[1, 0], figsize=(1, 1))
    assert isinstance(sub, SubFigure) and sub in user.subfigs and figure_size(sub) == (4.0, 2.0)
    with pytest.raises(ValueError, match=r"fig: the SubplotSpec's GridSpec belongs to no figure"):
        target_figure(plt.GridSpec(1, 2)[0, 0], figsize=(1, 1))
    for bad, got in ((plt.subplots()[1], "Axes"), ("figure", "str"), (gs, "GridSpec")):
        with pytest.raises(TypeError, match=rf"^fig must be a matplotlib Figure, a SubFigure .* or None; got {got}$"):
            target_figure(bad, figsize=(1, 1))


def test_check_axes_and_panel_axes_name_the_argument():
    import matplotlib.pyplot as plt

    from mnist_viz.plots._figure import axes_size, check_axes, panel_axes

    fig, axes = plt.subplots(1, 2, figsize=(6, 3))
    assert check_axes(axes[0]) is axes[0] and check_axes(None) is None
    with pytest.raises(TypeError, match=r"^ax must be a matplotlib Axes .* got ndarray \(several Axes: pass one"):
        check_axes(axes)
    with pytest.raises(TypeError, match=r"^ax must be a matplotlib Axes .* got Figure$"):
        check_axes(fig)
    assert panel_axes(axes, 2) == list(axes) and panel_axes(axes[1], 1) == [axes[1]]
    with pytest.raises(ValueError, match=r"ax must hold one Axes per panel \(3 needed\); got 2"):
        panel_axes(axes, 3)
    w, h = axes_size(axes[0])
    x0, y0, aw, ah = axes[0].get_position().bounds
    assert (w, h) == pytest.approx((aw * 6, ah * 3))


def test_image_canvas_in_a_users_subfigure_keeps_square_pixels():
    import matplotlib.pyplot as plt

    from mnist_viz.plots._figure import image_canvas

    user = plt.figure(figsize=(8, 8))
    sub = user.subfigures(1, 2)[0]
    got, ax = image_canvas(3.0, (40, 60), top_in=0.5, fig=sub)
    assert got is sub and ax.figure is sub and ax.get_aspect() == 1.0 and ax.get_anchor() == "N"
    ax.imshow(np.zeros((40, 60)))
    user.canvas.draw()
    box = ax.get_window_extent()
    assert box.width / box.height == pytest.approx(60 / 40, rel=0.02)
    assert sub.bbox.contains(box.x0 + 1, box.y0 + 1) and sub.bbox.contains(box.x1 - 1, box.y1 - 1)
