"""The run directory format (version 1): every file name, key and column, and the read/write helpers.

This module is the one owner of the format: the recorders, :func:`mnist_viz.train`,
:meth:`mnist_viz.Run.load`, :func:`mnist_viz.run.mark_interrupted`, the CLI and the report all
spell file names and keys through it (no other module writes ``"run.json"``). NumPy and pandas
only: reading a run never imports TensorFlow. ``docs/ARCHITECTURE.md`` lists every file and key.

Example
-------
>>> import tempfile, pathlib, numpy as np
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> is_run_dir(d)
False
>>> _ = write_features(d, Features(first_layer_kind="dense", first_layer_kernel=np.zeros((784, 2))))
>>> read_features(d).first_layer_kernel.shape, is_run_dir(d)
((784, 2), False)
>>> _ = write_run_info(d, {"format_version": FORMAT_VERSION, "status": "running"})
>>> is_run_dir(d), read_run_info(d)["status"]
(True, 'running')
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mnist_viz._io import atomic_write_json, atomic_write_npz, load_npz, read_json

#: version of the run directory format this module reads and writes
FORMAT_VERSION = 1
#: the values ``run.json`` "status" can take
STATUSES = ("running", "complete", "interrupted")

# -- file names (relative to the run directory) --------------------------------------------------
RUN_JSON = "run.json"
HISTORY_CSV = "history.csv"
BATCHES_CSV = "batches.csv"
WEIGHTS_DIR = "weights"
WEIGHT_STATS_CSV = f"{WEIGHTS_DIR}/stats.csv"
WEIGHT_INDEX_JSON = f"{WEIGHTS_DIR}/index.json"
WEIGHT_HISTOGRAMS_NPZ = f"{WEIGHTS_DIR}/histograms.npz"
DEAD_RELU_CSV = f"{WEIGHTS_DIR}/dead_relu.csv"
SNAPSHOT_GLOB = "snapshot_epoch_*.npz"  # inside WEIGHTS_DIR
PROBE_DIR = "probe"
PROBE_NPZ = f"{PROBE_DIR}/probe.npz"
PROBE_EPOCH_GLOB = "epoch_*.npz"  # inside PROBE_DIR
TEST_NPZ = "test_predictions.npz"
FEATURES_NPZ = "features.npz"
MODEL_KERAS = "model.keras"
MODEL_CONFIG_JSON = "model_config.json"
#: a folder holding any of these is a run directory (``Run.load`` and the CLI accept it)
MARKERS = (RUN_JSON, HISTORY_CSV, WEIGHT_STATS_CSV, PROBE_NPZ, TEST_NPZ)


def snapshot_npz(epoch: int) -> str:
    """``weights/snapshot_epoch_XXXX.npz`` of ``epoch``.

    >>> snapshot_npz(3)
    'weights/snapshot_epoch_0003.npz'
    """
    return f"{WEIGHTS_DIR}/snapshot_epoch_{int(epoch):04d}.npz"


def probe_epoch_npz(epoch: int) -> str:
    """``probe/epoch_XXXX.npz`` of ``epoch``.

    >>> probe_epoch_npz(12)
    'probe/epoch_0012.npz'
    """
    return f"{PROBE_DIR}/epoch_{int(epoch):04d}.npz"


# -- columns and keys ------------------------------------------------------------------------------
#: ``weights/stats.csv``
STATS_COLUMNS = ("epoch", "layer", "weight", "size", "mean", "std", "min", "max", "l2", "update_ratio")
#: ``weights/dead_relu.csv``
DEAD_RELU_COLUMNS = ("epoch", "layer", "dead_fraction")
#: ``weights/histograms.npz``: ``epochs`` and, per variable ``i`` of ``weights/index.json``, these
HISTOGRAM_EPOCHS = "epochs"


def histogram_keys(i: int) -> tuple[str, str]:
    """``(edges key, counts key)`` of variable ``i`` in ``weights/histograms.npz``.

    >>> histogram_keys(2)
    ('edges_2', 'counts_2')
    """
    return f"edges_{int(i)}", f"counts_{int(i)}"


#: ``probe/probe.npz`` keys, and ``probe/epoch_XXXX.npz``'s one key
PROBE_IMAGES, PROBE_LABELS, PROBE_INDICES = "images", "labels", "indices"
PROBE_PROBABILITIES = "probabilities"
#: ``test_predictions.npz`` keys
TEST_PROBABILITIES, TEST_LABELS, TEST_IMAGES = "probabilities", "labels", "images"
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


# -- read and write helpers --------------------------------------------------------------------------
def is_run_dir(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a folder holding any of :data:`MARKERS` (what ``Run.load`` accepts)."""
    path = Path(path)
    return path.is_dir() and any((path / marker).exists() for marker in MARKERS)


def write_run_info(run_dir: str | os.PathLike, info: dict) -> Path:
    """Write ``run.json`` atomically: the one writer of that file."""
    return atomic_write_json(Path(run_dir) / RUN_JSON, info)


def read_run_info(run_dir: str | os.PathLike) -> dict:
    """``run.json`` of ``run_dir`` as a dict (``{}`` when the run has none)."""
    path = Path(run_dir) / RUN_JSON
    return read_json(path) if path.exists() else {}


def write_features(run_dir: str | os.PathLike, features: Features) -> Path:
    """Write ``features.npz`` atomically."""
    return atomic_write_npz(Path(run_dir) / FEATURES_NPZ, features.to_arrays())


def read_features(run_dir: str | os.PathLike) -> Features | None:
    """``features.npz`` of ``run_dir`` as :class:`Features`, or None when the run has none."""
    path = Path(run_dir) / FEATURES_NPZ
    return Features.from_arrays(load_npz(path)) if path.exists() else None
