"""WeightRecorder: per-weight statistics, histograms, update ratios, dead ReLUs and snapshots."""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
from numpy.typing import ArrayLike
import pandas as pd

from mnist_viz import run_format as fmt
from mnist_viz._arrays import positive_int
from mnist_viz._graph import leaf_layers
from mnist_viz._io import atomic_write_json, atomic_write_text
from mnist_viz.callbacks import _stats
from mnist_viz.callbacks._base import Recorder, variable_numpy
from mnist_viz.callbacks._csvlog import CsvLog
from mnist_viz.callbacks._held_out import fit_validation
from mnist_viz.callbacks._probe import ProbePass, is_relu_layer
from mnist_viz.callbacks._writer import RunWriter

if TYPE_CHECKING:
    from mnist_viz.callbacks.predictions import PredictionRecorder

__all__ = ["WeightRecorder", "STATS_BYTES_PER_LAYER_EPOCH"]

#: storage bound of WeightRecorder's statistics mode, in bytes per layer per epoch, for layers with
#: up to 4 weight variables (one stats.csv row of ~150 bytes and 32 int32 histogram counts each,
#: plus one dead_relu.csv row per ReLU layer). Checked by tests/test_callbacks_weights.py.
STATS_BYTES_PER_LAYER_EPOCH = 2048


class WeightRecorder(Recorder):
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
      is <= 0 for every sample (and position) of a fixed probe batch: ``probe``'s probe set when
      given (a :class:`~mnist_viz.callbacks.PredictionRecorder` with validation data, whose probe
      pass is shared: one forward pass per epoch for both), else the first ``dead_relu_samples``
      inputs of ``probe_x``. Without either this part is skipped with a warning;
    * ``weights/snapshot_epoch_XXXX.npz`` every ``snapshot_every`` epochs: float16 copies of every
      variable (keys: variable paths with ``/`` as ``__``).

    Statistics mode (no snapshots) stores at most :data:`STATS_BYTES_PER_LAYER_EPOCH` (2 KB) per
    layer per epoch for layers with up to 4 weight variables. Cost per epoch is a few NumPy passes
    over the weights (``variable.numpy()``), plus one forward pass of the probe batch for dead ReLUs.
    A Sequential model without ``Input`` is built from ``probe_x``'s shape at train begin, so its
    initial weights are recorded too. ``writer=``: see :class:`~mnist_viz.callbacks.RunRecorder`.

    >>> import numpy as np, keras
    >>> model = keras.Sequential([keras.layers.Dense(8, activation="relu", name="h"), keras.layers.Dense(3, name="o")])
    >>> model.compile("sgd", "mse")
    >>> x = np.random.default_rng(0).random((32, 5), dtype="float32")
    >>> rec = WeightRecorder(probe_x=x)
    >>> _ = model.fit(x, np.zeros((32, 3)), epochs=2, verbose=0, callbacks=[rec])
    >>> sorted(set(rec.stats["epoch"])), list(rec.dead_relu["layer"].unique())
    ([-1, 0, 1], ['h'])
    """

    def __init__(self, run_dir: fmt.StrPath | None = None, *, bins: int = 32, range_factor: float = 3.0,
                 probe_x: ArrayLike | None = None, probe: PredictionRecorder | None = None,
                 dead_relu_samples: int = 256, snapshot_every: int | None = None, writer: RunWriter | None = None) -> None:
        super().__init__(run_dir, writer=writer)
        self.bins = positive_int(bins, "bins", minimum=2)
        if not (isinstance(range_factor, (int, float)) and range_factor > 0):
            raise ValueError(f"range_factor must be a positive number; got {range_factor!r}")
        if snapshot_every is not None and (isinstance(snapshot_every, bool) or not isinstance(snapshot_every, int)
                                           or snapshot_every < 1):
            raise ValueError(f"snapshot_every must be None or an integer >= 1; got {snapshot_every!r}")
        self.snapshot_every = snapshot_every
        self.dead_relu_samples = positive_int(dead_relu_samples, "dead_relu_samples")
        if probe is not None and not hasattr(probe, "forward"):
            raise TypeError(f"probe must be a PredictionRecorder (its probe pass is shared); got {type(probe).__name__}")
        self.range_factor = float(range_factor)
        self.probe = probe
        self._own_forward: ProbePass | None = None
        self._probe_x_given = probe_x is not None
        self.set_probe_x(probe_x)
        self._reset()

    def set_probe_x(self, probe_x: ArrayLike | None) -> None:
        """Use the first ``dead_relu_samples`` inputs of ``probe_x`` (None: none) as the dead-ReLU probe
        batch when there is no shared probe set (a composing recorder may set it at train begin)."""
        self.probe_x = None if probe_x is None else np.asarray(probe_x)[: self.dead_relu_samples]
        self._own_forward = None

    def _reset(self) -> None:
        self._stats_log, self._dead_log = CsvLog(fmt.STATS_COLUMNS), CsvLog(fmt.DEAD_RELU_COLUMNS)
        self._index: list[dict[str, Any]] = []
        self._variables: list[Any] = []  # the model's weight variables
        self._edges: list[np.ndarray] = []
        self._counts: list[list[np.ndarray]] = []
        self._hist_epochs: list[int] = []
        self._previous: list[np.ndarray | None] = []
        self._relu_layers: list[Any] | None = None  # Keras layers

    @property
    def stats(self) -> pd.DataFrame:
        """The statistics rows so far (``weights/stats.csv``)."""
        self.flush()  # they are computed on the writer thread
        return self._stats_log.frame()

    @property
    def dead_relu(self) -> pd.DataFrame:
        """The dead-ReLU rows so far (``weights/dead_relu.csv``)."""
        return self._dead_log.frame()

    @property
    def index(self) -> list[dict[str, Any]]:
        """The recorded weight variables (``weights/index.json``): ``key``, ``layer``, ``weight``, ``shape``."""
        return copy.deepcopy(self._index)

    def histograms(self) -> dict[str, dict[str, np.ndarray]]:
        """``weight`` -> ``{"edges", "counts" (E, B), "epochs"}`` recorded so far."""
        self.flush()
        epochs = np.asarray(self._hist_epochs, dtype=np.int64)
        return {
            entry["weight"]: {"edges": self._edges[i], "counts": np.asarray(self._counts[i], np.int32).reshape(-1, self.bins),
                              "epochs": epochs}
            for i, entry in enumerate(self._index)
        }

    # -- callback hooks -------------------------------------------------------------------------
    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        self._decide_chief()
        self._reset()
        if self.owns_writer and not self._probe_x_given and self.probe is None:  # alone: fit's validation
            arrays = fit_validation(self.model)[0]
            self.set_probe_x(None if arrays is None else arrays[0])
        if self._own_forward is not None:
            self._own_forward.reset()
        if self.writes:
            assert self.run_dir is not None  # a recorder writes only into a run directory
            fmt.remove_epoch_files(self.run_dir, "snapshots")  # from an earlier fit here
        if not self.model.built and self.probe_x is not None:
            try:
                self.model.build((None,) + tuple(self.probe_x.shape[1:]))
            except Exception:  # subclassed models may not build from a shape: record from epoch 0
                pass
        if self.model.built and self.model.weights:
            self._setup()
            self._record(-1)

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        if not self._index:
            self._setup()
        self._record(int(epoch))
        self._epoch_written()

    # -- internals ------------------------------------------------------------------------------
    def _setup(self) -> None:
        seen: set[int] = set()
        entries: list[dict[str, Any]] = []
        variables: list[Any] = []
        for layer in leaf_layers(self.model):
            for variable in layer.weights:
                if id(variable) in seen:
                    continue
                seen.add(id(variable))
                weight = _weight_path(variable, self.model.name)
                layer_path = weight.rsplit("/", 1)[0] if "/" in weight else layer.name
                entries.append({"key": len(entries), "layer": layer_path, "weight": weight,
                                "shape": [int(d) for d in variable.shape]})
                variables.append(variable)
        self._index, self._variables = entries, variables
        self._edges = _stats.choose_edges([e["layer"] for e in entries], [variable_numpy(v) for v in variables],
                                          bins=self.bins, range_factor=self.range_factor)
        self._counts = [[] for _ in entries]
        self._previous = [None] * len(entries)
        if self.writes:
            assert self.run_dir is not None
            self._submit(atomic_write_json, self.run_dir / fmt.WEIGHT_INDEX_JSON, copy.deepcopy(entries))

    def _record(self, epoch: int) -> None:
        # On the training thread: copy the weights out (fresh arrays) and run the probe pass.
        # The statistics, histograms and files are made on the writer thread, in order.
        values = [variable_numpy(variable) for variable in self._variables]
        self._record_dead_relu(epoch)
        if self.writes:
            self._submit(self._summarize, epoch, values, self._dead_log.text())
        else:
            self._summarize(epoch, values, None)

    def _summarize(self, epoch: int, values: list[np.ndarray], dead_text: str | None) -> None:
        snapshot: dict[str, np.ndarray] = {}
        take_snapshot = self.snapshot_every is not None and epoch >= 0 and (epoch + 1) % self.snapshot_every == 0
        for i, (entry, w) in enumerate(zip(self._index, values)):
            flat = _stats.flat_values(w)
            row = {"epoch": epoch, "layer": entry["layer"], "weight": entry["weight"], **_stats.summary_row(flat)}
            row["update_ratio"] = _stats.update_ratio(flat, self._previous[i], l2=row["l2"])
            self._stats_log.add(row)
            self._previous[i] = flat
            self._counts[i].append(_stats.histogram_counts(flat, self._edges[i]))
            if take_snapshot:
                snapshot[entry["weight"]] = w
        self._hist_epochs.append(epoch)
        if dead_text is None:
            return
        assert self.run_dir is not None  # dead_text is given when this recorder writes
        atomic_write_text(self.run_dir / fmt.WEIGHT_STATS_CSV, self._stats_log.text())
        fmt.write_weight_histograms(self.run_dir, self._hist_epochs, self._edges, self._counts)
        atomic_write_text(self.run_dir / fmt.DEAD_RELU_CSV, dead_text)
        if snapshot:
            fmt.write_snapshot(self.run_dir, epoch, snapshot)

    def _forward(self) -> ProbePass | None:
        """The probe pass: ``probe``'s when it has a probe set, else our own on ``probe_x``."""
        shared = self.probe.forward if self.probe is not None else None
        if shared is not None:
            return shared
        if self.probe_x is None:
            return None
        if self._own_forward is None or self._own_forward.model is not self.model:
            self._own_forward = ProbePass(self.model, self.probe_x, batch_size=len(self.probe_x))
        return self._own_forward

    def _find_relu_layers(self) -> list[Any]:
        layers = [layer for layer in leaf_layers(self.model) if is_relu_layer(layer)]
        if layers and self._forward() is None:
            self._warn_once(
                "no_probe",
                "WeightRecorder has no probe batch, so dead-ReLU fractions are not recorded: fit with "
                "`validation_split=` or `validation_data=` arrays, or pass `validation_data=(x_val, y_val)` to "
                "RunRecorder, or `test_data=(x_test, y_test)` (WeightRecorder alone: `probe_x=x_val`)",
            )
            return []
        return layers

    def _record_dead_relu(self, epoch: int) -> None:
        if self._relu_layers is None:
            self._relu_layers = self._find_relu_layers()
        if not self._relu_layers:
            return
        forward = self._forward()
        assert forward is not None  # relu layers are found only with a probe pass
        _, maxima = forward.run(key=epoch)
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


def _weight_path(variable: Any, model_name: str) -> str:
    path: str = getattr(variable, "path", None) or variable.name
    prefix = f"{model_name}/"
    return path[len(prefix):] if path.startswith(prefix) else path
