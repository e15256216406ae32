"""Tiny data and models shared by the recorder tests (tests/test_callbacks_*.py)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from mnist_viz._tf import import_keras  # noqa: E402

keras = import_keras()


def tiny_data(n=22, d=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(np.float32)
    y = (np.arange(n) % classes).astype(np.int64)
    return x, y

def tiny_model(d=6, classes=3, lr=0.1, with_input=True, hidden=5, seed=0):
    keras.utils.set_random_seed(seed)
    layers = [keras.layers.Dense(hidden, activation="relu", name="hidden"),
              keras.layers.Dense(classes, activation="softmax", name="out")]
    if with_input:
        layers = [keras.Input((d,))] + layers
    model = keras.Sequential(layers, name="tiny")
    model.compile(keras.optimizers.SGD(lr), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

def xent(probs, labels):
    return float(np.mean(-np.log(probs[np.arange(len(labels)), labels])))
