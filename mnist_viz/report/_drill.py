"""Digits for the page's own views: the confusion drill-down's sprite and index, and thumbnails.

The drill-down shows, for a selected cell of the confusion table, the test digits in it (most
confident first): one sprite PNG holds a row of tiles per non-empty cell, and a small index says
which row and which test digits. Images are turned into uint8 by
:func:`mnist_viz._arrays.to_uint8_images`; the PNGs are made by :mod:`._embed`.

Example
-------
>>> import numpy as np
>>> probs = np.array([[0.9, 0.1], [0.2, 0.8]])
>>> d = drill_data(np.zeros((2, 28, 28), np.uint8), np.array([0, 1]), probs.argmax(1), probs, 2)
>>> sorted(d["cells"]), d["sprite"][:22]
(['0,0', '1,1'], 'data:image/png;base64,')
"""
from __future__ import annotations

import numpy as np

from mnist_viz._arrays import to_uint8_images

from . import _embed

__all__ = ["THUMBS_PER_CELL", "drill_data", "digit_thumbs"]

#: thumbnails embedded per confusion-matrix cell for the drill-down
THUMBS_PER_CELL = 12


def _uint8(images) -> np.ndarray:
    arr = to_uint8_images(images, "images")
    if arr is None:
        raise ValueError(f"images must be 28x28 digits (n, 28, 28) or (n, 784); got shape {np.shape(images)}")
    return arr


def drill_data(images, y_true, y_pred, probabilities, n: int, per_cell: int = THUMBS_PER_CELL) -> dict:
    """One sprite PNG (a row per non-empty cell, up to ``per_cell`` digits, most confident first)
    and an index ``{"t,p": {"row", "n", "idx": [...], "conf": [...]}}``.

    >>> import numpy as np
    >>> probs = np.array([[0.9, 0.1], [0.4, 0.6], [0.8, 0.2]])
    >>> d = drill_data(np.zeros((3, 28, 28), np.uint8), np.array([0, 0, 1]), probs.argmax(1), probs, 2)
    >>> d["cells"]
    {'0,0': {'row': 0, 'n': 1, 'idx': [0], 'conf': [0.9]}, '0,1': {'row': 1, 'n': 1, 'idx': [1], 'conf': [0.6]}, '1,0': {'row': 2, 'n': 1, 'idx': [2], 'conf': [0.8]}}
    """
    order = np.lexsort((-probabilities.max(axis=1), y_pred, y_true))  # by cell, most confident first
    keys = y_true[order] * n + y_pred[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, int)
    ends = np.r_[starts[1:], len(keys)]
    tiles = np.zeros((len(starts), per_cell, 28, 28), dtype=np.uint8)
    cells = {}
    imgs = _uint8(images) if len(starts) else None
    for row, (a, b) in enumerate(zip(starts, ends)):
        chosen = order[a:min(b, a + per_cell)]
        tiles[row, : len(chosen)] = imgs[chosen]
        t_, p_ = divmod(int(keys[a]), n)
        cells[f"{t_},{p_}"] = {"row": row, "n": int(b - a), "idx": chosen.tolist(),
                               "conf": [round(float(c), 3) for c in probabilities[chosen, p_]]}
    sprite = _embed.digits_sprite(tiles) if len(starts) else ""
    return {"sprite": sprite, "tile": 28, "per_cell": per_cell, "cells": cells}


def digit_thumbs(images) -> list[str]:
    """One small PNG ``data:`` URI per digit of ``images`` (n, 28, 28) or (n, 784).

    >>> import numpy as np
    >>> [uri[:22] for uri in digit_thumbs(np.zeros((2, 784), np.uint8))]
    ['data:image/png;base64,', 'data:image/png;base64,']
    """
    imgs = _uint8(images)
    return [_embed.digits_sprite(img[None, None]) for img in imgs]
