"""Checks of what a run directory's files hold, used by the :mod:`mnist_viz.run_format` readers.

Each check returns what it was given when it is well formed, else raises
:class:`~mnist_viz._io.RunFormatError` naming the file, the key or column and what was expected, so
:meth:`mnist_viz.Run.load` never lets a raw ``KeyError`` or ``AttributeError`` out of a broken run.

Example
-------
>>> import pandas as pd
>>> checked_frame(pd.DataFrame({"epoch": [0, 1], "loss": [0.5, 0.25]}), "h.csv").loss.tolist()
[0.5, 0.25]
>>> try:
...     checked_frame(pd.DataFrame({"epoch": [0], "loss": ["oops"]}), "h.csv")
... except RunFormatError as exc:
...     print(exc)
h.csv: column 'loss' row 1 holds 'oops'; expected a number (or NA)
"""
from __future__ import annotations

import os
from typing import Any, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from mnist_viz._io import MAX_CSV_BYTES, RunFormatError, check_readable

__all__ = ["RunFormatError", "check_info_types", "checked_frame", "check_epochs_increase", "array_of", "checked_index",
           "present", "read_csv", "INFO_TYPES", "NESTED_TYPES"]

#: the type each ``run.json`` key must have when present (None is always allowed)
INFO_TYPES: dict[str, type | tuple[type, ...]] = {
    "format_version": int, "name": str, "status": str, "epochs_completed": int, "epochs_planned": int,
    "params": dict, "model": dict, "metadata": dict, "test_metrics": dict, "class_names": list,
    "recorded": dict, "evaluations": dict, "output": dict}
#: the type of values nested in ``run.json`` objects (dotted path; ``*``: every entry of a list or object)
NESTED_TYPES: dict[str, type | tuple[type, ...]] = {
    "metadata.data": dict, "metadata.versions": dict, "metadata.hardware": dict, "metadata.timings": dict,
    "metadata.data.class_names": list, "model.layers": list, "model.layers.*": dict,
    "model.total_params": int, "model.trainable_params": int}

#: the run.json keys that count epochs: never negative
_COUNTS = ("epochs_completed", "epochs_planned")
_TYPE_WORDS = {int: "an integer", str: "a string", dict: "a JSON object", list: "a JSON list",
               (int, float): "a number"}


def _kind(value: Any) -> str:
    return {dict: "a JSON object", list: "a JSON list", str: "a string", bool: "true/false",
            int: "an integer", float: "a number"}.get(type(value), type(value).__name__)


def check_info_types(info: Any, path: str | os.PathLike) -> dict[str, Any]:
    """``info`` (a parsed ``run.json``) when it is an object whose keys have :data:`INFO_TYPES` and
    whose nested values have :data:`NESTED_TYPES`.

    >>> check_info_types({"name": "m", "epochs_completed": 2}, "run.json")["name"]
    'm'
    >>> try:
    ...     check_info_types({"metadata": {"data": ["mnist"]}}, "run.json")
    ... except RunFormatError as exc:
    ...     print(exc.reason)
    key 'metadata.data' is a JSON list (['mnist']); expected a JSON object
    >>> try:
    ...     check_info_types([1], "run.json")
    ... except RunFormatError as exc:
    ...     print(exc.reason)
    expected a JSON object, got a JSON list
    """
    if not isinstance(info, dict):
        raise RunFormatError(path, f"expected a JSON object, got {_kind(info)}")
    for key, expected in INFO_TYPES.items():
        value = info.get(key)
        if value is None:
            continue
        _check_type(value, expected, key, path)
        if key in _COUNTS and value < 0:
            raise RunFormatError(path, f"key {key!r} is {value}; expected an integer >= 0")
    for dotted, expected in NESTED_TYPES.items():
        for key, value in _nested(info, dotted.split(".")):
            if value is not None:
                _check_type(value, expected, key, path)
    return info


def _check_type(value: Any, expected: type | tuple[type, ...], key: str, path: str | os.PathLike) -> None:
    if isinstance(value, bool) or not isinstance(value, expected):
        raise RunFormatError(path, f"key {key!r} is {_kind(value)} ({value!r:.40}); expected {_TYPE_WORDS[expected]}")


def _nested(value: Any, parts: list[str], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key, value) of every value at ``parts`` inside ``value`` (missing levels: none)."""
    if not parts:
        yield prefix, value
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    else:
        items = [(head, value[head])] if isinstance(value, dict) and head in value else []
    for key, child in items:
        yield from _nested(child, rest, f"{prefix}.{key}" if prefix else str(key))


def checked_frame(frame: pd.DataFrame, path: str | os.PathLike, *, required: Sequence[str] = (),
                  text: Sequence[str] = (), integer: Sequence[str] = ("epoch",)) -> pd.DataFrame:
    """``frame`` (a CSV of ``path``) with every column but ``text`` numeric, ``integer`` columns
    whole numbers and ``required`` columns present; else :class:`RunFormatError`.

    >>> try:
    ...     checked_frame(pd.DataFrame({"loss": [0.5]}), "w.csv", required=["epoch", "loss"])
    ... except RunFormatError as exc:
    ...     print(exc.reason)
    has no column 'epoch'; expected columns epoch, loss
    """
    for column in required:
        if column not in frame.columns:
            raise RunFormatError(path, f"has no column {column!r}; expected columns {', '.join(required)}")
    for column in frame.columns:
        if column in text:
            continue
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            numbers = pd.to_numeric(values, errors="coerce")
            missing = values.astype(str).str.strip().str.lower().isin(["nan", "na", "", "none"])
            bad = numbers.isna() & values.notna() & ~missing
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise RunFormatError(path, f"column {column!r} row {row + 1} holds {values.iloc[row]!r:.40}; "
                                           "expected a number (or NA)")
            frame[column] = numbers
        if column in integer:
            numbers = frame[column].to_numpy(dtype=np.float64)
            if not np.all(np.isfinite(numbers)) or not np.all(numbers == np.round(numbers)):
                raise RunFormatError(path, f"column {column!r} holds {frame[column].tolist()[:5]!r:.60}; "
                                           "expected whole numbers")
    return frame


def check_epochs_increase(frame: pd.DataFrame, path: str | os.PathLike) -> None:
    """:class:`RunFormatError` unless ``frame``'s ``epoch`` column (if any; already whole numbers)
    starts at 0 or later and holds each epoch once, in increasing order (a history's rows).

    >>> try:
    ...     check_epochs_increase(pd.DataFrame({"epoch": [0, 1, 1]}), "history.csv")
    ... except RunFormatError as exc:
    ...     print(exc.reason)
    column 'epoch' row 3 is 1 after 1; expected each epoch once, in increasing order
    """
    if "epoch" not in frame.columns or not len(frame):
        return
    epoch = frame["epoch"].to_numpy(dtype=np.int64)
    if epoch[0] < 0:
        raise RunFormatError(path, f"column 'epoch' starts at {epoch[0]}; expected 0-based epoch numbers")
    back = np.flatnonzero(np.diff(epoch) <= 0)
    if back.size:
        row = int(back[0]) + 1
        raise RunFormatError(path, f"column 'epoch' row {row + 1} is {epoch[row]} after {epoch[row - 1]}; "
                                   "expected each epoch once, in increasing order")


def array_of(arrays: Mapping[str, np.ndarray], path: str | os.PathLike, key: str, *, ndim: int | None = None,
             kind: str = "numeric", length: int | None = None, length_of: str = "") -> np.ndarray:
    """``arrays[key]`` (a member of the npz ``path``) when it is present, has ``ndim`` dimensions,
    holds ``kind`` values ("numeric", "integer", or "index": integers >= 0, for labels and row
    indices) and ``length`` rows; else :class:`RunFormatError`.

    >>> array_of({"labels": np.arange(3)}, "t.npz", "labels", ndim=1, kind="integer").tolist()
    [0, 1, 2]
    >>> try:
    ...     array_of({}, "t.npz", "labels")
    ... except RunFormatError as exc:
    ...     print(exc)
    t.npz: has no array 'labels'; expected one
    """
    if key not in arrays:
        raise RunFormatError(path, f"has no array {key!r}; expected one")
    arr = np.asarray(arrays[key])
    if ndim is not None and arr.ndim != ndim:
        raise RunFormatError(path, f"array {key!r} has shape {arr.shape}; expected {ndim} dimension(s)")
    integer = np.issubdtype(arr.dtype, np.integer)
    if not (integer or (kind == "numeric" and np.issubdtype(arr.dtype, np.floating))):
        expected = "numbers" if kind == "numeric" else "integers"
        raise RunFormatError(path, f"array {key!r} has dtype {arr.dtype}; expected {expected}")
    if kind == "index" and arr.size and arr.min() < 0:
        first = int(np.flatnonzero(arr.reshape(-1) < 0)[0])
        raise RunFormatError(path, f"array {key!r} holds {arr.reshape(-1)[first]} at {first}; expected labels or "
                                   "row indices >= 0")
    if length is not None and (arr.ndim == 0 or len(arr) != length):
        rows = len(arr) if arr.ndim else 0
        raise RunFormatError(path, f"array {key!r} has {rows} rows; expected {length}"
                                   f"{' (one per ' + length_of + ')' if length_of else ''}")
    return arr


def present(path: str | os.PathLike) -> bool:
    """Whether ``path`` is there at all (a dangling link counts: the reader then refuses it).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "gone").symlink_to(d / "nowhere")
    >>> present(d / "gone"), (d / "gone").exists()
    (True, False)
    """
    return os.path.lexists(path)


def read_csv(run_dir: str | os.PathLike, name: str, **checks: Any) -> pd.DataFrame | None:
    """CSV ``name`` of ``run_dir`` (checked by :func:`~mnist_viz._io.check_readable` and
    :func:`checked_frame` with ``checks``), or None when absent or empty.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "h.csv").write_text("epoch,loss\\n0,NA\\n")
    >>> read_csv(d, "h.csv").loss.isna().tolist(), read_csv(d, "none.csv")
    ([True], None)
    """
    path = os.path.join(run_dir, name)
    if not present(path):
        return None
    check_readable(path, root=run_dir, limit=MAX_CSV_BYTES)
    try:
        frame = pd.read_csv(path, na_values=["NA"])
    except pd.errors.EmptyDataError:
        return None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise RunFormatError(path, f"is not a readable CSV ({exc})") from None
    return checked_frame(frame, path, **checks)


def checked_index(index: Any, path: str | os.PathLike) -> list[dict[str, Any]]:
    """``index`` (``weights/index.json`` at ``path``) when it is a list of objects with an integer
    ``key`` and a string ``weight``.

    >>> checked_index([{"key": 0, "weight": "d/kernel"}], "index.json")[0]["weight"]
    'd/kernel'
    >>> try:
    ...     checked_index({"key": 0}, "index.json")
    ... except RunFormatError as exc:
    ...     print(exc.reason)
    expected a JSON list of variables, got a JSON object
    """
    if not isinstance(index, list):
        raise RunFormatError(path, f"expected a JSON list of variables, got {_kind(index)}")
    for i, entry in enumerate(index):
        if not (isinstance(entry, dict) and isinstance(entry.get("key"), int) and isinstance(entry.get("weight"), str)):
            raise RunFormatError(path, f"entry {i} is {entry!r:.60}; expected an object with an integer "
                                       "'key' and a string 'weight'")
    return index
