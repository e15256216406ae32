"""What a run stores of the model's insides at train end (``features.npz``), for the report to show
without TensorFlow: feature maps of a few test digits (one of each of the first classes), the first
layer's weights and the penultimate-layer activations of up to :data:`N_EMBEDDING` test digits.

Example
-------
>>> import tempfile, numpy as np
>>> from mnist_viz import run_format
>>> from mnist_viz.models import dense
>>> d = tempfile.mkdtemp()
>>> _ = run_format.write_features(d, model_features(dense(), np.zeros((3, 784), "float32"), np.arange(3)))
>>> run_format.read_features(d).embedding.shape
(3, 512)
"""
from __future__ import annotations

import numpy as np

from mnist_viz.run_format import Features

__all__ = ["model_features", "N_ACTIVATION_DIGITS", "N_EMBEDDING"]

#: how many test digits get their convnet feature maps stored, and how many the embedding view uses
N_ACTIVATION_DIGITS = 4
N_EMBEDDING = 1000


def _one_per_class(labels: np.ndarray, most: int) -> np.ndarray:
    """Index of the first sample of each class 0, 1, ... until ``most`` are chosen."""
    chosen = []
    for cls in range(int(labels.max()) + 1 if labels.size else 0):
        hits = np.flatnonzero(labels == cls)
        if hits.size:
            chosen.append(int(hits[0]))
        if len(chosen) == most:
            break
    return np.asarray(chosen, dtype=np.int64)


def model_features(model, x, labels=None, *, chosen=None) -> Features:
    """The :class:`~mnist_viz.run_format.Features` of ``model`` on images ``x`` with integer ``labels``
    (the images ``chosen`` by index get their feature maps; by default one of each class, or without
    labels the first ones).

    A model without convolution or pooling layers (a dense model) has no feature maps; its
    first-layer weights show what each unit looks for. Errors of the feature code (a subclassed
    model has no layer graph) propagate: the recorder turns them into one warning.
    """
    from mnist_viz import features

    if chosen is not None:
        chosen = np.asarray(chosen, dtype=np.int64).ravel()
    elif labels is None:  # not a classifier
        chosen = np.arange(min(N_ACTIVATION_DIGITS, len(x)), dtype=np.int64)
    else:
        chosen = _one_per_class(np.asarray(labels), N_ACTIVATION_DIGITS)
    try:
        maps = features.feature_maps(model, x[chosen]) if chosen.size else {}
    except ValueError as exc:
        if "no convolution or pooling layer" not in str(exc):
            raise
        maps = {}
    kind, kernel = features.first_layer_weights(model)
    n = min(N_EMBEDDING, len(x))
    return Features(activations=maps, activation_indices=chosen, first_layer_kind=kind, first_layer_kernel=kernel,
                    embedding=features.penultimate_features(model, x[:n]),
                    embedding_indices=np.arange(n, dtype=np.int64))
