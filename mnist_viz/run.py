"""Read a run directory (format version 1) into NumPy arrays and pandas DataFrames.

A run directory is what :class:`mnist_viz.callbacks.RunRecorder` writes while a model trains (see
"Run directory, format version 1" in ``docs/ARCHITECTURE.md``). :meth:`Run.load` reads it at any
moment — during training, after it finished, or after the process was killed — and never imports
TensorFlow. Users who trained without our callbacks get a :class:`Run` from a Keras ``History``
(:meth:`Run.from_history`), a dict of lists (:meth:`Run.from_dict`) or a Keras ``CSVLogger`` file
(:meth:`Run.from_csv`), which is enough for the training-curve plots.

Example
-------
>>> run = Run.from_dict({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]})
>>> run.status, list(run.history.columns), run.history.index.tolist()
('complete', ['loss', 'val_loss'], [0, 1])
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from mnist_viz import run_format as fmt
from mnist_viz.run_evaluations import Evaluation, evaluations_of
from mnist_viz._lock import release_held
from mnist_viz._process import now_iso, owner_alive, process_alive
from mnist_viz.metrics import top1_accuracy
from mnist_viz.run_format import FORMAT_VERSION, STATUSES, Features, RunFormatError

__all__ = [
    "FORMAT_VERSION",
    "STATUSES",
    "Run",
    "WeightRecords",
    "ProbeRecords",
    "Predictions",
    "Evaluation",
    "RunFormatError",
    "mark_interrupted",
    "process_alive",
]

#: class names used when a run does not record any
DEFAULT_CLASS_NAMES = [str(i) for i in range(10)]


@dataclass
class WeightRecords:
    """Per-epoch weight statistics of a run (``run.weights``).

    Attributes
    ----------
    stats : pandas.DataFrame
        One row per (epoch, weight variable): ``epoch`` (-1 = before training), ``layer``,
        ``weight``, ``size``, ``mean``, ``std``, ``min``, ``max``, ``l2``, ``update_ratio``.
    histograms : dict
        ``weight`` -> ``{"edges": (B+1,), "counts": (E, B) int32, "epochs": (E,)}``.
    dead_relu : pandas.DataFrame
        ``epoch``, ``layer``, ``dead_fraction`` (empty when the model has no ReLU or no probe batch).
    index : list of dict
        ``weights/index.json``: ``key``, ``layer``, ``weight``, ``shape`` per variable.

    >>> w = WeightRecords(stats=pd.DataFrame({"epoch": [-1, 0], "weight": ["d/kernel"] * 2}))
    >>> w.weight_names
    ['d/kernel']
    """

    stats: pd.DataFrame
    histograms: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    dead_relu: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(fmt.DEAD_RELU_COLUMNS)))
    index: list[dict[str, Any]] = field(default_factory=list)

    @property
    def weight_names(self) -> list[str]:
        """Weight variable names in recording order."""
        if self.index:
            return [entry["weight"] for entry in self.index]
        return list(dict.fromkeys(self.stats["weight"])) if "weight" in self.stats else []


@dataclass
class ProbeRecords:
    """Class probabilities of a fixed probe set after every epoch (``run.probe``).

    ``images`` (n, 28, 28) uint8 or None, ``labels`` (n,) int64, ``indices`` (n,) into the
    validation set, ``epochs`` (E,), ``probabilities`` (E, n, C) float32.

    >>> p = ProbeRecords(images=None, labels=np.array([1, 0]), indices=np.arange(2),
    ...                  epochs=np.array([0]), probabilities=np.array([[[0.2, 0.8], [0.9, 0.1]]]))
    >>> p.accuracy().tolist()
    [1.0]
    >>> p.probabilities[0, 1] = np.nan; p.accuracy().tolist()   # a NaN row is wrong, not class 0
    [0.5]
    """

    images: np.ndarray | None
    labels: np.ndarray
    indices: np.ndarray
    epochs: np.ndarray
    probabilities: np.ndarray

    def accuracy(self) -> np.ndarray:
        """Top-1 accuracy on the probe set after each recorded epoch, shape (E,)."""
        if self.probabilities.size == 0:
            return np.zeros(0)
        return np.array([top1_accuracy(self.labels, epoch) for epoch in self.probabilities])


@dataclass
class Predictions:
    """Predicted class probabilities for a labelled set (``run.test``).

    >>> t = Predictions(probabilities=np.array([[0.1, 0.9]]), labels=np.array([1]))
    >>> t.predicted.tolist(), t.accuracy
    ([1], 1.0)
    """

    probabilities: np.ndarray
    labels: np.ndarray
    images: np.ndarray | None = None

    @property
    def predicted(self) -> np.ndarray:
        """Arg-max class per sample (meaningless for a row of NaN or inf: :attr:`accuracy` counts
        such a row as wrong, and the report leaves it out of its class counts)."""
        return np.asarray(self.probabilities.argmax(axis=1))

    @property
    def accuracy(self) -> float:
        """Share of samples whose arg-max class equals the label (a row of NaN or inf counts as wrong)."""
        return top1_accuracy(self.labels, self.probabilities)

    def finite_rows(self) -> tuple[Predictions, np.ndarray | None]:
        """``(these predictions without their rows of NaN or inf probabilities, the rows kept)``,
        or ``(self, None)`` when every row is finite: what to count and draw from a model that
        diverged on some inputs (their arg-max would count each as class 0).

        >>> t = Predictions(probabilities=np.array([[0.1, 0.9], [np.nan, np.nan]]), labels=np.array([1, 0]))
        >>> kept, rows = t.finite_rows()
        >>> kept.labels.tolist(), rows.tolist(), t.accuracy
        ([1], [0], 0.5)
        """
        finite = np.isfinite(self.probabilities).all(axis=1)
        if finite.all():
            return self, None
        images = self.images
        if images is not None and len(images) == len(finite):
            images = images[finite]
        return Predictions(self.probabilities[finite], self.labels[finite], images), np.flatnonzero(finite)


class Run:
    """One training run: its history, batch records, weight records, predictions and metadata.

    Build one with :meth:`load` (a run directory), :meth:`from_history`, :meth:`from_dict` or
    :meth:`from_csv`. Attributes are plain NumPy arrays, DataFrames and dicts (see the "Run API"
    section of ``docs/ARCHITECTURE.md``); records that a run lacks are ``None``.

    >>> run = Run.from_dict({"loss": [1.0, 0.5]}, name="mine")
    >>> run.name, run.batches is None, run.class_names[:3]
    ('mine', True, ['0', '1', '2'])
    """

    def __init__(
        self,
        *,
        history: pd.DataFrame,
        name: str = "run",
        status: str = "complete",
        path: Path | None = None,
        batches: pd.DataFrame | None = None,
        weights: WeightRecords | None = None,
        probe: ProbeRecords | None = None,
        test: Predictions | None = None,
        features: Features | Mapping[str, np.ndarray] | None = None,
        info: Mapping[str, Any] | None = None,
    ) -> None:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}; got {status!r}")
        self.path = Path(path) if path is not None else None
        self.name = name
        self.status = status
        self.history = history
        self.batches = batches
        self.weights = weights
        self.probe = probe
        self.test = test
        self.features = features if features is None or isinstance(features, Features) else Features.from_arrays(features)
        self.info = dict(info or {})
        self.info.setdefault("name", name)
        self.info.setdefault("status", status)
        self._evaluations: dict[str, Evaluation] | None = None

    # -- derived views of run.json ------------------------------------------------------------
    @property
    def metadata(self) -> dict[str, Any]:
        """``run.json`` "metadata" (seed, data, versions, hardware, timings, your own keys)."""
        return self.info.get("metadata") or {}

    @property
    def model_info(self) -> dict[str, Any] | None:
        """``run.json`` "model": name, class_name, total/trainable params, layers."""
        return self.info.get("model")

    @property
    def test_metrics(self) -> dict[str, float] | None:
        """``run.json`` "test_metrics" (Keras ``evaluate`` on the test data), or None."""
        return self.info.get("test_metrics")

    @property
    def evaluations(self) -> dict[str, Evaluation]:
        """The saved model scored on other test sets (:func:`mnist_viz.evaluate`): name ->
        :class:`Evaluation` (``.data``, ``.metrics``, ``.test`` and ``.features`` read on first use).

        >>> Run.from_dict({"loss": [0.5]}).evaluations
        {}
        """
        if self._evaluations is None:
            self._evaluations = evaluations_of(self.path, self.info)
        return self._evaluations

    @property
    def class_names(self) -> list[str]:
        """Class names from the run (``class_names`` or ``metadata.data.class_names``), else "0".."9"."""
        names = self.info.get("class_names") or (self.metadata.get("data") or {}).get("class_names")
        if names:
            return [str(n) for n in names]
        n_classes = None
        for arr in (getattr(self.test, "probabilities", None), getattr(self.probe, "probabilities", None)):
            if arr is not None and arr.ndim >= 2 and arr.shape[-1]:
                n_classes = arr.shape[-1]
                break
        return [str(i) for i in range(n_classes)] if n_classes else list(DEFAULT_CLASS_NAMES)

    @property
    def epochs_completed(self) -> int:
        """Number of epochs in the history."""
        return int(len(self.history))

    def __repr__(self) -> str:
        where = f" at {str(self.path)!r}" if self.path else ""
        return f"<Run {self.name!r} {self.status}, {self.epochs_completed} epochs{where}>"

    # -- constructors ---------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "Run":
        """Read a run directory written by :class:`~mnist_viz.callbacks.RunRecorder`.

        Works while training is still running (every file is replaced atomically) and after a
        crash: a run whose ``run.json`` says ``"running"`` but whose process is gone reads as
        ``"interrupted"``. Files a run does not have give ``None`` attributes. A broken, wrongly
        typed or future-version file, a link out of the folder, a special file or one over its size
        limit raises :class:`RunFormatError` naming the file and what was expected.

        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "history.csv").write_text("epoch,loss\\n0,0.5\\n1,0.25\\n")
        >>> Run.load(d).history["loss"].tolist()
        [0.5, 0.25]
        """
        path = fmt.check_run_dir(path)
        info = fmt.check_run_info(fmt.read_run_info(path), path)
        status = info.get("status", "complete")
        if status == "running" and not owner_alive(info):
            status = "interrupted"
        weights, probe = fmt.read_weight_records(path), fmt.read_probe_records(path)
        test = fmt.read_test_predictions(path)
        return cls(
            history=fmt.read_history(path),
            name=info.get("name") or path.name,
            status=status,
            path=path,
            batches=fmt.read_batches(path),
            weights=None if weights is None else WeightRecords(**weights),
            probe=None if probe is None else ProbeRecords(**probe),
            test=None if test is None else Predictions(**test),
            features=fmt.read_features(path),
            info=info,
        )

    @classmethod
    def from_dict(cls, history: Mapping[str, Any], *, name: str = "run", metadata: Mapping[str, Any] | None = None) -> "Run":
        """A run from a dict of per-epoch lists (``History.history`` or your own logs).

        All lists must have the same length; ``None`` becomes NaN. An ``epoch`` key, if present,
        becomes the index.

        >>> Run.from_dict({"loss": [0.3, None]}).history["loss"].isna().tolist()
        [False, True]
        """
        if not isinstance(history, Mapping):
            raise TypeError(f"history must be a dict of per-epoch lists; got {type(history).__name__}")
        for key, values in history.items():
            if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
                raise TypeError(f"history[{key!r}] must be a list with one value per epoch; "
                                f"got {type(values).__name__} {values!r:.60}")
        lengths = {key: len(values) for key, values in history.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"history lists must all have one value per epoch; got lengths {lengths}")
        columns = {}
        for key, values in history.items():
            try:
                arr = np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)
            except (TypeError, ValueError):
                raise TypeError(f"history[{key!r}] must hold numbers (or None); got {list(values)[:3]!r:.80}") from None
            if arr.ndim != 1:
                raise ValueError(f"history[{key!r}] must be a flat list of numbers; got shape {arr.shape}")
            columns[str(key)] = arr
        frame = fmt.index_by_epoch(pd.DataFrame(columns))
        info = fmt.new_run_info(name, status="complete", epochs_completed=int(len(frame)), metadata=dict(metadata or {}))
        return cls(history=frame, name=name, status="complete", info=info)

    @classmethod
    def from_history(cls, history: object, *, name: str | None = None,
                     metadata: Mapping[str, Any] | None = None) -> "Run":
        """A run from the ``History`` that ``model.fit`` returns.

        >>> class FakeHistory:  # what keras.callbacks.History looks like
        ...     history = {"loss": [0.4, 0.2], "accuracy": [0.8, 0.9]}
        ...     epoch = [0, 1]
        >>> Run.from_history(FakeHistory()).history.index.tolist()
        [0, 1]
        """
        logs = getattr(history, "history", None)
        if not isinstance(logs, Mapping):
            raise TypeError(
                "history must be the keras.callbacks.History returned by model.fit (with a .history "
                f"dict); got {type(history).__name__}"
            )
        logs = dict(logs)
        epochs = list(getattr(history, "epoch", []) or [])
        if epochs and "epoch" not in logs and all(len(v) == len(epochs) for v in logs.values()):
            logs = {"epoch": epochs, **logs}
        model = getattr(history, "model", None)
        if name is None:
            name = getattr(model, "name", None) or "run"
        return cls.from_dict(logs, name=name, metadata=metadata)

    @classmethod
    def from_csv(cls, path: str | os.PathLike[str], *, name: str | None = None, separator: str = ",") -> "Run":
        """A run from a Keras ``CSVLogger`` file (its ``NA`` cells read as NaN).

        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
        >>> _ = f.write_text("epoch,loss,val_loss\\n0,0.5,NA\\n1,0.3,0.4\\n")
        >>> Run.from_csv(f).history["val_loss"].isna().tolist()
        [True, False]
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"path {str(path)!r} is not a file (expected a CSVLogger log)")
        frame = pd.read_csv(path, sep=separator, na_values=["NA", "nan", "NaN", ""], keep_default_na=True)
        if frame.empty and not len(frame.columns):
            raise ValueError(f"path {str(path)!r} is empty; expected a CSVLogger file with a header row")
        for col in frame.columns:
            frame[col] = pd.to_numeric(frame[col], errors="coerce")
        frame = fmt.index_by_epoch(frame)
        name = name or path.stem
        info = fmt.new_run_info(name, status="complete", epochs_completed=int(len(frame)),
                                metadata={"source": str(path)})
        return cls(history=frame, name=name, status="complete", info=info)


def mark_interrupted(run_dir: str | os.PathLike[str], reason: str) -> Path:
    """Mark the run in ``run_dir`` as interrupted (for ``KeyboardInterrupt`` and exceptions in ``fit``).

    Sets ``status`` to ``"interrupted"``, records ``reason`` as ``interrupted_reason`` and the time as
    ``updated``/``finished``. Records of completed epochs are left as they are.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = fmt.write_run_info(d, fmt.new_run_info("m", status="running"))
    >>> _ = mark_interrupted(d, "KeyboardInterrupt: ")
    >>> Run.load(d).status
    'interrupted'
    """
    if not (Path(run_dir) / fmt.RUN_JSON).exists():
        raise FileNotFoundError(f"run_dir {str(run_dir)!r} has no {fmt.RUN_JSON}; nothing to mark interrupted")
    if not isinstance(reason, str):
        raise TypeError(f"reason must be a str; got {type(reason).__name__}")
    writer = sys.modules.get("mnist_viz.callbacks._writer")  # loaded only if a recorder ran here
    if writer is not None:
        try:
            writer.flush_writes(run_dir)  # queued records land before the status changes
        except Exception:  # a failed record write must not hide why the run stopped
            pass
    info = fmt.read_run_info(run_dir)
    now = now_iso()
    info.update({"status": "interrupted", "interrupted_reason": reason, "updated": now, "finished": now})
    written = fmt.write_run_info(run_dir, info)
    release_held(run_dir)  # a fit that raised never reached its train end, which gives the lock back
    return written
