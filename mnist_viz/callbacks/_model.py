"""What RunRecorder stores about the model: the ``run.json`` "model" summary and the saved model.

Example
-------
>>> import keras
>>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="d")], name="m")
>>> summary = model_summary(model)
>>> summary["total_params"], summary["layers"]
(10, [{'name': 'd', 'class_name': 'Dense', 'output_shape': [None, 2], 'params': 10, 'activation': 'linear', 'relu': False}])
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from mnist_viz._graph import is_nested, leaf_layers
from mnist_viz._io import atomic_write_text, naming
from mnist_viz._tf import before_keras_saving
from mnist_viz.callbacks._base import keras
from mnist_viz.callbacks._probe import is_relu_layer
from mnist_viz.run_format import MODEL_CONFIG_JSON, MODEL_KERAS

__all__ = ["model_summary", "save_model"]


def model_summary(model) -> dict:
    """``name``, ``class_name``, ``built``, ``total_params``, ``trainable_params`` and the top-level
    ``layers`` (a nested model is one entry): ``name``, ``class_name``, ``output_shape`` (``None``
    for the batch axis, or ``None`` when Keras cannot tell), ``params``, ``activation`` (the layer's
    own activation function by name, ``"relu"`` for a ``ReLU`` layer; absent for a layer without
    one, such as a nested model or a pooling layer) and ``relu`` (whether it is or holds a ReLU layer,
    the layers whose dead units :class:`~mnist_viz.callbacks.WeightRecorder` counts)."""
    info = {"name": model.name, "class_name": type(model).__name__, "built": bool(model.built)}
    if not model.built:
        info["layers"] = []
        return info
    info["total_params"] = int(model.count_params())
    info["trainable_params"] = int(sum(int(np.prod(v.shape)) for v in model.trainable_weights))
    layers = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        try:
            shape = list(layer.output.shape)
            shape = [None] + [None if d is None else int(d) for d in shape[1:]]
        except Exception:
            shape = None
        try:
            params = int(layer.count_params()) if layer.built else 0
        except Exception:
            params = int(sum(int(np.prod(v.shape)) for v in layer.weights))
        entry = {"name": layer.name, "class_name": type(layer).__name__, "output_shape": shape, "params": params}
        activation = _activation_name(layer)
        if activation is not None:
            entry["activation"] = activation
        entry["relu"] = any(is_relu_layer(leaf) for leaf in (leaf_layers(layer) if is_nested(layer) else [layer]))
        layers.append(entry)
    info["layers"] = layers
    return info


def _activation_name(layer) -> str | None:
    """The name of ``layer``'s own activation function (None: it has none)."""
    if isinstance(layer, keras.layers.ReLU):
        return "relu"
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    function = getattr(layer, "activation", None)
    if function is None or is_nested(layer):
        return None
    return getattr(function, "__name__", None) or type(function).__name__


def save_model(model, run_dir) -> list[str]:
    """Save ``model.keras`` (to a temporary name, then ``os.replace``) and ``model_config.json``;
    returns what could not be written, as messages (subclassed models without ``get_config``...).
    An ``OSError`` (a full disk) is raised: without its model the run must not read complete."""
    run_dir = Path(run_dir)
    problems = []
    before_keras_saving()
    final = run_dir / MODEL_KERAS
    tmp = run_dir / f".{final.stem}.{os.getpid()}.tmp{final.suffix}"
    try:
        model.save(tmp)
        os.replace(tmp, final)
    except Exception as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):  # disk full, folder gone: the run is not complete, the fit says why
            raise naming(exc, final)  # a failed write names no file: the model's
        problems.append(f"could not save {MODEL_KERAS} ({type(exc).__name__}: {exc})")
    try:
        atomic_write_text(run_dir / MODEL_CONFIG_JSON, model.to_json())
    except Exception as exc:
        problems.append(f"could not write {MODEL_CONFIG_JSON} ({type(exc).__name__}: {exc})")
    return problems
