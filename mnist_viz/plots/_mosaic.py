"""Mosaics: many small images drawn as ONE image on one Axes, with NaN gaps between them.

One image and a few artists draw in a fraction of the time that one Axes per digit, map or kernel
took (the error views, the feature maps, the first layer's weights). Data units on the Axes are
mosaic pixels, y down, as ``imshow`` draws them.

Example
-------
>>> from typing import TYPE_CHECKING

import numpy as np
>>> from mnist_viz.plots._mosaic import upscale
>>> tiles, f = upscale(np.arange(8.0).reshape(2, 2, 2), target=6)
>>> f, tiles.shape, tiles[1, :3, 0].tolist()
(3, (2, 6, 6), [4.0, 4.0, 4.0])
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._style import DIGIT_CMAP, cmap_with_gaps

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DIGIT", "upscale", "draw_digits", "frame_digit", "digit_title"]

#: the side of one MNIST digit, in pixels
DIGIT = 28


def upscale(stack: np.ndarray, target: int) -> tuple[np.ndarray, int]:
    """Each ``(h, w)`` image of an ``(m, h, w)`` stack enlarged (nearest) by the integer factor ``f``
    that brings its longer side closest to ``target`` pixels (at least 1). Returns ``(tiles, f)``."""
    _m, h, w = stack.shape
    f = max(1, int(round(target / max(h, w))))
    return np.kron(stack, np.ones((1, f, f))), f


def draw_digits(ax: Axes, mosaic: np.ndarray, vmin: float, vmax: float) -> None:
    """The NaN-gapped digit mosaic as one image (gaps transparent), filling ``ax``."""
    h, w = mosaic.shape
    ax.imshow(mosaic, cmap=cmap_with_gaps(DIGIT_CMAP), vmin=vmin, vmax=vmax, interpolation="nearest",
              aspect="auto", extent=(-0.5, w - 0.5, h - 0.5, -0.5), gid="digits")
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)


def frame_digit(ax: Axes, r0: float, c0: float, color: str, linewidth: float) -> None:
    """A frame around the 28×28 digit whose top-left pixel is (r0, c0) in the mosaic."""
    from matplotlib.patches import Rectangle

    ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), DIGIT, DIGIT, facecolor="none", edgecolor=color,
                           linewidth=linewidth, gid="frame"))


def digit_title(ax: Axes, r0: float, c0: float, text: str, fontsize: float) -> None:
    """``text`` centred above the digit at (r0, c0), a few points clear of its frame; the
    annotation's ``xy`` is the digit's top centre in mosaic pixels (3.5 points at 9 pt, in proportion
    to ``fontsize``)."""
    ax.annotate(text, (c0 - 0.5 + DIGIT / 2, r0 - 0.5), xytext=(0, 3.5 * fontsize / 9), textcoords="offset points",
                ha="center", va="bottom", fontsize=fontsize, gid="title", annotation_clip=False)
