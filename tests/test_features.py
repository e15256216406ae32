"""Behaviour and bad-input tests for mnist_viz.features (feature maps, penultimate features, first-layer
weights) on tiny untrained Keras models (built in milliseconds).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import time  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


@pytest.fixture(scope="module")
def keras():
    from mnist_viz._tf import import_keras

    return import_keras()


@pytest.fixture(scope="module")
def features():
    from mnist_viz import features

    return features


def _images(n=3, seed=0):
    return np.random.default_rng(seed).random((n, 28, 28)).astype(np.float32)


def _seq_no_input(keras, name="noinput"):
    L = keras.layers
    return keras.Sequential([L.Conv2D(4, 3, name="c1"), L.MaxPooling2D(name="p1"), L.Conv2D(3, 3, name="c2"),
                             L.Flatten(name="flat"), L.Dense(6, name="pen"), L.Dense(10, name="cls")], name=name)


def _functional_nested(keras):
    L = keras.layers
    inp = keras.Input((28, 28, 1))
    h = L.Conv2D(2, 3, name="fc1")(inp)
    sub_in = keras.Input((26, 26, 2))
    sub = keras.Model(sub_in, L.MaxPooling2D(name="sp")(L.Conv2D(3, 3, name="sc")(sub_in)), name="sub")
    out = L.Dense(10, name="fo")(L.Flatten()(sub(h)))
    return keras.Model(inp, out, name="fnested")


def test_feature_maps_sequential_without_input(keras, features):
    model = _seq_no_input(keras)
    assert not model.built
    maps = features.feature_maps(model, _images(3))
    assert list(maps) == ["c1", "p1", "c2"]
    assert [m.shape for m in maps.values()] == [(3, 26, 26, 4), (3, 13, 13, 4), (3, 11, 11, 3)]
    assert model.built
    # the maps are the real layer outputs
    x = _images(3)[..., None]
    expected = model.get_layer("c1")(x)
    np.testing.assert_allclose(maps["c1"], keras.ops.convert_to_numpy(expected), rtol=1e-5, atol=1e-6)


def test_feature_maps_accept_every_image_layout_and_scale_uint8(keras, features):
    model = _seq_no_input(keras)
    imgs = (np.random.default_rng(1).random((2, 28, 28)) * 255).astype(np.uint8)
    ref = features.feature_maps(model, imgs.astype(np.float32) / 255)["c1"]
    for variant in (imgs, imgs.reshape(2, 784), imgs[..., None]):
        np.testing.assert_allclose(features.feature_maps(model, variant)["c1"], ref, rtol=1e-5, atol=1e-6)
    assert features.feature_maps(model, imgs[0])["c1"].shape == (1, 26, 26, 4)  # one (28, 28) image


def test_feature_maps_nested_sequential(keras, features):
    L = keras.layers
    inner = keras.Sequential([L.Conv2D(3, 3, name="ic"), L.MaxPooling2D(name="ip")], name="inner")
    outer = keras.Sequential([keras.Input((28, 28, 1)), inner, L.Conv2D(2, 3, name="oc"), L.Flatten(),
                              L.Dense(5, name="pen"), L.Dense(10, name="cls"), L.Softmax()], name="outer")
    maps = features.feature_maps(outer, _images(2).reshape(2, 784))
    assert {k: v.shape for k, v in maps.items()} == {"ic": (2, 26, 26, 3), "ip": (2, 13, 13, 3), "oc": (2, 11, 11, 2)}
    assert list(maps) == ["ic", "ip", "oc"]
    assert features.penultimate_features(outer, _images(2)).shape == (2, 5)


def test_feature_maps_nested_functional_and_layer_selection(keras, features):
    model = _functional_nested(keras)
    maps = features.feature_maps(model, _images(2))
    assert list(maps) == ["fc1", "sc", "sp"]
    picked = features.feature_maps(model, _images(2), layers=["sub/sc", "fc1"])
    assert list(picked) == ["fc1", "sc"]  # layer order, not request order
    # the nested conv's maps equal running the sub-model's layers on the outer conv's output
    x = _images(2)[..., None]
    expected = model.get_layer("sub").get_layer("sc")(model.get_layer("fc1")(x))
    np.testing.assert_allclose(picked["sc"], keras.ops.convert_to_numpy(expected), rtol=1e-5, atol=1e-6)
    assert features.penultimate_features(model, _images(4)).shape == (4, 12 * 12 * 3)


def test_feature_maps_sequential_first_called_on_another_batch_size(keras, features):
    import warnings

    model = _seq_no_input(keras)
    model(np.zeros((2, 28, 28, 1), np.float32))  # built by a call: its graph input has batch size 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        maps = features.feature_maps(model, _images(5))
        pen = features.penultimate_features(model, _images(5))
    assert maps["c2"].shape == (5, 11, 11, 3) and pen.shape == (5, 6)


def test_subclassed_model_is_refused_clearly(keras, features):
    class Sub(keras.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.conv = keras.layers.Conv2D(2, 3)
            self.flat = keras.layers.Flatten()
            self.out = keras.layers.Dense(10)

        def call(self, x):
            return self.out(self.flat(self.conv(x)))

    with pytest.raises(ValueError, match="no layer graph .*Sequential or functional"):
        features.feature_maps(Sub(), _images(1))
    with pytest.raises(ValueError, match="no layer graph"):
        features.penultimate_features(Sub(), _images(1))


def test_feature_cache_does_not_keep_models_alive(keras, features):
    import gc
    import weakref

    model = _seq_no_input(keras, name="short_lived")
    features.feature_maps(model, _images(1))
    features.penultimate_features(model, _images(1))
    assert len(features._CACHE[model]) == 2
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None  # the cached sub-models do not keep their model alive


def test_penultimate_features_nested_head_and_batches(keras, features):
    L = keras.layers
    head = keras.Sequential([L.Flatten(), L.Dense(7, name="h1"), L.Dense(10, name="h2")], name="head")
    model = keras.Sequential([L.Conv2D(2, 3, name="gc"), head])
    out = features.penultimate_features(model, _images(5), batch_size=2)
    assert out.shape == (5, 7)
    one = features.penultimate_features(model, _images(5)[:1])
    np.testing.assert_allclose(out[:1], one, rtol=1e-5, atol=1e-6)


def test_first_layer_weights(keras, features):
    from mnist_viz.models import convnet, dense

    kind, w = features.first_layer_weights(dense())
    assert kind == "dense" and w.shape == (784, 512)
    kind, w = features.first_layer_weights(convnet())
    assert kind == "conv" and w.shape[:3] == (3, 3, 1)
    with pytest.raises(ValueError, match="not built"):
        features.first_layer_weights(_seq_no_input(keras))


def test_feature_maps_dense_model_says_no_conv_and_suggests_dense_weights(features):
    from mnist_viz.models import dense

    with pytest.raises(ValueError, match="no convolution or pooling layer.*dense_weights"):
        features.feature_maps(dense(), np.zeros((1, 784)))


def test_feature_maps_bad_input(keras, features):
    model = _functional_nested(keras)
    with pytest.raises(ValueError, match=r"layers \['nope'\] not found.*fc1"):
        features.feature_maps(model, _images(1), layers=["nope"])
    with pytest.raises(ValueError, match=r"900 values each .*\(28, 28, 1\)"):
        features.feature_maps(model, np.zeros((1, 30, 30)))
    with pytest.raises(TypeError, match="model must be a keras.Model; got dict"):
        features.feature_maps({}, _images(1))
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1"):
        features.penultimate_features(model, _images(1), batch_size=0)


def test_feature_maps_cached_and_fast(keras, features):
    from mnist_viz.models import convnet

    model = convnet()
    features.feature_maps(model, _images(1))
    assert model in features._CACHE
    extractor = features._CACHE[model][("maps", None)]
    t = time.perf_counter()
    for _ in range(5):
        features.feature_maps(model, _images(1))
    assert (time.perf_counter() - t) / 5 < 0.25
    assert features._CACHE[model][("maps", None)] is extractor


def test_maps_of_a_shared_conv_layer_come_once_and_equal_its_output(keras, features):
    L = keras.layers
    shared = L.Conv2D(1, 3, padding="same", name="shared")
    inp = keras.Input((28, 28, 1))
    out = L.Dense(10, name="cls")(L.Flatten()(shared(shared(inp))))
    model = keras.Model(inp, out, name="twice")
    maps = features.feature_maps(model, _images(2))
    assert list(maps) == ["shared"] and maps["shared"].shape == (2, 28, 28, 1)
    x = _images(2)[..., None]
    np.testing.assert_allclose(maps["shared"], keras.ops.convert_to_numpy(shared(shared(x))), rtol=1e-5, atol=1e-6)  # its last call


def test_penultimate_features_are_the_classifiers_input_and_batches_agree(keras, features):
    L = keras.layers
    model = keras.Sequential([keras.Input((784,)), L.Dense(6, activation="relu", name="h"), L.Dropout(0.5),
                              L.Dense(10, activation="softmax", name="cls")])
    x = _images(5).reshape(5, 784)
    out = features.penultimate_features(model, x, batch_size=2)
    # float32 matmuls of 2- and 5-row batches differ in the last bits (summation order)
    np.testing.assert_allclose(out, keras.ops.convert_to_numpy(model.get_layer("h")(x)), rtol=1e-5, atol=1e-6)  # dropout off: inference mode
    assert features.penultimate_features(model, x[:0]).shape == (0, 6)  # no images: no rows
