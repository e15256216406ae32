"""Class names as the figures draw them: cut with an ellipsis past :data:`MAX_LABEL_CHARS`
characters (the full names stay in alt texts and in the report's tables and tooltips), measured
in inches, and set as tick labels that never run into each other.

Example
-------
>>> from mnist_viz.plots._labels import short_name, short_names, text_width
>>> short_name("T-shirt/top"), short_name("Bag with a strap and a buckle")
('T-shirt/top', 'Bag with a stra…')
>>> short_names(["0", "Ankle boot"], width=4)
['0', 'Ank…']
>>> round(text_width("precision", 8), 2)
0.48
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike

__all__ = ["MAX_LABEL_CHARS", "ELLIPSIS", "short_name", "short_names", "text_width", "widest",
           "class_ticks", "wrapped"]

#: longest class name drawn whole in a figure; longer names are cut and end in :data:`ELLIPSIS`
MAX_LABEL_CHARS = 16
ELLIPSIS = "…"


def short_name(name: object, width: int = MAX_LABEL_CHARS) -> str:
    """``name`` as a str of at most ``width`` characters (cut ones end in "…"; spaces at the cut are dropped)."""
    s = " ".join(str(name).split())
    return s if len(s) <= width else s[: max(width - 1, 1)].rstrip() + ELLIPSIS


def short_names(names: Iterable[object], width: int = MAX_LABEL_CHARS) -> list[str]:
    """:func:`short_name` of each name."""
    return [short_name(n, width) for n in names]


@functools.lru_cache(maxsize=4096)
def _width(s: str, size: float, weight: str, style: str) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    if not s:
        return 0.0
    prop = FontProperties(family="DejaVu Sans", weight=weight, style=style)  # type: ignore[arg-type]
    lines = s.split("\n")
    return float(max(TextPath((0, 0), line, size=size, prop=prop).get_extents().width for line in lines if line)) / 72.0


def text_width(s: str, fontsize: float, *, weight: str = "normal", style: str = "normal") -> float:
    """The drawn width of ``s`` (its widest line) in DejaVu Sans at ``fontsize`` points, in inches."""
    return _width(str(s), float(fontsize), weight, style)


def widest(labels: Iterable[object], fontsize: float, **font: str) -> float:
    """The widest of ``labels`` (:func:`text_width`), 0 for none."""
    return max((text_width(str(s), fontsize, **font) for s in labels), default=0.0)


def wrapped(name: str, width: int = MAX_LABEL_CHARS // 2 + 2) -> str:
    """``name`` broken at spaces or slashes onto lines of about ``width`` characters (at most two
    lines; the second is cut with "…"), for labels under narrow bars.

    >>> wrapped("Ankle boot"), wrapped("T-shirt/top", 7), wrapped("A very long class name number 6")
    ('Ankle boot', 'T-shirt/\\ntop', 'A very\\nlong class…')
    """
    s = " ".join(str(name).split())
    if len(s) <= width:
        return s
    cut = max(s.rfind(" ", 0, width + 1), s.rfind("/", 0, width + 1))
    if cut <= 0:
        return short_name(s, width)
    head, tail = s[: cut + 1].rstrip(), s[cut + 1:].lstrip()
    return head + "\n" + short_name(tail, width + 2)


def _thinned(labels: list[str], pitch_in: float, fontsize: float) -> list[str]:
    """Every k-th label (the rest blank, the last kept) when ticks ``pitch_in`` apart are closer
    than one line of ``fontsize`` text."""
    line = 1.15 * fontsize / 72
    if pitch_in <= 0 or pitch_in >= line or len(labels) < 3:
        return labels
    k = int(np.ceil(line / pitch_in))
    last = len(labels) - 1
    return [s if (i % k == 0 and last - i >= k) or i == last else "" for i, s in enumerate(labels)]


def class_ticks(ax: Axes, axis: str, ticks: ArrayLike, labels: Sequence[object], *, fontsize: float, pitch_in: float,
                rotation: float | None = None, shorten: bool = True) -> float:
    """Set ``labels`` at ``ticks`` on ``ax``'s ``axis`` ("x" or "y"), cut to :data:`MAX_LABEL_CHARS`
    (``shorten=False``: as given, e.g. already :func:`wrapped`).

    On the x axis, labels wider than ``pitch_in`` (the distance between ticks, inches) are turned
    90° (reading upwards, so that no two boxes overlap); ``rotation`` forces an angle (other than
    0 and 90: the right end under its tick). Ticks closer than a line of text keep every k-th
    label (and the last, e.g. a margin's), so that no two overlap. Returns the angle used.
    """
    shown = short_names(labels) if shorten else [str(s) for s in labels]
    shown = _thinned(shown, pitch_in, fontsize)
    if axis == "y":
        ax.set_yticks(ticks, shown, fontsize=fontsize)
        return 0
    if rotation is None:
        fits = widest(shown, fontsize) <= 0.92 * pitch_in
        rotation = 0 if fits else 90
    if rotation in (0, 90):
        ax.set_xticks(ticks, shown, fontsize=fontsize, rotation=rotation)
    else:
        ax.set_xticks(ticks, shown, fontsize=fontsize, rotation=rotation, ha="right", rotation_mode="anchor")
    return rotation
