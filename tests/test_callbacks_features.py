"""mnist_viz.callbacks._features: what a run stores of the model's insides at train end."""
from __future__ import annotations

import doctest
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mnist_viz.callbacks import _features  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


def test_convnet_features_one_digit_per_class_and_the_embedding():
    from mnist_viz.models import convnet

    labels = np.array([3, 0, 1, 1, 2, 0, 9])
    x = np.random.default_rng(0).random((7, 28, 28, 1)).astype(np.float32)
    f = _features.model_features(convnet(), x, labels)
    assert f.activation_indices.tolist() == [1, 2, 4, 0]  # the first 0, 1, 2, 3
    assert list(f.activations) == ["conv1", "pool1", "conv2", "pool2"]
    assert f.activations["conv1"].shape == (4, 26, 26, 32)
    assert f.first_layer_kind == "conv" and f.first_layer_kernel.shape == (3, 3, 1, 32)
    assert f.embedding.shape == (7, 128) and f.embedding_indices.tolist() == list(range(7))


def test_a_dense_model_has_no_maps_but_its_first_layer_weights():
    from mnist_viz.models import dense

    f = _features.model_features(dense(), np.zeros((3, 784), np.float32), np.arange(3))
    assert f.activations == {} and f.first_layer_kind == "dense" and f.first_layer_kernel.shape == (784, 512)


def test_docstring_examples_run():
    assert doctest.testmod(_features).failed == 0
