"""The reliability diagram: accuracy against top-class confidence per bin, the gap to the diagonal,
the expected calibration error and the histogram of confidences. The bins and the ECE are
:func:`mnist_viz.metrics.reliability_bins` (``(lo, hi]``: a confidence on an edge is in the bin it
ends), so the figure's ECE is the report table's.

Example
-------
>>> import mnist_viz.plots as mp
>>> y_true = [0, 1, 0, 1]; probs = [[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.45, 0.55]]
>>> round(mp.expected_calibration_error(y_true, probs, n_bins=4), 4)
0.3875
>>> mp.calibration(y_true, probs, n_bins=4).get_title()
'Reliability diagram (ECE = 0.388)'
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mnist_viz._arrays import as_labels, as_probabilities, check_same_length, positive_int
from mnist_viz.metrics import accuracy as accuracy_of
from mnist_viz.metrics import expected_calibration_error, reliability_bins

from ._figure import check_axes, draw_message, made_current, new_figure, refuse_fig, usable_size
from ._labels import widest
from ._style import OKABE_ITO, WRONG_COLOR, plot_style, set_alt_text
from ._theme import ink

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike

__all__ = ["calibration", "expected_calibration_error"]

#: the gap bars: an opaque pale vermillion under a WRONG_COLOR hatch
GAP_FILL = "#F7D9C4"


def _two_columns_fit(ax: Axes) -> bool:
    """Whether the legend's entries fit two a row above ``ax`` (8 pt, handles 1.6 em, padding 0.8 em
    an entry and 1 em between the columns)."""
    labels = ax.get_legend_handles_labels()[1]
    em = 8 / 72
    need = 2 * (widest(labels, 8) + 2.4 * em) + em
    return usable_size(ax, left=0.6)[0] >= need


def calibration(y_true: ArrayLike, probabilities: ArrayLike, *, n_bins: int = 10, ax: Axes | None = None, fig: None = None) -> Axes:
    """Reliability diagram: accuracy vs top-class confidence per bin, the gap to the diagonal
    (a pale hatched block above the bar where the model is overconfident, a hatch over the bar's top
    where it is underconfident), the expected calibration error (ECE, weighted by bin counts) in the
    title, and a
    histogram of confidences in a strip under the diagram (an inset Axes sharing x, placed below
    ``ax``: leave room under a given ``ax``).

    Parameters
    ----------
    y_true : (n,) int or one-hot (n, C)
        The true classes.
    probabilities : (n, C) array
        Class probabilities (logits are detected; softmax is applied with a warning).
    n_bins : int
        Equal-width bins of the top-class confidence, ``(lo, hi]`` on [0, 1].
    ax : matplotlib Axes, optional
        Where to draw (default: a fresh figure).
    fig : not accepted (one panel): a TypeError says to pass ``ax=fig.add_subplot()`` instead

    Returns
    -------
    matplotlib.axes.Axes
        The diagram; the confidence histogram is its inset Axes (gid ``"confidence_histogram"``).

    Example
    -------
    >>> import mnist_viz.plots as mp
    >>> ax = mp.calibration([0, 1, 1], [[0.9, 0.1], [0.3, 0.7], [0.6, 0.4]], n_bins=5)
    >>> ax.get_title()
    'Reliability diagram (ECE = 0.333)'
    """
    refuse_fig(fig, "calibration")
    n_bins = positive_int(n_bins, "n_bins")
    probs = as_probabilities(probabilities, "probabilities")
    yt = as_labels(y_true, "y_true", n_classes=probs.shape[1] if probs.size else None)
    check_same_length(y_true=yt, probabilities=probs)
    bins = reliability_bins(yt, probs, n_bins=n_bins)
    edges, count, conf, acc, ece = bins.edges, bins.count, bins.mean_confidence, bins.accuracy, bins.ece
    with plot_style():
        given = check_axes(ax) is not None
        if ax is None:
            fig = new_figure(figsize=(5.0, 6.4), layout=None)
            ax = fig.add_axes((0.13, 0.31, 0.82, 0.55))  # room above for the legend, below for the histogram
        if yt.size == 0:
            draw_message(ax, "No predictions to calibrate.")
            set_alt_text(ax, "Reliability diagram: no predictions to calibrate.")
            return made_current(ax, not given)
        width = np.diff(edges)
        used = bins.used
        ax.plot([0, 1], [0, 1], linestyle="--", color=ink("0.4"), linewidth=1, label="perfect calibration")
        ax.bar(edges[:-1][used], acc[used], width=width[used], align="edge", color=OKABE_ITO[0], alpha=0.85,
               edgecolor=ink("white"), linewidth=0.8, label="accuracy", gid="accuracy")
        # The gap between accuracy and confidence, in solid colours only (the report's 128-colour PNG
        # palette turned a see-through tint over the blue bar into a grey block):
        # overconfident bins (confidence > accuracy): a pale vermillion block with a hatch above the bar;
        # underconfident bins (accuracy > confidence): a vermillion hatch over the bar's own top, so
        # the bar still reads up to its accuracy.
        for sel, style, label in (
                (conf > acc, {"facecolor": GAP_FILL, "hatch": "////"}, "gap: overconfident"),
                (acc > conf, {"facecolor": "none", "hatch": "\\\\"}, "gap: underconfident")):
            sel = used & sel
            if sel.any():
                ax.bar(edges[:-1][sel], np.abs(conf[sel] - acc[sel]), bottom=np.minimum(acc[sel], conf[sel]),
                       width=width[sel], align="edge", edgecolor=WRONG_COLOR, linewidth=0.8, label=label, gid="gap",
                       **style)  # type: ignore[arg-type]
        ax.plot(conf[used], acc[used], marker="o", markersize=3.5, linestyle="none", color=ink("black"),
                label="bin (mean confidence, accuracy)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_ylabel("accuracy")
        ncol = 2 if not given or _two_columns_fit(ax) else 1  # a narrow Axes of the user's: one column
        ax.set_title(f"Reliability diagram (ECE = {ece:.3f})", pad=50 if ncol == 2 else 78)
        # above the diagram, not over bars that may reach 1.0 anywhere
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01, 1.0, 0.1), mode="expand", ncol=ncol, borderaxespad=0,
                  handlelength=1.6, columnspacing=1.0)
        ax.tick_params(labelbottom=False)
        # confidence histogram in a strip under the diagram, sharing its x axis
        hist_ax = ax.inset_axes((0.0, -0.34, 1.0, 0.26), sharex=ax)
        hist_ax.bar(edges[:-1], count, width=width, align="edge", color=ink("0.6"), edgecolor=ink("white"), linewidth=0.5)
        hist_ax.set_ylabel("samples")
        hist_ax.set_xlabel("confidence (top-class probability)")
        hist_ax.set_gid("confidence_histogram")
        over = float(np.sum(count[used] * (conf[used] - acc[used])) / count.sum())
        tendency = "overconfident" if over > 0 else "underconfident"
        set_alt_text(ax, f"Reliability diagram of {yt.size:,} predictions in {n_bins} bins; expected calibration "
                         f"error {ece:.3f}; mean confidence {probs.max(axis=1).mean():.1%} vs accuracy "
                         f"{accuracy_of(yt, probs.argmax(axis=1)):.1%} ({tendency}).")
        return made_current(ax, not given)
