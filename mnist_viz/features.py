"""What a Keras model computes inside: feature maps, penultimate activations, first-layer weights.

Works for Sequential models built *without* an ``Input`` (they are built by calling them on the
images), functional models and nested models (a model used as a layer is walked into). Keras is
imported only inside the functions. Inner activations are captured during one inference pass of
the whole model (:func:`mnist_viz._graph.capture`); which layers to capture is worked out once per
model and cached (a :class:`weakref.WeakKeyDictionary`), so repeated calls only run the model.

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
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Iterable, TypeVar, cast

import numpy as np
from numpy.typing import ArrayLike

from mnist_viz._arrays import positive_int
from mnist_viz._graph import capture, is_nested, leaf_layers, walk_layers
from mnist_viz._tf import to_numpy

if TYPE_CHECKING:  # Keras has no type information: its classes read as Any to mypy
    import keras

_T = TypeVar("_T")

__all__ = ["feature_maps", "penultimate_features", "first_layer_weights", "is_feature_map_layer"]

# model -> {key: extractor}; entries disappear with the model.
_CACHE: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], Any]] = weakref.WeakKeyDictionary()


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------
def feature_maps(model: keras.Model, images: ArrayLike, *, layers: str | Iterable[str] | None = None,
                 batch_size: int = 256) -> dict[str, np.ndarray]:
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
    plan = _cached(model, key, lambda: _MapPlan(model, wanted))
    return plan(model, x, batch_size=positive_int(batch_size, "batch_size"))


def penultimate_features(model: keras.Model, images: ArrayLike, *, batch_size: int = 256) -> np.ndarray:
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
    classifier = _cached(model, ("penultimate",), lambda: _last_weighted_layer(model))
    bs = positive_int(batch_size, "batch_size")

    def fn(chunk: np.ndarray) -> np.ndarray:
        return np.asarray(capture(model, chunk, [classifier], inputs=True)[1][id(classifier)])

    if len(x) == 0:
        out = fn(np.zeros((1,) + x.shape[1:], dtype=x.dtype))
        return np.zeros((0, int(np.prod(out.shape[1:]))), dtype=np.float32)
    parts = [fn(x[i : i + bs]) for i in range(0, len(x), bs)]
    out = np.concatenate(parts, axis=0)
    return out.reshape(len(out), -1)


def first_layer_weights(model: keras.Model) -> tuple[str, np.ndarray]:
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
    for layer in leaf_layers(model):
        cls = type(layer).__name__
        kind = "conv" if "Conv" in cls else "dense" if "Dense" in cls else None
        if kind is None:
            continue
        if not layer.built or getattr(layer, "kernel", None) is None:
            raise ValueError(
                f"model {model.name!r} is not built yet, so layer {layer.name!r} has no weights; "
                "build it with an Input, by calling it on a batch, or with feature_maps(model, images)"
            )
        kernel = np.array(to_numpy(layer.kernel.value), dtype=np.float32)
        if kind == "conv" and kernel.ndim != 4:
            raise ValueError(f"first convolution layer {layer.name!r} has a {kernel.ndim}-D kernel; only Conv2D is shown")
        return kind, kernel
    raise ValueError(f"model {model.name!r} has no Dense or Conv2D layer with a kernel")


def is_feature_map_layer(layer: keras.layers.Layer) -> bool:
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
def _keras() -> ModuleType:
    from mnist_viz._tf import import_keras

    return cast(ModuleType, import_keras())


def _check_model(model: object, name: str, keras: ModuleType) -> None:
    if not isinstance(model, keras.Model):
        raise TypeError(f"{name} must be a keras.Model; got {type(model).__name__}")


def _check_graph(model: keras.Model) -> None:
    """Layers are taken in the order of the layer graph, which subclassed models do not have (their
    ``layers`` list the attributes, not the order of ``call``)."""
    graph = getattr(model, "_functional", None) or model
    if not hasattr(graph, "_nodes"):
        raise ValueError(
            f"model {model.name!r} ({type(model).__name__}) has no layer graph (a subclassed keras.Model), so "
            "its inner activations cannot be read; build it as a Sequential or functional model"
        )


def _as_name_list(layers: str | Iterable[str]) -> list[str]:
    if isinstance(layers, str):
        return [layers]
    names = list(layers)
    if not names or not all(isinstance(n, str) for n in names):
        raise TypeError(f"layers must be a non-empty list of layer names (str); got {layers!r}")
    return names


def _cached(model: keras.Model, key: tuple[Any, ...], build: Callable[[], _T]) -> _T:
    try:
        per_model = _CACHE.setdefault(model, {})
    except TypeError:  # not weak-referenceable: no cache
        return build()
    if key not in per_model:
        per_model[key] = build()
    return cast(_T, per_model[key])


def _input_shape(model: keras.Model) -> tuple[Any, ...] | None:  # dims: int or None
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        return None
    if not inputs:
        return None
    return tuple(inputs[0].shape[1:])


def _prepare_images(model: keras.Model, images: ArrayLike, keras: ModuleType) -> np.ndarray:
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


def _guess_input_shape(model: keras.Model, keras: ModuleType, arr: np.ndarray) -> tuple[int, ...]:
    first = next(iter(leaf_layers(model)), None)
    cls = type(first).__name__ if first is not None else ""
    if cls.startswith("Dense"):
        return (int(np.prod(arr.shape[1:])),)
    if arr.shape[1:] in {(784,), (28, 28), (28, 28, 1)}:
        return (28, 28, 1)
    return tuple(arr.shape[1:])


class _MapPlan:
    """Which layers' outputs :func:`feature_maps` returns for one model, under which names.

    Holds the layers, not the model (the cache's value must not keep its key alive); every call
    runs the whole model once per batch and captures those layers' outputs.
    """

    def __init__(self, model: keras.Model, wanted: list[str] | None) -> None:
        self.name = model.name
        self.entries: list[tuple[str, str, Any]] = []  # (short name, path, layer), in the order the layers run
        for path, layer, nested in walk_layers(model):
            if nested:
                _check_graph(layer)
            elif any(layer is e[2] for e in self.entries):
                continue
            elif (wanted is None and is_feature_map_layer(layer)) or (
                wanted is not None and (layer.name in wanted or path in wanted)
            ):
                self.entries.append((layer.name, path, layer))
        if not self.entries and wanted is None:
            raise ValueError(
                f"model {self.name!r} has no convolution or pooling layer, so it has no feature "
                "maps to show; for a model whose first layer is Dense, look at what each unit learned "
                "with mnist_viz.plots.dense_weights(model)"
            )
        if wanted is not None:
            found = {n for e in self.entries for n in e[:2]}
            missing = [w for w in wanted if w not in found]
            if missing:
                available = [path for path, _, _ in walk_layers(model)]
                raise ValueError(f"layers {missing} not found in model {self.name!r}; its layers are {available}")
        shorts = [e[0] for e in self.entries]
        self.keys = [short if shorts.count(short) == 1 else path for short, path, _ in self.entries]

    def _run(self, model: keras.Model, x: np.ndarray, result: list[list[np.ndarray]]) -> None:
        _, seen = capture(model, x, [e[2] for e in self.entries])
        for maps, (_, path, layer) in zip(result, self.entries):
            if id(layer) not in seen:
                raise ValueError(f"layer {path!r} did not run when model {self.name!r} was called")
            maps.append(np.asarray(seen[id(layer)]))

    def __call__(self, model: keras.Model, x: np.ndarray, *, batch_size: int = 256) -> dict[str, np.ndarray]:
        result: list[list[np.ndarray]] = [[] for _ in self.entries]
        if len(x) == 0:
            self._run(model, np.zeros((1,) + x.shape[1:], dtype=x.dtype), result)
            return {k: np.zeros((0,) + v[0].shape[1:], np.float32) for k, v in zip(self.keys, result)}
        for i in range(0, len(x), batch_size):
            self._run(model, x[i : i + batch_size], result)
        return {k: np.concatenate(v, axis=0) for k, v in zip(self.keys, result)}


def _last_weighted_layer(model: keras.Model) -> keras.layers.Layer:
    """The last layer with weights (inside a nested final model, its last one): the classifier
    whose input :func:`penultimate_features` returns."""
    for layer in reversed([layer for layer in model.layers if type(layer).__name__ != "InputLayer"]):
        if not layer.weights:
            continue
        if is_nested(layer):
            _check_graph(layer)
            return _last_weighted_layer(layer)
        return layer
    raise ValueError(f"model {model.name!r} has no layer with weights, so no classifier to find the input of")
