"""Training curves: loss and every metric, train vs validation, best epoch marked, optional
per-batch overlay and learning-rate panel.

Example
-------
>>> import mnist_viz.plots as mp
>>> fig = mp.training_curves({"loss": [0.9, 0.5, 0.4], "val_loss": [0.8, 0.6, 0.65],
...                           "accuracy": [0.7, 0.85, 0.9], "val_accuracy": [0.75, 0.82, 0.81]})
>>> [ax.get_title() for ax in fig.axes]
['loss', 'accuracy']
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import pandas as pd

from ._figure import FigureLike, FigureTarget, draw_message, message_figure, new_subplots, panel_axes
from ._inputs import checked_history, history_frame
from ._style import OKABE_ITO, plot_style, set_alt_text
from ._theme import ink

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.gridspec import SubplotSpec
    from numpy.typing import ArrayLike

__all__ = ["training_curves"]

#: History columns that are bookkeeping, not metrics to plot.
_NOT_METRICS = {"epoch", "learning_rate", "lr", "epoch_time", "samples_per_sec", "step", "batch", "size"}
_TRAIN_COLOR = OKABE_ITO[0]
_VAL_COLOR = OKABE_ITO[1]
_BEST_COLOR = "0.35"


def _history_frames(history: Any) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(per-epoch DataFrame, per-batch DataFrame or None) from any accepted history type, checked:
    every cell a number (or missing), the lists of a dict of equal length, ``epoch`` whole numbers."""
    batches = None
    if isinstance(history, pd.DataFrame):
        frame, name = history, "history"
    elif isinstance(history, Mapping):
        frame, name = history_frame(history, "history"), "history"
    elif hasattr(history, "history"):
        inner = history.history
        name = "history.history"
        if isinstance(inner, pd.DataFrame):  # a Run
            frame = inner
            batches = getattr(history, "batches", None)
        elif isinstance(inner, Mapping):  # a keras.callbacks.History
            frame = history_frame(inner, name)
        else:
            raise TypeError(
                "history.history must be a dict of lists (Keras History) or a DataFrame (Run); "
                f"got {type(inner).__name__}"
            )
    else:
        raise TypeError(
            "history must be a Keras History, a dict of lists, a pandas DataFrame or a Run; "
            f"got {type(history).__name__}"
        )
    return checked_history(frame, name), batches


def _metric_names(frame: pd.DataFrame) -> list[str]:
    names: list[str] = []
    for col in frame.columns:
        col = str(col)
        base = col[4:] if col.startswith("val_") else col
        if base in _NOT_METRICS or base.endswith("_batch") or base in names:
            continue
        if not pd.api.types.is_numeric_dtype(frame[col]):
            continue
        names.append(base)
    # loss first, then the metrics in the order Keras logged them
    return sorted(names, key=lambda m: (m != "loss",))


def _epochs(frame: pd.DataFrame) -> np.ndarray:
    """1-based epoch numbers: a point at x = e is the end of the e-th epoch."""
    if "epoch" in frame.columns:
        return np.asarray(frame["epoch"], dtype=float) + 1
    idx = frame.index
    if pd.api.types.is_integer_dtype(idx) and len(idx):
        return np.asarray(idx, dtype=float) + 1
    return np.arange(1, len(frame) + 1, dtype=float)


def _best_epoch(frame: pd.DataFrame) -> tuple[int, str, float] | None:
    """Position of the best epoch: min val_loss, else max val_accuracy (NaN/inf ignored)."""
    for col, pick in (("val_loss", np.nanargmin), ("val_accuracy", np.nanargmax)):
        if col in frame.columns:
            vals = np.asarray(frame[col], dtype=float)
            vals = np.where(np.isfinite(vals), vals, np.nan)
            if np.isfinite(vals).any():
                i = int(pick(vals))
                return i, col, float(vals[i])
    return None


def _plot_series(ax: Axes, x: np.ndarray, y: ArrayLike, *, color: str, label: str, linestyle: str = "-",
                 row: int = 0) -> int:
    """Line with markers; non-finite values become gaps, marked by an 'x' (in the series' colour,
    one row per series) on the lower edge."""
    y = np.asarray(y, dtype=float)
    finite = np.isfinite(y)
    ax.plot(x, np.where(finite, y, np.nan), marker="o", markersize=4, color=color, label=label,
            linestyle=linestyle)
    if (~finite).any():
        trans = ax.get_xaxis_transform()  # x in data, y in axes fraction
        ax.plot(x[~finite], np.full((~finite).sum(), 0.03 + 0.06 * row), linestyle="none", marker="x",
                markersize=7, markeredgewidth=2, color=color, transform=trans, clip_on=False,
                label=f"{label}: NaN/inf (gap)", gid="nonfinite")
    return int((~finite).sum())


def _batch_x(batches: pd.DataFrame) -> np.ndarray:
    """Fractional epochs for each batch row: batch b of epoch e (0-based) ends at e + (b+1)/n_e."""
    epoch = np.asarray(batches["epoch"], dtype=float)
    batch = np.asarray(batches["batch"], dtype=float)
    per_epoch = batches.groupby("epoch")["batch"].transform("max").to_numpy(dtype=float) + 1
    return np.asarray(epoch + (batch + 1) / per_epoch)


@overload
def training_curves(history: Any, *, metrics: str | Sequence[str] | None = None, per_batch: bool = False,
                    learning_rate: bool | Literal["auto"] = "auto", ax: Axes,
                    fig: None = None) -> Axes: ...


@overload
def training_curves(history: Any, *, metrics: str | Sequence[str] | None = None, per_batch: bool = False,
                    learning_rate: bool | Literal["auto"] = "auto", ax: Sequence[Axes] | np.ndarray,
                    fig: None = None) -> FigureLike: ...


@overload
def training_curves(history: Any, *, metrics: str | Sequence[str] | None = None, per_batch: bool = False,
                    learning_rate: bool | Literal["auto"] = "auto", ax: None = None,
                    fig: Figure | None = None) -> Figure: ...


@overload
def training_curves(history: Any, *, metrics: str | Sequence[str] | None = None, per_batch: bool = False,
                    learning_rate: bool | Literal["auto"] = "auto", ax: None = None,
                    fig: SubFigure | SubplotSpec) -> SubFigure: ...


def training_curves(history: Any, *, metrics: str | Sequence[str] | None = None, per_batch: bool = False,
                    learning_rate: bool | Literal["auto"] = "auto", ax: Axes | Sequence[Axes] | np.ndarray | None = None,
                    fig: FigureTarget = None) -> Axes | FigureLike:
    """Loss and each metric per epoch, train vs validation, with the best epoch marked.

    Parameters
    ----------
    history : keras.callbacks.History, dict of lists, pandas.DataFrame or Run
        One value per epoch for each Keras log key (``loss``, ``accuracy``, ``val_loss`` ...).
        A ``Run`` (anything with a ``.history`` DataFrame and a ``.batches`` attribute) also
        provides the per-batch values for ``per_batch=True``.
    metrics : list of str, optional
        Metric names to draw (without ``val_``); default all that are found, loss first.
    per_batch : bool
        Overlay the true per-batch values (``<metric>_batch`` columns of ``run.batches``) at
        fractional epochs. Needs a Run recorded with :class:`~mnist_viz.HistoryRecorder`.
    learning_rate : bool or "auto"
        The learning-rate panel (after the metrics). ``"auto"`` (default): drawn when the history
        recorded a learning rate and there is room for it: always on a fresh figure or ``fig=``,
        and with ``ax=`` only when ``ax`` holds one more Axes than there are metrics. ``True``
        requires it (a ValueError when no learning rate was recorded or no Axes is left for it);
        ``False`` never draws it.
    ax : Axes or sequence of Axes, optional
        Where to draw: one Axes per panel (the metrics, then the learning rate). One Axes draws
        one metric (``metrics=["accuracy"]``, or a history with only one), as any single-panel
        plot; extra Axes are hidden.
    fig : Figure, SubFigure or SubplotSpec, optional
        Draw the grid of panels into this (sub)figure, or into a new SubFigure of the SubplotSpec's
        figure (``gs[0, 1]``), instead of a fresh figure. Not together with ``ax``.

    Returns
    -------
    matplotlib.axes.Axes or matplotlib.figure.Figure or SubFigure
        The Axes when ``ax`` is one Axes; else the (sub)figure of the panels (one per metric,
        then the learning rate).

    Notes
    -----
    Every point is drawn with a marker, so a single epoch is visible (a lone point draws no line).
    NaN or inf values leave a gap marked by an ``x`` at the bottom of the panel, in the colour of
    its series (blue for train, orange for validation, one row each) and listed in the legend. The best epoch
    (lowest ``val_loss``, else highest ``val_accuracy``) is a dashed vertical line on every panel.

    Example
    -------
    >>> import mnist_viz.plots as mp
    >>> fig = mp.training_curves({"loss": [1.0, 0.6], "val_loss": [0.9, 0.7], "learning_rate": [1e-3, 5e-4]})
    >>> [ax.get_title() for ax in fig.axes]
    ['loss', 'learning rate']
    >>> mp.alt_text(fig)
    'Training curves over 2 epochs: loss; best epoch 2 (val_loss 0.7).'

    One metric on one Axes of your own grid (no learning-rate panel then):

    >>> import matplotlib.pyplot as plt
    >>> user_fig, axes = plt.subplots(1, 2)
    >>> ax = mp.training_curves({"loss": [1.0, 0.6], "accuracy": [0.6, 0.8], "learning_rate": [1e-3, 5e-4]},
    ...                         metrics=["accuracy"], ax=axes[0])
    >>> ax is axes[0], ax.get_title(), axes[1].has_data()
    (True, 'accuracy', False)
    >>> fig = mp.training_curves({"loss": [1.0, 0.6], "learning_rate": [1e-3, 5e-4]}, learning_rate=False)
    >>> [a.get_title() for a in fig.axes]
    ['loss']
    """
    frame, batches = _history_frames(history)
    found = _metric_names(frame)
    if metrics is None:
        chosen = found
    else:
        if isinstance(metrics, str):
            metrics = [metrics]
        if not isinstance(metrics, Sequence):
            raise TypeError(f"metrics must be a list of metric names or None; got {type(metrics).__name__}")
        missing = [m for m in metrics if m not in found]
        if missing:
            raise ValueError(f"metrics {missing} not found in history; it has {found}")
        chosen = list(metrics)
    if learning_rate not in (True, False, "auto"):
        raise ValueError(f"learning_rate must be True, False or 'auto'; got {learning_rate!r}")
    if ax is not None and fig is not None:
        raise TypeError("training_curves takes ax= (Axes to draw on) or fig= (a figure to fill), not both")
    given = None if ax is None else panel_axes(ax, 1)
    lr_col = next((c for c in ("learning_rate", "lr") if c in frame.columns), None)
    if lr_col is not None and not np.isfinite(np.asarray(frame[lr_col], dtype=float)).any():
        lr_col = None
    if learning_rate is True and lr_col is None:
        raise ValueError(f"learning_rate=True: the history recorded no learning rate; it has {list(frame.columns)}")
    if learning_rate is False or (learning_rate == "auto" and given is not None and len(given) <= len(chosen)):
        lr_col = None
    if per_batch:
        if batches is None or not isinstance(batches, pd.DataFrame):
            raise ValueError(
                "per_batch=True needs per-batch records: pass a Run recorded with HistoryRecorder "
                f"(run.batches); got {type(history).__name__} without batches"
            )
        if not {"epoch", "batch"} <= set(batches.columns):
            raise ValueError(f"history.batches must have 'epoch' and 'batch' columns; got {list(batches.columns)}")

    with plot_style():
        n_epochs = len(frame)
        panels = list(chosen) + (["learning rate"] if lr_col and n_epochs else [])
        if n_epochs == 0 or not panels:
            return _empty_figure(given, n_epochs, fig, one=_one_axes(ax))
        axes = _panel_axes(given, len(panels), fig)
        target = axes[0].figure
        x = _epochs(frame)
        best = _best_epoch(frame)
        n_bad = 0
        for a, metric in zip(axes, chosen):
            if metric in frame.columns:
                n_bad += _plot_series(a, x, frame[metric], color=_TRAIN_COLOR, label="train")
            if f"val_{metric}" in frame.columns:
                n_bad += _plot_series(a, x, frame[f"val_{metric}"], color=_VAL_COLOR, label="validation",
                                      row=1)
            if per_batch and batches is not None and f"{metric}_batch" in batches.columns:
                a.plot(_batch_x(batches), np.asarray(batches[f"{metric}_batch"], dtype=float),
                       color=_TRAIN_COLOR, alpha=0.35, linewidth=0.8, label="train (per batch)",
                       gid="per_batch", zorder=1)
            if best is not None:
                i, col, _ = best
                a.axvline(x[i], color=ink(_BEST_COLOR), linestyle="--", linewidth=1, zorder=0,
                          label=f"best epoch {x[i]:.0f}", gid="best_epoch")
                if f"val_{metric}" in frame.columns and np.isfinite(frame[f"val_{metric}"].iloc[i]):
                    a.plot([x[i]], [frame[f"val_{metric}"].iloc[i]], marker="*", markersize=11,
                           color=_VAL_COLOR, markeredgecolor=ink("black"), linestyle="none", zorder=5)
            a.set_title(metric)
            a.set_xlabel("epoch")
            a.legend(loc="best")
        if lr_col and "learning rate" in panels:
            a = axes[len(chosen)]
            lr = np.asarray(frame[lr_col], dtype=float)
            _plot_series(a, x, lr, color=OKABE_ITO[2], label="learning rate")
            finite = lr[np.isfinite(lr)]
            if finite.size and finite.min() > 0 and finite.max() / finite.min() > 10:
                a.set_yscale("log")
            else:
                from matplotlib.ticker import FuncFormatter

                a.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.3g}"))
                if finite.size and finite.min() == finite.max() and finite[0] > 0:  # constant: centre it
                    a.set_ylim(finite[0] * 0.5, finite[0] * 1.5)
            a.set_title("learning rate")
            a.set_xlabel("epoch")
        _integer_epoch_ticks(axes[: len(panels)], x)
        for extra in axes[len(panels):]:
            extra.set_visible(False)

        text = f"Training curves over {n_epochs} epoch{'s' if n_epochs != 1 else ''}: {', '.join(chosen)}"
        if best is not None:
            i, col, val = best
            text += f"; best epoch {x[i]:.0f} ({col} {val:.3g})"
        if n_bad:
            text += f"; {n_bad} NaN/inf value{'s' if n_bad != 1 else ''} shown as gaps"
        set_alt_text(axes[0] if _one_axes(ax) else target, text + ".")
        return axes[0] if _one_axes(ax) else target


def _one_axes(ax: object) -> bool:
    return ax is not None and not isinstance(ax, (list, tuple, np.ndarray))


def _panel_axes(given: list[Axes] | None, n: int, fig: FigureTarget) -> list[Axes]:
    """One Axes per panel: the given ones (at least ``n``), else a grid of up to 3 a row on a fresh
    figure or on ``fig``."""
    if given is None:
        ncols = min(n, 3)
        nrows = -(-n // ncols)
        _fig, axs = new_subplots(nrows, ncols, figsize=(3.6 * ncols, 3.0 * nrows), fig=fig)
        return list(axs.ravel())
    if len(given) < n:
        raise ValueError(f"ax must hold one Axes per panel ({n} needed: metrics + learning rate); got {len(given)} "
                         "(metrics=[...] picks fewer, learning_rate=False drops its panel)")
    return given


def _integer_epoch_ticks(axes: list[Axes], x: np.ndarray) -> None:
    from matplotlib.ticker import MaxNLocator

    for a in axes:
        a.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
        if len(x) == 1:
            a.set_xlim(x[0] - 1, x[0] + 1)


def _empty_figure(given: list[Axes] | None, n_epochs: int, fig: FigureTarget, *, one: bool) -> Axes | FigureLike:
    """Nothing to draw: the message on the first given Axes, else on ``fig`` or a fresh figure."""
    msg = "No training history to plot (0 epochs recorded)." if n_epochs == 0 else "No metrics to plot."
    alt = "Training curves: " + msg[0].lower() + msg[1:]
    if given is None:
        return message_figure(msg, alt, figsize=(4.8, 3.0), fig=fig)
    draw_message(given[0], msg)
    set_alt_text(given[0], alt)
    return given[0] if one else given[0].figure
