"""Numbers, epochs, shapes and class names as the page shows them, and DataFrames as :class:`Table`.

Every cell of a report table is text made here, so the whole page writes numbers one way.

Example
-------
>>> import pandas as pd
>>> frame_table(pd.DataFrame({"epoch": ["1", "2"], "loss": [0.51234, 0.25]}), caption="History").rows
[['1', '0.5123'], ['2', '0.25']]
"""
from __future__ import annotations

import math

import numpy as np

from ._model import Table

__all__ = ["fmt", "epoch_text", "shape_text", "history_frame", "frame_table", "pivot_table"]


def fmt(value, digits: int = 4) -> str:
    """Numbers as short text (NaN/None as an em dash).

    >>> fmt(0.98765), fmt(12345), fmt(2.5e-05), fmt(1.5), fmt(None), fmt(float("nan")), fmt(True)
    ('0.9877', '12,345', '2.5e-05', '1.5', '—', '—', 'yes')
    """
    if value is None:
        return "—"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            return "—"
        if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e6):
            return f"{v:.3g}"
        return f"{v:.{digits}g}" if abs(v) >= 1 else f"{v:.{digits}f}".rstrip("0").rstrip(".") or "0"
    return str(value)


def epoch_text(e) -> str:
    """Epoch numbers as the page shows them: counted from 1 (Keras' "Epoch 1/5"); -1 is "init".

    >>> epoch_text(0), epoch_text(4), epoch_text(-1)
    ('1', '5', 'init')
    """
    e = int(e)
    return "init" if e < 0 else str(e + 1)


def shape_text(shape) -> str:
    """A layer's output shape as text; ``None`` dimensions (the batch) as "None".

    >>> shape_text([None, 28, 28, 8]), shape_text(None), shape_text("multiple")
    ('(None, 28, 28, 8)', '—', 'multiple')
    """
    if shape is None:
        return "—"
    if isinstance(shape, (list, tuple)):
        return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"
    return str(shape)



def history_frame(run):
    """``run.history`` as a DataFrame with its 0-based ``epoch`` column (as in the run directory).

    >>> from mnist_viz.run import Run
    >>> history_frame(Run.from_dict({"loss": [0.9, 0.5]})).columns.tolist()
    ['epoch', 'loss']
    """
    frame = run.history.reset_index()
    if "epoch" not in frame.columns:
        frame.insert(0, "epoch", np.arange(len(frame)))
    return frame


def frame_table(frame, *, caption: str = "", max_rows: int = 200) -> Table:
    """A DataFrame as a :class:`Table` of formatted cells, at most ``max_rows`` rows (the caption
    says when rows were left out).

    >>> import pandas as pd
    >>> frame_table(pd.DataFrame({"a": range(5)}), caption="Five", max_rows=2).caption
    'Five (first 2 of 5 rows; the CSV has all)'
    """
    cols = [str(c) for c in frame.columns]
    rows = [[fmt(v) for v in row] for row in frame.head(max_rows).itertuples(index=False)]
    if len(frame) > max_rows:
        caption += f" (first {max_rows} of {len(frame)} rows; the CSV has all)"
    return Table(cols, rows, caption=caption)


def pivot_table(pivot, caption: str) -> Table:
    """A pivot (index: epoch, one column per variable) as a :class:`Table`, epochs counted from 1.

    >>> import pandas as pd
    >>> t = pivot_table(pd.DataFrame({"dense/kernel": [5.0, 6.0]}, index=[-1, 0]), "L2 norm")
    >>> t.columns, t.rows
    (['epoch', 'dense/kernel'], [['init', '5'], ['1', '6']])
    """
    cols = ["epoch"] + [str(c) for c in pivot.columns]
    rows = [[epoch_text(idx)] + [fmt(v) for v in row] for idx, row in zip(pivot.index, pivot.to_numpy())]
    return Table(cols, rows, caption=caption)
