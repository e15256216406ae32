"""Epoch numbers on the training-dynamics views (:func:`~mnist_viz.plots.weight_evolution`,
:func:`~mnist_viz.plots.prediction_evolution`).

The recorders write 0-based epochs, and ``-1`` for the record taken before training; the plots
show them 1-based, as Keras prints them and as :func:`~mnist_viz.plots.training_curves` draws
them, with that first record as ``init`` at x = 0.

Example
-------
>>> from mnist_viz.plots._epochs import display_epochs, epoch_label, pick
>>> [epoch_label(e) for e in (-1, 0, 9)], display_epochs([-1, 0, 9]).tolist()
(['init', '1', '10'], [0.0, 1.0, 10.0])
>>> pick(10, 4).tolist()
[0, 3, 6, 9]
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike

__all__ = ["epoch_label", "display_epochs", "pick", "epoch_ticks"]


def epoch_label(e: float) -> str:
    """The shown name of recorded epoch ``e``: ``"init"`` for -1, else ``e + 1``."""
    e = int(e)
    return "init" if e < 0 else str(e + 1)


def display_epochs(epochs: ArrayLike) -> np.ndarray:
    """Recorded 0-based epochs (-1 = before training) -> displayed 1-based (init = 0), as floats."""
    return np.asarray(epochs, dtype=float) + 1


def pick(n: int, k: int) -> np.ndarray:
    """``k`` evenly spaced indices of ``range(n)`` including both ends (all of them when ``n <= k``)."""
    if n <= k:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, k)).astype(int))


def epoch_ticks(ax: Axes, xs: ArrayLike) -> None:
    """At most 8 x ticks at the displayed epochs ``xs``, named as :func:`epoch_label` does."""
    xs = np.unique(np.asarray(xs, dtype=float))
    if len(xs) == 0:
        return
    ticks = xs[pick(len(xs), 8)]
    ax.set_xticks(ticks, [epoch_label(t - 1) for t in ticks])
    if len(xs) == 1:
        ax.set_xlim(xs[0] - 1, xs[0] + 1)
