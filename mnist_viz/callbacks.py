"""Keras callbacks that record a training run into a run directory (format version 1).

Plain :class:`keras.callbacks.Callback` subclasses that drop into anyone's ``model.fit``:

* :class:`HistoryRecorder` — every epoch log key, learning rate, epoch time, samples/s, and the
  *true* per-batch loss and metrics (Keras logs running means since the epoch began; we de-average
  them with the real batch sizes).
* :class:`WeightRecorder` — per weight variable and epoch: mean, std, min, max, L2 norm, a
  histogram on fixed bins, the update ratio ‖ΔW‖/‖W‖, dead-ReLU fractions on a fixed probe batch,
  optional float16 snapshots.
* :class:`PredictionRecorder` — class probabilities on a fixed probe set after every epoch.
* :class:`RunRecorder` — the three together plus ``run.json``, test predictions and the saved model.

Every file is replaced atomically after every epoch, so a run killed at any moment loads with
every completed epoch (:meth:`mnist_viz.Run.load`). The writes (and the weight statistics) run on
one background thread per run directory, in order, so training does not wait on the disk; they are
flushed before ``fit`` returns. Under multi-worker training only the chief writes
(:func:`is_chief`); every worker still runs the same computations.

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

import atexit
import copy
import json
import math
import logging
import os
import queue
import socket
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from mnist_viz._io import atomic_write_json, atomic_write_npz, atomic_write_text
from mnist_viz._tf import import_keras
from mnist_viz._process import now_iso, process_start_ticks
from mnist_viz.run_format import FORMAT_VERSION

keras = import_keras()

__all__ = [
    "HistoryRecorder",
    "WeightRecorder",
    "PredictionRecorder",
    "RunRecorder",
    "is_chief",
    "flush_writes",
    "STATS_BYTES_PER_LAYER_EPOCH",
]

#: storage bound of WeightRecorder's statistics mode, in bytes per layer per epoch, for layers with
#: up to 4 weight variables (one stats.csv row of ~150 bytes and 32 int32 histogram counts each,
#: plus one dead_relu.csv row per ReLU layer). Checked by tests/test_callbacks.py.
STATS_BYTES_PER_LAYER_EPOCH = 2048

STATS_COLUMNS = ("epoch", "layer", "weight", "size", "mean", "std", "min", "max", "l2", "update_ratio")
DEAD_RELU_COLUMNS = ("epoch", "layer", "dead_fraction")


# --------------------------------------------------------------------------------------------
# who writes
# --------------------------------------------------------------------------------------------
def is_chief(strategy=None) -> bool:
    """Whether this process should write records: True for single-process training and the chief.

    Decided like Keras' own callbacks: a distribution strategy (``strategy`` or the one active)
    answers through ``strategy.extended.should_checkpoint``; without one, the ``TF_CONFIG``
    environment variable decides — the ``chief`` task, or ``worker`` 0 when the cluster has no
    chief, or any process without a task. Evaluators and parameter servers never write.

    >>> import os, json
    >>> os.environ["TF_CONFIG"] = json.dumps({"cluster": {"worker": ["a:1", "b:2"]},
    ...                                       "task": {"type": "worker", "index": 1}})
    >>> is_chief()
    False
    >>> del os.environ["TF_CONFIG"]
    >>> is_chief()
    True
    """
    import tensorflow as tf

    if strategy is None and tf.distribute.has_strategy():
        strategy = tf.distribute.get_strategy()
    if strategy is not None and not _is_default_strategy(strategy):
        extended = getattr(strategy, "extended", None)
        should = getattr(extended, "should_checkpoint", None)
        if should is not None:
            return bool(should)
    return _chief_from_tf_config(os.environ.get("TF_CONFIG"))


def _is_default_strategy(strategy) -> bool:
    return type(strategy).__name__ in {"_DefaultDistributionStrategy", "_DefaultDistributionStrategyV1"}


def _chief_from_tf_config(raw: str | None) -> bool:
    if not raw:
        return True
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"TF_CONFIG must be JSON like {{'cluster': ..., 'task': ...}}; got {raw!r} ({exc})") from None
    if not isinstance(config, dict):
        raise ValueError(f"TF_CONFIG must be a JSON object; got {type(config).__name__}")
    task = config.get("task") or {}
    cluster = config.get("cluster") or {}
    task_type = task.get("type")
    task_id = int(task.get("index", 0) or 0)
    if task_type is None:
        return True
    if task_type == "chief":
        return True
    if task_type == "worker":
        return task_id == 0 and "chief" not in cluster
    return False  # evaluator, ps


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def _as_int_labels(y, *, argument: str = "y") -> np.ndarray:
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1).astype(np.int64)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"{argument} must be integer labels (n,) or one-hot (n, C); got shape {y.shape}")
    return y.astype(np.int64)


def _as_uint8_images(x) -> np.ndarray | None:
    """(n, 28, 28) uint8 from flat or image batches in [0, 1] or [0, 255]; None if not 28×28 digits."""
    x = np.asarray(x)
    if x.ndim == 0 or len(x) == 0 or x[0].size != 784:
        return None
    images = x.reshape(len(x), 28, 28)
    if images.dtype == np.uint8:
        return images.copy()
    images = images.astype(np.float32)
    if np.issubdtype(x.dtype, np.floating) and float(np.nanmax(images)) <= 1.0 + 1e-6:
        images = images * 255.0
    return np.clip(np.rint(images), 0, 255).astype(np.uint8)


def _to_probabilities(outputs) -> np.ndarray:
    """(n, C) class probabilities from model outputs: softmax for logits; a single sigmoid column
    (or its logit) becomes the two columns (1 − p, p)."""
    probs = np.asarray(outputs, dtype=np.float32)
    if probs.ndim != 2:
        probs = probs.reshape(len(probs), -1)
    if probs.shape[1] == 1:
        p = probs[:, 0]
        if p.size and (p.min() < 0 or p.max() > 1):
            p = 1.0 / (1.0 + np.exp(-p))
        return np.stack([1.0 - p, p], axis=1).astype(np.float32)
    sums = probs.sum(axis=1)
    if probs.size and (probs.min() < -1e-6 or not np.allclose(sums, 1.0, atol=1e-3)):
        shifted = probs - probs.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        probs = exp / exp.sum(axis=1, keepdims=True)
    return probs


def _learning_rate(model) -> float:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return float("nan")
    try:
        return float(keras.ops.convert_to_numpy(optimizer.learning_rate))
    except Exception:  # exotic optimizers without a readable learning rate
        return float("nan")


def _leaf_layers(model) -> list:
    """Layers that own computations, walking into nested models (a model used as a layer)."""
    out, seen = [], set()

    def walk(layer):
        subs = getattr(layer, "layers", None)
        if isinstance(layer, keras.Model) or (isinstance(subs, list) and subs and layer is not model):
            for sub in layer.layers:
                walk(sub)
            return
        if id(layer) not in seen and not isinstance(layer, keras.layers.InputLayer):
            seen.add(id(layer))
            out.append(layer)

    for layer in model.layers:
        walk(layer)
    return out


def _weight_path(variable, model_name: str) -> str:
    path = getattr(variable, "path", None) or variable.name
    prefix = f"{model_name}/"
    return path[len(prefix):] if path.startswith(prefix) else path


def _is_relu_layer(layer) -> bool:
    if isinstance(layer, keras.layers.ReLU):
        return True
    activation = getattr(layer, "activation", None)
    return activation is not None and getattr(activation, "__name__", "") == "relu"


def _variable_numpy(variable) -> np.ndarray:
    try:
        return np.asarray(variable.numpy())
    except Exception:
        return np.asarray(keras.ops.convert_to_numpy(variable))


class _CsvLog:
    """Rows of a CSV file kept as rendered text, so that rewriting the file each epoch is cheap.

    Columns are the union of the rows' keys in first-seen order; a new key re-renders all rows.
    Missing values and NaN are written as empty cells (read back as NaN); floats use ``repr``
    (they read back bit-identical).
    """

    def __init__(self, columns=()):
        self.columns: list[str] = list(columns)
        self.rows: list[dict] = []
        self._lines: list[str] = []

    def __len__(self):
        return len(self.rows)

    @staticmethod
    def _cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return "" if value != value else repr(value)
        if isinstance(value, (bool, np.bool_)):
            return str(bool(value))
        if isinstance(value, (int, np.integer)):
            return str(int(value))
        if isinstance(value, np.floating):
            return _CsvLog._cell(float(value))
        text = str(value)
        if any(ch in text for ch in ',"\n\r'):
            text = '"' + text.replace('"', '""') + '"'
        return text

    def _render(self, row: dict) -> str:
        return ",".join(self._cell(row.get(col)) for col in self.columns)

    def add(self, row: dict) -> None:
        new = [key for key in row if key not in self.columns]
        self.rows.append(row)
        if new:
            self.columns.extend(new)
            self._lines = [self._render(r) for r in self.rows]
        else:
            self._lines.append(self._render(row))

    def text(self) -> str:
        header = ",".join(self._cell(c) for c in self.columns)
        return "\n".join([header, *self._lines]) + "\n"

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=self.columns)


class _BackgroundWriter:
    """Writes files on a background thread, in submission order.

    The epoch's summaries and writes run while the training thread does the rest of the epoch's
    recording (the probe pass); the recorders then wait for them at the end of every epoch, so a
    process killed outright at any moment leaves every completed epoch on disk and loses at most
    the epoch in flight, never a file's integrity. Each task is one atomic write
    (``mnist_viz._io``), given data that nobody mutates afterwards. FIFO order keeps the format's
    promise that ``run.json`` is written after the records it counts. A failed write is re-raised in
    the training thread at the next ``submit``/``flush``.
    """

    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="mnist_viz-writer", daemon=True)
        self._thread.start()

    def _work(self):
        while True:
            task = self._queue.get()
            try:
                if task is None:
                    return
                func, args, kwargs = task
                if self._error is None:
                    func(*args, **kwargs)
            except BaseException as exc:  # surfaced in the training thread
                self._error = exc
            finally:
                self._queue.task_done()

    def _raise(self):
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, func, *args, **kwargs):
        self._raise()
        self._queue.put((func, args, kwargs))

    def flush(self):
        self._queue.join()
        self._raise()


_WRITERS: dict[str, _BackgroundWriter] = {}
_WRITERS_LOCK = threading.Lock()


def _writer_for(run_dir: Path) -> _BackgroundWriter:
    key = os.path.abspath(run_dir)
    with _WRITERS_LOCK:
        writer = _WRITERS.get(key)
        if writer is None or not writer._thread.is_alive():
            writer = _WRITERS[key] = _BackgroundWriter()
        return writer


def _close_writer(run_dir) -> None:
    """Flush and stop the writer thread of ``run_dir`` (a later write starts a new one)."""
    with _WRITERS_LOCK:
        writer = _WRITERS.pop(os.path.abspath(run_dir), None)
    if writer is not None:
        try:
            writer.flush()
        finally:
            writer._queue.put(None)
            writer._thread.join(timeout=10)


def flush_writes(run_dir=None) -> None:
    """Wait until every queued record (of ``run_dir``, or of all runs) is on disk.

    >>> flush_writes()  # nothing queued: returns at once
    """
    with _WRITERS_LOCK:
        items = list(_WRITERS.items())
    wanted = None if run_dir is None else os.path.abspath(run_dir)
    for key, writer in items:
        if wanted is None or key == wanted:
            writer.flush()


@atexit.register
def _flush_at_exit():  # pragma: no cover - runs at interpreter exit
    try:
        flush_writes()
    except Exception:
        pass


class _Recorder(keras.callbacks.Callback):
    """Shared bits: the run directory and whether this process writes."""

    def __init__(self, run_dir=None):
        super().__init__()
        self.run_dir = Path(run_dir) if run_dir is not None else None
        self._chief = True
        self._chief_decided_by_parent = False
        self._warned: set[str] = set()

    def _decide_chief(self):
        if not self._chief_decided_by_parent:
            self._chief = is_chief(getattr(self.model, "distribute_strategy", None))

    def _submit(self, func, *args, **kwargs):
        """Queue one atomic write on this run directory's background writer."""
        _writer_for(self.run_dir).submit(func, *args, **kwargs)

    def _epoch_written(self) -> None:
        """End of ``on_epoch_end``: wait until the epoch's records are on disk, so that a process
        killed at any later moment leaves every completed epoch behind (a composing RunRecorder
        waits once, after ``run.json``)."""
        if self.writes and not self._chief_decided_by_parent:
            flush_writes(self.run_dir)

    def flush(self) -> None:
        """Wait until this recorder's queued writes are on disk (they are after every epoch)."""
        if self.run_dir is not None:
            flush_writes(self.run_dir)

    def on_train_end(self, logs=None):
        if self.run_dir is not None and not self._chief_decided_by_parent:
            _close_writer(self.run_dir)  # flushes: every record is on disk when fit returns

    @property
    def writes(self) -> bool:
        """Whether this recorder writes files in this process (a run directory and the chief)."""
        return self.run_dir is not None and self._chief

    def _warn_once(self, key: str, message: str):
        if key not in self._warned:
            self._warned.add(key)
            warnings.warn(message, UserWarning, stacklevel=3)


# --------------------------------------------------------------------------------------------
# HistoryRecorder
# --------------------------------------------------------------------------------------------
class HistoryRecorder(_Recorder):
    """Record every epoch's logs and the true per-batch loss and metrics.

    Writes ``history.csv`` (one row per epoch: ``epoch``, every Keras log key, ``learning_rate``,
    ``epoch_time`` in seconds including validation, ``samples_per_sec`` over the training part of
    the epoch) and ``batches.csv`` (one row per batch: ``epoch``, ``batch``, ``step``, ``size``,
    each log key as Keras reports it — a running mean since the epoch began — and the true value of
    that batch alone as ``<key>_batch``) after every epoch, atomically.

    The true value of batch *k* is recovered by sample-weighted de-averaging,
    ``v_k = (N_k m_k − N_{k−1} m_{k−1}) / n_k``, where ``m_k`` is the running mean Keras logs and
    ``N_k`` the number of samples seen so far in the epoch (read from the model's loss tracker
    after every batch, so a smaller last batch or a dataset with uneven batches is handled
    exactly). Float32 running means limit the precision to about ``1e-7 · N_k / n_k`` relative.
    With ``sample_weight`` in ``fit``, metrics are weighted means, so their ``_batch`` values are
    approximate (the loss stays exact). Only mean-type metrics (loss, accuracy and other
    ``keras.metrics.Mean`` subclasses) are de-averaged; metrics such as ``Precision`` get no
    ``_batch`` column. Without a loss tracker, equal batch sizes are assumed. With
    ``steps_per_execution > 1`` Keras reports once per execution, so a row covers those steps
    (``size`` counts their samples, ``batch`` is Keras' index).

    ``run_dir=None`` keeps the records in memory only (``.history``, ``.batches``).

    >>> import numpy as np, keras
    >>> model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
    >>> model.compile("sgd", "sparse_categorical_crossentropy")
    >>> rec = HistoryRecorder()
    >>> _ = model.fit(np.ones((10, 4)), np.arange(10) % 3, batch_size=4, epochs=1, verbose=0, callbacks=[rec])
    >>> rec.batches["size"].tolist()
    [4, 4, 2]
    """

    def __init__(self, run_dir=None):
        super().__init__(run_dir)
        self._epoch_log = _CsvLog()
        self._batch_log = _CsvLog()

    # -- public views ---------------------------------------------------------------------------
    @property
    def history(self) -> pd.DataFrame:
        """The epoch records so far, as written to ``history.csv``."""
        return self._epoch_log.frame()

    @property
    def batches(self) -> pd.DataFrame:
        """The batch records so far, as written to ``batches.csv``."""
        return self._batch_log.frame()

    # -- callback hooks -------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._decide_chief()
        self._epoch_log, self._batch_log = _CsvLog(), _CsvLog()
        self._step = 0
        self._mean_keys: set[str] | None = None
        self._tracker = None

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = int(epoch)
        self._epoch_start = time.perf_counter()
        self._train_end = None
        self._pending: list[tuple[int, dict, float | None]] = []
        self._epoch_samples = float("nan")

    def _samples_seen(self) -> float | None:
        if self._tracker is None:
            self._tracker = getattr(self.model, "_loss_tracker", None) or False
            self._read_count = None
        if self._tracker is False:
            return None
        count = self._tracker.count
        if self._read_count is None:  # the cheapest read that works here (one op; not under tf.distribute)
            for reader in (lambda v: float(v.value), lambda v: float(_variable_numpy(v))):
                try:
                    reader(count)
                except Exception:
                    continue
                self._read_count = reader
                break
            else:
                self._tracker = False
                return None
        return self._read_count(count)

    def _find_mean_keys(self, logs) -> set[str]:
        means, others = set(), set()

        def walk(metric):
            inner = getattr(metric, "metrics", None)
            if isinstance(inner, (list, tuple)) and not isinstance(metric, keras.metrics.Mean):
                for sub in inner:  # CompileMetrics and other containers
                    walk(sub)
                return
            name = getattr(metric, "name", None)
            if name is not None:
                (means if isinstance(metric, keras.metrics.Mean) else others).add(name)

        for metric in getattr(self.model, "metrics", []) or []:
            walk(metric)
        keys = set()
        for key in logs:
            if key in others:
                continue
            if key in means or key == "loss" or key.endswith("loss") or "accuracy" in key:
                keys.add(key)
            elif not others and not means:
                keys.add(key)
        return keys

    def on_train_batch_end(self, batch, logs=None):
        values = {}
        for key, value in (logs or {}).items():
            try:
                values[key] = float(value)
            except (TypeError, ValueError):
                continue
        # the loss tracker counts the samples seen so far this epoch (~30 µs to read): exact batch
        # sizes even when a dataset's batches vary; the de-averaging waits for the epoch end
        self._pending.append((int(batch), values, self._samples_seen()))
        self._train_end = time.perf_counter()

    def _batch_sizes(self) -> list[float] | None:
        """Samples in each recorded batch of the epoch, or None when they cannot be known."""
        counts = [c for _, _, c in self._pending]
        if not counts or any(c is None for c in counts):
            return None
        sizes = np.diff([0.0] + counts).tolist()
        return sizes if all(size > 0 for size in sizes) else None

    def _finish_batches(self):
        """De-average the epoch's running means into per-batch values and add the rows."""
        if not self._pending:
            return
        if self._mean_keys is None:
            self._mean_keys = self._find_mean_keys(self._pending[-1][1])
        sizes = self._batch_sizes()
        if sizes is None:
            self._warn_once(
                "sizes",
                "HistoryRecorder cannot count the samples of each batch (the model has no readable loss "
                "tracker); per-batch values assume equal batch sizes, so the last batch's may be approximate",
            )
            cumulative = [float(b + 1) for b, _, _ in self._pending]
            sizes_out = [float("nan")] * len(self._pending)
        else:
            cumulative = np.cumsum(sizes).tolist()
            sizes_out = [int(round(size)) for size in sizes]
            self._epoch_samples = cumulative[-1]
        prev_total, prev_means = 0.0, {}
        for (batch, values, _), total, size in zip(self._pending, cumulative, sizes_out):
            row = {"epoch": self._epoch, "batch": batch, "step": self._step, "size": size}
            row.update(values)
            weight = total - prev_total
            for key, mean in values.items():
                if key in self._mean_keys:
                    previous = prev_means.get(key, 0.0)
                    row[f"{key}_batch"] = (total * mean - prev_total * previous) / weight if weight else float("nan")
            self._batch_log.add(row)
            prev_total, prev_means = total, values
            self._step += 1
        self._pending = []

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        epoch_time = now - self._epoch_start
        train_time = (self._train_end or now) - self._epoch_start
        self._finish_batches()
        samples = self._epoch_samples
        row = {"epoch": int(epoch)}
        for key, value in (logs or {}).items():
            try:
                row[key] = float(value)
            except (TypeError, ValueError):
                continue
        row["learning_rate"] = _learning_rate(self.model)
        row["epoch_time"] = epoch_time
        row["samples_per_sec"] = samples / train_time if train_time > 0 else float("nan")
        self._epoch_log.add(row)
        self.last_epoch_samples = samples
        if self.writes:
            self._submit(atomic_write_text, self.run_dir / "history.csv", self._epoch_log.text())
            self._submit(atomic_write_text, self.run_dir / "batches.csv", self._batch_log.text())
        self._epoch_written()



# --------------------------------------------------------------------------------------------
# WeightRecorder
# --------------------------------------------------------------------------------------------
class WeightRecorder(_Recorder):
    """Record per-weight statistics, histograms, update ratios and dead ReLUs after every epoch.

    For every weight variable of every layer (nested models included) it writes, before training
    (epoch -1, when the model is built by then) and after every epoch:

    * ``weights/stats.csv``: ``mean``, ``std``, ``min``, ``max``, ``l2`` (‖W‖₂) and
      ``update_ratio`` = ‖W_t − W_{t−1}‖₂ / ‖W_t‖₂ against the previous record (NaN for the first
      record or when ‖W_t‖ is 0);
    * ``weights/histograms.npz``: counts on ``bins`` fixed bins per variable, chosen when the
      variable is first recorded: a symmetric range ±``range_factor``·max|W₀| (for an all-zero
      variable such as a fresh bias, the widest range of its layer's other variables, else ±1).
      Values outside the range are clipped into the end bins, so counts always sum to the size;
    * ``weights/dead_relu.csv``: for each ReLU layer, the fraction of units (last axis) whose output
      is <= 0 for every sample (and position) of a fixed probe batch of ``dead_relu_samples`` inputs
      from ``probe_x``. Without ``probe_x`` this part is skipped with a warning;
    * ``weights/snapshot_epoch_XXXX.npz`` every ``snapshot_every`` epochs: float16 copies of every
      variable (keys: variable paths with ``/`` as ``__``).

    Statistics mode (no snapshots) stores at most :data:`STATS_BYTES_PER_LAYER_EPOCH` (2 KB) per
    layer per epoch for layers with up to 4 weight variables. Cost per epoch is a few NumPy passes
    over the weights (``variable.numpy()``), plus one forward pass of the probe batch for dead ReLUs.
    A Sequential model without ``Input`` is built from ``probe_x``'s shape at train begin, so its
    initial weights are recorded too.

    >>> import numpy as np, keras
    >>> model = keras.Sequential([keras.layers.Dense(8, activation="relu", name="h"), keras.layers.Dense(3, name="o")])
    >>> model.compile("sgd", "mse")
    >>> x = np.random.default_rng(0).random((32, 5), dtype="float32")
    >>> rec = WeightRecorder(probe_x=x)
    >>> _ = model.fit(x, np.zeros((32, 3)), epochs=2, verbose=0, callbacks=[rec])
    >>> sorted(set(rec.stats["epoch"])), list(rec.dead_relu["layer"].unique())
    ([-1, 0, 1], ['h'])
    """

    def __init__(self, run_dir=None, *, bins: int = 32, range_factor: float = 3.0, probe_x=None,
                 dead_relu_samples: int = 256, snapshot_every: int | None = None):
        super().__init__(run_dir)
        if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 2:
            raise ValueError(f"bins must be an integer >= 2; got {bins!r}")
        if not (isinstance(range_factor, (int, float)) and range_factor > 0):
            raise ValueError(f"range_factor must be a positive number; got {range_factor!r}")
        if snapshot_every is not None and (
            isinstance(snapshot_every, bool) or not isinstance(snapshot_every, (int, np.integer)) or snapshot_every < 1
        ):
            raise ValueError(f"snapshot_every must be None or an integer >= 1; got {snapshot_every!r}")
        if isinstance(dead_relu_samples, bool) or not isinstance(dead_relu_samples, (int, np.integer)) or dead_relu_samples < 1:
            raise ValueError(f"dead_relu_samples must be an integer >= 1; got {dead_relu_samples!r}")
        self.bins = int(bins)
        self.range_factor = float(range_factor)
        self.snapshot_every = snapshot_every
        self.dead_relu_samples = int(dead_relu_samples)
        self.probe_x = None if probe_x is None else np.asarray(probe_x)[: self.dead_relu_samples]
        self._stats_log = _CsvLog(STATS_COLUMNS)
        self._dead_log = _CsvLog(DEAD_RELU_COLUMNS)

    @property
    def stats(self) -> pd.DataFrame:
        """The statistics rows so far (``weights/stats.csv``)."""
        self.flush()  # they are computed on the writer thread
        return self._stats_log.frame()

    @property
    def dead_relu(self) -> pd.DataFrame:
        """The dead-ReLU rows so far (``weights/dead_relu.csv``)."""
        return self._dead_log.frame()

    def histograms(self) -> dict:
        """``weight`` -> ``{"edges", "counts" (E, B), "epochs"}`` recorded so far."""
        self.flush()
        epochs = np.asarray(self._hist_epochs, dtype=np.int64)
        return {
            entry["weight"]: {"edges": self._edges[i], "counts": np.asarray(self._counts[i], np.int32).reshape(-1, self.bins),
                              "epochs": epochs}
            for i, entry in enumerate(self._index)
        }

    # -- callback hooks -------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._decide_chief()
        self._stats_log, self._dead_log = _CsvLog(STATS_COLUMNS), _CsvLog(DEAD_RELU_COLUMNS)
        self._own_forward = None
        self._index, self._variables, self._edges, self._counts = [], [], [], []
        self._hist_epochs: list[int] = []
        self._previous: list[np.ndarray | None] = []
        self._relu_layers = None
        if self.writes:
            for stale in (self.run_dir / "weights").glob("snapshot_epoch_*.npz"):  # from an earlier fit here
                stale.unlink()
        if not self.model.built and self.probe_x is not None:
            try:
                self.model.build((None,) + tuple(self.probe_x.shape[1:]))
            except Exception:  # subclassed models may not build from a shape: record from epoch 0
                pass
        if self.model.built and self.model.weights:
            self._setup()
            self._record(-1)

    def on_epoch_end(self, epoch, logs=None):
        if not self._index:
            self._setup()
        self._record(int(epoch))
        self._epoch_written()

    # -- internals ------------------------------------------------------------------------------
    def _setup(self):
        layers_seen = set()
        entries, variables = [], []
        for layer in _leaf_layers(self.model):
            for variable in layer.weights:
                if id(variable) in layers_seen:
                    continue
                layers_seen.add(id(variable))
                weight = _weight_path(variable, self.model.name)
                layer_path = weight.rsplit("/", 1)[0] if "/" in weight else layer.name
                entries.append({"key": len(entries), "layer": layer_path, "weight": weight,
                                "shape": [int(d) for d in variable.shape]})
                variables.append(variable)
        self._index, self._variables = entries, variables
        values = [_variable_numpy(v) for v in variables]
        halves = [self.range_factor * float(np.max(np.abs(w))) if w.size else 0.0 for w in values]
        by_layer: dict[str, float] = {}
        for entry, half in zip(entries, halves):
            by_layer[entry["layer"]] = max(by_layer.get(entry["layer"], 0.0), half)
        self._edges = []
        for entry, half in zip(entries, halves):
            if not (half > 0 and math.isfinite(half)):
                half = by_layer.get(entry["layer"], 0.0)
                if not (half > 0 and math.isfinite(half)):
                    half = 1.0
            self._edges.append(np.linspace(-half, half, self.bins + 1))
        self._counts = [[] for _ in entries]
        self._previous = [None] * len(entries)
        if self.writes:
            self._submit(atomic_write_json, self.run_dir / "weights" / "index.json", copy.deepcopy(entries))

    def _histogram(self, flat: np.ndarray, edges: np.ndarray) -> np.ndarray:
        """Counts on the fixed ``edges``; values outside go to the end bins, NaNs are not counted."""
        lo, hi = edges[0], edges[-1]
        pos = (flat - flat.dtype.type(lo)) * flat.dtype.type(self.bins / (hi - lo))
        np.clip(pos, 0, self.bins - 1, out=pos)
        if np.isnan(pos).any():
            pos = pos[~np.isnan(pos)]
        return np.bincount(pos.astype(np.int32), minlength=self.bins).astype(np.int32)

    def _record(self, epoch: int):
        # On the training thread: copy the weights out (fresh arrays) and run the probe pass.
        # The statistics, histograms and files are made on the writer thread, in order.
        values = [_variable_numpy(variable) for variable in self._variables]
        self._record_dead_relu(epoch)
        if self.writes:
            self._submit(self._summarize, epoch, values, self._dead_log.text())
        else:
            self._summarize(epoch, values, None)

    def _summarize(self, epoch: int, values: list, dead_text: str | None):
        snapshot = {}
        take_snapshot = self.snapshot_every is not None and epoch >= 0 and (epoch + 1) % self.snapshot_every == 0
        for i, (entry, w) in enumerate(zip(self._index, values)):
            flat = w.reshape(-1)
            if flat.dtype not in (np.float32, np.float64):
                flat = flat.astype(np.float32)
            n = flat.size
            if n:
                l2 = float(np.linalg.norm(flat))
                row = {"epoch": epoch, "layer": entry["layer"], "weight": entry["weight"], "size": n,
                       "mean": float(flat.mean(dtype=np.float64)), "std": float(flat.std(dtype=np.float64)),
                       "min": float(flat.min()), "max": float(flat.max()), "l2": l2}
            else:
                l2 = 0.0
                row = {"epoch": epoch, "layer": entry["layer"], "weight": entry["weight"], "size": 0,
                       "mean": np.nan, "std": np.nan, "min": np.nan, "max": np.nan, "l2": 0.0}
            prev = self._previous[i]
            if prev is not None and l2 > 0:
                row["update_ratio"] = float(np.linalg.norm(flat - prev)) / l2
            else:
                row["update_ratio"] = float("nan")
            self._stats_log.add(row)
            self._previous[i] = flat
            self._counts[i].append(self._histogram(flat, self._edges[i]))
            if take_snapshot:
                snapshot[entry["weight"].replace("/", "__")] = w.astype(np.float16)
        self._hist_epochs.append(epoch)
        if dead_text is None:
            return
        folder = self.run_dir / "weights"
        atomic_write_text(folder / "stats.csv", self._stats_log.text())
        arrays = {"epochs": np.asarray(self._hist_epochs, dtype=np.int64)}
        for i in range(len(self._index)):
            arrays[f"edges_{i}"] = self._edges[i]
            arrays[f"counts_{i}"] = np.asarray(self._counts[i], dtype=np.int32).reshape(-1, self.bins)
        atomic_write_npz(folder / "histograms.npz", arrays)
        atomic_write_text(folder / "dead_relu.csv", dead_text)
        if snapshot:
            atomic_write_npz(folder / f"snapshot_epoch_{epoch:04d}.npz", snapshot, compress=False)

    def _find_relu_layers(self):
        layers = [layer for layer in _leaf_layers(self.model) if _is_relu_layer(layer)]
        if layers and self._forward() is None:
            self._warn_once(
                "no_probe",
                "WeightRecorder has no probe batch (probe_x / validation_data): dead-ReLU fractions "
                "are not recorded; pass validation_data=(x_val, y_val) to RunRecorder",
            )
            return []
        return layers

    def _forward(self):
        """The probe forward pass: shared with a PredictionRecorder in RunRecorder, else our own."""
        source = getattr(self, "_probe_source", None)
        if source is not None and source.x is not None:
            return source.forward
        if self.probe_x is None:
            return None
        if getattr(self, "_own_forward", None) is None or self._own_forward.model is not self.model:
            self._own_forward = _ProbeForward(self.model, self.probe_x, batch_size=len(self.probe_x))
        return self._own_forward

    def _record_dead_relu(self, epoch: int):
        if self._relu_layers is None:
            self._relu_layers = self._find_relu_layers()
        if not self._relu_layers:
            return
        _, maxima = self._forward().run(key=epoch)
        for layer in self._relu_layers:
            unit_max = maxima.get(id(layer))
            if unit_max is None:
                self._warn_once(
                    f"unreached_{layer.name}",
                    f"WeightRecorder: layer {layer.name!r} did not run on the probe batch; its dead-ReLU "
                    "fraction is skipped",
                )
                continue
            alive = unit_max > 0
            self._dead_log.add({"epoch": epoch, "layer": layer.name,
                                "dead_fraction": float(1.0 - alive.mean()) if alive.size else float("nan")})


class _ProbeForward:
    """One inference-mode forward pass of a fixed input: the model's outputs and, for every ReLU
    layer (nested models included), each unit's maximum over samples and positions.

    The pass is a ``tf.function`` traced once, in which each ReLU layer's ``call`` is wrapped while
    tracing to capture its output (so outputs buried in sub-models are reached without building
    symbolic sub-models, and Sequential models without ``Input`` work). If tracing fails it runs
    eagerly instead. Results are cached per ``key`` (the epoch), so the PredictionRecorder and
    WeightRecorder of one RunRecorder share one pass.
    """

    def __init__(self, model, x, *, batch_size: int):
        self.model, self.x, self.batch_size = model, x, max(1, int(batch_size))
        self._layers = None
        self._function = None
        self._cached = None
        self._chunks = None

    def relu_layers(self) -> list:
        if self._layers is None:
            self._layers = [layer for layer in _leaf_layers(self.model) if _is_relu_layer(layer)]
        return self._layers

    def reset(self):
        self._cached = None

    def run(self, key=None) -> tuple[np.ndarray, dict]:
        """``(probabilities (n, C), {id(layer): per-unit max})`` for the fixed input."""
        if key is not None and self._cached is not None and self._cached[0] == key:
            return self._cached[1], self._cached[2]
        if self._chunks is None:  # converted once: no 3 MB copy per epoch
            import tensorflow as tf

            self._chunks = [tf.convert_to_tensor(self.x[i:i + self.batch_size])
                            for i in range(0, len(self.x), self.batch_size)]
        outputs, maxima = [], {}
        for chunk in self._chunks:
            out, chunk_max = self._call(chunk)
            outputs.append(out)
            for layer_id, values in chunk_max.items():
                maxima[layer_id] = np.maximum(maxima[layer_id], values) if layer_id in maxima else values
        probs = _to_probabilities(np.concatenate(outputs)) if outputs else np.zeros((0, 0), np.float32)
        if key is not None:
            self._cached = (key, probs, maxima)
        return probs, maxima

    def _call(self, x):
        if self._function is None:
            import tensorflow as tf

            _quiet_probe_retracing()
            try:
                self.relu_layers()
                function = tf.function(self._pass, reduce_retracing=True, autograph=False)
                result = function(x)
                self._function = function
                return self._convert(result)
            except Exception:  # not traceable: one eager pass per record instead
                self._function = False
        if self._function:
            return self._convert(self._function(x))
        return self._convert(self._pass(x))

    def _pass(self, x):
        import tensorflow as tf

        layers = self.relu_layers()
        out, captured = _capture_outputs(self.model, layers, x, to_numpy=False)
        maxima = {}
        for i, layer in enumerate(layers):
            value = captured.get(id(layer))
            if value is not None:
                maxima[str(i)] = tf.reduce_max(tf.reshape(value, [-1, tf.shape(value)[-1]]), axis=0)
        while isinstance(out, (list, tuple)):
            out = out[0]
        if isinstance(out, dict):
            out = next(iter(out.values()))
        return out, maxima

    def _convert(self, result):
        out, maxima = result
        layers = self.relu_layers()
        return (np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float32),
                {id(layers[int(i)]): np.asarray(keras.ops.convert_to_numpy(v)) for i, v in maxima.items()})


class _ProbeRetracingFilter(logging.Filter):
    """Drops TensorFlow's "triggered tf.function retracing" warning about the probe pass: each
    recorded model traces its own pass once (and once more for a smaller last chunk), which is by
    design, but after a few models in one process TensorFlow warns about every new trace."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("_ProbeForward._pass" in message and "retracing" in message)


def _quiet_probe_retracing() -> None:
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _ProbeRetracingFilter) for f in logger.filters):
        logger.addFilter(_ProbeRetracingFilter())


def _capture_outputs(model, layers, x, *, to_numpy: bool = True):
    """Run ``model`` on ``x`` once in inference mode; return ``(output, {id(layer): layer output})``.

    Each layer's ``call`` is wrapped for the duration of the pass (and restored afterwards).
    """
    captured: dict[int, object] = {}
    patched = []
    for layer in layers:
        original = layer.call

        def call(*args, _original=original, _key=id(layer), **kwargs):
            result = _original(*args, **kwargs)
            captured[_key] = keras.ops.convert_to_numpy(result) if to_numpy else result
            return result

        object.__setattr__(layer, "call", call)
        patched.append(layer)
    try:
        output = model(x, training=False)
    finally:
        for layer in patched:
            try:
                object.__delattr__(layer, "call")
            except AttributeError:
                pass
    return output, captured


# --------------------------------------------------------------------------------------------
# PredictionRecorder
# --------------------------------------------------------------------------------------------
class PredictionRecorder(_Recorder):
    """Record class probabilities on a fixed probe set after every epoch.

    The probe set is at most ``probe_size`` samples of ``validation_data`` (all of them when there
    are fewer; otherwise a random subset drawn once with ``seed``, in their original order). At train
    begin ``probe/probe.npz`` stores their ``images`` (uint8 28×28, when inputs are 784-pixel digits;
    floats in [0, 1] are scaled by 255), ``labels`` (int64; one-hot is accepted) and ``indices``
    into the validation set; after every epoch ``probe/epoch_XXXX.npz`` stores ``probabilities``
    (float16, softmax applied when the model outputs logits).

    Keras does not hand callbacks the data that ``validation_split`` holds out, so pass
    ``validation_data`` explicitly; without it nothing is recorded and one warning says so.

    >>> import numpy as np, keras
    >>> model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
    >>> model.compile("sgd", "sparse_categorical_crossentropy")
    >>> x, y = np.ones((12, 4), "float32"), np.arange(12) % 3
    >>> rec = PredictionRecorder(validation_data=(x, y), probe_size=5)
    >>> _ = model.fit(x, y, epochs=2, verbose=0, callbacks=[rec])
    >>> rec.probabilities.shape, rec.indices.tolist() == sorted(rec.indices.tolist())
    ((2, 5, 3), True)
    """

    def __init__(self, run_dir=None, *, validation_data=None, probe_size: int = 1000, seed: int = 0,
                 batch_size: int = 1000):
        super().__init__(run_dir)
        if isinstance(probe_size, bool) or not isinstance(probe_size, (int, np.integer)) or probe_size < 1:
            raise ValueError(f"probe_size must be an integer >= 1; got {probe_size!r}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"batch_size must be an integer >= 1; got {batch_size!r}")
        self.probe_size = int(probe_size)
        self.seed = seed
        self.batch_size = int(batch_size)
        self.x = self.labels = self.indices = self.images = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) < 2:
                raise ValueError(
                    "validation_data must be a tuple (x_val, y_val); got "
                    f"{type(validation_data).__name__}{'' if not hasattr(validation_data, '__len__') else f' of length {len(validation_data)}'}"
                )
            x, y = np.asarray(validation_data[0]), validation_data[1]
            labels = _as_int_labels(y, argument="validation_data[1]")
            if len(x) != len(labels):
                raise ValueError(f"validation_data has {len(x)} inputs but {len(labels)} labels")
            n = len(x)
            if n > self.probe_size:
                rng = np.random.default_rng(seed)
                indices = np.sort(rng.choice(n, size=self.probe_size, replace=False))
            else:
                indices = np.arange(n)
            self.indices = indices.astype(np.int64)
            self.x = x[self.indices]
            self.labels = labels[self.indices]
            self.images = _as_uint8_images(self.x)
        self._probs: list[np.ndarray] = []
        self._epochs: list[int] = []

    @property
    def probabilities(self) -> np.ndarray:
        """(E, n, C) probabilities recorded so far."""
        return np.stack(self._probs) if self._probs else np.zeros((0, 0, 0), np.float32)

    def predict(self, x) -> np.ndarray:
        """Class probabilities of ``x`` with the current weights (softmax applied to logits)."""
        return _predict_probabilities(self.model, x, self.batch_size)

    @property
    def forward(self) -> "_ProbeForward | None":
        """The compiled probe pass (outputs and ReLU unit maxima), made for the current model."""
        if self.x is None:
            return None
        if getattr(self, "_forward", None) is None or self._forward.model is not self.model:
            self._forward = _ProbeForward(self.model, self.x, batch_size=self.batch_size)
        return self._forward

    def on_train_begin(self, logs=None):
        self._decide_chief()
        self._probs, self._epochs = [], []
        if self.forward is not None:
            self.forward.reset()
        if self.x is None:
            self._warn_once(
                "no_validation",
                "PredictionRecorder has no validation_data, so no probe predictions are recorded. Keras "
                "does not pass validation_split data to callbacks: pass validation_data=(x_val, y_val) "
                "to the recorder (RunRecorder(..., validation_data=...))",
            )
            return
        if self.writes:
            for stale in (self.run_dir / "probe").glob("epoch_*.npz"):  # from an earlier fit here
                stale.unlink()
            arrays = {"labels": self.labels, "indices": self.indices}
            if self.images is not None:
                arrays["images"] = self.images
            self._submit(atomic_write_npz, self.run_dir / "probe" / "probe.npz", arrays)

    def on_epoch_end(self, epoch, logs=None):
        if self.x is None:
            return
        probs, _ = self.forward.run(key=int(epoch))
        self._probs.append(probs)
        self._epochs.append(int(epoch))
        if self.writes:
            self._submit(atomic_write_npz, self.run_dir / "probe" / f"epoch_{int(epoch):04d}.npz",
                         {"probabilities": probs.astype(np.float16)})
        self._epoch_written()


def _predict_probabilities(model, x, batch_size: int) -> np.ndarray:
    strategy = getattr(model, "distribute_strategy", None)
    if strategy is not None and not _is_default_strategy(strategy):
        out = model.predict(x, batch_size=batch_size, verbose=0)
    else:
        chunks = [np.asarray(model.predict_on_batch(x[i:i + batch_size])) for i in range(0, len(x), batch_size)]
        out = np.concatenate(chunks) if chunks else np.zeros((0, 0), np.float32)
    if isinstance(out, (list, tuple)):
        out = out[0]
    return _to_probabilities(out)


# --------------------------------------------------------------------------------------------
# RunRecorder
# --------------------------------------------------------------------------------------------
class RunRecorder(_Recorder):
    """Record a whole run directory (format version 1): history, weights, probe predictions and more.

    Composes :class:`HistoryRecorder`, :class:`WeightRecorder` (``weights=True``) and
    :class:`PredictionRecorder` (``predictions=True``) and adds ``run.json`` (status, params, model
    summary, your ``metadata``), written at train begin, after every epoch and at train end. At train
    end it also evaluates and predicts ``test_data`` (``test_predictions.npz`` and ``test_metrics``)
    and saves ``model.keras`` and ``model_config.json`` (``save_model=True``).

    ``validation_data=(x_val, y_val)`` gives the probe set and the dead-ReLU probe batch (Keras does
    not hand callbacks the data held out by ``validation_split``); without it, the dead-ReLU batch
    comes from ``test_data`` and probe predictions are skipped with a warning. Labels may be sparse
    or one-hot. Only the chief writes under multi-worker training (:func:`is_chief`).

    Use one ``RunRecorder`` per ``fit``; a second ``fit`` with the same recorder starts the
    directory's records over. :func:`mnist_viz.run.mark_interrupted` marks a run whose ``fit``
    raised; a run killed outright reads as interrupted because its process is gone.

    >>> import tempfile, numpy as np, keras
    >>> from mnist_viz.run import Run
    >>> x = np.random.default_rng(1).random((40, 784), dtype="float32"); y = np.arange(40) % 10
    >>> model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    >>> model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    >>> out = tempfile.mkdtemp() + "/r"
    >>> rec = RunRecorder(out, name="demo", validation_data=(x[:20], y[:20]), test_data=(x[20:], y[20:]),
    ...                   metadata={"seed": 1})
    >>> _ = model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[rec])
    >>> run = Run.load(out)
    >>> run.name, run.status, run.metadata["seed"], sorted(run.test_metrics)
    ('demo', 'complete', 1, ['accuracy', 'loss'])
    """

    def __init__(self, run_dir, *, name: str | None = None, validation_data=None, probe_size: int = 1000,
                 test_data=None, metadata: dict | None = None, weights: bool = True, predictions: bool = True,
                 snapshot_every: int | None = None, save_model: bool = True, class_names=None):
        if run_dir is None:
            raise ValueError("run_dir must be a folder path for the run directory; got None")
        super().__init__(run_dir)
        if metadata is not None and not isinstance(metadata, dict):
            raise TypeError(f"metadata must be a dict (merged into run.json 'metadata'); got {type(metadata).__name__}")
        if test_data is not None:
            if not isinstance(test_data, (tuple, list)) or len(test_data) != 2:
                raise ValueError(f"test_data must be a tuple (x_test, y_test); got {type(test_data).__name__}")
            if len(test_data[0]) != len(test_data[1]):
                raise ValueError(f"test_data has {len(test_data[0])} inputs but {len(test_data[1])} labels")
        self.name = name or self.run_dir.name
        self.metadata = dict(metadata or {})
        self.test_data = test_data
        self.save_model = bool(save_model)
        self.class_names = None if class_names is None else [str(c) for c in class_names]
        probe_x = None
        if validation_data is not None:
            probe_x = validation_data[0]
        elif test_data is not None:
            probe_x = test_data[0]
        self.history_recorder = HistoryRecorder(run_dir)
        self.weight_recorder = WeightRecorder(run_dir, probe_x=probe_x, snapshot_every=snapshot_every) if weights else None
        self.prediction_recorder = (
            PredictionRecorder(run_dir, validation_data=validation_data, probe_size=probe_size) if predictions else None
        )
        if self.weight_recorder is not None and self.prediction_recorder is not None:
            self.weight_recorder._probe_source = self.prediction_recorder  # one probe pass for both
        self.recorders = [r for r in (self.history_recorder, self.weight_recorder, self.prediction_recorder) if r]
        for recorder in self.recorders:
            recorder._chief_decided_by_parent = True
        self.info: dict = {}

    # Keras hands model and params to every callback; pass them on.
    def set_model(self, model):
        super().set_model(model)
        for recorder in self.recorders:
            recorder.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        for recorder in self.recorders:
            recorder.set_params(params)

    # -- callback hooks -------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._chief = is_chief(getattr(self.model, "distribute_strategy", None))
        for recorder in self.recorders:
            recorder._chief = self._chief
        if self.writes:
            self.run_dir.mkdir(parents=True, exist_ok=True)
        params = dict(self.params or {})
        self.info = {
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "status": "running",
            "pid": os.getpid(),
            "pid_start_ticks": process_start_ticks(os.getpid()),
            "hostname": socket.gethostname(),
            "started": now_iso(),
            "updated": now_iso(),
            "finished": None,
            "epochs_completed": 0,
            "epochs_planned": params.get("epochs"),
            "params": {"epochs": params.get("epochs"), "steps": params.get("steps"),
                       "batch_size": None, "samples": None},
            "model": self._model_info(),
            "metadata": self.metadata,
            "test_metrics": None,
        }
        if self.class_names is not None:
            self.info["class_names"] = self.class_names
        self._write_info()
        for recorder in self.recorders:
            recorder.on_train_begin(logs)

    def on_epoch_begin(self, epoch, logs=None):
        for recorder in self.recorders:
            recorder.on_epoch_begin(epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        for recorder in self.recorders:
            recorder.on_train_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        for recorder in self.recorders:
            recorder.on_train_batch_end(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        for recorder in self.recorders:
            recorder.on_epoch_end(epoch, logs)
        info = self.info
        info["epochs_completed"] = info.get("epochs_completed", 0) + 1
        info["last_epoch"] = int(epoch)
        info["updated"] = now_iso()
        if info["params"].get("samples") is None:
            batches = self.history_recorder._batch_log.rows
            samples = getattr(self.history_recorder, "last_epoch_samples", float("nan"))
            if batches and isinstance(batches[0].get("size"), int):
                info["params"]["batch_size"] = batches[0]["size"]
            if samples == samples:  # not NaN
                info["params"]["samples"] = int(samples)
        if not info["model"].get("layers") or any(l.get("output_shape") is None for l in info["model"]["layers"]):
            info["model"] = self._model_info()
        self._write_info()
        if self.writes:
            flush_writes(self.run_dir)  # the epoch is on disk before training goes on

    def on_train_end(self, logs=None):
        for recorder in self.recorders:
            recorder.on_train_end(logs)
        if self.test_data is not None:
            self._record_test()
        if self.save_model:
            self._save_model()
        self.info["model"] = self._model_info()
        self.info["status"] = "complete"
        self.info["updated"] = self.info["finished"] = now_iso()
        self._write_info()
        _close_writer(self.run_dir)  # flushes: every record is on disk when fit returns

    # -- internals ------------------------------------------------------------------------------
    def _write_info(self):
        if self.writes:
            self._submit(atomic_write_json, self.run_dir / "run.json", copy.deepcopy(self.info))

    def _model_info(self) -> dict:
        model = self.model
        info = {"name": model.name, "class_name": type(model).__name__, "built": bool(model.built)}
        if not model.built:
            info["layers"] = []
            return info
        info["total_params"] = int(model.count_params())
        info["trainable_params"] = int(sum(int(np.prod(v.shape)) for v in model.trainable_weights))
        layers = []
        for layer in model.layers:
            if isinstance(layer, keras.layers.InputLayer):
                continue
            try:
                shape = list(layer.output.shape)
                shape = [None] + [None if d is None else int(d) for d in shape[1:]]
            except Exception:
                shape = None
            try:
                params = int(layer.count_params()) if layer.built else 0
            except Exception:
                params = int(sum(int(np.prod(v.shape)) for v in layer.weights))
            layers.append({"name": layer.name, "class_name": type(layer).__name__,
                           "output_shape": shape, "params": params})
        info["layers"] = layers
        return info

    def _record_test(self):
        x, y = self.test_data
        x = np.asarray(x)
        labels = _as_int_labels(y, argument="test_data[1]")
        probs = _predict_probabilities(self.model, x, 1000)
        try:
            metrics = self.model.evaluate(x, np.asarray(y), verbose=0, return_dict=True, batch_size=256)
            self.info["test_metrics"] = {k: float(v) for k, v in metrics.items()}
        except Exception as exc:  # e.g. a loss that wants the other label encoding
            self._warn_once("evaluate", f"RunRecorder could not evaluate test_data ({type(exc).__name__}: {exc}); "
                            "test_metrics holds accuracy from the predictions only")
            self.info["test_metrics"] = {"accuracy": float((probs.argmax(1) == labels).mean())}
        if self.writes:
            arrays = {"probabilities": probs.astype(np.float32), "labels": labels}
            images = _as_uint8_images(x)
            if images is not None:
                arrays["images"] = images
            self._submit(atomic_write_npz, self.run_dir / "test_predictions.npz", arrays)

    def _save_model(self):
        if not self.writes:
            return
        final = self.run_dir / "model.keras"
        tmp = self.run_dir / f".model.{os.getpid()}.tmp.keras"
        try:
            self.model.save(tmp)
            os.replace(tmp, final)
        except Exception as exc:  # subclassed models without get_config, etc.
            self._warn_once("save", f"RunRecorder could not save model.keras ({type(exc).__name__}: {exc})")
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        try:
            atomic_write_text(self.run_dir / "model_config.json", self.model.to_json())
        except Exception as exc:
            self._warn_once("config", f"RunRecorder could not write model_config.json ({type(exc).__name__}: {exc})")
