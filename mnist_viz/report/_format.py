"""Numbers, epochs, shapes and class names as the page shows them, and DataFrames as :class:`Table`.

Every cell of a report table is text made here, so the whole page writes numbers one way.

Example
-------
>>> import pandas as pd
>>> frame_table(pd.DataFrame({"epoch": ["1", "2"], "loss": [0.51234, 0.25]}), caption="History").rows
[['1', '0.512'], ['2', '0.250']]
"""
from __future__ import annotations

import math

import numpy as np

from ._model import Table

__all__ = ["fmt", "column_decimals", "column_texts", "rows_by_column", "epoch_text", "shape_text", "history_frame", "frame_table", "pivot_table"]


def fmt(value, digits: int = 4) -> str:
    """One number as short text (NaN/None as an em dash): integers and floats from 1,000 up with
    thousands separators, tiny floats in scientific notation, else ``digits`` significant digits;
    a list or tuple as its items, comma-separated. Table columns use :func:`column_texts`.

    >>> fmt(0.98765), fmt(12345), fmt(16480.4), fmt(2.5e-05), fmt(1.5), fmt(None), fmt(float("nan")), fmt(True)
    ('0.9877', '12,345', '16,480', '2.5e-05', '1.5', '—', '—', 'yes')
    >>> fmt(["CPU"]), fmt((512, 256))
    ('CPU', '512, 256')
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
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        if v != 0 and abs(v) < 1e-3:
            return f"{v:.3g}"
        return f"{v:.{digits}g}" if abs(v) >= 1 else f"{v:.{digits}f}".rstrip("0").rstrip(".") or "0"
    if isinstance(value, (list, tuple)):
        return ", ".join(fmt(v, digits) for v in value)
    return str(value)


#: most decimals a table column gets before it turns to scientific notation
MAX_DECIMALS = 6


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def column_decimals(values) -> int | None:
    """The decimals one table column of floats is written with, the same for every cell: 3 below 10,
    2 below 100, 1 below 1,000, 0 from 1,000 up (by the largest value), more where the smallest
    non-zero value would otherwise show as 0 (or, in a column of values all below 0.1, with fewer than
    two significant digits); ``None`` where that needs more than
    :data:`MAX_DECIMALS` (the column is then written in scientific notation).

    >>> column_decimals([0.99, 0.8919, 1.0]), column_decimals([16480.4, 12000.0]), column_decimals([0.0012, 0.00034])
    (3, 0, 5)
    >>> column_decimals([0.95, 0.004])
    3
    >>> column_decimals([1e-9, 0.5]) is None
    True
    """
    finite = [abs(float(v)) for v in values if _is_number(v) and math.isfinite(float(v))]
    if not finite:
        return 3
    top = max(finite)
    decimals = 0 if top >= 1000 else 1 if top >= 100 else 2 if top >= 10 else 3
    nonzero = [v for v in finite if v > 0]
    if nonzero:
        # the smallest value never shows as 0; in a column of small values only (all below 0.1) it
        # keeps two significant digits (0.0012 and 0.00034, not 0.001 and 0.000)
        digits = 2 if top < 0.1 else 1
        decimals = max(decimals, digits - 1 - math.floor(math.log10(min(nonzero))))
    return decimals if decimals <= MAX_DECIMALS else None


def column_texts(values) -> list[str]:
    """One table column as text written alike: integers with thousands separators; if any value is a
    float, every number with the same decimals (:func:`column_decimals`), thousands separated;
    ``None``/NaN as "—", booleans as yes/no, other values by :func:`fmt`.

    >>> column_texts([0.99, 0.8919, 0.949, 1])
    ['0.990', '0.892', '0.949', '1.000']
    >>> column_texts([16480.4, 9800.0, None]), column_texts([980, 1135])
    (['16,480', '9,800', '—'], ['980', '1,135'])
    >>> column_texts([0.0012, 0.00034, float("nan")]), column_texts([1e-9, 0.5])
    (['0.00120', '0.00034', '—'], ['1.0e-09', '5.0e-01'])
    """
    values = list(values)
    floats = any(isinstance(v, (float, np.floating)) for v in values)
    decimals = column_decimals(values) if floats else None
    out = []
    for v in values:
        if not (floats and _is_number(v)) or not math.isfinite(float(v)):
            out.append(fmt(v))
        elif decimals is None:
            out.append(f"{float(v):.1e}")
        else:
            out.append(f"{float(v):,.{decimals}f}")
    return out


def rows_by_column(rows) -> list[list[str]]:
    """Rows of values as text, each column written alike (:func:`column_texts`).

    >>> rows_by_column([["a", 0.5, 3], ["b", 0.25, 1200]])
    [['a', '0.500', '3'], ['b', '0.250', '1,200']]
    """
    rows = [list(r) for r in rows]
    if not rows:
        return []
    columns = [column_texts(col) for col in zip(*rows)]
    return [list(r) for r in zip(*columns)]


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
    rows = rows_by_column(frame.head(max_rows).itertuples(index=False))
    if len(frame) > max_rows:
        caption += f" (first {max_rows} of {len(frame)} rows; the CSV has all)"
    return Table(cols, rows, caption=caption)


def pivot_table(pivot, caption: str) -> Table:
    """A pivot (index: epoch, one column per variable) as a :class:`Table`, epochs counted from 1.

    >>> import pandas as pd
    >>> t = pivot_table(pd.DataFrame({"dense/kernel": [5.0, 6.0]}, index=[-1, 0]), "L2 norm")
    >>> t.columns, t.rows
    (['epoch', 'dense/kernel'], [['init', '5.000'], ['1', '6.000']])
    """
    cols = ["epoch"] + [str(c) for c in pivot.columns]
    rows = [[epoch_text(idx)] + row for idx, row in zip(pivot.index, rows_by_column(pivot.to_numpy().tolist()))]
    return Table(cols, rows, caption=caption)
