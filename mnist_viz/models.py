"""The tutorial's models, built with Keras 3.

* :func:`dense` is the R keras MNIST tutorial's network exactly: ``Dense(512, relu)`` named
  ``"image"`` and ``Dense(10, softmax)`` named ``"prediction"``, compiled with rmsprop, categorical
  crossentropy and accuracy — 407,050 parameters. It takes flattened images (n, 784) in [0, 1].
* :func:`convnet` is the tutorial's "next step": a small Conv2D/MaxPooling stack with named layers,
  taking image batches (n, 28, 28, 1) in [0, 1].

Both import Keras only when called.

Example
-------
>>> from mnist_viz.models import dense
>>> model = dense()
>>> model.count_params()
407050
>>> [layer.name for layer in model.layers]
['image', 'prediction']
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Literal

from mnist_viz._arrays import positive_int
from mnist_viz._tf import import_keras

if TYPE_CHECKING:  # Keras has no type information: keras.Model reads as Any to mypy
    import keras

#: model name -> input layout expected ("flat": (n, 784); "image": (n, 28, 28, 1))
MODEL_INPUTS = {"dense": "flat", "convnet": "image"}


def dense(*, num_classes: int = 10, sparse_labels: bool = False) -> keras.Model:
    """The tutorial's network: Dense(512, relu) "image" → Dense(10, softmax) "prediction".

    Compiled with ``rmsprop`` and categorical crossentropy (``sparse_labels=True`` compiles with
    sparse categorical crossentropy for integer labels instead), metric ``accuracy``.

    >>> m = dense()
    >>> m.count_params(), m.loss
    (407050, 'categorical_crossentropy')
    """
    keras = import_keras()
    num_classes = positive_int(num_classes, "num_classes", minimum=2)
    model = keras.Sequential(
        [
            keras.Input(shape=(784,), name="pixels"),
            keras.layers.Dense(512, activation="relu", name="image"),
            keras.layers.Dense(num_classes, activation="softmax", name="prediction"),
        ],
        name="dense",
    )
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy" if sparse_labels else "categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def convnet(*, num_classes: int = 10, sparse_labels: bool = False) -> keras.Model:
    """A small convnet: conv1 → pool1 → conv2 → pool2 → flatten → dropout → features (Dense 128) →
    prediction.

    Takes (n, 28, 28, 1) images in [0, 1]; about 0.96–0.97 test accuracy on the embedded split in
    5 epochs on a CPU. Compiled with Adam, categorical crossentropy (or sparse) and accuracy.

    >>> m = convnet()
    >>> [layer.name for layer in m.layers]
    ['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'dropout', 'features', 'prediction']
    """
    keras = import_keras()
    num_classes = positive_int(num_classes, "num_classes", minimum=2)
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1), name="digit"),
            layers.Conv2D(32, 3, activation="relu", name="conv1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(64, 3, activation="relu", name="conv2"),
            layers.MaxPooling2D(2, name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dropout(0.3, name="dropout"),
            layers.Dense(128, activation="relu", name="features"),
            layers.Dense(num_classes, activation="softmax", name="prediction"),
        ],
        name="convnet",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=3e-3),
        loss="sparse_categorical_crossentropy" if sparse_labels else "categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


BUILDERS: dict[str, Callable[..., keras.Model]] = {"dense": dense, "convnet": convnet}
#: The names :func:`build` takes.
ModelName = Literal["dense", "convnet"]


def build(name: ModelName, **kwargs: Any) -> keras.Model:
    """Build a model by name (``"dense"`` or ``"convnet"``).

    >>> build("dense").name
    'dense'
    """
    if name not in BUILDERS:
        raise ValueError(f"model must be one of {sorted(BUILDERS)}; got {name!r}")
    return BUILDERS[name](**kwargs)

