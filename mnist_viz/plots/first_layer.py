"""What the first layer of a model looks for: the incoming weights of each unit of a Dense first
layer as a 28×28 image (:func:`dense_weights`) and the kernels of a first Conv2D layer
(:func:`filters`), each on one symmetric blue-red scale with a colorbar.

The kernel comes as an array, from a live ``keras.Model`` (through :mod:`mnist_viz.features`) or
from a Run's stored features.

Example
-------
>>> import numpy as np, mnist_viz.plots as mp
>>> fig = mp.filters(np.random.default_rng(1).normal(0, 0.3, (3, 3, 1, 4)))
>>> fig.get_suptitle()
'First conv layer: 4 kernels of 3×3'
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

import numpy as np

from mnist_viz._arrays import positive_int

from ._figure import FigureLike, FigureTarget, refuse_ax, square_pixels, target_figure
from ._inputs import is_keras_model, run_features
from ._mosaic import DIGIT, upscale
from ._style import DIVERGING_CMAP, cmap_with_gaps, plot_style, set_alt_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.gridspec import SubplotSpec

__all__ = ["dense_weights", "filters"]


def _first_layer_kernel(obj: Any, expected: str, argname: str) -> np.ndarray:
    """Kernel array from an array, a keras Model or a Run (features.npz)."""
    if is_keras_model(obj):
        from mnist_viz.features import first_layer_weights

        kind, kernel = first_layer_weights(obj)
        if kind != expected:
            other = "filters" if kind == "conv" else "dense_weights"
            raise ValueError(
                f"{argname}: the model's first weighted layer is {kind!r}, not {expected!r}; "
                f"use mnist_viz.plots.{other} for it"
            )
        return kernel
    feats = run_features(obj)
    if feats is not None and not isinstance(obj, np.ndarray):
        if feats.first_layer_kernel is None:
            raise ValueError(f"{argname}: the run's features hold no first-layer kernel")
        kind = feats.first_layer_kind or expected
        if kind != expected:
            other = "filters" if kind == "conv" else "dense_weights"
            raise ValueError(f"{argname}: the run's first layer is {kind!r}, not {expected!r}; use mnist_viz.plots.{other}")
        return np.asarray(feats.first_layer_kernel)
    arr = np.asarray(obj)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{argname} must be a numeric array, a keras.Model or a Run; got {type(obj).__name__}")
    return arr


@overload
def dense_weights(kernel: Any, *, n_units: int = 16, ncols: int = 8, fig: Figure | None = None, ax: None = None) -> Figure: ...


@overload
def dense_weights(kernel: Any, *, n_units: int = 16, ncols: int = 8, fig: SubFigure | SubplotSpec, ax: None = None) -> SubFigure: ...


def dense_weights(kernel: Any, *, n_units: int = 16, ncols: int = 8, fig: FigureTarget = None, ax: None = None) -> FigureLike:
    """What each unit of a Dense first layer looks for: its 784 incoming weights as a 28×28 image.

    A diverging colormap (blue negative, white 0, red positive) on one symmetric scale shared by
    all units, with a colorbar: red pixels excite the unit, blue ones inhibit it.

    Parameters
    ----------
    kernel : array (784, units), keras.Model or Run
        The kernel, or a model/run whose first Dense layer's kernel is taken.
    n_units : int
        The first ``n_units`` units are drawn.
    ncols : int
        Units per row.
    fig : Figure, SubFigure or SubplotSpec, optional
        Where to draw the units' weight images (``gs[0, 1]``: a new SubFigure in that cell); default: a fresh figure.
    ax : not accepted (several panels): a TypeError says to pass ``fig=ax.get_subplotspec()`` instead

    Returns
    -------
    matplotlib.figure.Figure or SubFigure
        One Axes holds every unit as one mosaic image (gid ``"weights"``) with the titles
        (gid ``"unit_title"``); the colorbar is the second Axes.

    Example
    -------
    >>> import numpy as np, mnist_viz.plots as mp
    >>> w = np.random.default_rng(0).normal(0, 0.05, (784, 32))
    >>> fig = mp.dense_weights(w, n_units=8)
    >>> [t.get_text() for t in fig.axes[0].texts[:3]]
    ['unit 0', 'unit 1', 'unit 2']
    """
    refuse_ax(ax, "dense_weights")
    kernel = _first_layer_kernel(kernel, "dense", "kernel")
    if kernel.ndim != 2 or kernel.shape[0] != 784:
        raise ValueError(f"kernel must have shape (784, units) (a Dense layer on flattened 28×28 digits); got {kernel.shape}")
    if not np.all(np.isfinite(kernel)):
        raise ValueError("kernel holds NaN or inf values")
    n_units = positive_int(n_units, "n_units")
    ncols = positive_int(ncols, "ncols")
    total = kernel.shape[1]
    if total == 0:
        raise ValueError("kernel has 0 units (shape (784, 0))")
    shown = min(n_units, total)
    images = kernel[:, :shown].T.reshape(shown, 28, 28)
    lim = float(np.abs(images).max()) or 1.0
    with plot_style():
        canvas = _weight_grid(images, [f"unit {k}" for k in range(shown)], ncols, lim, cell=(1.15, 1.25), fig=fig)
        canvas.suptitle(f"Incoming weights of units 0–{shown - 1} of {total} (first Dense layer)", fontsize="medium")
    set_alt_text(
        canvas,
        f"Incoming weights of the first {shown} of {total} units of the first Dense layer, each as a 28×28 "
        f"image; blue negative, red positive, range ±{lim:.3g}.",
    )
    return canvas


def _weight_grid(images: np.ndarray, titles: list[str], ncols: int, lim: float, *, cell: tuple[float, float],
                 fig: FigureTarget) -> FigureLike:
    """Small multiples of weight images on one symmetric diverging scale, with a shared colorbar.

    All units are ONE image on ONE Axes (gid ``"weights"``): a mosaic of the kernels, each upscaled
    by an integer factor (nearest) to about 28 pixels, with transparent NaN gaps and a title band
    above each row. Titles are annotations (gid ``"unit_title"``) whose ``xy`` is the top centre of
    their tile, in mosaic pixels. No layout engine: the Axes and colorbar are placed in inches.
    One image and one colorbar draw in a tenth of the time 32 Axes took.
    """
    count, h, w = images.shape
    cols = min(ncols, count)
    rows = -(-count // cols)
    tiles, f = upscale(images.astype(np.float64), DIGIT)
    th, tw = h * f, w * f
    size = max(th, tw)
    gap_x = max(2, int(round(0.16 * size)))  # between tiles, in mosaic pixels
    band = max(4, int(round(0.3 * size)))  # title band above each row of tiles
    mosaic = np.full((rows * (band + th), cols * (tw + gap_x) - gap_x), np.nan)
    corners = []
    for k in range(count):
        r, c = divmod(k, cols)
        y0, x0 = r * (band + th) + band, c * (tw + gap_x)
        mosaic[y0:y0 + th, x0:x0 + tw] = tiles[k]
        corners.append((y0, x0))

    figw, figh = cell[0] * cols + 0.9, cell[1] * rows + 0.45
    canvas = target_figure(fig, figsize=(figw, figh), layout=None)
    # inches: left margin, room right for the colorbar, room on top for the suptitle
    left, right, top, bottom = 0.1, 1.0, 0.27, 0.06
    mh, mw = mosaic.shape
    scale = min((figw - left - right) / mw, (figh - top - bottom) / mh)  # inches per mosaic pixel
    aw, ah = mw * scale, mh * scale
    x_in = left + (figw - left - right - aw) / 2
    y_in = bottom + (figh - top - bottom - ah) / 2
    ax = canvas.add_axes((x_in / figw, y_in / figh, aw / figw, ah / figh))
    ax.set_axis_off()
    cmap = cmap_with_gaps(DIVERGING_CMAP)
    im = ax.imshow(mosaic, cmap=cmap, vmin=-lim, vmax=lim, interpolation="nearest", aspect="auto",
                   gid="weights")
    if fig is not None:
        square_pixels(ax)
    for (y0, x0), title in zip(corners, titles):
        ax.annotate(title, (x0 + (tw - 1) / 2, y0 - 0.5), xytext=(0, 2.5), textcoords="offset points",
                    ha="center", va="bottom", fontsize="small", gid="unit_title", annotation_clip=False)
    cb_h = 0.8 * ah
    cax = canvas.add_axes(((x_in + aw + 0.2) / figw, (y_in + (ah - cb_h) / 2) / figh, 0.12 / figw, cb_h / figh))
    canvas.colorbar(im, cax=cax, label="weight")
    return canvas


@overload
def filters(kernel: Any, *, ncols: int = 8, fig: Figure | None = None, ax: None = None) -> Figure: ...


@overload
def filters(kernel: Any, *, ncols: int = 8, fig: SubFigure | SubplotSpec, ax: None = None) -> SubFigure: ...


def filters(kernel: Any, *, ncols: int = 8, fig: FigureTarget = None, ax: None = None) -> FigureLike:
    """The first convolution layer's kernels, one small image per output filter.

    A diverging colormap (blue negative, red positive) on one symmetric scale shared by all
    filters, with a colorbar. Kernels with several input channels are shown averaged over them
    (the title says so).

    Parameters
    ----------
    kernel : array (kh, kw, in, out), keras.Model or Run
        The kernel, or a model/run whose first Conv2D layer's kernel is taken.
    ncols : int
        Filters per row.
    fig : Figure, SubFigure or SubplotSpec, optional
        Where to draw the kernels and their colorbar (``gs[0, 1]``: a new SubFigure in that cell); default: a fresh figure.
    ax : not accepted (several panels): a TypeError says to pass ``fig=ax.get_subplotspec()`` instead

    Returns
    -------
    matplotlib.figure.Figure or SubFigure
        As :func:`dense_weights`'s: one mosaic image of the kernels, titled ``#0``, ``#1`` ...

    Example
    -------
    >>> import numpy as np, mnist_viz.plots as mp
    >>> fig = mp.filters(np.random.default_rng(0).normal(0, 0.3, (3, 3, 1, 16)))
    >>> len([t for t in fig.axes[0].texts if t.get_text().startswith("#")])
    16
    """
    refuse_ax(ax, "filters")
    arr = _first_layer_kernel(kernel, "conv", "kernel")
    if arr.ndim == 3:
        arr = arr[:, :, None, :]
    if arr.ndim != 4 or 0 in arr.shape:
        raise ValueError(f"kernel must have shape (kh, kw, in_channels, filters) (a Conv2D kernel); got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("kernel holds NaN or inf values")
    ncols = positive_int(ncols, "ncols")
    kh, kw, cin, cout = arr.shape
    k2 = arr.mean(axis=2)
    lim = float(np.abs(k2).max()) or 1.0
    with plot_style():
        canvas = _weight_grid(np.moveaxis(k2, 2, 0), [f"#{k}" for k in range(cout)], ncols, lim, cell=(0.85, 0.95),
                              fig=fig)
        extra = f", mean over {cin} input channels" if cin > 1 else ""
        canvas.suptitle(f"First conv layer: {cout} kernels of {kh}×{kw}{extra}", fontsize="medium")
    set_alt_text(
        canvas,
        f"The {cout} {kh}×{kw} kernels of the first convolution layer{extra}; blue negative, red positive, "
        f"range ±{lim:.3g}.",
    )
    return canvas
