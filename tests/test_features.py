"""mnist_viz.features on what the layer walker reaches (the other feature tests are in
tests/test_plots_model_views.py)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from mnist_viz import features  # noqa: E402
from mnist_viz._tf import import_keras  # noqa: E402

keras = import_keras()
L = keras.layers


def _images(n):
    return np.random.default_rng(0).random((n, 28, 28)).astype(np.float32)


def test_maps_of_a_shared_conv_layer_come_once_and_equal_its_output():
    shared = L.Conv2D(1, 3, padding="same", name="shared")
    inp = keras.Input((28, 28, 1))
    out = L.Dense(10, name="cls")(L.Flatten()(shared(shared(inp))))
    model = keras.Model(inp, out, name="twice")
    maps = features.feature_maps(model, _images(2))
    assert list(maps) == ["shared"] and maps["shared"].shape == (2, 28, 28, 1)
    x = _images(2)[..., None]
    np.testing.assert_allclose(maps["shared"], np.asarray(shared(shared(x))), rtol=1e-5, atol=1e-6)  # its last call


def test_penultimate_features_are_the_classifiers_input_and_batches_agree():
    model = keras.Sequential([keras.Input((784,)), L.Dense(6, activation="relu", name="h"), L.Dropout(0.5),
                              L.Dense(10, activation="softmax", name="cls")])
    x = _images(5).reshape(5, 784)
    out = features.penultimate_features(model, x, batch_size=2)
    np.testing.assert_allclose(out, np.asarray(model.get_layer("h")(x)), rtol=1e-6)  # dropout off: inference mode
    assert features.penultimate_features(model, x[:0]).shape == (0, 6)  # no images: no rows
