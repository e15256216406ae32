"""The confusion matrix (rows = true class, columns = predicted class) with per-class recall and
precision in its margins and the accuracy in the corner; the counts are
:func:`mnist_viz.metrics.confusion_counts`, the margins :func:`mnist_viz.metrics.recall_precision`.

Example
-------
>>> import numpy as np, mnist_viz.plots as mp
>>> y_true = np.array([0, 1, 2, 2, 1, 0]); y_pred = np.array([0, 2, 2, 2, 1, 0])
>>> ax = mp.confusion_matrix(y_true, y_pred)
>>> [t.get_text() for t in ax.get_xticklabels()]
['0', '1', '2', 'recall']
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from mnist_viz.metrics import accuracy as accuracy_of
from mnist_viz.metrics import confusion_counts, most_confused_pairs, recall_precision

from matplotlib.artist import Artist

from ._figure import axes_size, check_axes, draw_message, made_current, new_figure, refuse_fig
from ._inputs import label_pair
from ._labels import class_ticks, short_names, widest
from ._style import SEQUENTIAL_CMAP, is_dark, plot_style, set_alt_text, text_color

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.text import Text
    from numpy.typing import ArrayLike

__all__ = ["confusion_matrix"]

#: Beyond this many classes, cell values are not written in the confusion matrix (colour only).
MAX_ANNOTATED_CLASSES = 20
_MARGIN_GAP = 0.35  # gap, in cells, between the matrix and its recall/precision margins


def _pitch(n: int, margins: bool, side: float) -> float:
    """Inches between two ticks of a matrix ``side`` inches wide (with its margins)."""
    return side / (n + (1 + _MARGIN_GAP if margins else 0))


def _x_rotation(n: int, names: list[str], margins: bool, side: float, tick_size: float) -> int:
    """The angle of the x tick labels: 90° beyond 20 classes or when the (cut) names are wider
    than a cell, else 0."""
    if n > 20:
        return 90
    return 0 if widest(short_names(names), tick_size) <= 0.92 * _pitch(n, margins, side) else 90


def _cm_axes(n: int, names: list[str], *, margins: bool, colorbar: bool,
             margin_colorbar: bool = False) -> tuple[Axes, Axes | None, Axes | None]:
    """A fresh figure laid out by hand for a square matrix plus colorbar (no layout engine: the
    constrained/compressed pass costs a third of the render time at 10,000 predictions). With
    ``margin_colorbar`` a second, shorter colorbar (for the recall/precision margins) sits under
    the first. Room for the tick labels is measured (long names are cut, :mod:`._labels`).
    Returns ``(ax, cax, margin_cax)``."""
    side = 4.6 if n <= 10 else min(10.0, 2.2 + 0.17 * n)  # the matrix (with its margins), inches
    names = short_names(names)
    tick_size = 8 if n <= 20 else 7
    longest = max([len(s) for s in names] + [len("precision") if margins else 1])
    char = tick_size * 0.6 / 72  # average DejaVu Sans digit/letter width, inches
    left = 0.35 + 0.12 + max(longest * char, widest(names, tick_size))
    rotation = _x_rotation(n, names, margins, side, tick_size)
    if rotation:
        xnames = names + (["recall"] if margins else [])
        bottom = 0.3 + 0.12 + max(max(len(s) for s in xnames) * char, widest(xnames, tick_size))
    else:
        bottom = 0.3 + 0.12 + 0.15
    top, right = 0.35, (0.9 if colorbar else 0.15)
    width, height = left + side + right, bottom + side + top
    fig = new_figure(figsize=(round(width, 2), round(height, 2)), layout=None)
    ax = fig.add_axes((left / width, bottom / height, side / width, side / height))
    cb_x, cb_w = (left + side + 0.15) / width, 0.14 / width
    if colorbar and margin_colorbar:
        cax = fig.add_axes((cb_x, (bottom + 0.45 * side) / height, cb_w, 0.5 * side / height))
        mcax = fig.add_axes((cb_x, (bottom + 0.05 * side) / height, cb_w, 0.3 * side / height))
        return ax, cax, mcax
    one = fig.add_axes((cb_x, (bottom + 0.1 * side) / height, cb_w, 0.8 * side / height)) if colorbar else None
    return ax, one, None


class _FitToCells(Artist):
    """Draws nothing: drawn first in its Axes (after the layout engine and the Axes' aspect have
    placed it), it sets its texts' size to what fits one cell of the matrix as drawn
    (:func:`_fitting_size`), so that in a user's small Axes no two values overlap."""

    def __init__(self, texts: list[Text], fontsize: float, n: int, margins: bool):
        super().__init__()
        self.texts, self.fontsize, self.cells = texts, fontsize, n + (1 + _MARGIN_GAP if margins else 0)
        self.strings = [[t.get_text() for t in texts]]
        self.set_zorder(-100)
        self.set_in_layout(False)

    def draw(self, renderer: Any) -> None:
        ax = self.axes
        if ax is None:
            return
        w, h = axes_size(ax)  # type: ignore[arg-type]  # an Axes' _AxesBase
        size = _fitting_size(self.fontsize, self.strings, min(w, h) / self.cells)
        for t in self.texts:
            if t.get_fontsize() != size:  # only a change marks the figure stale
                t.set_fontsize(size)


def _fitting_size(fontsize: float, texts: list[list[str]], cell_in: float) -> float:
    """``fontsize``, or smaller (not under 4 pt) so that the widest of ``texts`` takes at most 85 %
    of a cell ``cell_in`` inches wide and a line of text 80 % of its height.

    >>> _fitting_size(8, [["0.93", "0.01"]], 0.5), _fitting_size(8, [["0.93"]], 0.2)
    (8, 5.8)
    """
    flat = [t for row in texts for t in row]
    wide = widest(flat, fontsize) if flat else 0.0
    fit = fontsize
    if wide > 0.85 * cell_in:
        fit = fontsize * 0.85 * cell_in / wide
    fit = min(fit, 0.8 * cell_in * 72 / 1.2)
    return fontsize if fit >= fontsize else max(4.0, round(float(np.floor(fit * 10) / 10), 1))


def _check_format_and_cmap(values_format: object, cmap: object, normalize: object) -> None:
    """A TypeError / ValueError naming ``values_format`` or ``cmap`` when it cannot be used (they
    failed deep in matplotlib, or as ``format()``'s own error). ``values_format`` is tried on what
    the cells hold: counts (integers), or fractions with ``normalize``."""
    if values_format is not None:
        if not isinstance(values_format, str):
            raise TypeError(f"values_format must be a format spec such as 'd' or '.2f', or None; "
                            f"got {type(values_format).__name__}")
        try:
            format(0.5 if normalize is not None else 1, values_format)
        except ValueError:
            held = f"fractions (normalize={normalize!r}): e.g. '.2f' or '.0%'" if normalize is not None else \
                "counts: e.g. 'd' or ',d'"
            raise ValueError(f"values_format {values_format!r} cannot format the cells, which hold {held}") from None
    if isinstance(cmap, str):
        import matplotlib as mpl

        if cmap not in mpl.colormaps:
            raise ValueError(f"cmap must be a matplotlib colormap name (e.g. 'viridis') or a Colormap; got {cmap!r}")


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, *, normalize: Literal["true", "pred", "all"] | None = None,
                     class_names: Sequence[object] | None = None, n_classes: int | None = None, margins: bool = True,
                     cmap: str | Colormap = SEQUENTIAL_CMAP, values_format: str | None = None, colorbar: bool = True,
                     im_kw: dict[str, Any] | None = None, text_kw: dict[str, Any] | None = None,
                     ax: Axes | None = None, fig: None = None) -> Axes:
    """Confusion matrix (rows = true class, columns = predicted class) with per-class recall in the
    right margin and precision in the bottom margin.

    Parameters
    ----------
    y_true : (n,) int or one-hot (n, C)
        The true classes.
    y_pred : (n,) int, one-hot or (n, C) probabilities / logits
        The predicted classes (the argmax of a 2-D input).
    normalize : {None, "true", "pred", "all"}
        None: counts; "true": each row sums to 1 (recall on the diagonal); "pred": each column sums
        to 1 (precision on the diagonal); "all": the whole matrix sums to 1.
    class_names : list of str, optional
        Tick labels; its length fixes the number of classes (default ``0..C-1``). Names longer
        than 16 characters are cut with "…" (the alt text keeps them whole); x labels wider
        than a cell (or beyond 20 classes) are turned 90°.
    n_classes : int, optional
        The number of classes C (as scikit-learn's ``labels=range(C)``): any label outside
        ``0..C-1`` raises ValueError. Default: ``len(class_names)``, else the columns of a 2-D
        input, else the largest label + 1 (then a stray label silently adds a class).
    margins : bool
        Add the recall column, the precision row and the overall accuracy in the corner (all on a
        0..1 scale of the same colormap). Their values are written as percentages: ``93%`` up to
        20 classes, ``93`` in small type beyond (tick labels ``recall %`` / ``precision %``); when
        the matrix shows counts and its cells are not written (over 20 classes), a second colorbar
        reads the margins (0-100 %).
    cmap : str
        A colour-blind-safe sequential map (``"viridis"``, ``"cividis"``).
    values_format : str, optional
        Format of the cell values (default ``"d"`` for counts, ``".2f"`` normalized). Cell values
        are written up to 20 classes and left out beyond (the colorbar still reads them).
    colorbar : bool
    im_kw, text_kw : dict, optional
        Passed to ``imshow`` of the matrix and to each cell's ``text`` (as scikit-learn's
        ``ConfusionMatrixDisplay.plot``), e.g. ``text_kw={"fontsize": 6}``.
    ax : matplotlib Axes, optional
        Where to draw (default: a fresh figure). In a given Axes the cell and margin values are
        sized to its cells as placed when called (smaller type in a small Axes, so that no two
        overlap); ``text_kw={"fontsize": ...}`` still wins.
    fig : not accepted (one panel): a TypeError says to pass ``ax=fig.add_subplot()`` instead

    Returns
    -------
    matplotlib.axes.Axes
        The matrix with its margins (colorbars are further Axes of its figure).

    Example
    -------
    >>> import mnist_viz.plots as mp
    >>> ax = mp.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], normalize="true")
    >>> ax.images[0].get_cmap().name, ax.get_xlabel()
    ('viridis', 'predicted class')
    >>> mp.alt_text(ax)
    'Confusion matrix of 4 predictions over 3 classes; accuracy 75.0%; most confused: true 1 → pred 2 (1).'
    >>> mp.confusion_matrix([0, 1, 9], [0, 1, 1], n_classes=3)
    Traceback (most recent call last):
    ...
    ValueError: y_true holds label 9, out of range for 3 classes (0..2)
    """
    refuse_fig(fig, "confusion_matrix")
    if normalize not in (None, "true", "pred", "all"):
        raise ValueError(f"normalize must be None, 'true', 'pred' or 'all'; got {normalize!r}")
    _check_format_and_cmap(values_format, cmap, normalize)
    yt, yp, n, names = label_pair(y_true, y_pred, class_names, n_classes=n_classes)
    annotate = n <= MAX_ANNOTATED_CLASSES
    # the margins' own colour scale, when the only colorbar would read counts and no value is written
    margin_colorbar = margins and colorbar and normalize is None and not annotate
    with plot_style():
        cax = mcax = None
        given = check_axes(ax) is not None
        if ax is None:
            ax, cax, mcax = _cm_axes(n, names, margins=margins, colorbar=colorbar, margin_colorbar=margin_colorbar)
        if yt.size == 0:
            draw_message(ax, "No predictions to plot.")
            set_alt_text(ax, "Confusion matrix: no predictions to plot.")
            return made_current(ax, not given)
        counts = confusion_counts(yt, yp, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            if normalize == "true":
                cm = counts / counts.sum(axis=1, keepdims=True)
            elif normalize == "pred":
                cm = counts / counts.sum(axis=0, keepdims=True)
            elif normalize == "all":
                cm = counts / counts.sum()
            else:
                cm = counts
            cm = np.nan_to_num(np.asarray(cm, dtype=float)) if normalize else cm
        recall, precision = recall_precision(counts)  # NaN for a class without samples / predictions: "–"
        accuracy = accuracy_of(yt, yp)
        fmt = values_format or (".2f" if normalize else "d")

        import matplotlib as mpl
        from matplotlib.ticker import PercentFormatter

        cmap_obj = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
        vmax = 1.0 if normalize else max(float(cm.max()), 1.0)
        im = ax.imshow(cm, **{"cmap": cmap_obj, "vmin": 0, "vmax": vmax, "interpolation": "nearest",
                              **(im_kw or {}), "extent": (-0.5, n - 0.5, n - 0.5, -0.5)})
        fontsize = 8 if n <= 10 else (6.5 if n <= 15 else 5.5)
        cell_texts = [[format(v, fmt) for v in row] for row in cm] if annotate else []
        if annotate:
            dark = is_dark(im.cmap(im.norm(cm)))  # one colormap call for every cell
            for i in range(n):
                for j in range(n):
                    ax.text(j, i, cell_texts[i][j], **{"ha": "center", "va": "center", "fontsize": fontsize,
                                                            "color": "white" if dark[i, j] else "black",
                                                            **(text_kw or {}), "gid": "cell"})
        ticks: list[float] = list(range(n))
        xlabels, ylabels = list(names), list(names)
        if margins:
            g = _MARGIN_GAP
            cells = np.ma.masked_invalid
            margin_im = ax.imshow(cells(recall[:, None]), cmap=cmap_obj, vmin=0, vmax=1, interpolation="nearest",
                                  extent=(n - 0.5 + g, n + 0.5 + g, n - 0.5, -0.5))
            ax.imshow(cells(precision[None, :]), cmap=cmap_obj, vmin=0, vmax=1, interpolation="nearest",
                      extent=(-0.5, n - 0.5, n + 0.5 + g, n - 0.5 + g))
            ax.imshow([[accuracy]], cmap=cmap_obj, vmin=0, vmax=1, interpolation="nearest",
                      extent=(n - 0.5 + g, n + 0.5 + g, n + 0.5 + g, n - 0.5 + g))
            # percentages: "93%" when the cells are written, bare "93" in small type beyond (the tick
            # labels then say "%"), so the margins stay readable at 47 classes
            pct = "{:.0%}" if annotate else "{:.0f}"
            scale = 1 if annotate else 100
            msize = fontsize if annotate else 6.5

            def fmt_pct(v: float) -> str:
                return "–" if np.isnan(v) else pct.format(v * scale)

            for i, r in enumerate(recall):
                ax.text(n + g, i, fmt_pct(r), ha="center", va="center", fontsize=msize,
                        color=text_color(cmap_obj(0 if np.isnan(r) else r)), gid="recall")
            for j, p in enumerate(precision):
                ax.text(j, n + g, fmt_pct(p), ha="center", va="center", fontsize=msize,
                        color=text_color(cmap_obj(0 if np.isnan(p) else p)), gid="precision")
            ax.text(n + g, n + g, fmt_pct(accuracy), ha="center", va="center", fontsize=msize,
                    fontweight="bold", color=text_color(cmap_obj(accuracy)), gid="accuracy")
            ticks_x = ticks + [n + g]
            xlabels.append("recall" if annotate else "recall %")
            ylabels.append("precision" if annotate else "precision %")
            ax.set_xlim(-0.5, n + 0.5 + g)
            ax.set_ylim(n + 0.5 + g, -0.5)
        else:
            ticks_x = ticks
        tick_size = 8 if n <= 20 else 7
        side = axes_size(ax)[0]
        class_ticks(ax, "x", ticks_x, xlabels, fontsize=tick_size, rotation=_x_rotation(n, names, margins, side, tick_size),
                    pitch_in=_pitch(n, margins, side))
        class_ticks(ax, "y", ticks_x, ylabels, fontsize=tick_size, pitch_in=_pitch(n, margins, side))
        if margins:
            for lab in (ax.get_xticklabels()[-1], ax.get_yticklabels()[-1]):
                lab.set_fontstyle("italic")
        if given:  # the user's Axes: every value sized to the cells as drawn, after any layout
            written = [t for t in ax.texts if t.get_gid() == "cell"]
            if written and "fontsize" not in (text_kw or {}):
                ax.add_artist(_FitToCells(written, fontsize, n, margins))
            marg = [t for t in ax.texts if t.get_gid() in ("recall", "precision", "accuracy")]
            if marg:
                ax.add_artist(_FitToCells(marg, float(marg[0].get_fontsize()), n, margins))
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
        title = {None: "Confusion matrix", "true": "Confusion matrix (normalized by true class)",
                 "pred": "Confusion matrix (normalized by predicted class)",
                 "all": "Confusion matrix (normalized over all)"}[normalize]
        ax.set_title(title)
        if colorbar:
            if cax is not None:
                cb = ax.figure.colorbar(im, cax=cax)
            else:
                cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.03, shrink=0.85)
            cb.set_label("fraction" if normalize else "count")
            cb.outline.set_visible(False)
            if margin_colorbar:
                mcb = (ax.figure.colorbar(margin_im, cax=mcax, format=PercentFormatter(1.0)) if mcax is not None else
                       ax.figure.colorbar(margin_im, ax=ax, fraction=0.046, pad=0.03, shrink=0.5,
                                          format=PercentFormatter(1.0)))
                mcb.set_label("margins: recall / precision")
                mcb.outline.set_visible(False)

        text = f"Confusion matrix of {yt.size:,} predictions over {n} classes; accuracy {accuracy:.1%}"
        for i, j, count in most_confused_pairs(yt, yp, n, n_pairs=1):
            text += f"; most confused: true {names[i]} → pred {names[j]} ({count:,})"
        set_alt_text(ax, text + ".")
        return made_current(ax, not given)
