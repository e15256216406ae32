"""mnist_viz._graph: the one layer walker and activation capture, on nested models."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mnist_viz._graph import capture, is_nested, leaf_layers, walk_layers  # noqa: E402
from mnist_viz._tf import import_keras  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)

keras = import_keras()
L = keras.layers


def nested_functional():
    """outer: Input -> conv -> inner (Sequential: dense relu, shared) -> shared again -> out."""
    shared = L.Dense(4, activation="relu", name="shared")
    inner = keras.Sequential([keras.Input((4,)), L.Dense(4, name="in_dense"), shared], name="inner")
    inp = keras.Input((6,))
    h = L.Dense(4, name="first")(inp)
    h = inner(h)
    h = shared(h)
    return keras.Model(inp, L.Dense(2, name="out")(h), name="outer"), inner, shared


class Container(L.Layer):
    """A layer (not a model) that holds layers of its own."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.layers = [L.Dense(3, name="c_a"), L.Dense(2, name="c_b")]

    def call(self, x):
        return self.layers[1](self.layers[0](x))


def test_walk_visits_nested_models_depth_first_with_paths():
    model, inner, shared = nested_functional()
    walked = [(path, nested) for path, _, nested in walk_layers(model)]
    assert walked == [("first", False), ("inner", True), ("inner/in_dense", False), ("inner/shared", False),
                      ("shared", False), ("out", False)]
    assert is_nested(inner) and not is_nested(shared)


def test_leaf_layers_lists_each_computing_layer_once():
    model, _, shared = nested_functional()
    leaves = leaf_layers(model)
    assert [layer.name for layer in leaves] == ["first", "in_dense", "shared", "out"]  # shared: where it first appears
    assert sum(layer is shared for layer in leaves) == 1


def test_a_layer_container_is_walked_into():
    model = keras.Sequential([keras.Input((5,)), Container(name="box"), L.Dense(1, name="head")])
    assert [p for p, _, _ in walk_layers(model)] == ["box", "box/c_a", "box/c_b", "head"]
    assert [layer.name for layer in leaf_layers(model)] == ["c_a", "c_b", "head"]


def test_sequential_without_input_and_nested_sequential():
    inner = keras.Sequential([L.Dense(3, activation="relu", name="h")], name="block")
    model = keras.Sequential([inner, L.Dense(2, name="o")], name="top")
    assert [layer.name for layer in leaf_layers(model)] == ["h", "o"]  # unbuilt: the layers are still there
    x = np.random.default_rng(0).random((4, 5)).astype("float32")
    h = inner.layers[0]
    out, seen = capture(model, x, [h])
    np.testing.assert_allclose(seen[id(h)], keras.ops.convert_to_numpy(inner(x)), rtol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out), keras.ops.convert_to_numpy(model(x)), rtol=1e-6)


def test_capture_outputs_and_inputs_inside_a_nested_functional_model():
    model, inner, shared = nested_functional()
    x = np.random.default_rng(1).random((3, 6)).astype("float32")
    in_dense, out_layer = inner.get_layer("in_dense"), model.get_layer("out")
    _, outputs = capture(model, x, [in_dense, out_layer])
    expected_inner = keras.ops.convert_to_numpy(in_dense(model.get_layer("first")(x)))
    np.testing.assert_allclose(outputs[id(in_dense)], expected_inner, rtol=1e-6)
    assert outputs[id(out_layer)].shape == (3, 2)
    _, inputs = capture(model, x, [out_layer], inputs=True)
    last_hidden = keras.ops.convert_to_numpy(shared(inner(model.get_layer("first")(x))))
    np.testing.assert_allclose(inputs[id(out_layer)], last_hidden, rtol=1e-6)
    _, twice = capture(model, x, [shared])  # called twice in the pass: the last call is kept
    np.testing.assert_allclose(twice[id(shared)], last_hidden, rtol=1e-6)


def test_capture_restores_every_call_even_when_the_model_fails():
    model, inner, _ = nested_functional()
    layer = inner.get_layer("in_dense")
    original = layer.call
    with pytest.raises(Exception):
        capture(model, np.zeros((2, 7), "float32"), [layer])  # wrong input width
    assert "call" not in vars(layer) and layer.call == original
    unreached = L.Dense(2, name="elsewhere")
    _, seen = capture(model, np.zeros((2, 6), "float32"), [unreached])
    assert seen == {}  # a layer that did not run is absent
