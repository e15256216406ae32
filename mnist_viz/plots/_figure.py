"""Fresh figures and Axes for every plot function: one contract.

A plot function not given ``ax`` draws on a *fresh* figure made here, never on matplotlib's current
one (scikit-learn's Display objects do the same). ``figsize`` is always given (each plot fixes its
own size, so the gallery's pixels do not depend on rcParams); ``layout`` is ``"constrained"``
unless the caller places its Axes in inches itself and passes ``layout=None`` (no layout engine:
faster, and exactly where it was put). Call these inside :func:`~mnist_viz.plots._style.plot_style`.

Example
-------
>>> from mnist_viz.plots._figure import message_figure, new_axes, new_subplots
>>> new_axes(None, figsize=(3, 2)).figure.get_layout_engine().__class__.__name__
'ConstrainedLayoutEngine'
>>> fig, axes = new_subplots(1, 3, figsize=(6, 2))
>>> axes.shape
(1, 3)
>>> fig = message_figure("Nothing to show.", "Example: nothing to show.")
>>> [t.get_text() for t in fig.axes[0].texts]
['Nothing to show.']
"""
from __future__ import annotations

from ._style import set_alt_text
from ._theme import ink

__all__ = ["new_figure", "new_axes", "new_subplots", "image_canvas", "draw_message", "message_figure"]


def new_figure(*, figsize, layout="constrained"):
    """A fresh Figure of ``figsize`` inches (``layout=None``: no layout engine)."""
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, layout=layout)


def new_axes(ax=None, *, figsize, layout="constrained"):
    """``ax`` itself when given, else the one Axes of a fresh figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _fig, ax = plt.subplots(figsize=figsize, layout=layout)
    return ax


def new_subplots(nrows: int, ncols: int, *, figsize, layout="constrained", **grid):
    """``(fig, axes)`` of a fresh figure with an ``nrows × ncols`` grid; ``axes`` is always 2-D.
    ``grid`` goes to ``plt.subplots`` (e.g. ``width_ratios=[2, 1]``)."""
    import matplotlib.pyplot as plt

    return plt.subplots(nrows, ncols, figsize=figsize, layout=layout, squeeze=False, **grid)


def image_canvas(width_in: float, shape, *, top_in: float):
    """A fresh figure ``width_in`` inches wide holding one bare Axes that shows an ``(H, W)`` image
    at one pixel = ``width_in / W`` inches, with ``top_in`` inches above it for the suptitle. No
    layout engine. Returns ``(fig, ax)``; data units on ``ax`` are the image's pixels (y down),
    as ``imshow`` draws them."""
    h, w = shape
    scale = width_in / w
    height_in = h * scale + top_in
    fig = new_figure(figsize=(width_in, height_in), layout=None)
    ax = fig.add_axes((0, 0, 1, h * scale / height_in))
    ax.set_axis_off()
    return fig, ax


def draw_message(ax, text: str) -> None:
    """Write ``text`` in the middle of an empty ``ax`` (used for empty inputs) and hide its frame."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color=ink("0.3"), wrap=True)


def message_figure(text: str, alt: str, *, figsize=(4.8, 2.0)):
    """A fresh figure that only says ``text`` (nothing to draw), with the alt text ``alt``."""
    ax = new_axes(None, figsize=figsize)
    draw_message(ax, text)
    set_alt_text(ax.figure, alt)
    return ax.figure
