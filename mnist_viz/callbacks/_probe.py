"""The probe pass: one inference-mode forward pass of a fixed input after every epoch, giving the
model's class probabilities and, for every ReLU layer, each unit's maximum output.

:class:`PredictionRecorder` records the probabilities, :class:`WeightRecorder` the dead-ReLU
fractions; inside a :class:`RunRecorder` both read one :class:`ProbePass` (cached per epoch), so the
probe set runs through the model once per epoch. :func:`predict_probabilities` is the plain
prediction path (test data, ``PredictionRecorder.predict``).

Example
-------
>>> import numpy as np, keras
>>> model = keras.Sequential([keras.layers.Dense(4, activation="relu", name="h"), keras.layers.Dense(3)])
>>> probe = ProbePass(model, np.ones((6, 5), "float32"), batch_size=4)
>>> probabilities, maxima = probe.run(key=0)
>>> probabilities.shape, [layer.name for layer in probe.relu_layers()], maxima[id(model.layers[0])].shape
((6, 3), ['h'], (4,))
>>> probe.run(key=0)[0] is probabilities          # the same epoch is not run twice
True
"""
from __future__ import annotations

import logging

import numpy as np

from mnist_viz._arrays import outputs_to_probabilities
from mnist_viz._graph import capture, leaf_layers
from mnist_viz._tf import import_keras, import_tensorflow, inference, is_tensorflow, to_numpy
from mnist_viz.callbacks._chief import is_default_strategy

keras = import_keras()

__all__ = ["ProbePass", "is_relu_layer", "predict_probabilities"]


def is_relu_layer(layer) -> bool:
    """``ReLU`` layers, ``Activation("relu")`` and layers with ``activation="relu"``."""
    if isinstance(layer, keras.layers.ReLU):
        return True
    activation = getattr(layer, "activation", None)
    return activation is not None and getattr(activation, "__name__", "") == "relu"


class ProbePass:
    """One inference-mode forward pass of the fixed input ``x`` through ``model``: the outputs as
    class probabilities and, for every ReLU layer (nested models included), each unit's maximum
    over samples and positions.

    Each ReLU layer's ``call`` is wrapped during the pass to capture its output
    (:func:`mnist_viz._graph.capture`). On TensorFlow the pass is a ``tf.function`` traced once (if
    tracing fails it runs eagerly instead); on JAX and torch it runs eagerly with ``keras.ops``, on
    torch without gradients and leaving the module's ``training`` flag as it was
    (:func:`mnist_viz._tf.inference`). Results are cached per ``key`` (the epoch).
    """

    def __init__(self, model, x, *, batch_size: int):
        self.model, self.x, self.batch_size = model, x, max(1, int(batch_size))
        self._layers = None
        self._function = None
        self._cached = None
        self._chunks = None

    def relu_layers(self) -> list:
        """The model's ReLU layers, in order."""
        if self._layers is None:
            self._layers = [layer for layer in leaf_layers(self.model) if is_relu_layer(layer)]
        return self._layers

    def reset(self):
        """Forget the cached result (a new fit begins)."""
        self._cached = None

    def run(self, key=None) -> tuple[np.ndarray, dict]:
        """``(probabilities (n, C), {id(layer): per-unit max})`` for the fixed input."""
        if key is not None and self._cached is not None and self._cached[0] == key:
            return self._cached[1], self._cached[2]
        model = self.model  # on JAX, reading it syncs the training state into the variables
        if self._chunks is None:  # converted once: no 3 MB copy per epoch
            self._chunks = [keras.ops.convert_to_tensor(self.x[i:i + self.batch_size])
                            for i in range(0, len(self.x), self.batch_size)]
        outputs, maxima = [], {}
        with inference(model):
            for chunk in self._chunks:
                out, chunk_max = self._call(chunk)
                outputs.append(out)
                for layer_id, values in chunk_max.items():
                    maxima[layer_id] = np.maximum(maxima[layer_id], values) if layer_id in maxima else values
        probs = outputs_to_probabilities(np.concatenate(outputs)) if outputs else np.zeros((0, 0), np.float32)
        if key is not None:
            self._cached = (key, probs, maxima)
        return probs, maxima

    def _call(self, x):
        if self._function is None and not is_tensorflow():
            self._function = False  # eager keras.ops: no tf.function outside TensorFlow
        if self._function is None:
            tf = import_tensorflow()
            _quiet_probe_retracing()
            try:
                self.relu_layers()
                function = tf.function(self._pass, reduce_retracing=True, autograph=False)
                result = function(x)
                self._function = function
                return self._convert(result)
            except Exception:  # not traceable: one eager pass per record instead
                self._function = False
        if self._function:
            return self._convert(self._function(x))
        return self._convert(self._pass(x))

    def _pass(self, x):
        layers = self.relu_layers()
        out, captured = capture(self.model, x, layers, to_numpy=False)
        maxima = {}
        for i, layer in enumerate(layers):
            value = captured.get(id(layer))
            if value is not None:
                maxima[str(i)] = _unit_max(value)
        while isinstance(out, (list, tuple)):
            out = out[0]
        if isinstance(out, dict):
            out = next(iter(out.values()))
        return out, maxima

    def _convert(self, result):
        out, maxima = result
        layers = self.relu_layers()
        return (np.asarray(to_numpy(out), dtype=np.float32),
                {id(layers[int(i)]): np.asarray(to_numpy(v)) for i, v in maxima.items()})


def _unit_max(value):
    """Each unit's (last axis) maximum over samples and positions, with ``keras.ops`` (traceable)."""
    return keras.ops.max(keras.ops.reshape(value, (-1, keras.ops.shape(value)[-1])), axis=0)


class _ProbeRetracingFilter(logging.Filter):
    """Drops TensorFlow's "triggered tf.function retracing" warning about the probe pass: each
    recorded model traces its own pass once (and once more for a smaller last chunk), which is by
    design, but after a few models in one process TensorFlow warns about every new trace."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("ProbePass._pass" in message and "retracing" in message)


def _quiet_probe_retracing() -> None:
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _ProbeRetracingFilter) for f in logger.filters):
        logger.addFilter(_ProbeRetracingFilter())


def predict_probabilities(model, x, batch_size: int) -> np.ndarray:
    """Class probabilities of ``x`` (softmax applied to logits), ``batch_size`` rows at a time;
    ``model.predict`` under a TensorFlow distribution strategy. On torch the module's ``training``
    flag is what it was before."""
    strategy = getattr(model, "distribute_strategy", None)
    with inference(model):  # torch: predict() leaves the module in eval mode; its flag is restored
        if strategy is not None and not is_default_strategy(strategy):
            out = model.predict(x, batch_size=batch_size, verbose=0)
        else:
            chunks = [np.asarray(model.predict_on_batch(x[i:i + batch_size])) for i in range(0, len(x), batch_size)]
            out = np.concatenate(chunks) if chunks else np.zeros((0, 0), np.float32)
    if isinstance(out, (list, tuple)):
        out = out[0]
    return outputs_to_probabilities(out)
