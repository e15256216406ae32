"""Import Keras quietly, on the backend the user chose, only when a model has to run.

:func:`import_keras` never picks a backend: Keras reads ``KERAS_BACKEND``, else ``"backend"`` in
``keras.json`` (in ``KERAS_HOME``, else ``~/.keras``), else uses its default (TensorFlow). Only
that backend is imported (TensorFlow only when it is the backend). :func:`import_tensorflow` is
for code that runs only on TensorFlow (``tf.data``, ``tf.distribute``, the traced probe pass).

TensorFlow 2.21 writes several absl/oneDNN/CUDA lines to the process's stderr while importing,
ignoring ``TF_CPP_MIN_LOG_LEVEL`` for some of them. Users of mnist_viz should not see them, so
the import runs with file descriptor 2 pointed at ``/dev/null`` (real errors still raise).

:func:`backend` names the backend in use; :func:`inference` is the context in which recorders run
the model during ``fit`` (no gradients on torch, the torch module's ``training`` flag restored).

Example
-------
>>> from mnist_viz._tf import import_keras, backend
>>> keras = import_keras()
>>> backend() == keras.backend.backend() and backend() in {"tensorflow", "jax", "torch", "numpy", "openvino"}
True
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import sys

__all__ = ["import_keras", "import_tensorflow", "backend", "is_tensorflow", "inference", "to_numpy", "before_keras_saving"]


@contextlib.contextmanager
def _quiet_stderr():
    """File descriptor 2 points at /dev/null inside (when there is a real fd 2)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
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
        yield
    finally:
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)


def import_keras():
    """Return the ``keras`` module on the backend the user chose, importing it silently the first time.

    >>> keras = import_keras()
    >>> keras.__name__, import_keras() is keras
    ('keras', True)
    """
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        return keras
    with _quiet_stderr():  # the TensorFlow backend imports TensorFlow here
        import keras
    return keras


def backend() -> str:
    """The Keras backend in use: ``"tensorflow"``, ``"jax"``, ``"torch"``, ...

    >>> backend() == import_keras().backend.backend()
    True
    """
    return str(import_keras().backend.backend())


def is_tensorflow() -> bool:
    """Whether Keras runs on TensorFlow (only then may ``tf.*`` run on the model's tensors).

    >>> is_tensorflow() == (backend() == "tensorflow")
    True
    """
    return backend() == "tensorflow"


def import_tensorflow():
    """Return the ``tensorflow`` module, imported quietly (for TensorFlow-only code).

    >>> import_tensorflow().__name__
    'tensorflow'
    """
    tf = sys.modules.get("tensorflow")
    if tf is not None and hasattr(tf, "function"):
        return tf
    with _quiet_stderr():
        import tensorflow as tf
    return tf


def to_numpy(x):
    """``keras.ops.convert_to_numpy(x)``; a torch tensor is detached and read directly (Keras' own
    path goes through ``np.array(tensor)``, which NumPy 2 warns about on every call).

    >>> import numpy as np
    >>> to_numpy(import_keras().ops.ones((2,))).tolist()
    [1.0, 1.0]
    """
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(x, torch.Tensor) and x.dtype != torch.bfloat16:
        return x.detach().cpu().numpy()
    return import_keras().ops.convert_to_numpy(x)


def before_keras_saving() -> None:
    """Call before ``model.save``, ``to_json`` or ``keras.saving.load_model``: Keras' serialization
    imports TensorFlow whenever it is installed, whatever the backend (to recognise
    ``tf.TensorShape``), which would print TensorFlow's start-up lines; this imports it quietly
    first. Nothing happens when TensorFlow is not installed or already imported.

    >>> before_keras_saving()
    """
    if "tensorflow" not in sys.modules and importlib.util.find_spec("tensorflow") is not None:
        import_tensorflow()


@contextlib.contextmanager
def inference(model):
    """Run ``model`` for a recorder's forward pass: on torch under ``torch.no_grad()``, and the torch
    module's ``training`` flag (which ``model.predict`` and ``evaluate`` set to False) is restored
    afterwards, so a fit in progress goes on in the mode it was in. Elsewhere nothing changes.

    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> with inference(model):
    ...     out = model(keras.ops.ones((1, 2)), training=False)
    >>> tuple(out.shape)
    (1, 1)
    """
    if backend() != "torch":
        yield
        return
    import torch

    modes = [(module, module.training) for module in model.modules()] if isinstance(model, torch.nn.Module) else []
    try:
        with torch.no_grad():
            yield
    finally:
        for module, training in modes:
            module.training = training
