"""The project's plot style, applied inside each call, its colours, and the alt text of a figure.

Every public plot function wraps its drawing in :func:`plot_style` so notebook output matches test
output and matplotlib's global rcParams are never changed at import. Fresh figures and Axes come
from :mod:`mnist_viz.plots._figure`.

Example
-------
>>> from mnist_viz.plots._style import plot_style, set_alt_text, alt_text, text_color
>>> from mnist_viz.plots._figure import new_axes
>>> with plot_style():
...     ax = new_axes(None, figsize=(3, 2))
...     _ = ax.plot([0, 1], [1, 0])
>>> set_alt_text(ax, "a falling line")
>>> alt_text(ax)
'a falling line'
>>> text_color((0.0, 0.0, 0.3, 1.0)), text_color((1.0, 1.0, 0.6, 1.0))
('white', 'black')
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import matplotlib
import numpy as np

from mnist_viz._arrays import pixel_scale

STYLE_FILE = Path(__file__).with_name("mnist_viz.mplstyle")

#: Colour-blind-safe defaults (Okabe-Ito for categories, viridis/cividis for sequences).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
CORRECT_COLOR = "#009E73"
WRONG_COLOR = "#D55E00"
SEQUENTIAL_CMAP = "viridis"
DIVERGING_CMAP = "RdBu_r"
DIGIT_CMAP = "gray_r"
#: fully transparent: the "bad" (NaN) colour of mosaics, whose gaps show the figure behind
TRANSPARENT = (1.0, 1.0, 1.0, 0.0)


@contextlib.contextmanager
def plot_style():
    """Context manager applying the project's style file (and nothing outside the block)."""
    import matplotlib.pyplot as plt

    from ._theme import style_files  # the dark style file after the base one in theme("dark")

    with plt.style.context(style_files(STYLE_FILE)):
        yield


def digit_range(images) -> tuple[float, float]:
    """``(vmin, vmax)`` for drawing digits: ``(0, 255)`` for byte-scaled pixels, else ``(0, 1)``
    (:func:`mnist_viz._arrays.pixel_scale` tells which).

    >>> digit_range(np.zeros((2, 28, 28), np.uint8)), digit_range(np.full((28, 28), 0.5))
    ((0.0, 255.0), (0.0, 1.0))
    """
    return 0.0, pixel_scale(images)


def is_dark(rgba) -> np.ndarray:
    """True where an RGBA colour (array (..., 4)) is dark enough to need white text (luminance)."""
    rgba = np.asarray(rgba, dtype=float)
    return rgba[..., 0] * 0.2126 + rgba[..., 1] * 0.7152 + rgba[..., 2] * 0.0722 <= 0.45


def text_color(rgba) -> str:
    """``"white"`` on a dark colour, ``"black"`` on a light one (:func:`is_dark`)."""
    return "white" if is_dark(rgba) else "black"


def cmap_with_gaps(name: str, bad=TRANSPARENT):
    """The colormap ``name`` with NaN cells drawn in ``bad`` (transparent by default).

    >>> cmap_with_gaps("viridis", bad="white").get_bad().tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    return matplotlib.colormaps[name].with_extremes(bad=bad)


def class_palette(n: int):
    """One colour per class: seaborn's colour-blind palette up to 10 classes, ``husl`` beyond.

    >>> len(class_palette(3)), len(class_palette(47))
    (3, 47)
    """
    import seaborn as sns

    return sns.color_palette("colorblind", n) if n <= 10 else sns.color_palette("husl", n)


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
