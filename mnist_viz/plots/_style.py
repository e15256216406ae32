"""The project's plot style, applied inside each call, and the shared figure/axes helpers.

Every public plot function wraps its drawing in :func:`plot_style` so notebook output matches test
output and matplotlib's global rcParams are never changed at import.

Example
-------
>>> from mnist_viz.plots._style import plot_style, new_axes, set_alt_text, alt_text
>>> with plot_style():
...     ax = new_axes(None)
...     _ = ax.plot([0, 1], [1, 0])
>>> set_alt_text(ax, "a falling line")
>>> alt_text(ax)
'a falling line'
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import matplotlib

STYLE_FILE = Path(__file__).with_name("mnist_viz.mplstyle")

#: Colour-blind-safe defaults (Okabe-Ito for categories, viridis/cividis for sequences).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
CORRECT_COLOR = "#009E73"
WRONG_COLOR = "#D55E00"
SEQUENTIAL_CMAP = "viridis"
DIVERGING_CMAP = "RdBu_r"
DIGIT_CMAP = "gray_r"


@contextlib.contextmanager
def plot_style():
    """Context manager applying the project's style file (and nothing outside the block)."""
    import matplotlib.pyplot as plt

    with plt.style.context(str(STYLE_FILE)):
        yield


def new_axes(ax=None, *, figsize=None):
    """Return ``ax`` if given, else the Axes of a *fresh* figure (never the current one)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _fig, ax = plt.subplots(figsize=figsize)
    return ax


def new_figure(*, figsize=None, layout="constrained"):
    """A fresh figure (constrained layout by default)."""
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, layout=layout)


def draw_message(ax, text: str) -> None:
    """Write ``text`` in the middle of an empty ``ax`` (used for empty inputs) and hide its frame."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.3", wrap=True)


def digit_range(images) -> tuple[float, float]:
    """``(vmin, vmax)`` for drawing digits: 0..255 for byte-scaled pixels, else 0..1."""
    import numpy as np

    arr = np.asarray(images)
    if arr.size and (arr.dtype == np.uint8 or float(np.nanmax(arr)) > 1.0):
        return 0.0, 255.0
    return 0.0, 1.0


def set_alt_text(obj, text: str) -> None:
    """Attach a short alt text to a Figure or Axes (stored on the figure)."""
    fig = obj if isinstance(obj, matplotlib.figure.Figure) else obj.figure
    fig._mnist_viz_alt = str(text)


def alt_text(obj) -> str:
    """The short alt text a plot function attached to its Figure or Axes ("" if none).

    >>> import mnist_viz.plots as mp
    >>> ax = mp.confusion_matrix([0, 1, 1], [0, 1, 0])
    >>> "confusion matrix" in mp.alt_text(ax).lower()
    True
    """
    fig = obj if isinstance(obj, matplotlib.figure.Figure) else obj.figure
    return getattr(fig, "_mnist_viz_alt", "")
