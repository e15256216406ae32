"""Rows of a CSV file kept as rendered text, so that rewriting the file after every epoch is cheap.

NumPy and pandas only. Used for ``history.csv``, ``batches.csv``, ``weights/stats.csv`` and
``weights/dead_relu.csv``.

Example
-------
>>> log = CsvLog(["epoch"])
>>> log.add({"epoch": 0, "loss": 0.5}); log.add({"epoch": 1, "loss": float("nan"), "note": 'say "hi", ok'})
>>> print(log.text(), end="")
epoch,loss,note
0,0.5,
1,,"say ""hi"", ok"
>>> log.frame()["loss"].isna().tolist()
[False, True]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CsvLog"]


class CsvLog:
    """Rows of a CSV file kept as rendered text, so that rewriting the file each epoch is cheap.

    Columns are the union of the rows' keys in first-seen order; a new key re-renders all rows.
    Missing values and NaN are written as empty cells (read back as NaN); floats use ``repr``
    (they read back bit-identical).
    """

    def __init__(self, columns=()):
        self.columns: list[str] = list(columns)
        self.rows: list[dict] = []
        self._lines: list[str] = []

    def __len__(self):
        return len(self.rows)

    @staticmethod
    def _cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return "" if value != value else repr(value)
        if isinstance(value, (bool, np.bool_)):
            return str(bool(value))
        if isinstance(value, (int, np.integer)):
            return str(int(value))
        if isinstance(value, np.floating):
            return CsvLog._cell(float(value))
        text = str(value)
        if any(ch in text for ch in ',"\n\r'):
            text = '"' + text.replace('"', '""') + '"'
        return text

    def _render(self, row: dict) -> str:
        return ",".join(self._cell(row.get(col)) for col in self.columns)

    def add(self, row: dict) -> None:
        """Append ``row`` (a dict of cells); new keys become new columns."""
        new = [key for key in row if key not in self.columns]
        self.rows.append(row)
        if new:
            self.columns.extend(new)
            self._lines = [self._render(r) for r in self.rows]
        else:
            self._lines.append(self._render(row))

    def text(self) -> str:
        """The whole CSV file: header and every row."""
        header = ",".join(self._cell(c) for c in self.columns)
        return "\n".join([header, *self._lines]) + "\n"

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame with the columns in order."""
        return pd.DataFrame(self.rows, columns=self.columns)
