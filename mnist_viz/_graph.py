"""Walking a Keras model's layers and capturing what they compute, for everything that looks inside
a model: the recorders' probe pass (ReLU maxima) and :mod:`mnist_viz.features` (feature maps,
penultimate activations, first-layer weights). Keras is imported only inside the functions.

* :func:`walk_layers` visits every layer in order, depth first, walking into nested models (a
  model used as a layer) and layer containers (a layer with a list of ``layers``);
  :func:`leaf_layers` keeps the layers that compute, each once.
* :func:`capture` runs the model once in inference mode and returns what chosen layers output (or
  receive), wherever they sit: each layer's ``call`` is wrapped for the duration of the pass, so no
  symbolic sub-model is built and Sequential models without an ``Input`` work. It runs on every
  Keras backend; inside a ``tf.function`` it captures symbolic tensors (``to_numpy=False``).

Example
-------
>>> import numpy as np, keras
>>> inner = keras.Sequential([keras.layers.Dense(3, activation="relu", name="h")], name="block")
>>> model = keras.Sequential([inner, keras.layers.Dense(2, name="out")], name="top")   # no Input
>>> [path for path, layer, nested in walk_layers(model)]
['block', 'block/h', 'out']
>>> [layer.name for layer in leaf_layers(model)]
['h', 'out']
>>> h = model.get_layer("block").get_layer("h")
>>> output, seen = capture(model, np.ones((4, 5), "float32"), [h])
>>> tuple(output.shape), seen[id(h)].shape
((4, 2), (4, 3))
"""
from __future__ import annotations

from mnist_viz._tf import import_keras, inference
from mnist_viz._tf import to_numpy as numpy_of

__all__ = ["is_nested", "walk_layers", "leaf_layers", "capture"]


def is_nested(layer) -> bool:
    """Whether ``layer`` holds layers of its own: a nested model, or a layer container."""
    subs = getattr(layer, "layers", None)
    return isinstance(layer, import_keras().Model) or (isinstance(subs, list) and bool(subs))


def walk_layers(model, prefix: str = ""):
    """Yield ``(path, layer, nested)`` for every layer of ``model`` in order, depth first: ``path``
    is ``"outer/inner"`` for a layer inside a nested model, ``nested`` is :func:`is_nested`
    (the nested layer's own layers follow it). Input layers are skipped."""
    keras = import_keras()
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        path = f"{prefix}{layer.name}"
        nested = is_nested(layer)
        yield path, layer, nested
        if nested:
            yield from walk_layers(layer, f"{path}/")


def leaf_layers(model) -> list:
    """The layers that compute (not nested models or containers), in order, each once (a shared
    layer is listed where it first appears)."""
    out, seen = [], set()
    for _, layer, nested in walk_layers(model):
        if not nested and id(layer) not in seen:
            seen.add(id(layer))
            out.append(layer)
    return out


def capture(model, x, layers, *, inputs: bool = False, to_numpy: bool = True):
    """Run ``model`` on ``x`` once in inference mode; return ``(output, {id(layer): value})``.

    ``value`` is what the layer returned (``inputs=True``: the input it was called on), from its
    last call in the pass; layers that did not run are absent. ``to_numpy=False`` keeps the
    backend's tensors (for use inside a ``tf.function``). Each layer's ``call`` is restored
    afterwards; on torch the pass runs without gradients and leaves the module's ``training`` flag
    as it was (:func:`mnist_viz._tf.inference`).
    """
    captured: dict[int, object] = {}
    patched = []
    for layer in layers:
        if any(layer is done for done in patched):
            continue
        original = layer.call

        def call(*args, _original=original, _key=id(layer), **kwargs):
            result = _original(*args, **kwargs)
            value = (args[0] if args else kwargs.get("inputs")) if inputs else result
            captured[_key] = numpy_of(value) if to_numpy else value
            return result

        object.__setattr__(layer, "call", call)
        patched.append(layer)
    try:
        with inference(model):  # torch: no gradients, the module's training flag kept
            output = model(x, training=False)
    finally:
        for layer in patched:
            try:
                object.__delattr__(layer, "call")
            except AttributeError:
                pass
    return output, captured
