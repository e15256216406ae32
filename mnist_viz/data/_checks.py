"""Strict checks of loaded digits, NumPy only: what every source and :class:`~mnist_viz.data.MnistData`
demand of the arrays they hold.

Stricter than :mod:`mnist_viz._arrays`, which coerces what a user hands to the plots (one-hot rows,
floats in [0, 1], flat images): here pixels must already be integers 0..255 of shape (n, 28, 28) and
labels integers of shape (n,) below ``len(class_names)``, and each message names the file or the
argument it is about.

Example
-------
>>> import numpy as np
>>> class_labels(np.array([0, 3], np.uint8), "y_test", ("a", "b", "c", "d")).dtype
dtype('int64')
>>> class_labels([0, 4], "labels-idx1-ubyte", ("a", "b"))
Traceback (most recent call last):
...
mnist_viz.data._checks.LabelOutOfRange: labels-idx1-ubyte: label 4 is out of range for 2 class_names (0..1); pass class_names with one name per class
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

#: Height and width of one digit.
IMAGE_SHAPE = (28, 28)


class LabelOutOfRange(ValueError):
    """A label at or above ``len(class_names)``: :attr:`label` and :attr:`n_names` say which, for a
    caller (the CLI's ``--class-names``) that words its own message."""

    def __init__(self, message: str, label: int, n_names: int):
        super().__init__(message)
        self.label, self.n_names = label, n_names


def check_class_names(class_names) -> tuple[str, ...]:
    """``class_names`` as a tuple of at least 2 unique strings.

    >>> check_class_names(["cat", "dog"])
    ('cat', 'dog')
    """
    if isinstance(class_names, (str, bytes)) or not isinstance(class_names, Sequence):
        raise TypeError(f"class_names must be a sequence of strings; got {type(class_names).__name__}")
    names = tuple(class_names)
    if len(names) < 2:
        raise ValueError(f"class_names needs at least 2 names; got {len(names)}")
    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise TypeError(f"class_names must all be strings; got {bad[0]!r} ({type(bad[0]).__name__})")
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ValueError(f"class_names must be unique; {dup!r} appears more than once")
    return names


def check_noun(noun) -> str:
    """``noun`` as given, when it is one word of letters (e.g. "digit", "image", "glyph").

    >>> check_noun("character")
    'character'
    """
    if not isinstance(noun, str) or not noun.isalpha():
        raise ValueError("noun must be one word naming one sample, e.g. 'digit', 'image', 'character', 'letter'; "
                         f"got {noun!r}")
    return noun


def class_labels(y, where: str, class_names: tuple[str, ...]) -> np.ndarray:
    """Integer labels ``(n,)`` as int64, each in ``0..len(class_names)-1``; ``where`` (an argument
    or a file) starts every message. Floats, even integral ones, and one-hot rows are refused.
    """
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{where} must be integer labels of shape (n,); got shape {arr.shape}")
    if arr.size == 0:
        return arr.astype(np.int64)
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{where} must hold integer labels; got dtype {arr.dtype}")
    arr = arr.astype(np.int64) if arr.dtype != np.int64 else arr.view()
    lo, hi, n = int(arr.min()), int(arr.max()), len(class_names)
    if lo < 0:
        raise ValueError(f"{where}: label {lo} is negative; labels must be 0..{n - 1}")
    if hi >= n:
        raise LabelOutOfRange(
            f"{where}: label {hi} is out of range for {n} class_names (0..{n - 1}); "
            "pass class_names with one name per class", hi, n)
    return arr


def uint8_digits(x, name: str) -> np.ndarray:
    """Digits ``(n, 28, 28)`` as uint8; other dtypes are accepted only when every value is an
    integer 0..255 (a view when ``x`` is uint8 already).

    >>> uint8_digits(np.zeros((1, 28, 28)), "x_train").dtype
    dtype('uint8')
    """
    arr = np.asarray(x)
    if arr.ndim != 3 or arr.shape[1:] != IMAGE_SHAPE:
        raise ValueError(f"{name} must be images of shape (n, 28, 28); got shape {arr.shape}")
    if arr.dtype == np.uint8:
        return arr.view()
    if arr.size and (
        not np.issubdtype(arr.dtype, np.number)
        or not np.all(np.isfinite(arr))
        or np.any(arr != np.round(arr))
        or arr.min() < 0
        or arr.max() > 255
    ):
        raise ValueError(f"{name} must hold integer pixel values 0..255 (uint8); got dtype {arr.dtype}")
    return arr.astype(np.uint8)
