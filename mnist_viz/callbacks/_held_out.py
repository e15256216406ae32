"""The data ``fit`` holds out for validation, found for a recorder that was not handed it.

Keras gives callbacks no validation data. A recorder can still know it exactly, two ways:

- :func:`keras_split` reproduces ``validation_split``'s hold-out from the training arrays the
  recorder was given: Keras keeps the *last* ``floor(n * (1 - split))``-th sample onwards, before
  any shuffling (``keras.src.trainers.data_adapters.array_slicing.train_validation_split``).
- :func:`fit_call` reads the running ``model.fit``'s own arguments (``validation_split``, and the
  ``validation_data`` it is about to use, which Keras has already split off), by finding the
  ``fit`` frame of this model on the call stack. Every Keras 3 trainer (TensorFlow, JAX, PyTorch)
  names them so; a fit the recorder cannot find (a custom loop) returns None and the recorder asks
  for the arguments instead.

Example
-------
>>> import numpy as np
>>> x, y = np.arange(10).reshape(10, 1), np.arange(10) % 3
>>> x_val, y_val = keras_split((x, y), 0.25)
>>> x_val.ravel().tolist(), y_val.tolist()
([8, 9], [2, 0])
"""
from __future__ import annotations

import math
import sys

import numpy as np

__all__ = ["keras_split", "fit_call", "FitCall", "as_arrays", "fit_validation"]


def keras_split(training_data, validation_split: float):
    """``(x_val, y_val)``: the samples ``fit(x, y, validation_split=...)`` holds out.

    >>> keras_split((np.zeros((3, 2)), np.zeros(3)), 0.9)
    Traceback (most recent call last):
    ...
    ValueError: validation_split=0.9 of 3 training samples holds out all of them (Keras refuses it too); ...
    """
    x, y = training_data
    n = len(x)
    split = float(validation_split)
    if not 0.0 < split < 1.0:
        raise ValueError(f"validation_split must be between 0 and 1 (exclusive); got {validation_split!r}")
    split_at = int(math.floor(n * (1.0 - split)))
    if split_at in (0, n):
        raise ValueError(f"validation_split={split} of {n} training samples holds out "
                         f"{'none' if split_at == n else 'all'} of them (Keras refuses it too); "
                         "give more training data or another validation_split")
    return _rows(x, split_at), _rows(y, split_at)


def _rows(a, start: int):
    if isinstance(a, dict):
        return {k: v[start:] for k, v in a.items()}
    return a[start:]


class FitCall:
    """The arguments of the running ``model.fit`` a recorder needs: ``validation_split`` (0.0: none)
    and ``validation_data`` (what fit validates on, after its own split; None without)."""

    def __init__(self, validation_split, validation_data):
        self.validation_split = float(validation_split or 0.0)
        self.validation_data = validation_data

    def __repr__(self) -> str:
        return f"FitCall(validation_split={self.validation_split}, validation_data={self.validation_data is not None})"


def fit_call(model, *, max_depth: int = 64) -> FitCall | None:
    """The running ``model.fit``'s validation arguments, or None when no fit of ``model`` is on the stack.

    >>> fit_call(object()) is None
    True
    """
    frame = sys._getframe(1)
    for _ in range(max_depth):
        if frame is None:
            return None
        code_locals = frame.f_locals
        if frame.f_code.co_name == "fit" and code_locals.get("self") is model and "validation_split" in code_locals:
            return FitCall(code_locals.get("validation_split"), code_locals.get("validation_data"))
        frame = frame.f_back
    return None


def as_arrays(validation_data):
    """``(x, y)`` NumPy arrays of a fit's ``validation_data`` (a tuple of arrays or tensors), or None
    when it is not in memory (a ``tf.data.Dataset``, a generator, a ``PyDataset``).

    >>> [a.tolist() for a in as_arrays(([[1.0], [2.0]], [0, 1], None))]
    [[[1.0], [2.0]], [0, 1]]
    >>> as_arrays(iter([])) is None
    True
    """
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) < 2:
        return None
    x, y = validation_data[0], validation_data[1]
    if x is None or y is None or isinstance(x, dict):
        return None
    try:
        return _numpy(x), _numpy(y)
    except Exception:
        return None


def _numpy(a) -> np.ndarray:
    if isinstance(a, np.ndarray):
        return a
    if hasattr(a, "detach"):  # a torch tensor
        return a.detach().cpu().numpy()
    if hasattr(a, "numpy"):  # a TensorFlow eager tensor
        return np.asarray(a.numpy())
    if type(a).__module__.startswith(("jax", "jaxlib")):
        return np.asarray(a)
    if isinstance(a, (list, tuple)):
        return np.asarray(a)
    raise TypeError(f"not an array: {type(a).__name__}")


def fit_validation(model):
    """``(arrays, source)`` of what the running fit of ``model`` validates on: ``(x_val, y_val)`` and
    ``"validation_split"`` or ``"validation_data"``; ``(None, None)`` without validation or without a
    fit to read; ``(None, "stream")`` when fit validates on data not in memory (a dataset, a generator).

    >>> fit_validation(object())
    (None, None)
    """
    call = fit_call(model)
    if call is None or call.validation_data is None:
        return None, None
    arrays = as_arrays(call.validation_data)
    if arrays is None:
        return None, "stream"
    return arrays, "validation_split" if call.validation_split else "validation_data"
