"""Keras callbacks that record a training run into a run directory (format version 1).

Plain :class:`keras.callbacks.Callback` subclasses that drop into anyone's ``model.fit``, one
module each:

* :class:`HistoryRecorder` (``history.py``) — every epoch log key, learning rate, epoch time,
  samples/s, and the *true* per-batch loss and metrics (Keras logs running means since the epoch
  began; we de-average them with the real batch sizes).
* :class:`WeightRecorder` (``weights.py``) — per weight variable and epoch: mean, std, min, max,
  L2 norm, a histogram on fixed bins, the update ratio ‖ΔW‖/‖W‖, dead-ReLU fractions on a fixed
  probe batch, optional float16 snapshots.
* :class:`PredictionRecorder` (``predictions.py``) — class probabilities on a fixed probe set
  after every epoch.
* :class:`RunRecorder` (``run_recorder.py``) — the three together plus ``run.json``, test
  predictions and the saved model.

Private modules hold the pieces they share: ``_writer`` (the background writer thread, its
registry and :class:`~mnist_viz.callbacks._writer.RunWriter`), ``_chief`` (:func:`is_chief`),
``_probe`` (the probe forward pass and ReLU unit maxima), ``_stats`` (the weight-statistics
maths, NumPy only), ``_csvlog`` (the CSV row logs), ``_model`` (the model summary and saving) and
``_base`` (the recorders' base class). File names and keys come from :mod:`mnist_viz.run_format`.

Every file is replaced atomically after every epoch, so a run killed at any moment loads with
every completed epoch (:meth:`mnist_viz.Run.load`). The writes (and the weight statistics) run on
one background thread per run directory, in order, so training does not wait on the disk; they are
flushed before ``fit`` returns. Under multi-worker training only the chief writes
(:func:`is_chief`); every worker still runs the same computations.

Importing this package is light; the recorders import Keras when first named (PEP 562), so
``mnist_viz.callbacks._stats`` and ``_chief`` work without TensorFlow.

Cost, measured by ``benchmarks/bench_recorders.py``: see the README ("Add RunRecorder to your own
fit"). Storage of the weight statistics: at most :data:`STATS_BYTES_PER_LAYER_EPOCH` bytes per
layer per epoch.

Example
-------
>>> import tempfile, numpy as np, keras
>>> from mnist_viz.callbacks import RunRecorder
>>> from mnist_viz.run import Run
>>> x = np.random.default_rng(0).random((64, 784), dtype="float32"); y = np.arange(64) % 10
>>> model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(10, activation="softmax")])
>>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
>>> out = tempfile.mkdtemp() + "/run"
>>> _ = model.fit(x, y, epochs=2, batch_size=16, verbose=0, validation_data=(x[:32], y[:32]),
...               callbacks=[RunRecorder(out, validation_data=(x[:32], y[:32]))])
>>> run = Run.load(out)
>>> run.status, len(run.history), run.probe.probabilities.shape
('complete', 2, (2, 32, 10))
"""
from __future__ import annotations

import importlib
from typing import Any

from mnist_viz.callbacks._chief import is_chief
from mnist_viz.callbacks._writer import RunWriter, flush_writes

__all__ = [
    "HistoryRecorder",
    "WeightRecorder",
    "PredictionRecorder",
    "RunRecorder",
    "RunWriter",
    "is_chief",
    "flush_writes",
    "STATS_BYTES_PER_LAYER_EPOCH",
]

# name -> module that defines it (these import Keras), resolved on first access
_LAZY = {
    "HistoryRecorder": "history",
    "WeightRecorder": "weights",
    "STATS_BYTES_PER_LAYER_EPOCH": "weights",
    "PredictionRecorder": "predictions",
    "RunRecorder": "run_recorder",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
