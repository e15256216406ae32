"""The tutorial's preprocessing: digits to a dense net's or a convnet's input, labels to one-hot rows
and back. NumPy only; images are reshaped by :func:`mnist_viz._arrays.as_images` and labels read by
:func:`mnist_viz._arrays.as_labels`, the helpers the plots use too.

Example
-------
>>> import numpy as np
>>> x = np.zeros((2, 28, 28), np.uint8)
>>> flatten_scale(x).shape, as_image_batch(x).shape, one_hot([3, 1]).shape, to_sparse(one_hot([3, 1])).tolist()
((2, 784), (2, 28, 28, 1), (2, 10), [3, 1])
"""
from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mnist_viz._arrays import as_images, as_labels, positive_int

__all__ = ["flatten_scale", "as_image_batch", "one_hot", "to_sparse"]


def _pixels01(x: ArrayLike, name: str) -> NDArray[np.float32]:
    """float32 (n, 28, 28) in [0, 1] from uint8/integer 0..255 or float already in [0, 1]."""
    arr: np.ndarray = np.asarray(x)
    try:
        arr = as_images(arr, name)
    except ValueError as exc:
        hint = "; for one image use x[None]" if arr.shape == (28, 28) else ""
        raise ValueError(f"{exc}{hint}") from None
    if arr.dtype == np.bool_:
        raise TypeError(f"{name} must hold numbers (uint8 0..255 or float 0..1); got dtype {arr.dtype}")
    if arr.size == 0:
        return arr.astype(np.float32)
    if np.issubdtype(arr.dtype, np.integer):
        ilo, ihi = int(arr.min()), int(arr.max())
        if ilo < 0 or ihi > 255:
            raise ValueError(f"{name} holds integer pixels {ilo}..{ihi}; expected 0..255")
        return arr.astype(np.float32) / np.float32(255.0)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds NaN or infinite pixel values")
    lo, hi = float(arr.min()), float(arr.max())
    if lo < 0 or hi > 1:
        raise ValueError(
            f"{name} holds float pixels {lo:g}..{hi:g}; float input must already be scaled to [0, 1] "
            "(pass uint8 0..255 to have it scaled)"
        )
    return arr.astype(np.float32)


def flatten_scale(x: ArrayLike) -> NDArray[np.float32]:
    """The tutorial's dense-net input: flatten each digit to 784 values and scale to [0, 1].

    Parameters
    ----------
    x : array-like
        Digits ``(n, 28, 28)``, ``(n, 784)`` or ``(n, 28, 28, 1)``; uint8 (or any integer type)
        0..255, which is divided by 255, or float already in [0, 1], kept as is.

    Returns
    -------
    numpy.ndarray
        float32 ``(n, 784)`` in [0, 1].

    Example
    -------
    >>> import numpy as np
    >>> flat = flatten_scale(np.full((2, 28, 28), 255, np.uint8))
    >>> flat.shape, flat.dtype, float(flat.max())
    ((2, 784), dtype('float32'), 1.0)
    """
    return _pixels01(x, "x").reshape(-1, 784)


def as_image_batch(x: ArrayLike) -> NDArray[np.float32]:
    """Convnet input: digits as a float32 batch ``(n, 28, 28, 1)`` scaled to [0, 1].

    Accepts the same inputs as :func:`flatten_scale`.

    Example
    -------
    >>> import numpy as np
    >>> batch = as_image_batch(np.zeros((3, 784), np.uint8))
    >>> batch.shape, batch.dtype
    ((3, 28, 28, 1), dtype('float32'))
    """
    return _pixels01(x, "x")[..., None]


def one_hot(y: ArrayLike, num_classes: int = 10) -> NDArray[np.float32]:
    """One-hot labels as float32 ``(n, num_classes)``, as ``categorical_crossentropy`` wants.

    Parameters
    ----------
    y : array-like
        Integer labels ``(n,)`` in ``0..num_classes-1`` (integral floats such as ``3.0`` are
        accepted), or labels that are already one-hot ``(n, num_classes)``, returned as float32.
    num_classes : int
        Number of classes.

    Example
    -------
    >>> one_hot([2, 0], num_classes=3)
    array([[0., 0., 1.],
           [1., 0., 0.]], dtype=float32)
    """
    positive_int(num_classes, "num_classes")
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] != 1 and arr.shape[1] != num_classes:
        raise ValueError(f"y is one-hot with {arr.shape[1]} columns, expected num_classes={num_classes}")
    labels = to_sparse(arr)
    if labels.size and labels.max() >= num_classes:
        raise ValueError(f"y holds label {labels.max()}, out of range for num_classes={num_classes} (0..{num_classes - 1})")
    return np.eye(num_classes, dtype=np.float32)[labels]


def to_sparse(y: ArrayLike) -> NDArray[np.int64]:
    """Integer labels int64 ``(n,)`` from sparse labels or one-hot rows.

    Parameters
    ----------
    y : array-like
        Integer labels ``(n,)`` or ``(n, 1)`` (integral floats such as ``3.0`` are accepted), or
        one-hot ``(n, C)`` (each row exactly one 1, the rest 0). Probabilities are refused: take
        ``argmax`` of predictions yourself.

    Example
    -------
    >>> to_sparse([[0, 1, 0], [1, 0, 0]])
    array([1, 0])
    >>> to_sparse([3, 1]).dtype
    dtype('int64')
    """
    return cast("NDArray[np.int64]", as_labels(y, "y"))
