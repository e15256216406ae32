"""The weight-statistics maths of :class:`~mnist_viz.callbacks.WeightRecorder`, NumPy only.

For one weight variable: its flat values (:func:`flat_values`), the ``weights/stats.csv`` row
(:func:`summary_row`), the update ratio against the previous record (:func:`update_ratio`), and
the counts on fixed histogram edges (:func:`histogram_counts`), whose edges are chosen once, when
the variables are first recorded (:func:`choose_edges`).

Example
-------
>>> import numpy as np
>>> w0, w1 = np.array([[0.5, -1.0], [0.0, 0.25]], np.float32), np.array([[0.5, -1.0], [0.0, 0.5]], np.float32)
>>> edges = choose_edges(["d", "d"], [w0, np.zeros(2)], bins=4, range_factor=3.0)
>>> edges[0].tolist(), edges[1].tolist()          # the zero bias borrows its layer's range
([-3.0, -1.5, 0.0, 1.5, 3.0], [-3.0, -1.5, 0.0, 1.5, 3.0])
>>> histogram_counts(flat_values(w1), edges[0]).tolist()
[0, 1, 3, 0]
>>> row = summary_row(flat_values(w1)); row["size"], row["min"], row["max"]
(4, -1.0, 0.5)
>>> round(update_ratio(flat_values(w1), flat_values(w0)), 4)       # 0.25 / ‖w1‖
0.2041
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["flat_values", "summary_row", "update_ratio", "histogram_counts", "choose_edges"]


def flat_values(w) -> np.ndarray:
    """``w`` as a flat float32/float64 array (other dtypes become float32)."""
    flat = np.asarray(w).reshape(-1)
    if flat.dtype not in (np.float32, np.float64):
        flat = flat.astype(np.float32)
    return flat


def summary_row(flat: np.ndarray) -> dict:
    """``size``, ``mean``, ``std``, ``min``, ``max``, ``l2`` (‖W‖₂) of ``flat``; NaN statistics
    (and ``l2`` 0) for an empty variable. Means and deviations accumulate in float64."""
    if not flat.size:
        return {"size": 0, "mean": np.nan, "std": np.nan, "min": np.nan, "max": np.nan, "l2": 0.0}
    return {"size": flat.size, "mean": float(flat.mean(dtype=np.float64)), "std": float(flat.std(dtype=np.float64)),
            "min": float(flat.min()), "max": float(flat.max()), "l2": float(np.linalg.norm(flat))}


def update_ratio(flat: np.ndarray, previous: np.ndarray | None, *, l2: float | None = None) -> float:
    """‖W_t − W_prev‖₂ / ‖W_t‖₂ (``l2``: ‖W_t‖₂ when already known); NaN without a previous
    record or when ‖W_t‖ is 0."""
    if l2 is None:
        l2 = float(np.linalg.norm(flat)) if flat.size else 0.0
    if previous is None or not l2 > 0:
        return float("nan")
    return float(np.linalg.norm(flat - previous)) / l2


def histogram_counts(flat: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """int32 counts of ``flat`` on the equal-width bins between ``edges``; values outside go to
    the end bins, NaNs are not counted."""
    bins = len(edges) - 1
    lo, hi = edges[0], edges[-1]
    if np.isnan(flat).any():
        flat = flat[~np.isnan(flat)]
    pos = (flat - flat.dtype.type(lo)) * flat.dtype.type(bins / (hi - lo))
    np.clip(pos, 0, bins - 1, out=pos)
    whole = np.floor(pos)
    index = whole.astype(np.int32)
    # float32 rounding can put a value on (or within a few ulps of) a bin edge one bin off, e.g. a
    # zero bias on symmetric edges: those few go where np.histogram puts them, [edge_i, edge_i+1)
    pos -= whole  # the position within the bin, in [0, 1)
    near = np.flatnonzero(np.abs(pos - pos.dtype.type(0.5)) > pos.dtype.type(0.499))
    if near.size:
        values, at = flat[near], index[near]
        at -= (values < edges[at]) & (at > 0)
        at += (values >= edges[at + 1]) & (at < bins - 1)
        index[near] = at
    return np.bincount(index, minlength=bins).astype(np.int32)


def choose_edges(layers: list[str], values: list[np.ndarray], *, bins: int, range_factor: float) -> list[np.ndarray]:
    """Histogram edges per variable (``layers[i]`` is variable ``i``'s layer): ``bins`` equal bins
    over ±``range_factor``·max|W₀|; an all-zero (or empty, or non-finite) variable takes the widest
    range of its layer's variables, else ±1."""
    halves = [range_factor * float(np.max(np.abs(w))) if np.size(w) else 0.0 for w in values]
    by_layer: dict[str, float] = {}
    for layer, half in zip(layers, halves):
        by_layer[layer] = max(by_layer.get(layer, 0.0), half)
    edges = []
    for layer, half in zip(layers, halves):
        if not (half > 0 and math.isfinite(half)):
            half = by_layer.get(layer, 0.0)
            if not (half > 0 and math.isfinite(half)):
                half = 1.0
        edges.append(np.linspace(-half, half, bins + 1))
    return edges
