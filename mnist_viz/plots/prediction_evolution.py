"""How the predictions on a fixed probe set moved while a network trained, from
:class:`~mnist_viz.PredictionRecorder` records: small confusion matrices at a few epochs, or the
accuracy of each class over epochs. The counts are :func:`mnist_viz.metrics.confusion_counts`,
each class's accuracy its recall (:func:`mnist_viz.metrics.recall_precision`).

Epochs are shown 1-based, the record taken before training as ``init`` (:mod:`._epochs`).

Example
-------
>>> import numpy as np, mnist_viz.plots as mp
>>> from types import SimpleNamespace
>>> rng = np.random.default_rng(0)
>>> probs = rng.dirichlet(np.ones(3), size=(4, 30))           # 4 epochs, 30 probe digits, 3 classes
>>> probe = SimpleNamespace(labels=rng.integers(0, 3, 30), epochs=np.arange(4), probabilities=probs)
>>> fig = mp.prediction_evolution(probe, kind="accuracy")
>>> mp.alt_text(fig).startswith("Per-class accuracy on 30 probe digits over 4 epochs")
True
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np

from mnist_viz._arrays import as_labels
from mnist_viz._words import count, noun_for, run_noun
from mnist_viz.metrics import accuracy, confusion_counts, recall_precision

from ._epochs import display_epochs, epoch_label, epoch_ticks, pick
from ._figure import FigureLike, FigureTarget, axes_size, message_figure, new_subplots, refuse_ax
from ._inputs import class_names_for
from ._labels import class_ticks, short_names
from ._style import SEQUENTIAL_CMAP, class_palette, plot_style, set_alt_text
from ._theme import ink

if TYPE_CHECKING:
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.gridspec import SubplotSpec

__all__ = ["prediction_evolution"]


def _probe_inputs(probe: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    records = probe if hasattr(probe, "probabilities") else getattr(probe, "probe", None)
    if records is None:
        if hasattr(probe, "history"):
            raise ValueError(
                "probe: this run has no probe records (probe/ folder); record them with "
                "mnist_viz.PredictionRecorder (RunRecorder does) during fit"
            )
        raise TypeError(
            "probe must be a Run or an object with .labels (n,), .epochs (E,) and .probabilities (E, n, C); "
            f"got {type(probe).__name__}"
        )
    probs = np.asarray(records.probabilities, dtype=np.float64)
    if probs.ndim != 3:
        raise ValueError(f"probe.probabilities must have shape (epochs, n, classes); got {probs.shape}")
    epochs = np.asarray(records.epochs)
    if epochs.ndim != 1 or len(epochs) != probs.shape[0]:
        raise ValueError(f"probe.epochs has shape {epochs.shape}, probe.probabilities has {probs.shape[0]} epochs")
    n_classes = probs.shape[2]
    labels = as_labels(records.labels, "probe.labels", n_classes=n_classes if n_classes else None)
    if len(labels) != probs.shape[1]:
        raise ValueError(f"probe.labels has {len(labels)} rows, probe.probabilities has {probs.shape[1]} digits per epoch")
    if probs.size and not np.all(np.isfinite(probs)):
        bad = np.asarray(~np.isfinite(probs).all(axis=2))  # (epochs, n)
        e, row = (int(i[0]) for i in np.nonzero(bad))
        raise ValueError(f"probe.probabilities hold NaN or inf values: epoch {int(epochs[e]) + 1}, row {row} first "
                         f"({int(bad.sum())} rows in {int(np.any(bad, axis=1).sum())} epochs); expected finite "
                         "probabilities in every epoch")
    return labels, epochs, probs


@overload
def prediction_evolution(probe: Any, *, kind: Literal["confusion", "accuracy"] = "confusion",
                         epochs: int | Sequence[int] | None = None, class_names: Sequence[object] | None = None,
                         noun: str | None = None, fig: Figure | None = None, ax: None = None) -> Figure: ...


@overload
def prediction_evolution(probe: Any, *, kind: Literal["confusion", "accuracy"] = "confusion",
                         epochs: int | Sequence[int] | None = None, class_names: Sequence[object] | None = None,
                         noun: str | None = None, fig: SubFigure | SubplotSpec, ax: None = None) -> SubFigure: ...


def prediction_evolution(probe: Any, *, kind: Literal["confusion", "accuracy"] = "confusion",
                         epochs: int | Sequence[int] | None = None, class_names: Sequence[object] | None = None,
                         noun: str | None = None, fig: FigureTarget = None, ax: None = None) -> FigureLike:
    """How the predictions on a fixed probe set changed over training (from
    :class:`~mnist_viz.PredictionRecorder`).

    ``kind="confusion"``: small confusion matrices (rows = true class, normalised per row, on a
    square-root colour scale so the rare errors stay visible) for up to 4 epochs — first, last and
    evenly spaced between, or the ``epochs`` asked for. ``kind="accuracy"``: per-class accuracy
    over epochs as lines (overall accuracy in black) and as a class × epoch heatmap.

    Parameters
    ----------
    probe : Run or ProbeRecords-like
        A ``Run`` (its ``.probe``) or an object with ``.labels`` (n,), ``.epochs`` (E,) and
        ``.probabilities`` (E, n, C).
    kind : {"confusion", "accuracy"}
    epochs : list of int, optional
        Epochs to show as confusion matrices, 1-based as on the plots (0 = before training).
    class_names : list of str, optional
        Default: a Run's own ``class_names`` (a Run given as ``probe``), else ``0..C-1``. Drawn
        cut to 16 characters with "…"; the alt text keeps them whole.
    noun : str, optional
        The word for one sample in the alt text (default: a Run's ``metadata.data.noun``, else
        "digit" for class names "0".."9", else "image").
    fig : Figure, SubFigure or SubplotSpec, optional
        Where to draw the matrices, or the lines and the heatmap (``gs[0, 1]``: a new SubFigure in that cell); default: a fresh figure.
    ax : not accepted (several panels): a TypeError says to pass ``fig=ax.get_subplotspec()`` instead

    Returns
    -------
    matplotlib.figure.Figure or SubFigure
        One Axes per confusion matrix, or the lines and the heatmap, and their colorbar.

    Example
    -------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> import mnist_viz.plots as mp
    >>> rng = np.random.default_rng(0)
    >>> probe = SimpleNamespace(labels=rng.integers(0, 3, 30), epochs=np.arange(5),
    ...                         probabilities=rng.dirichlet(np.ones(3), size=(5, 30)))
    >>> fig = mp.prediction_evolution(probe, epochs=[1, 5])
    >>> [ax.get_title().split(" · ")[0] for ax in fig.axes[:2]]
    ['epoch 1', 'epoch 5']
    """
    refuse_ax(ax, "prediction_evolution")
    if kind not in {"confusion", "accuracy"}:
        raise ValueError(f"kind must be 'confusion' or 'accuracy'; got {kind!r}")
    labels, eps, probs = _probe_inputs(probe)
    n_e, n, n_classes = probs.shape
    is_run = hasattr(probe, "history") and hasattr(probe, "class_names")
    if class_names is None and is_run:
        class_names = class_names_for(probe.class_names, n_classes)
    if noun is None and is_run:
        noun = run_noun(probe)
    noun = noun_for(class_names, noun)
    if class_names is not None:
        class_names = [str(c) for c in class_names]
        if len(class_names) != n_classes:
            raise ValueError(f"class_names has {len(class_names)} names, probe.probabilities has {n_classes} classes")
    names = class_names or [str(i) for i in range(n_classes)]
    shown = [epoch_label(e) for e in eps]
    if epochs is not None:
        wanted = [epochs] if isinstance(epochs, (int, np.integer)) else list(epochs)
        disp = [int(e) + 1 for e in eps]
        missing = [e for e in wanted if e not in disp]
        if missing:
            raise ValueError(f"epochs {missing} were not recorded; recorded epochs (1-based, 0 = init) are {disp}")
        rows = np.array([disp.index(e) for e in wanted], dtype=int)
    else:
        rows = pick(n_e, 4)
    with plot_style():
        if n_e == 0 or n == 0:
            return message_figure("no probe predictions recorded yet" if n_e == 0 else "the probe set is empty",
                                  "Prediction evolution: nothing recorded.", figsize=(5, 2), fig=fig)
        pred = probs.argmax(axis=2)  # (E, n)
        overall = np.array([accuracy(labels, p) for p in pred])
        # the confusion counts of the epochs shown (scikit-learn takes ~5 ms a call: not every epoch's
        # for a few matrices); each class's accuracy is its recall
        shown_rows = range(n_e) if kind == "accuracy" else rows
        counts = {r: confusion_counts(labels, pred[r], n_classes) for r in shown_rows}
        if kind == "accuracy":
            per_class = np.stack([recall_precision(counts[e])[0] for e in range(n_e)])  # NaN: no samples
            canvas = _accuracy_figure(eps, overall, per_class, short_names(names), fig)
            worst = int(np.nanargmin(per_class[-1])) if np.isfinite(per_class[-1]).any() else 0
            alt = (f"Per-class accuracy on {count(n, 'probe ' + noun)} over {n_e} epochs: overall {overall[0]:.0%} at epoch "
                   f"{shown[0]} to {overall[-1]:.0%} at epoch {shown[-1]}; weakest class at the end: {names[worst]} "
                   f"({per_class[-1, worst]:.0%}).")
        else:
            canvas = _confusion_figure(eps, rows, counts, overall, short_names(names), fig)
            alt = (f"Confusion matrices on {count(n, 'probe ' + noun)} at epochs {', '.join(shown[r] for r in rows)}; accuracy "
                   f"{', '.join(f'{overall[r]:.0%}' for r in rows)}.")
    set_alt_text(canvas, alt)
    return canvas


def _accuracy_figure(eps: np.ndarray, overall: np.ndarray, per_class: np.ndarray, names: list[str],
                     fig: FigureTarget) -> FigureLike:
    from matplotlib.ticker import PercentFormatter

    x = display_epochs(eps)
    n_classes = per_class.shape[1]
    canvas, ((ax, axh),) = new_subplots(1, 2, figsize=(10, 3.8), width_ratios=[1.1, 1], fig=fig)
    colors = class_palette(n_classes)
    for c in range(n_classes):
        ax.plot(x, per_class[:, c], color=colors[c], linewidth=1, marker="o", markersize=2.5, alpha=0.9,
                label=names[c], gid=f"class_{c}")
    ax.plot(x, overall, color=ink("black"), linewidth=2.2, marker="o", markersize=3.5, label="overall", gid="overall")
    ax.set_ylim(min(0.0, np.nanmin(per_class)) if np.isfinite(per_class).any() else 0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy on the probe set")
    ax.set_title("per-class accuracy")
    epoch_ticks(ax, x)
    ax.legend(loc="lower right", ncol=2 if n_classes > 6 else 1, fontsize="x-small")
    im = axh.imshow(per_class.T, aspect="auto", cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1, interpolation="nearest")
    axh.set_yticks(np.arange(n_classes), names if n_classes <= 20 else [""] * n_classes)
    cols = pick(len(x), 10)
    axh.set_xticks(cols, [epoch_label(eps[i]) for i in cols])
    axh.set_xlabel("epoch")
    axh.set_ylabel("true class")
    axh.set_title("accuracy by class and epoch")
    canvas.colorbar(im, ax=axh, label="accuracy", format=PercentFormatter(1.0))
    canvas.suptitle("How the predictions on the probe set improved", fontsize="medium")
    return canvas


def _confusion_figure(eps: np.ndarray, rows: np.ndarray, counts: dict[int, np.ndarray], overall: np.ndarray,
                      names: list[str], fig: FigureTarget) -> FigureLike:
    """One matrix per epoch of ``rows`` (``counts[r]``: its confusion counts), normalised per row."""
    from matplotlib.colors import PowerNorm
    from matplotlib.font_manager import FontProperties

    n_classes = len(names)
    k = len(rows)
    canvas, axes = new_subplots(1, k, figsize=(2.6 * k + 1.0, 3.2), fig=fig)
    im = None
    for ax, r in zip(axes[0], rows):
        cm = counts[r]
        support = cm.sum(axis=1).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(support[:, None] > 0, cm / np.where(support[:, None] > 0, support[:, None], 1), np.nan)
        im = ax.imshow(rate, cmap=SEQUENTIAL_CMAP, norm=PowerNorm(0.5, vmin=0, vmax=1), interpolation="nearest")
        ax.set_title(f"epoch {epoch_label(eps[r])} · acc {overall[r]:.0%}", fontsize="small")
        ticks = np.arange(n_classes)
        labels_ = names if n_classes <= 12 else [n if i % 5 == 0 else "" for i, n in enumerate(names)]
        size = FontProperties(size="x-small").get_size_in_points()
        pitch = axes_size(ax)[0] / max(n_classes, 1)
        class_ticks(ax, "x", ticks, labels_, fontsize=size, pitch_in=pitch * (5 if n_classes > 12 else 1))
        class_ticks(ax, "y", ticks, labels_, fontsize=size, pitch_in=pitch)
        ax.set_xlabel("predicted")
        ax.spines[["left", "bottom"]].set_visible(False)
        ax.tick_params(length=0)
    axes[0, 0].set_ylabel("true")
    assert im is not None  # at least one epoch is shown
    canvas.colorbar(im, ax=axes[0], label="fraction of true class (√ scale)", shrink=0.85)
    canvas.suptitle("Confusion on the probe set as training goes on", fontsize="medium")
    return canvas
