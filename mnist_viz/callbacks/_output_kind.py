"""What a model's output is, decided once at train begin: only classifiers are read as classifiers.

:func:`output_kind` looks at the model (number of outputs, the activation of the layer that makes
the output, the output's width) and the compiled loss:

- ``"multiclass"``: one output of width C >= 2 with a softmax, or without one (logits) under a
  categorical loss (``from_logits`` or not);
- ``"binary"``: one output of width 1 with a sigmoid, or under a binary loss (binary crossentropy, ...);
- ``"multi_output"`` (more than one output), ``"multi_label"`` (width C >= 2 with a sigmoid or a
  binary loss), ``"regression"`` (any other loss: mse, mae, huber, ...) and ``"unknown"`` are not
  classifiers: the recorders keep history and weights and skip the probe and test predictions.

:func:`warn_not_classifier` gives the one warning, at the user's own call.

Example
-------
>>> import keras
>>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
>>> model.compile("adam", "mse")
>>> kind = output_kind(model)
>>> kind.kind, kind.classifier, kind.description
('regression', False, "1 linear output and loss 'mse'")
"""
from __future__ import annotations

from dataclasses import dataclass

from mnist_viz._tf import import_keras
from mnist_viz._warn import warn_at_caller

keras = import_keras()

__all__ = ["OutputKind", "output_kind", "warn_not_classifier"]

#: losses of one class out of C (sparse or one-hot targets)
CATEGORICAL_LOSSES = frozenset({"categorical_crossentropy", "sparse_categorical_crossentropy",
                                "categorical_focal_crossentropy", "categorical_hinge", "kl_divergence"})
#: losses of a yes/no target per column
BINARY_LOSSES = frozenset({"binary_crossentropy", "binary_focal_crossentropy", "hinge", "squared_hinge"})
#: the usual short names of Keras' losses, as the warning names them
_SHORT = {"mean_squared_error": "mse", "mean_absolute_error": "mae", "mean_absolute_percentage_error": "mape",
          "mean_squared_logarithmic_error": "msle", "huber_loss": "huber"}
#: layers that pass their input's values on (the activation is the layer's before them)
_PASS_THROUGH = tuple(getattr(keras.layers, n) for n in (
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
    "Flatten", "Reshape", "Identity", "ActivityRegularization") if hasattr(keras.layers, n))
#: how the warning names each kind that is not a classifier
_LABELS = {"regression": "a regression", "multi_output": "a multi-output model",
           "multi_label": "a multi-label model", "unknown": "not a classifier"}


@dataclass(frozen=True)
class OutputKind:
    """The decision: ``kind`` (see the module), ``classifier``, and what it was read from."""

    kind: str
    outputs: int
    width: int | None
    activation: str | None
    loss: str | None
    from_logits: bool | None = None

    @property
    def classifier(self) -> bool:
        return self.kind in ("multiclass", "binary")

    @property
    def description(self) -> str:
        """What was found, e.g. ``"1 linear output and loss 'mse'"``."""
        if self.outputs > 1:
            return f"{self.outputs} outputs"
        if self.width is None:
            found = "an output of unknown width"
        else:
            found = f"{self.width} {self.activation or 'linear'} output{'s' if self.width != 1 else ''}"
        return found + (f" and loss {self.loss!r}" if self.loss else " and no loss")

    def as_dict(self) -> dict:
        """The ``output`` entry of ``run.json``."""
        return {"kind": self.kind, "classifier": self.classifier, "outputs": self.outputs, "width": self.width,
                "activation": self.activation, "loss": self.loss, "from_logits": self.from_logits,
                "description": self.description}


def output_kind(model) -> OutputKind:
    """Decide what ``model`` (compiled, built) outputs: see the module."""
    outputs = list(getattr(model, "outputs", None) or [])
    loss, from_logits = _loss(getattr(model, "loss", None))
    if len(outputs) > 1:
        return OutputKind("multi_output", len(outputs), None, None, loss, from_logits)
    layer = _output_layer(model, outputs[0] if outputs else None)
    width = _width(outputs[0] if outputs else None, layer)
    activation = _activation(layer)
    return OutputKind(_kind(width, activation, loss), 1, width, activation, loss, from_logits)


def _kind(width, activation, loss) -> str:
    categorical, binary = loss in CATEGORICAL_LOSSES, loss in BINARY_LOSSES
    if width is None:  # e.g. a subclassed model: the loss alone tells
        return "multiclass" if categorical else "unknown"
    if width == 1:
        if activation == "sigmoid" or binary:
            return "binary"
        return "regression" if not categorical else "unknown"
    if activation == "softmax":
        return "multiclass"
    if activation == "sigmoid" or binary:
        return "multi_label"
    if categorical or (loss is None and activation == "linear"):
        return "multiclass"
    return "regression"


def _loss(loss):
    """(canonical name or None, from_logits or None) of the compiled loss of a one-output model."""
    if isinstance(loss, dict):
        loss = next(iter(loss.values()), None) if len(loss) == 1 else None
    elif isinstance(loss, (list, tuple)):
        loss = loss[0] if len(loss) == 1 else None
    if loss is None:
        return None, None
    if isinstance(loss, str):
        try:
            loss = keras.losses.get(loss)
        except Exception:
            return loss, None
    fn = getattr(loss, "fn", None)
    name = getattr(fn, "__name__", None) or getattr(loss, "__name__", None) or getattr(loss, "name", None)
    name = name or type(loss).__name__
    name = {"kld": "kl_divergence", "kullback_leibler_divergence": "kl_divergence"}.get(name, name)
    logits = getattr(loss, "from_logits", None)
    if logits is None:
        logits = (getattr(loss, "_fn_kwargs", None) or {}).get("from_logits")
    return _SHORT.get(name, name), None if logits is None else bool(logits)


def _output_layer(model, tensor):
    """The layer whose activation makes the output (past pass-through layers, into nested models)."""
    layer = None
    for _ in range(100):
        history = getattr(tensor, "_keras_history", None) if tensor is not None else None
        if history is not None:
            layer = history.operation
            nodes = getattr(layer, "_inbound_nodes", None) or []
            inputs = nodes[history.node_index].input_tensors if history.node_index < len(nodes) else []
        else:
            layers = [l for l in getattr(model, "layers", []) if not isinstance(l, _PASS_THROUGH)]
            layer, inputs = (layers[-1] if layers else None), []
        if isinstance(layer, keras.Model) and layer is not model:
            model, inner = layer, list(getattr(layer, "outputs", None) or [])
            tensor = inner[0] if len(inner) == 1 else None
            continue
        if isinstance(layer, _PASS_THROUGH) and len(inputs) == 1:
            tensor = inputs[0]
            continue
        return layer
    return layer


def _width(tensor, layer):
    shape = getattr(tensor, "shape", None)
    if shape is None:
        try:
            shape = layer.output.shape
        except Exception:
            return None
    width = shape[-1] if len(shape) else 1
    return None if width is None else int(width)


def _activation(layer) -> str:
    if layer is None:
        return "linear"
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    if isinstance(layer, keras.layers.ReLU):
        return "relu"
    return getattr(getattr(layer, "activation", None), "__name__", None) or "linear"


def warn_not_classifier(recorder, kind: OutputKind, owner: str, skipped: str) -> None:
    """One UserWarning (once per fit, at the user's line) that ``kind`` is not a classifier and ``skipped`` is not recorded."""
    if "not_classifier" in recorder._warned:
        return
    recorder._warned.add("not_classifier")
    warn_at_caller(f"{owner}: the model has {kind.description} ({_LABELS.get(kind.kind, kind.kind)}): {skipped}")
