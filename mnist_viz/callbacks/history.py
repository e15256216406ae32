"""HistoryRecorder: every epoch's logs, and the true loss and metrics of every batch."""
from __future__ import annotations

import time
from typing import Any, Callable, Literal, Mapping

import numpy as np
import pandas as pd

from mnist_viz._io import atomic_write_text
from mnist_viz.callbacks._base import Recorder, keras, variable_numpy
from mnist_viz.callbacks._csvlog import CsvLog
from mnist_viz.callbacks._writer import RunWriter
from mnist_viz.run_format import BATCHES_CSV, HISTORY_CSV, StrPath

__all__ = ["HistoryRecorder"]


class HistoryRecorder(Recorder):
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

    ``run_dir=None`` keeps the records in memory only (``.history``, ``.batches``); ``writer=``
    shares a composing recorder's writer (see :class:`~mnist_viz.callbacks.RunRecorder`).
    ``.batch_size`` and ``.last_epoch_samples`` give what Keras 3 does not tell callbacks.

    >>> import numpy as np, keras
    >>> model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
    >>> model.compile("sgd", "sparse_categorical_crossentropy")
    >>> rec = HistoryRecorder()
    >>> _ = model.fit(np.ones((10, 4)), np.arange(10) % 3, batch_size=4, epochs=1, verbose=0, callbacks=[rec])
    >>> rec.batches["size"].tolist(), rec.batch_size, rec.last_epoch_samples
    ([4, 4, 2], 4, 10.0)
    """

    def __init__(self, run_dir: StrPath | None = None, *, writer: RunWriter | None = None) -> None:
        super().__init__(run_dir, writer=writer)
        self._reset()

    def _reset(self) -> None:
        self._epoch_log, self._batch_log = CsvLog(), CsvLog()
        self._step = 0
        self._mean_keys: set[str] | None = None
        # how the loss tracker's count is read; False when it cannot be
        self._read_count: Callable[[Any], float] | Literal[False] | None = None
        self._epoch, self._epoch_start = 0, time.perf_counter()
        self._train_end: float | None = None
        self._pending: list[tuple[int, dict[str, float], float | None]] = []
        self._epoch_samples = float("nan")
        self._last_epoch_samples = float("nan")

    # -- public views ---------------------------------------------------------------------------
    @property
    def history(self) -> pd.DataFrame:
        """The epoch records so far, as written to ``history.csv``."""
        return self._epoch_log.frame()

    @property
    def batches(self) -> pd.DataFrame:
        """The batch records so far, as written to ``batches.csv``."""
        return self._batch_log.frame()

    @property
    def last_epoch_samples(self) -> float:
        """Training samples of the last completed epoch (NaN when they could not be counted)."""
        return self._last_epoch_samples

    @property
    def batch_size(self) -> int | None:
        """Samples in the first recorded batch (Keras' batch size), or None before it is counted."""
        first = self._batch_log.rows[0].get("size") if self._batch_log.rows else None
        return first if isinstance(first, int) else None

    # -- callback hooks -------------------------------------------------------------------------
    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        self._decide_chief()
        self._reset()

    def on_epoch_begin(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._epoch = int(epoch)
        self._epoch_start = time.perf_counter()
        self._train_end = None
        self._pending = []
        self._epoch_samples = float("nan")

    def on_train_batch_end(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
        # the loss tracker counts the samples seen so far this epoch (~30 µs to read): exact batch
        # sizes even when a dataset's batches vary; the de-averaging waits for the epoch end
        self._pending.append((int(batch), _numbers(logs), self._samples_seen()))
        self._train_end = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        now = time.perf_counter()
        epoch_time = now - self._epoch_start
        train_time = (self._train_end or now) - self._epoch_start
        self._finish_batches()
        samples = self._epoch_samples
        row = {"epoch": int(epoch), **_numbers(logs)}
        row["learning_rate"] = _learning_rate(self.model)
        row["epoch_time"] = epoch_time
        row["samples_per_sec"] = samples / train_time if train_time > 0 else float("nan")
        self._epoch_log.add(row)
        self._last_epoch_samples = samples
        if self.writes:
            assert self.run_dir is not None  # a recorder writes only into a run directory
            self._submit(atomic_write_text, self.run_dir / HISTORY_CSV, self._epoch_log.text())
            self._submit(atomic_write_text, self.run_dir / BATCHES_CSV, self._batch_log.text())
        self._epoch_written()

    # -- internals ------------------------------------------------------------------------------
    def _samples_seen(self) -> float | None:
        # read through ``self.model`` every time, never a kept variable: on JAX the model's getter
        # syncs the training state first (the variables' own values are purged during fit)
        if self._read_count is False:
            return None
        tracker = getattr(self.model, "_loss_tracker", None)
        count = getattr(tracker, "count", None)
        if count is None:
            self._read_count = False
            return None
        if self._read_count is None:  # the cheapest read that works here (one op; not under tf.distribute)
            readers: tuple[Callable[[Any], float], ...] = (lambda v: float(v.value), lambda v: float(variable_numpy(v)))
            for reader in readers:
                try:
                    reader(count)
                except Exception:
                    continue
                self._read_count = reader
                break
            else:
                self._read_count = False
                return None
        return self._read_count(count)

    def _find_mean_keys(self, logs: Mapping[str, float]) -> set[str]:
        means: set[str] = set()
        others: set[str] = set()

        def walk(metric: Any) -> None:
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

    def _batch_sizes(self) -> list[float] | None:
        """Samples in each recorded batch of the epoch, or None when they cannot be known."""
        counts = [c for _, _, c in self._pending]
        if not counts or any(c is None for c in counts):
            return None
        sizes = np.diff([0.0] + counts).tolist()
        return sizes if all(size > 0 for size in sizes) else None

    def _finish_batches(self) -> None:
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
        prev_total = 0.0
        prev_means: dict[str, float] = {}
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


def _numbers(logs: Mapping[str, Any] | None) -> dict[str, float]:
    """The log values that are numbers, as floats."""
    values: dict[str, float] = {}
    for key, value in (logs or {}).items():
        try:
            values[key] = float(value)
        except (TypeError, ValueError):
            continue
    return values


def _learning_rate(model: Any) -> float:  # a keras.Model
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return float("nan")
    try:
        rate = optimizer.learning_rate
        return float(keras.ops.convert_to_numpy(getattr(rate, "value", rate)))
    except Exception:  # exotic optimizers without a readable learning rate
        return float("nan")
