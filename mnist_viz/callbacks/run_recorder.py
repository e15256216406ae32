"""RunRecorder: a whole run directory — history, weights, probe predictions, run.json and more."""
from __future__ import annotations

import copy
import os
import socket
import time
from typing import TYPE_CHECKING, Any, Mapping, Sequence, cast

import numpy as np
from numpy.typing import ArrayLike

from mnist_viz import run_format as fmt
from mnist_viz._arrays import as_labels, positive_int, to_uint8_images
from mnist_viz._lock import RunLock
from mnist_viz._process import now_iso, process_start_ticks
from mnist_viz.metrics import accuracy
from mnist_viz.callbacks._base import Recorder
from mnist_viz.callbacks._environment import dataset_info, hardware, package_versions
from mnist_viz.callbacks._features import model_features
from mnist_viz.callbacks._held_out import fit_call, fit_validation, keras_split
from mnist_viz.callbacks._model import model_summary, save_model
from mnist_viz.callbacks._output_kind import OutputKind, output_kind, warn_not_classifier
from mnist_viz.callbacks._probe import predict_probabilities
from mnist_viz.callbacks._stale import clear_records
from mnist_viz.callbacks.history import HistoryRecorder
from mnist_viz.callbacks.predictions import DataPair, PredictionRecorder
from mnist_viz.callbacks.weights import WeightRecorder

if TYPE_CHECKING:
    from mnist_viz.data import MnistData

__all__ = ["RunRecorder"]


class RunRecorder(Recorder):
    """Record a whole run directory (format version 1) from any ``model.fit``: one added callback.

    Composes :class:`HistoryRecorder`, :class:`WeightRecorder` (``record_weights=True``) and
    :class:`PredictionRecorder` (``record_predictions=True``) and adds ``run.json`` (status, params,
    model summary, package versions and Keras backend, hardware, timings, the dataset, your
    ``metadata``), written at train begin, after every epoch and at train end. At train end it also
    evaluates and predicts ``test_data`` (``test_predictions.npz`` and ``test_metrics``), stores the
    model's insides for the report (``features.npz``: feature maps of a few test images — one per
    class, or ``feature_indices`` — first-layer weights, penultimate activations; from the validation
    images without ``test_data``; ``record_features=True``) and saves ``model.keras`` and
    ``model_config.json`` (``save_model=True``); the run reads ``complete`` only once all of them
    are on disk. :func:`mnist_viz.train` is one user of it.

    What each argument adds:

    - ``test_data=(x_test, y_test)``: test metrics, test predictions (confusion matrix, per-class
      metrics, calibration, top-k grid, errors, drill-down) and the images of ``features.npz``.
    - validation data, for the probe set (predictions over epochs) and the dead-ReLU batch: found
      by itself when ``fit`` gets ``validation_data=`` or ``validation_split=`` (it reads the running
      fit's own hold-out); ``validation_data=(x_val, y_val)`` gives it explicitly, and
      ``training_data=(x_train, y_train)`` (with ``validation_split=``, else fit's) reproduces Keras'
      hold-out — the *last* fraction of the training arrays — where the fit cannot be read.
    - ``dataset=``: an :class:`~mnist_viz.data.MnistData`, a name, or a dict of fields (``name``,
      ``description``, ``citation``, ``class_names``, ...) for the report's dataset table;
      ``class_names=`` (else the dataset's) name the classes.
    - ``metadata=``: your own keys (seed, notes, ...), shown in the report.
    - ``probe_size=`` validation samples (all, if fewer) are the probe set, drawn with ``probe_seed=``.

    One process writes a run directory at a time: the fit holds its lock (a second writer fails at
    once, naming the holder), and a fit into a folder holding an earlier run first removes every
    record of it. Labels may be sparse or one-hot. Only the chief writes under multi-worker training
    (:func:`is_chief`). ``run.json`` "recorded" says what was given, so that the report's notes name
    the argument that would add a missing view.

    Only a classifier's outputs are read as class probabilities: for a regression, multi-output or
    multi-label model (decided at train begin, ``run.json`` ``output``) one warning says so, history
    and weights are recorded, probe and test predictions are not.

    The children are built through their public arguments and share this recorder's ``writer``
    (:class:`~mnist_viz.callbacks._writer.RunWriter`): the RunRecorder decides once whether this
    process writes, waits for the queue once per epoch (after ``run.json``) and closes it at train
    end; the WeightRecorder gets ``probe=`` the PredictionRecorder, so one probe pass per epoch
    serves both. They are ``history_recorder``, ``weight_recorder`` and ``prediction_recorder``
    (None when not recorded).

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

    def __init__(self, run_dir: fmt.StrPath, *, name: str | None = None, validation_data: DataPair | None = None,
                 training_data: DataPair | None = None, validation_split: float | None = None, probe_size: int = 1000,
                 probe_seed: int = 0,
                 test_data: DataPair | None = None, dataset: MnistData | str | dict[str, Any] | None = None,
                 metadata: dict[str, Any] | None = None, record_weights: bool = True,
                 record_predictions: bool = True, snapshot_every: int | None = None, save_model: bool = True,
                 record_features: bool = True, feature_indices: ArrayLike | None = None,
                 class_names: Sequence[str] | None = None) -> None:
        if run_dir is None:
            raise ValueError("run_dir must be a folder path for the run directory; got None")
        super().__init__(run_dir)
        assert self.run_dir is not None
        if metadata is not None and not isinstance(metadata, dict):
            raise TypeError(f"metadata must be a dict (merged into {fmt.RUN_JSON} 'metadata'); "
                            f"got {type(metadata).__name__}")
        metadata = dict(metadata or {})
        if "data" in metadata:  # the dataset's fields under metadata's own key: what dataset= takes
            if dataset is not None:
                raise ValueError("metadata['data'] and dataset= both describe the dataset; pass one of them")
            dataset = metadata.pop("data")
        reserved = sorted(set(metadata) & set(fmt.RESERVED_METADATA_KEYS))
        if reserved:
            raise ValueError(f"metadata key(s) {reserved} are filled by RunRecorder itself "
                             f"({', '.join(fmt.RESERVED_METADATA_KEYS)}); rename your key(s)")
        self.dataset = None if dataset is None else dataset_info(dataset)
        probe_seed = positive_int(probe_seed, "probe_seed", minimum=0)  # checked even without a probe
        if training_data is not None and (not isinstance(training_data, (tuple, list)) or len(training_data) != 2
                                          or len(training_data[0]) != len(training_data[1])):
            raise ValueError("training_data must be the tuple (x_train, y_train) given to fit, with as many "
                             f"inputs as labels; got {type(training_data).__name__}")
        if validation_split is not None:
            if training_data is None:
                raise ValueError("validation_split needs training_data=(x_train, y_train), the arrays given to "
                                 "fit, to reproduce the data Keras holds out")
            keras_split(training_data, validation_split)  # a split Keras would refuse fails here
        self.training_data, self.validation_split = training_data, validation_split
        if class_names is None and self.dataset and self.dataset.get("class_names"):
            class_names = self.dataset["class_names"]
        self.feature_indices: np.ndarray | None = None
        if feature_indices is not None:
            self.feature_indices = np.asarray(feature_indices).ravel()
            if self.feature_indices.dtype.kind not in "iu" or (self.feature_indices < 0).any():
                raise ValueError(f"feature_indices must be non-negative image indices; got {feature_indices!r}")
        if test_data is not None:
            if not isinstance(test_data, (tuple, list)) or len(test_data) != 2:
                raise ValueError(f"test_data must be a tuple (x_test, y_test); got {type(test_data).__name__}")
            if len(test_data[0]) != len(test_data[1]):
                raise ValueError(f"test_data has {len(test_data[0])} inputs but {len(test_data[1])} labels")
        # class labels (sparse or one-hot) checked now, not after the whole fit; a regression's targets
        # are not labels, so their error waits for train begin, when the output kind is known
        self.test_labels: np.ndarray | None = None
        self._test_label_error: Exception | None = None
        if test_data is not None:
            try:
                self.test_labels = as_labels(test_data[1], "test_data[1]", scores=True)
            except (TypeError, ValueError) as exc:
                self._test_label_error = exc
        self.name = name or self.run_dir.name
        self.metadata = metadata
        self.test_data = test_data
        self.save_model = bool(save_model)
        self.record_features = bool(record_features)
        self.validation_data = self._given_validation = validation_data
        self._validation_source: str | None = None
        self._t_begin = time.perf_counter()
        self._lock = RunLock(self.run_dir)
        self.class_names = None if class_names is None else [str(c) for c in class_names]
        probe_x = validation_data[0] if validation_data is not None else test_data[0] if test_data is not None else None
        self.history_recorder = HistoryRecorder(writer=self.writer)
        self.prediction_recorder = (PredictionRecorder(validation_data=validation_data, probe_size=probe_size,
                                                       seed=probe_seed, writer=self.writer)
                                    if record_predictions else None)
        self.weight_recorder = (WeightRecorder(probe_x=probe_x, probe=self.prediction_recorder,
                                               snapshot_every=snapshot_every, writer=self.writer)
                                if record_weights else None)
        self.recorders = [r for r in (self.history_recorder, self.weight_recorder, self.prediction_recorder) if r]
        self.info: dict[str, Any] = {}
        self.output: OutputKind | None = None  # what the model outputs, decided at train begin (_output_kind)

    # Keras hands model and params to every callback; pass them on.
    def set_model(self, model: Any) -> None:  # a keras.Model
        super().set_model(model)
        self._each("set_model", model)

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        self._each("set_params", params)

    def _each(self, hook: str, *args: Any) -> None:
        for recorder in self.recorders:
            getattr(recorder, hook)(*args)

    # -- callback hooks -------------------------------------------------------------------------
    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        self._t_begin = time.perf_counter()
        self._decide_chief()  # for the children too: they share the writer
        self._find_validation()  # the data fit holds out, when this recorder was not handed it
        self._decide_output()  # before touching the folder: bad test labels fail here
        if self.writes:
            self._lock.acquire()  # one writer per run directory, for the whole fit
            assert self.run_dir is not None
            clear_records(self.run_dir)  # no record of an earlier run here survives into this one
        params = dict(self.params or {})
        self.info = fmt.new_run_info(
            self.name, status="running", pid=os.getpid(), pid_start_ticks=process_start_ticks(os.getpid()),
            hostname=socket.gethostname(), started=now_iso(), updated=now_iso(), finished=None,
            epochs_completed=0, epochs_planned=params.get("epochs"),
            params={"epochs": params.get("epochs"), "steps": params.get("steps"), "batch_size": None, "samples": None},
            model=model_summary(self.model), metadata=self._metadata(), test_metrics=None)
        if self.class_names is not None:
            self.info["class_names"] = self.class_names
        self.info["output"] = cast(OutputKind, self.output).as_dict()  # decided above
        self.info["recorded"] = self._recorded()
        self._write_info()
        self._each("on_train_begin", logs)

    def on_epoch_begin(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._each("on_epoch_begin", epoch, logs)

    def on_train_batch_begin(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._each("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._each("on_train_batch_end", batch, logs)

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._each("on_epoch_end", epoch, logs)
        info = self.info
        info["epochs_completed"] = info.get("epochs_completed", 0) + 1
        info["last_epoch"] = int(epoch)
        info["updated"] = now_iso()
        if info["params"].get("samples") is None:
            samples = self.history_recorder.last_epoch_samples
            if self.history_recorder.batch_size is not None:
                info["params"]["batch_size"] = self.history_recorder.batch_size
            if samples == samples:  # not NaN
                info["params"]["samples"] = int(samples)
                if "data" in info["metadata"]:
                    info["metadata"]["data"]["n_train"] = int(samples)  # what fit trained on
        if not info["model"].get("layers") or any(l.get("output_shape") is None for l in info["model"]["layers"]):
            info["model"] = model_summary(self.model)
        self._write_info()
        if self.writes:
            self.writer.flush()  # the epoch is on disk before training goes on

    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        t_end = time.perf_counter()
        self._each("on_train_end", logs)
        if self.test_data is not None:
            self._record_test()
        if self.record_features:
            self._record_features()
        if self.save_model and self.writes:
            for problem in save_model(self.model, self.run_dir):
                self._warn_once(problem.split(" (")[0], f"RunRecorder {problem}")
        self.info["model"] = model_summary(self.model)
        self.writer.flush()  # every end-of-training record is on disk before the run says complete
        self.info["metadata"]["timings"] = {"fit_seconds": round(t_end - self._t_begin, 3),
                                            "end_records_seconds": round(time.perf_counter() - t_end, 3)}
        self.info["status"] = "complete"
        self.info["updated"] = self.info["finished"] = now_iso()
        self._write_info()
        try:
            self.writer.close()  # flushes: every record is on disk when fit returns
        finally:
            self._lock.release()

    # -- internals ------------------------------------------------------------------------------
    def _metadata(self) -> dict[str, Any]:
        """run.json "metadata": the dataset, versions and backend, hardware, then your own keys."""
        meta: dict[str, Any] = {} if self.dataset is None else {"data": dict(self.dataset)}
        if self.dataset is not None and self.validation_data is not None:
            meta["data"]["n_validation"] = int(len(self.validation_data[0]))
        if self.dataset is not None and self.test_data is not None:
            meta["data"]["n_test"] = int(len(self.test_data[0]))
        meta.update(versions=package_versions(), hardware=hardware())
        meta.update(copy.deepcopy(self.metadata))
        return meta

    def _recorded(self) -> dict[str, Any]:
        """run.json "recorded": what this recorder was given and asked to record, for the report's
        notes to name the argument that adds a missing view."""
        features_from = None
        if self.record_features:
            features_from = ("test_data" if self.test_data is not None
                             else "validation_data" if self.validation_data is not None else None)
        return {"by": "RunRecorder", "validation": self._validation_source, "test_data": self.test_data is not None,
                "record_weights": self.weight_recorder is not None,
                "record_predictions": self.prediction_recorder is not None,
                "record_features": self.record_features, "save_model": self.save_model,
                "features_from": features_from}

    def _find_validation(self) -> None:
        """The validation data: given, else what ``fit`` holds out (read from the running fit, else
        reproduced from ``training_data`` and ``validation_split``); handed to the children."""
        if self._given_validation is not None:
            self.validation_data, self._validation_source = self._given_validation, "validation_data"
            return
        self.validation_data, self._validation_source = None, None
        arrays, source = fit_validation(self.model)
        if source == "stream":
            self._warn_once("validation_stream", "RunRecorder cannot read fit's validation data (it is not "
                            "in memory: a dataset or generator); pass validation_data=(x_val, y_val) arrays to "
                            "RunRecorder to record the probe set and dead ReLUs")
        elif arrays is not None:
            self.validation_data, self._validation_source = arrays, source
        elif self.training_data is not None:
            call = fit_call(self.model)
            split = self.validation_split if self.validation_split is not None else (
                call.validation_split if call is not None else 0.0)
            if split:
                self.validation_data, self._validation_source = keras_split(self.training_data, split), "validation_split"
            elif call is None:
                self._warn_once("validation_split", "RunRecorder could not find the running fit to read its "
                                "validation_split; pass validation_split= to RunRecorder with training_data=")
        if self.validation_data is None:
            return
        if self.prediction_recorder is not None:
            self.prediction_recorder.set_validation_data(self.validation_data)
        if self.weight_recorder is not None:
            self.weight_recorder.set_probe_x(self.validation_data[0])

    def _write_info(self) -> None:
        if self.writes:
            self._submit(fmt.write_run_info, self.run_dir, copy.deepcopy(self.info))

    def _record_features(self) -> None:
        """``features.npz`` from the test images (else the validation images), when they are digits."""
        source = self.test_data if self.test_data is not None else self.validation_data
        if source is None or not self.writes:
            return
        x = np.asarray(source[0])
        labels = None  # a regression's targets are not classes: its first images get feature maps
        if cast(OutputKind, self.output).classifier:  # decided at train begin
            labels = self.test_labels if self.test_data is not None else as_labels(source[1], "validation_data[1]",
                                                                                   scores=True)
        chosen = self.feature_indices
        if chosen is not None and len(chosen) and chosen.max() >= len(x):
            self._warn_once("feature_indices", f"RunRecorder feature_indices go up to {int(chosen.max())} but the "
                            f"{'test' if self.test_data is not None else 'validation'} images number {len(x)}; "
                            "the default images get feature maps")
            chosen = None
        try:
            features = model_features(self.model, x, labels, chosen=chosen)
        except Exception as exc:  # e.g. a subclassed model has no layer graph to read activations from
            self._warn_once("features", f"RunRecorder could not record {fmt.FEATURES_NPZ} ({type(exc).__name__}: "
                                        f"{exc}); the report shows no activations or embedding for this run")
            return
        self._submit(fmt.write_features, self.run_dir, features)

    def _decide_output(self) -> None:
        """What the model outputs (run.json ``output``); for a non-classifier one warning, and no probe
        or test predictions; for a classifier, test labels that are not class labels raise."""
        self.output = output_kind(self.model)
        if self.output.classifier and self._test_label_error is not None:
            raise self._test_label_error
        if self.prediction_recorder is not None:
            self.prediction_recorder.use_output(self.output)
        if not self.output.classifier and (self.prediction_recorder is not None or self.test_data is not None):
            warn_not_classifier(self, self.output, "RunRecorder", "history and weights are recorded; probe and "
                                "test predictions, which need a classifier, are not")

    def _record_test(self) -> None:
        assert self.test_data is not None
        x, y = self.test_data
        x = np.asarray(x)
        labels = self.test_labels
        classifier = self.output is None or self.output.classifier
        probs = predict_probabilities(self.model, x, 1000) if classifier else None
        try:
            metrics = self.model.evaluate(x, np.asarray(y), verbose=0, return_dict=True, batch_size=256)
            self.info["test_metrics"] = {k: float(v) for k, v in metrics.items()}
        except Exception as exc:  # e.g. a loss that wants the other label encoding
            self._warn_once("evaluate", f"RunRecorder could not evaluate test_data ({type(exc).__name__}: {exc}); "
                            + ("test_metrics holds accuracy from the predictions only" if classifier
                               else "no test_metrics are recorded"))
            # a classifier has labels and probabilities
            self.info["test_metrics"] = ({"accuracy": accuracy(cast(np.ndarray, labels), cast(np.ndarray, probs).argmax(1))}
                                         if classifier else None)
        if self.writes and classifier:
            self._submit(fmt.write_test_predictions, self.run_dir, probabilities=probs, labels=labels,
                         images=to_uint8_images(x))
