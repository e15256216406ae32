"""Several runs on one figure: their loss and accuracy curves overlaid, one colour per run.

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

from ._figure import new_subplots
from ._style import OKABE_ITO, plot_style, set_alt_text

__all__ = ["compare_curves"]

#: the metrics overlaid by default (those any of the runs recorded, train or validation)
DEFAULT_METRICS = ("loss", "accuracy")


def compare_curves(runs, *, metrics=None):
    """Per-epoch curves of several runs overlaid: solid validation, dashed training, one colour per
    run (Okabe-Ito), one panel per metric.

    Parameters
    ----------
    runs : sequence of Run (or objects with ``.name`` and a ``.history`` DataFrame indexed by epoch)
    metrics : sequence of str, optional
        Metrics to overlay (default: ``loss`` and ``accuracy``, those that any run recorded as
        ``m`` or ``val_m``).

    Returns
    -------
    matplotlib.figure.Figure
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
    runs = list(runs)
    if not runs:
        raise ValueError("runs must hold at least one run; got an empty sequence")
    for i, r in enumerate(runs):
        if not hasattr(r, "history") or not hasattr(r.history, "columns"):
            raise TypeError(f"runs[{i}] must be a Run (with a .history DataFrame); got {type(r).__name__}")
    wanted = DEFAULT_METRICS if metrics is None else ([metrics] if isinstance(metrics, str) else list(metrics))
    shown = [m for m in wanted if any(m in r.history or f"val_{m}" in r.history for r in runs)]
    if not shown:
        raise ValueError(f"none of the runs recorded {', '.join(wanted)} per epoch (train or val_); "
                         "pass metrics= with columns their histories have")
    with plot_style():
        fig, axes = new_subplots(1, len(shown), figsize=(3.4 * len(shown), 3.0))
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
        set_alt_text(fig, f"{' and '.join(shown).capitalize()} per epoch for runs "
                          + ", ".join(r.name for r in runs) + " (solid: validation, dashed: training).")
    return fig
