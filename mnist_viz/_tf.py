"""Import Keras (TensorFlow backend) quietly, only when a model has to run.

TensorFlow 2.21 writes several absl/oneDNN/CUDA lines to the process's stderr while importing,
ignoring ``TF_CPP_MIN_LOG_LEVEL`` for some of them. Users of mnist_viz should not see them, so the
import runs with file descriptor 2 pointed at ``/dev/null`` (real errors still raise).

Example
-------
>>> from mnist_viz._tf import import_keras
>>> keras = import_keras()
>>> keras.backend.backend()
'tensorflow'
"""
from __future__ import annotations

import os
import sys


def import_keras():
    """Return the ``keras`` module, importing TensorFlow silently the first time."""
    if "keras" in sys.modules and "tensorflow" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    saved = None
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:  # no real fd 2 (some notebook front ends): import loudly
        saved = None
    try:
        import tensorflow  # noqa: F401
        import keras
    finally:
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)
    return keras


def import_tensorflow():
    """Return the ``tensorflow`` module, imported quietly.

    >>> import_tensorflow().__name__
    'tensorflow'
    """
    import_keras()
    return sys.modules["tensorflow"]
