"""Per-class precision, recall and F1 with the support of each class
(:func:`mnist_viz.metrics.per_class_metrics`), as grouped bars or as a heat table.

Example
-------
>>> import mnist_viz.plots as mp
>>> ax = mp.class_metrics([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], kind="table")
>>> [t.get_text() for t in ax.get_xticklabels()]
['precision', 'recall', 'F1', 'support']
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from mnist_viz.metrics import accuracy as accuracy_of
from mnist_viz.metrics import per_class_metrics

from ._figure import axes_size, check_axes, draw_message, made_current, new_axes, refuse_fig, usable_size
from ._inputs import label_pair
from ._labels import class_ticks, short_names, widest, wrapped
from ._style import OKABE_ITO, SEQUENTIAL_CMAP, plot_style, set_alt_text, text_color
from ._theme import ink

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike

__all__ = ["class_metrics"]


def class_metrics(y_true: ArrayLike, y_pred: ArrayLike, *, class_names: Sequence[object] | None = None,
                  n_classes: int | None = None, kind: Literal["bars", "table"] = "bars", ax: Axes | None = None, fig: None = None) -> Axes:
    """Per-class precision, recall and F1 (``sklearn.metrics.precision_recall_fscore_support``) with
    the support of each class.

    Parameters
    ----------
    y_true : (n,) int or one-hot (n, C)
        The true classes.
    y_pred : (n,) int, one-hot or (n, C) probabilities / logits
        The predicted classes, scored against ``y_true`` (the argmax of a 2-D input).
    class_names : list of str, optional
    n_classes : int, optional
        The number of classes; labels outside ``0..n_classes-1`` raise ValueError (as in
        :func:`confusion_matrix`).
    kind : {"bars", "table"}
        "bars": grouped bars per class, support under each class name, accuracy as a dashed line.
        "table": a heat table (classes × precision/recall/F1) with the support column — the
        readable choice for many classes.
    ax : matplotlib Axes, optional
        Where to draw (default: a fresh figure).
    fig : not accepted (one panel): a TypeError says to pass ``ax=fig.add_subplot()`` instead

    Returns
    -------
    matplotlib.axes.Axes
        The bars (three per class) or the heat table.

    Example
    -------
    >>> import mnist_viz.plots as mp
    >>> ax = mp.class_metrics([0, 0, 1, 1], [0, 1, 1, 1])
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:3]
    ['precision', 'recall', 'F1']
    """
    refuse_fig(fig, "class_metrics")
    if kind not in ("bars", "table"):
        raise ValueError(f"kind must be 'bars' or 'table'; got {kind!r}")
    yt, yp, n, names = label_pair(y_true, y_pred, class_names, n_classes=n_classes)
    given = check_axes(ax) is not None
    with plot_style():
        if kind == "bars":
            ax = new_axes(ax, figsize=(max(6.4, 0.55 * n + 1.5), 3.6))
        else:
            label_room = widest(short_names(names), 8 if n <= 30 else 6.5)  # beyond 0.6 in: a wider figure
            ax = new_axes(ax, figsize=(round(4.6 + max(0.0, label_room - 0.6), 2), max(3.0, 0.22 * n + 1.2)))
        if yt.size == 0:
            draw_message(ax, "No predictions to score.")
            set_alt_text(ax, "Per-class metrics: no predictions to score.")
            return made_current(ax, not given)
        scores = per_class_metrics(yt, yp, n)
        p, r, f, s = (scores[c].to_numpy() for c in ("precision", "recall", "f1", "support"))
        accuracy = accuracy_of(yt, yp)
        if kind == "bars":
            x = np.arange(n)
            w = 0.27
            for k, (vals, label, color) in enumerate(
                    ((p, "precision", OKABE_ITO[0]), (r, "recall", OKABE_ITO[1]), (f, "F1", OKABE_ITO[2]))):
                ax.bar(x + (k - 1) * w, vals, width=w, color=color, label=label)
            ax.axhline(accuracy, color=ink("0.3"), linestyle="--", linewidth=1, label=f"accuracy {accuracy:.1%}")
            _bar_ticks(ax, x, names, s, fontsize=7 if n <= 15 else 5, given=given)
            ax.set_xlim(-0.6, n - 0.4)
            lo = min(float(np.min(np.concatenate([p, r, f]))), accuracy)
            ax.set_ylim(max(0.0, np.floor((lo - 0.05) * 10) / 10), 1.0)
            ax.set_ylabel("score")
            ax.set_xlabel("class (support)")
            handles, labels = ax.get_legend_handles_labels()
            order = [labels.index(t) for t in ("precision", "recall", "F1")] + [0]
            if given:  # the user's Axes: the legend in one row above the bars, not beside them
                ax.legend([handles[i] for i in order], [labels[i] for i in order], loc="lower left",
                          bbox_to_anchor=(0.0, 1.0), ncol=4, borderaxespad=0.2, handlelength=1.2, columnspacing=1.0)
            else:
                ax.legend([handles[i] for i in order], [labels[i] for i in order], loc="upper left",
                          bbox_to_anchor=(1.0, 1.0))
        else:
            table = np.column_stack([p, r, f])
            im = ax.imshow(table, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
            fs = 8 if n <= 15 else (7 if n <= 30 else 6)
            for i in range(n):
                for j in range(3):
                    ax.text(j, i, f"{table[i, j]:.2f}", ha="center", va="center", fontsize=fs,
                            color=text_color(im.cmap(table[i, j])))
                ax.text(3.0, i, f"{s[i]:,}", ha="center", va="center", fontsize=fs, color=ink("black"))
            ax.set_xlim(-0.5, 3.5)
            ax.set_xticks([0, 1, 2, 3], ["precision", "recall", "F1", "support"])
            ax.xaxis.tick_top()
            class_ticks(ax, "y", np.arange(n), names, fontsize=8 if n <= 30 else 6.5, pitch_in=0.22)
            ax.tick_params(length=0)
            for spine in ax.spines.values():
                spine.set_visible(False)
            ax.set_ylabel("class")
        sep = " " if kind == "bars" else "\n"
        ax.set_title(f"Per-class metrics{sep}({yt.size:,} samples, accuracy {accuracy:.1%})",
                     pad=22 if given and kind == "bars" else None)
        worst = int(np.argmin(f))
        set_alt_text(ax, f"Per-class precision, recall and F1 for {n} classes ({yt.size:,} samples); "
                         f"macro F1 {np.mean(f):.2f}; lowest F1: class {names[worst]} ({f[worst]:.2f}).")
        return made_current(ax, not given)


def _bar_ticks(ax: Axes, x: np.ndarray, names: list[str], support: np.ndarray, *, fontsize: float,
               given: bool) -> None:
    """Each class name over its support (``n=…``) under its bars: cut names, wrapped onto two lines
    when wider than a group of bars, turned 90° on one line when still too wide."""
    width = usable_size(ax, left=0.6)[0] if given else axes_size(ax)[0]  # a layout takes the y labels' room
    pitch = width / max(len(x), 1)
    shown = short_names(names)
    labels = [f"{nm}\nn={c:,}" for nm, c in zip(shown, support)]
    if widest(labels, fontsize) > 0.92 * pitch:
        labels = [f"{wrapped(nm)}\nn={c:,}" for nm, c in zip(names, support)]
    if widest(labels, fontsize) > 0.92 * pitch:
        labels = [f"{nm} (n={c:,})" for nm, c in zip(shown, support)]
        class_ticks(ax, "x", x, labels, fontsize=fontsize, pitch_in=pitch, rotation=90, shorten=False)
    else:
        ax.set_xticks(x, labels, fontsize=fontsize)
