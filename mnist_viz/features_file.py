"""What ``features.npz`` holds of a model's insides: its keys and the :class:`Features` record.

Part of the run directory format (:mod:`mnist_viz.run_format` re-exports everything here and owns
the file's name, reading and writing). NumPy only.

Example
-------
>>> import numpy as np
>>> f = Features(first_layer_kind="dense", first_layer_kernel=np.zeros((784, 2)))
>>> sorted(Features.from_arrays(f.to_arrays()).to_arrays())
['activation_indices', 'first_layer_kernel', 'first_layer_kind', 'layer_names']
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from mnist_viz.run_checks import RunFormatError, array_of  # noqa: F401 (RunFormatError: the examples)

__all__ = ["Features", "check_feature_arrays"]

#: ``features.npz`` keys (``activations__<layer>`` for each layer of ``layer_names``)
FEATURE_ACTIVATIONS_PREFIX = "activations__"
FEATURE_LAYER_NAMES = "layer_names"
FEATURE_ACTIVATION_INDICES = "activation_indices"
FEATURE_FIRST_LAYER_KIND = "first_layer_kind"
FEATURE_FIRST_LAYER_KERNEL = "first_layer_kernel"
FEATURE_EMBEDDING = "embedding"
FEATURE_EMBEDDING_INDICES = "embedding_indices"


@dataclass
class Features:
    """What ``features.npz`` holds of the model's insides (``run.features``).

    ``activations``: layer name -> (k, h, w, c) feature maps of the test digits
    ``activation_indices`` (k,), in layer order; ``first_layer_kind`` ("dense" / "conv") and
    ``first_layer_kernel``; ``embedding`` (m, d) penultimate activations of the test digits
    ``embedding_indices`` (m,). Any part may be absent (empty / None).

    >>> f = Features.from_arrays({"layer_names": np.array(["c"]), "activations__c": np.zeros((2, 5, 5, 3)),
    ...                           "activation_indices": np.array([4, 9])})
    >>> list(f.activations), f.activation_indices.tolist(), f.maps_of(1)["c"].shape
    (['c'], [4, 9], (5, 5, 3))
    """

    activations: dict = field(default_factory=dict)
    activation_indices: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    first_layer_kind: str | None = None
    first_layer_kernel: np.ndarray | None = None
    embedding: np.ndarray | None = None
    embedding_indices: np.ndarray | None = None

    def __post_init__(self):
        self.activation_indices = np.atleast_1d(np.asarray(self.activation_indices, dtype=np.int64))
        if self.embedding is not None and self.embedding_indices is None:
            self.embedding_indices = np.arange(len(self.embedding), dtype=np.int64)

    def maps_of(self, j: int) -> dict:
        """Feature maps (layer -> (h, w, c) float32) of the ``j``-th stored test digit."""
        return {name: np.asarray(maps[j], dtype=np.float32) for name, maps in self.activations.items()}

    @classmethod
    def from_arrays(cls, arrays) -> "Features":
        """From the arrays of a ``features.npz`` (or a dict of them); unknown keys are ignored."""
        arrays = dict(arrays)
        names = [str(n) for n in np.atleast_1d(arrays.get(FEATURE_LAYER_NAMES, np.array([], dtype=str))).tolist()]
        if not names:
            names = [k[len(FEATURE_ACTIVATIONS_PREFIX):] for k in arrays if k.startswith(FEATURE_ACTIVATIONS_PREFIX)]
        maps = {n: np.asarray(arrays[FEATURE_ACTIVATIONS_PREFIX + n]) for n in names
                if FEATURE_ACTIVATIONS_PREFIX + n in arrays}
        k = len(next(iter(maps.values()))) if maps else 0
        kind = arrays.get(FEATURE_FIRST_LAYER_KIND)
        kernel = arrays.get(FEATURE_FIRST_LAYER_KERNEL)
        embedding = arrays.get(FEATURE_EMBEDDING)
        indices = arrays.get(FEATURE_EMBEDDING_INDICES)
        return cls(
            activations=maps,
            activation_indices=arrays.get(FEATURE_ACTIVATION_INDICES, np.arange(k, dtype=np.int64)),
            first_layer_kind=None if kind is None else str(np.asarray(kind).item()),
            first_layer_kernel=None if kernel is None else np.asarray(kernel),
            embedding=None if embedding is None else np.asarray(embedding),
            embedding_indices=None if indices is None else np.asarray(indices, dtype=np.int64),
        )

    def to_arrays(self) -> dict:
        """The arrays ``features.npz`` stores (maps float16, kernel float32, embedding float16)."""
        arrays = {FEATURE_LAYER_NAMES: np.asarray(list(self.activations), dtype=str),
                  FEATURE_ACTIVATION_INDICES: np.asarray(self.activation_indices, dtype=np.int64)}
        for name, maps in self.activations.items():
            arrays[FEATURE_ACTIVATIONS_PREFIX + name] = np.asarray(maps, dtype=np.float16)
        if self.first_layer_kind is not None:
            arrays[FEATURE_FIRST_LAYER_KIND] = np.asarray(self.first_layer_kind)
        if self.first_layer_kernel is not None:
            arrays[FEATURE_FIRST_LAYER_KERNEL] = np.asarray(self.first_layer_kernel, dtype=np.float32)
        if self.embedding is not None:
            arrays[FEATURE_EMBEDDING] = np.asarray(self.embedding, dtype=np.float16)
            arrays[FEATURE_EMBEDDING_INDICES] = np.asarray(self.embedding_indices, dtype=np.int64)
        return arrays


def check_feature_arrays(arrays: Mapping[str, Any], path: str | os.PathLike) -> Mapping[str, Any]:
    """``arrays`` (of the ``features.npz`` at ``path``) when the ones present have their kinds:
    index arrays 1-D integers >= 0, the embedding 2-D numbers with one index per row, the kernel and
    the feature maps numbers (one map per activation index); else :class:`RunFormatError`.

    >>> check_feature_arrays({"embedding": np.zeros((2, 3)), "embedding_indices": np.arange(2)}, "f.npz")["embedding"].shape
    (2, 3)
    >>> try:
    ...     check_feature_arrays({"activation_indices": np.array([0.5, np.nan])}, "f.npz")
    ... except RunFormatError as exc:
    ...     print(exc)
    f.npz: array 'activation_indices' has dtype float64; expected integers
    """
    for key in (FEATURE_ACTIVATION_INDICES, FEATURE_EMBEDDING_INDICES):
        if key in arrays:
            array_of(arrays, path, key, ndim=1, kind="index")
    if FEATURE_EMBEDDING in arrays:
        rows = len(arrays[FEATURE_EMBEDDING_INDICES]) if FEATURE_EMBEDDING_INDICES in arrays else None
        array_of(arrays, path, FEATURE_EMBEDDING, ndim=2, length=rows, length_of="embedding index")
    if FEATURE_FIRST_LAYER_KERNEL in arrays:
        array_of(arrays, path, FEATURE_FIRST_LAYER_KERNEL)
    maps = len(arrays[FEATURE_ACTIVATION_INDICES]) if FEATURE_ACTIVATION_INDICES in arrays else None
    for key in arrays:
        if key.startswith(FEATURE_ACTIVATIONS_PREFIX):
            array_of(arrays, path, key, length=maps, length_of="activation index")
    return arrays
