"""Several runs on one figure: their loss and accuracy curves overlaid, one colour per run
(:func:`compare_curves`), or their test confusion matrices side by side (:func:`compare_confusion`).

Example
-------
>>> import mnist_viz.plots as mp
>>> from mnist_viz.run import Run
>>> a = Run.from_dict({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]}, name="a")
>>> b = Run.from_dict({"loss": [0.8, 0.4], "val_loss": [0.9, 0.6]}, name="b")
>>> fig = mp.compare_curves([a, b])
>>> [ax.get_title() for ax in fig.axes], [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
(['loss'], ['a val', 'a train', 'b val', 'b train'])
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from mnist_viz.run_format import TEST_NPZ

from ._figure import FigureLike, FigureTarget, new_subplots, refuse_ax
from ._inputs import class_names_for
from ._style import OKABE_ITO, plot_style, set_alt_text
from .confusion import confusion_matrix

if TYPE_CHECKING:
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.gridspec import SubplotSpec

__all__ = ["compare_curves", "compare_confusion"]

#: the metrics overlaid by default (those any of the runs recorded, train or validation)
DEFAULT_METRICS = ("loss", "accuracy")


def _non_empty(runs: Sequence[Any]) -> list[Any]:
    runs = list(runs)
    if not runs:
        raise ValueError("runs must hold at least one run; got an empty sequence")
    return runs


@overload
def compare_curves(runs: Sequence[Any], *, metrics: str | Sequence[str] | None = None,
                   fig: Figure | None = None, ax: None = None) -> Figure: ...


@overload
def compare_curves(runs: Sequence[Any], *, metrics: str | Sequence[str] | None = None,
                   fig: SubFigure | SubplotSpec, ax: None = None) -> SubFigure: ...


def compare_curves(runs: Sequence[Any], *, metrics: str | Sequence[str] | None = None,
                   fig: FigureTarget = None, ax: None = None) -> FigureLike:
    """Per-epoch curves of several runs overlaid: solid validation, dashed training, one colour per
    run (Okabe-Ito), one panel per metric.

    Parameters
    ----------
    runs : sequence of Run (or objects with ``.name`` and a ``.history`` DataFrame indexed by epoch)
    metrics : sequence of str, optional
        Metrics to overlay (default: ``loss`` and ``accuracy``, those that any run recorded as
        ``m`` or ``val_m``).
    fig : Figure, SubFigure or SubplotSpec, optional
        Where to draw the panels, one per metric (``gs[0, 1]``: a new SubFigure in that cell); default: a fresh figure.
    ax : not accepted (several panels): a TypeError says to pass ``fig=ax.get_subplotspec()`` instead

    Returns
    -------
    matplotlib.figure.Figure or SubFigure
        One Axes per metric shown, the legend on the first.

    Raises
    ------
    ValueError
        When ``runs`` is empty or none of them recorded any of ``metrics``.

    Example
    -------
    >>> import mnist_viz.plots as mp
    >>> from mnist_viz.run import Run
    >>> runs = [Run.from_dict({"accuracy": [0.5, 0.8]}, name=n) for n in ("x", "y")]
    >>> mp.alt_text(mp.compare_curves(runs))
    'Accuracy per epoch for runs x, y (solid: validation, dashed: training).'
    """
    refuse_ax(ax, "compare_curves")
    runs = _non_empty(runs)
    for i, r in enumerate(runs):
        if not hasattr(r, "history") or not hasattr(r.history, "columns"):
            raise TypeError(f"runs[{i}] must be a Run (with a .history DataFrame); got {type(r).__name__}")
    wanted = DEFAULT_METRICS if metrics is None else ([metrics] if isinstance(metrics, str) else list(metrics))
    shown = [m for m in wanted if any(m in r.history or f"val_{m}" in r.history for r in runs)]
    if not shown:
        raise ValueError(f"none of the runs recorded {', '.join(wanted)} per epoch (train or val_); "
                         "pass metrics= with columns their histories have")
    with plot_style():
        canvas, axes = new_subplots(1, len(shown), figsize=(3.4 * len(shown), 3.0), fig=fig)
        for ax, m in zip(axes[0], shown):
            for i, r in enumerate(runs):
                color = OKABE_ITO[i % len(OKABE_ITO)]
                h = r.history
                if f"val_{m}" in h:
                    ax.plot(h.index + 1, h[f"val_{m}"], color=color, marker="o", ms=3, label=f"{r.name} val")
                if m in h:
                    ax.plot(h.index + 1, h[m], color=color, linestyle="--", alpha=0.7, label=f"{r.name} train")
            ax.set_title(m)
            ax.set_xlabel("epoch")
            ax.xaxis.get_major_locator().set_params(integer=True)
        axes[0][0].legend(fontsize=7)
        set_alt_text(canvas, f"{' and '.join(shown).capitalize()} per epoch for runs "
                             + ", ".join(r.name for r in runs) + " (solid: validation, dashed: training).")
    return canvas


@overload
def compare_confusion(runs: Sequence[Any], *, class_names: Sequence[object] | None = None,
                      fig: Figure | None = None, ax: None = None) -> Figure: ...


@overload
def compare_confusion(runs: Sequence[Any], *, class_names: Sequence[object] | None = None,
                      fig: SubFigure | SubplotSpec, ax: None = None) -> SubFigure: ...


def compare_confusion(runs: Sequence[Any], *, class_names: Sequence[object] | None = None,
                      fig: FigureTarget = None, ax: None = None) -> FigureLike:
    """The test confusion matrices of several runs side by side: counts
    (:func:`~mnist_viz.plots.confusion_matrix` without margins or colorbar), each titled with its
    run's name, 4.2 × 3.9 inches per run.

    Parameters
    ----------
    runs : sequence of Run (or objects with ``.name`` and ``.test``, whose ``.labels`` (n,) and
        ``.probabilities`` (n, C) are the test set's; every run needs them)
    class_names : list of str, optional
        Tick labels for every run (one per class of each run). Default: each run's own
        ``.class_names``, cut or padded with class numbers to its number of columns (``0..C-1``
        for objects without).
    fig : Figure, SubFigure or SubplotSpec, optional
        Where to draw the matrices side by side (``gs[0, 1]``: a new SubFigure in that cell); default: a fresh figure.
    ax : not accepted (several panels): a TypeError says to pass ``fig=ax.get_subplotspec()`` instead

    Returns
    -------
    matplotlib.figure.Figure or SubFigure
        One Axes per run, in the order given.

    Raises
    ------
    ValueError
        When ``runs`` is empty, a run has no test predictions, or ``class_names`` does not match
        a run's classes.
    TypeError
        When an entry of ``runs`` is not a Run (no ``.name`` and ``.test``).

    Example
    -------
    >>> import numpy as np, mnist_viz.plots as mp
    >>> from mnist_viz.run import Predictions, Run
    >>> a, b = Run.from_dict({"loss": [0.5]}, name="a"), Run.from_dict({"loss": [0.4]}, name="b")
    >>> a.test = Predictions(probabilities=np.eye(3)[[0, 1, 1]], labels=np.array([0, 1, 2]))
    >>> b.test = Predictions(probabilities=np.eye(3)[[0, 1, 2]], labels=np.array([0, 1, 2]))
    >>> fig = mp.compare_confusion([a, b])
    >>> [ax.get_title() for ax in fig.axes], mp.alt_text(fig)
    (['a', 'b'], 'Test confusion matrices side by side for a, b.')
    """
    refuse_ax(ax, "compare_confusion")
    runs = _non_empty(runs)
    tests, names = [], []
    for i, r in enumerate(runs):
        if not (hasattr(r, "name") and hasattr(r, "test")):
            raise TypeError(f"runs[{i}] must be a Run (with .name and .test predictions); got {type(r).__name__}")
        if r.test is None:
            raise ValueError(f"runs[{i}] ({r.name!r}) has no test predictions (run.test is None: no {TEST_NPZ}); "
                             "compare_confusion needs them for every run")
        if not (hasattr(r.test, "labels") and hasattr(r.test, "probabilities")):
            raise TypeError(f"runs[{i}].test must have .labels (n,) and .probabilities (n, C); "
                            f"got {type(r.test).__name__}")
        n = np.shape(r.test.probabilities)[-1]
        if class_names is not None and len(class_names) != n:
            raise ValueError(f"class_names has {len(class_names)} names, runs[{i}] ({r.name!r}) has {n} classes "
                             "(columns of .test.probabilities)")
        tests.append(r.test)
        names.append(class_names_for(class_names if class_names is not None else getattr(r, "class_names", None), n))
    with plot_style():
        canvas, axes = new_subplots(1, len(runs), figsize=(4.2 * len(runs), 3.9), fig=fig)
        for ax, r, test, run_names in zip(axes[0], runs, tests, names):
            confusion_matrix(test.labels, test.probabilities, class_names=run_names, margins=False, colorbar=False,
                             ax=ax)
            ax.set_title(r.name)
        set_alt_text(canvas, "Test confusion matrices side by side for " + ", ".join(str(r.name) for r in runs) + ".")
    return canvas
