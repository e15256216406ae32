"""What a Keras model computes inside: feature maps, penultimate activations, first-layer weights.

Works for Sequential models built *without* an ``Input`` (they are built by calling them on the
images), functional models and nested models (a model used as a layer is walked into). Keras is
imported only inside the functions. The keras sub-models that return the inner activations are
cached per model (a :class:`weakref.WeakKeyDictionary`), so repeated calls only run the model.

Images may be (n, 784), (n, 28, 28) or (n, 28, 28, 1) (one image (28, 28) is a batch of one);
they are reshaped to what the model takes. ``uint8`` images (0..255, as stored in a run
directory) are scaled to [0, 1] floats first, as the models were trained.

Example
-------
>>> import numpy as np, keras
>>> from mnist_viz.features import feature_maps, penultimate_features, first_layer_weights
>>> L = keras.layers
>>> model = keras.Sequential([L.Conv2D(8, 3, name="conv1"), L.MaxPooling2D(name="pool1"),
...                           L.Conv2D(4, 3, name="conv2"), L.Flatten(), L.Dense(16, name="features"),
...                           L.Dense(10, activation="softmax", name="prediction")])   # no Input
>>> maps = feature_maps(model, np.zeros((2, 28, 28)))
>>> {name: a.shape for name, a in maps.items()}
{'conv1': (2, 26, 26, 8), 'pool1': (2, 13, 13, 8), 'conv2': (2, 11, 11, 4)}
>>> penultimate_features(model, np.zeros((3, 784))).shape
(3, 16)
>>> kind, kernel = first_layer_weights(model)
>>> kind, kernel.shape
('conv', (3, 3, 1, 8))
"""
from __future__ import annotations

import weakref
from typing import Callable, Iterable

import numpy as np

from mnist_viz._arrays import positive_int

__all__ = ["feature_maps", "penultimate_features", "first_layer_weights", "is_feature_map_layer"]

# model -> {key: extractor}; entries disappear with the model.
_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------
def feature_maps(model, images, *, layers: Iterable[str] | None = None, batch_size: int = 256) -> dict[str, np.ndarray]:
    """The outputs of the model's convolution and pooling layers for ``images``.

    Parameters
    ----------
    model : keras.Model
        Sequential (with or without an ``Input``), functional, or containing nested models.
    images : array
        (n, 784), (n, 28, 28), (n, 28, 28, 1) or a single (28, 28) image; uint8 is scaled to [0, 1].
    layers : list of str, optional
        Layer names to return (nested layers may also be named ``"outer/inner"``). Default: every
        Conv/Pool layer (global pooling excluded), walking into nested models.
    batch_size : int
        Images run through the model at once.

    Returns
    -------
    dict
        layer name -> array (n, h, w, c), in the order the layers run.

    Example
    -------
    >>> import numpy as np, keras
    >>> model = keras.Sequential([keras.layers.Conv2D(4, 3, name="c"), keras.layers.MaxPooling2D(name="p"),
    ...                           keras.layers.Flatten(), keras.layers.Dense(10)])   # no Input
    >>> {k: v.shape for k, v in feature_maps(model, np.zeros((1, 28, 28))).items()}
    {'c': (1, 26, 26, 4), 'p': (1, 13, 13, 4)}
    """
    keras = _keras()
    _check_model(model, "model", keras)
    x = _prepare_images(model, images, keras)
    wanted = None if layers is None else _as_name_list(layers)
    _check_graph(model)
    key = ("maps", None if wanted is None else tuple(wanted))
    extractor = _cached(model, key, lambda: _MapExtractor(model, wanted, keras))
    return extractor(x, batch_size=positive_int(batch_size, "batch_size"))


def penultimate_features(model, images, *, batch_size: int = 256) -> np.ndarray:
    """Activations of the layer feeding the final classifier (the input of the last layer with
    weights, walking into nested models), one row per image.

    Example
    -------
    >>> import numpy as np
    >>> from mnist_viz.models import dense
    >>> penultimate_features(dense(), np.zeros((5, 784))).shape
    (5, 512)
    """
    keras = _keras()
    _check_model(model, "model", keras)
    x = _prepare_images(model, images, keras)
    _check_graph(model)
    fn = _cached(model, ("penultimate",), lambda: _penultimate_fn(model, keras))
    bs = positive_int(batch_size, "batch_size")
    if len(x) == 0:
        out = fn(np.zeros((1,) + x.shape[1:], dtype=x.dtype))
        return np.zeros((0,) + out.shape[1:], dtype=np.float32).reshape(0, -1)
    parts = [fn(x[i : i + bs]) for i in range(0, len(x), bs)]
    out = np.concatenate(parts, axis=0)
    return out.reshape(len(out), -1)


def first_layer_weights(model) -> tuple[str, np.ndarray]:
    """The kernel of the model's first Dense or Conv2D layer (walking into nested models).

    Returns ``("dense", (inputs, units))`` or ``("conv", (kh, kw, in, out))``. The model must be
    built (it is when it was made with an ``Input``, trained, or called once).

    Example
    -------
    >>> from mnist_viz.models import dense
    >>> kind, w = first_layer_weights(dense())
    >>> kind, w.shape
    ('dense', (784, 512))
    """
    keras = _keras()
    _check_model(model, "model", keras)
    for layer in _leaf_layers(model, keras):
        cls = type(layer).__name__
        kind = "conv" if "Conv" in cls else "dense" if "Dense" in cls else None
        if kind is None:
            continue
        if not layer.built or getattr(layer, "kernel", None) is None:
            raise ValueError(
                f"model {model.name!r} is not built yet, so layer {layer.name!r} has no weights; "
                "build it with an Input, by calling it on a batch, or with feature_maps(model, images)"
            )
        kernel = np.array(layer.kernel.numpy(), dtype=np.float32)
        if kind == "conv" and kernel.ndim != 4:
            raise ValueError(f"first convolution layer {layer.name!r} has a {kernel.ndim}-D kernel; only Conv2D is shown")
        return kind, kernel
    raise ValueError(f"model {model.name!r} has no Dense or Conv2D layer with a kernel")


def is_feature_map_layer(layer) -> bool:
    """True for convolution and (non-global) pooling layers: those drawn as feature maps.

    >>> import keras
    >>> is_feature_map_layer(keras.layers.MaxPooling2D()), is_feature_map_layer(keras.layers.Dense(3))
    (True, False)
    """
    cls = type(layer).__name__
    return ("Conv" in cls or "Pooling" in cls) and not cls.startswith("Global")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def _keras():
    from mnist_viz._tf import import_keras

    return import_keras()


def _check_model(model, name, keras) -> None:
    if not isinstance(model, keras.Model):
        raise TypeError(f"{name} must be a keras.Model; got {type(model).__name__}")


def _check_graph(model) -> None:
    """Inner activations are read from the layer graph, which subclassed models do not have."""
    graph = getattr(model, "_functional", None) or model
    if not hasattr(graph, "_nodes"):
        raise ValueError(
            f"model {model.name!r} ({type(model).__name__}) has no layer graph (a subclassed keras.Model), so "
            "its inner activations cannot be read; build it as a Sequential or functional model"
        )



def _as_name_list(layers) -> list[str]:
    if isinstance(layers, str):
        return [layers]
    names = list(layers)
    if not names or not all(isinstance(n, str) for n in names):
        raise TypeError(f"layers must be a non-empty list of layer names (str); got {layers!r}")
    return names


def _cached(model, key, build: Callable):
    try:
        per_model = _CACHE.setdefault(model, {})
    except TypeError:  # not weak-referenceable: no cache
        return build()
    if key not in per_model:
        per_model[key] = build()
    return per_model[key]


def _is_model(layer, keras) -> bool:
    return isinstance(layer, keras.Model)


def _leaf_layers(model, keras):
    """Every non-model layer, in order, walking into nested models."""
    for layer in model.layers:
        if _is_model(layer, keras):
            yield from _leaf_layers(layer, keras)
        elif type(layer).__name__ != "InputLayer":
            yield layer


def _input_shape(model):
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return None
    if not inputs:
        return None
    return tuple(inputs[0].shape[1:])


def _prepare_images(model, images, keras) -> np.ndarray:
    """Reshape/scale ``images`` to the model's input and build an unbuilt model by calling it."""
    arr = np.asarray(images)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"images must be a numeric array; got dtype {arr.dtype}")
    if arr.shape == (28, 28) or arr.shape == (784,) or arr.shape == (28, 28, 1):
        arr = arr.reshape(1, *arr.shape)
    if arr.ndim < 2:
        raise ValueError(f"images must have shape (n, 784), (n, 28, 28) or (n, 28, 28, 1); got {np.shape(images)}")
    if np.issubdtype(arr.dtype, np.integer) and arr.dtype == np.uint8:
        arr = arr.astype(np.float32) / 255.0
    else:
        arr = arr.astype(np.float32, copy=False)
    n = arr.shape[0]
    per_image = int(np.prod(arr.shape[1:]))
    target = _input_shape(model)
    if target is None or any(d is None for d in target):
        target = target if target is not None and all(d is not None for d in target) else _guess_input_shape(model, keras, arr)
    if int(np.prod(target)) != per_image:
        raise ValueError(
            f"images have {per_image} values each (shape {np.shape(images)}), but model {model.name!r} "
            f"takes inputs of shape {target}"
        )
    x = arr.reshape((n,) + tuple(target))
    if not model.built or _input_shape(model) is None:
        if isinstance(model, keras.Sequential):
            model.build((None,) + tuple(target))  # a Sequential made without an Input
        else:
            model(x[:1], training=False)
    return x


def _guess_input_shape(model, keras, arr):
    first = next(_leaf_layers(model, keras), None)
    cls = type(first).__name__ if first is not None else ""
    if cls.startswith("Dense"):
        return (int(np.prod(arr.shape[1:])),)
    if arr.shape[1:] in {(784,), (28, 28), (28, 28, 1)}:
        return (28, 28, 1)
    return tuple(arr.shape[1:])


def _node_inputs(outer, layer):
    """The symbolic input tensors of ``layer`` inside ``outer``'s graph."""
    node = _node_in(outer, layer)
    if node is not None:
        return list(node.input_tensors)
    raise ValueError(f"cannot find where layer {layer.name!r} is called inside model {outer.name!r}")


def _to_numpy(keras, value) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(value))


class _MapExtractor:
    """Runs ``model`` once and returns the chosen layer outputs, recursing into nested models.

    At each level a keras.Model(inputs, [wanted outputs] + [inputs of nested models]) is built
    once; nested models get their own extractor fed with the tensor that enters them.
    """

    def __init__(self, model, wanted, keras, *, prefix="", top=True):
        self.keras = keras
        self.name = model.name  # no reference to the model: the cache's value must not keep its key alive
        self.steps = []  # ("map", key, out_index) | ("nested", extractor, in_index)
        outputs = []
        for layer in model.layers:
            if type(layer).__name__ == "InputLayer":
                continue
            path = f"{prefix}{layer.name}"
            if _is_model(layer, keras):
                _check_graph(layer)
                child = _MapExtractor(layer, wanted, keras, prefix=f"{path}/", top=False)
                if child.steps:
                    ins = _node_inputs(model, layer)
                    self.steps.append(("nested", child, len(outputs)))
                    outputs.append(ins[0] if len(ins) == 1 else ins)
            elif (wanted is None and is_feature_map_layer(layer)) or (
                wanted is not None and (layer.name in wanted or path in wanted)
            ):
                self.steps.append(("map", layer.name, path, len(outputs)))
                outputs.append(_layer_output(model, layer))
        self.sub = keras.Model(_graph_inputs(model), outputs) if outputs else None
        if top:
            self._finish(wanted, list(_all_paths(model, keras)))

    def _finish(self, wanted, available):
        entries = self._flat_entries()
        if not entries:
            if wanted is None:
                raise ValueError(
                    f"model {self.name!r} has no convolution or pooling layer, so it has no feature "
                    "maps to show; for a model whose first layer is Dense, look at what each unit learned "
                    "with mnist_viz.plots.dense_weights(model)"
                )
        if wanted is not None:
            found = {n for e in entries for n in (e[0], e[1])}
            missing = [w for w in wanted if w not in found]
            if missing:
                raise ValueError(f"layers {missing} not found in model {self.name!r}; its layers are {available}")
        shorts = [e[0] for e in entries]
        self.keys = {e[1]: (e[0] if shorts.count(e[0]) == 1 else e[1]) for e in entries}

    def _flat_entries(self):
        out = []
        for step in self.steps:
            if step[0] == "map":
                out.append((step[1], step[2]))
            else:
                out.extend(step[1]._flat_entries())
        return out

    def _run(self, x, result):
        values = self.sub(x, training=False)
        if not isinstance(values, (list, tuple)):
            values = [values]
        for step in self.steps:
            if step[0] == "map":
                result.setdefault(step[2], []).append(_to_numpy(self.keras, values[step[3]]))
            else:
                step[1]._run(values[step[2]], result)

    def __call__(self, x, *, batch_size=256):
        result: dict[str, list] = {}
        if len(x) == 0:
            self._run(np.zeros((1,) + x.shape[1:], dtype=x.dtype), result)
            return {self.keys[p]: np.zeros((0,) + v[0].shape[1:], np.float32) for p, v in result.items()}
        for i in range(0, len(x), batch_size):
            self._run(x[i : i + batch_size], result)
        return {self.keys[p]: np.concatenate(v, axis=0) for p, v in result.items()}


def _graph_inputs(model):
    inputs = model.inputs
    return inputs[0] if len(inputs) == 1 else inputs


def _layer_output(model, layer):
    """The output tensor of ``layer`` in ``model``'s graph."""
    node = _node_in(model, layer)
    if node is None:
        return layer.output
    outs = list(node.output_tensors)
    return outs[0] if len(outs) == 1 else outs


def _node_in(outer, layer):
    """The call of ``layer`` that belongs to ``outer``'s graph (keras keys graph nodes as
    ``"{id(op)}_ib-{index}"``); the first call when that cannot be told."""
    graph = getattr(outer, "_functional", None) or outer
    keys = getattr(graph, "_nodes", None)
    inbound = list(getattr(layer, "_inbound_nodes", []))
    if keys is not None:
        for index, node in enumerate(inbound):
            if f"{id(layer)}_ib-{index}" in keys:
                return node
    return inbound[0] if inbound else None


def _all_paths(model, keras, prefix=""):
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        path = f"{prefix}{layer.name}"
        yield path
        if _is_model(layer, keras):
            yield from _all_paths(layer, keras, prefix=f"{path}/")


def _penultimate_fn(model, keras):
    """x -> input of the last layer with weights (recursing into a nested final model)."""
    layers = [l for l in model.layers if type(l).__name__ != "InputLayer"]
    for layer in reversed(layers):
        if not layer.weights:
            continue
        ins = _node_inputs(model, layer)
        pre = keras.Model(_graph_inputs(model), ins[0] if len(ins) == 1 else ins)
        if _is_model(layer, keras):
            _check_graph(layer)
            inner = _penultimate_fn(layer, keras)
            return lambda x: inner(pre(x, training=False))
        return lambda x: _to_numpy(keras, pre(x, training=False))
    raise ValueError(f"model {model.name!r} has no layer with weights, so no classifier to find the input of")
