"""Score a run's saved model on another test set: ``mnist-viz evaluate RUN_DIR --data SOURCE``.

:func:`evaluate` loads ``model.keras`` of a run (``keras.saving.load_model(..., safe_mode=True)``:
no code stored in the file runs), predicts and evaluates the test split of ``data``, and writes the
result as a named evaluation inside the run: ``RUN_DIR/evaluations/NAME/`` holds the
``test_predictions.npz`` and ``features.npz`` of that test set, and ``run.json`` "evaluations" lists
it (data description, metrics, time, size). The files are written before ``run.json`` lists them,
under the run's write lock, so a fit writing the same run is never raced. The report shows each
evaluation in a section of its own. TensorFlow is imported only once the arguments are checked.
(The module is not called ``evaluate``: importing it would then replace ``mnist_viz.evaluate``, the
function, with the module.)

Example
-------
>>> import tempfile, mnist_viz
>>> run = mnist_viz.train("dense", "embedded", epochs=1, out=tempfile.mkdtemp() + "/dense", quiet=True)
>>> run = evaluate(run, "embedded", name="again")
>>> ev = run.evaluations["again"]
>>> ev.n, ev.test.probabilities.shape, abs(ev.accuracy - ev.test.accuracy) < 1e-6
(1000, (1000, 10), True)
"""
from __future__ import annotations

import os
import re
import shutil
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from mnist_viz import run_format as fmt
from mnist_viz._lock import RunLock, RunLockedError, holder
from mnist_viz._process import now_iso
from mnist_viz._progress import Stages, log

if TYPE_CHECKING:
    import keras

    from mnist_viz.data import MnistData
    from mnist_viz.run import Run
    from mnist_viz.features_file import Features

__all__ = ["evaluate", "default_name", "summary_line"]

#: losses whose targets are one-hot rows (every other loss gets the integer labels)
ONE_HOT_LOSSES = frozenset({"categorical_crossentropy", "categorical_focal_crossentropy", "categorical_hinge",
                            "kl_divergence"})
#: test digits per ``predict`` / ``evaluate`` batch
BATCH_SIZE = 256


def evaluate(run: Run | str | os.PathLike[str], data: str | MnistData, *, name: str | None = None,
             overwrite: bool = False, quiet: bool = True) -> Run:
    """Score the saved model of ``run`` on the test split of ``data``; return the reloaded :class:`~mnist_viz.run.Run`.

    Parameters
    ----------
    run : :class:`~mnist_viz.run.Run` or path
        A run directory holding ``model.keras`` (``RunRecorder(save_model=True)``, the default, writes it).
    data : ``"embedded"`` | ``"keras"`` | ``"auto"`` | ``"idx:PATH"`` | :class:`~mnist_viz.data.MnistData`
        The test set (only its test split is used: a folder of the ``t10k-*`` IDX files is enough).
    name : str, optional
        The evaluation's name (1-64 letters, digits, ``._-``); default from ``data``: ``"idx-<folder>"``,
        ``"embedded"``, ``"keras"``. It becomes ``RUN_DIR/evaluations/NAME``.
    overwrite : bool
        Replace an existing evaluation of that name (otherwise FileExistsError).
    quiet : bool
        Without it, one line on stderr says the accuracy and where the evaluation went (and, when
        stderr is a terminal, a bar shows the steps while it works).

    Raises
    ------
    FileNotFoundError
        ``run`` is not a run directory, or it has no ``model.keras``.
    FileExistsError
        The run already has an evaluation ``name`` (and ``overwrite`` is False).
    mnist_viz._lock.RunLockedError
        A fit (or another evaluate) is writing the run now.
    ValueError
        A bad ``name``; ``data`` without a test split; a model file that needs ``safe_mode=False``
        (e.g. a ``Lambda`` layer) or that is not a classifier of ``data``'s classes.

    >>> evaluate("/no/such/run", "embedded")
    Traceback (most recent call last):
    ...
    FileNotFoundError: path '/no/such/run' is not a run directory (no such folder)
    """
    from mnist_viz.run import Run

    # a Run without a folder (Run.from_dict) is refused by check_run_dir
    run_dir = fmt.check_run_dir(cast("fmt.StrPath", run.path if isinstance(run, Run) and run.path is not None else run))
    if name is not None:
        fmt.check_evaluation_name(name, "name")
    model_path = run_dir / fmt.MODEL_KERAS
    if not model_path.is_file():
        raise FileNotFoundError(f"run {str(run_dir)!r} has no {fmt.MODEL_KERAS} to evaluate; "
                                "RunRecorder(save_model=True) (the default, and mnist_viz.train) writes it at train end")
    dataset = _test_data(data)
    name = default_name(data, dataset) if name is None else name
    who = holder(run_dir)
    if who is not None:
        raise RunLockedError(f"run {str(run_dir)!r} is being written by pid {who.get('pid', '?')} on host "
                             f"{who.get('host', '?')} (since {who.get('since', '?')}); evaluate it once that fit ends")
    with RunLock(run_dir):
        if name in (fmt.read_run_info(run_dir).get("evaluations") or {}) and not overwrite:
            raise FileExistsError(f"run {str(run_dir)!r} already has an evaluation named {name!r}; pass "
                                  "overwrite=True (--overwrite) to replace it or choose another name (--name)")
        with Stages("evaluate", ("load model", "score", "write"), quiet=quiet) as stages:  # a bar on a terminal
            model = load_model(model_path)
            stages.next()
            probabilities, metrics, features = _score(model, dataset)
            stages.next()
            entry = {"data": {"source": dataset.source, "description": dataset.description, "n_test": dataset.n_test,
                              "sha256": dataset.sha256, "citation": dataset.citation,
                              "class_names": list(dataset.class_names)},
                     "metrics": metrics, "created": now_iso(), "n": dataset.n_test}
            _write(run_dir, name, entry, probabilities, dataset, features)
            stages.next()
    run = Run.load(run_dir)
    log(summary_line(run, name), quiet=quiet)
    return run


def default_name(data: str | MnistData, dataset: MnistData) -> str:
    """The evaluation name :func:`evaluate` gives ``data`` (resolved to ``dataset``): ``"idx-<folder>"``
    for ``"idx:PATH"``, else the dataset's source (``"embedded"``, ``"keras"``, ...).

    >>> from types import SimpleNamespace
    >>> default_name("idx:../shared/data/mnist", SimpleNamespace(source="idx")), default_name("auto", SimpleNamespace(source="keras"))
    ('idx-mnist', 'keras')
    """
    if isinstance(data, str) and data.startswith("idx:"):
        base = "idx-" + (Path(data[4:]).resolve().name or "data")
    else:
        base = str(dataset.source)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", base).lstrip(".")[:64] or "data"


def summary_line(run: Run, name: str) -> str:
    """``"NAME: test accuracy 0.9xxx on N images -> RUN_DIR/evaluations/NAME"`` for evaluation ``name`` of ``run``.

    >>> from mnist_viz.run import Run
    >>> run = Run.from_dict({"loss": [0.5]})
    >>> run.info["evaluations"] = {"keras": {"metrics": {"accuracy": 0.98123}, "n": 10000}}
    >>> summary_line(run, "keras")
    'keras: test accuracy 0.9812 on 10,000 images'
    """
    ev = run.evaluations[name]
    where = f" -> {ev.path}" if ev.path is not None else ""
    acc = "n/a" if ev.accuracy is None else f"{ev.accuracy:.4f}"
    return f"{name}: test accuracy {acc} on {ev.n or 0:,} images{where}"


def load_model(path: str | os.PathLike[str]) -> keras.Model:
    """``keras.saving.load_model(path, safe_mode=True)``; a file that needs ``safe_mode=False`` (a
    ``Lambda`` layer's code) or cannot be read raises ValueError saying so: no code in it runs.
    """
    from mnist_viz._tf import before_keras_saving, import_keras

    keras = import_keras()
    before_keras_saving()
    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as exc:
        reason = " ".join(str(exc).split())
        reason = reason if len(reason) <= 300 else reason[:297] + "..."
        raise ValueError(f"{path} cannot be loaded with keras.saving.load_model(safe_mode=True), which never runs "
                         f"code stored in a model file: {type(exc).__name__}: {reason}") from exc


def _test_data(data: str | MnistData) -> MnistData:
    """``data`` as MnistData with a test split (a folder without the train files is fine: no warning;
    one without the test files is an error, not a warning too)."""
    from mnist_viz.training import resolve_data

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"IDX folder .*: the (train|test) split is absent")
        dataset = resolve_data(data)
    if "test" in dataset.missing or dataset.n_test == 0:
        raise ValueError(f"data {dataset.source!r} has no test split ({dataset.description}); "
                         "evaluate needs test images and labels (e.g. the t10k-images/t10k-labels IDX files)")
    return dataset


def _score(model: keras.Model, dataset: MnistData) -> tuple[np.ndarray, dict[str, float], Features | None]:
    """(probabilities, metrics, features or None) of ``model`` on ``dataset``'s test split."""
    from mnist_viz.callbacks._features import model_features
    from mnist_viz.callbacks._output_kind import output_kind
    from mnist_viz.callbacks._probe import predict_probabilities
    from mnist_viz.data import as_image_batch, flatten_scale, one_hot
    from mnist_viz.metrics import accuracy
    from mnist_viz.training import _input_layout

    kind = output_kind(model)
    if not kind.classifier:
        raise ValueError(f"the run's model has {kind.description}: evaluate scores classifiers only")
    n_classes = 2 if kind.width == 1 else kind.width
    if n_classes is not None and n_classes != dataset.num_classes:
        raise ValueError(f"the run's model outputs {n_classes} classes but data {dataset.source!r} has "
                         f"{dataset.num_classes} ({', '.join(dataset.class_names)})")
    try:
        layout = _input_layout(model)
    except ValueError as exc:
        raise ValueError(str(exc).replace("train supports", "evaluate supports")) from None
    x = (flatten_scale if layout == "flat" else as_image_batch)(dataset.x_test)
    x = x.reshape((-1, *model.inputs[0].shape[1:]))  # (28, 28) models take the images without a channel
    y = np.asarray(dataset.y_test, np.int64)
    probabilities = predict_probabilities(model, x, BATCH_SIZE)
    sparse = y if kind.width != 1 else y.astype(np.float32)
    n = cast(int, n_classes)  # None (an output of unknown width) fails in one_hot, as it always did
    targets = [one_hot(y, n), sparse] if kind.loss in ONE_HOT_LOSSES else [sparse, one_hot(y, n)]
    metrics: dict[str, float] = {}
    for target in targets:  # the encoding the loss wants first, then the other one
        try:
            result = model.evaluate(x, target, batch_size=BATCH_SIZE, verbose=0, return_dict=True)
        except Exception:
            continue
        metrics = {k: float(v) for k, v in result.items() if np.ndim(v) == 0}
        break
    metrics.setdefault("accuracy", accuracy(y, probabilities.argmax(axis=1)))
    try:
        features = model_features(model, x, y)
    except Exception as exc:  # e.g. a subclassed model has no layer graph: the rest is still written
        warnings.warn(f"evaluate could not record {fmt.FEATURES_NPZ} ({type(exc).__name__}: {exc}); the report "
                      "shows no embedding for this evaluation", UserWarning, stacklevel=3)
        features = None
    return probabilities, metrics, features


def _write(run_dir: Path, name: str, entry: dict[str, Any], probabilities: np.ndarray, dataset: MnistData,
           features: Features | None) -> None:
    """The evaluation's files in a side folder, then swapped in; ``run.json`` lists it only once they are
    in place (a replaced evaluation is unlisted while its folder is swapped)."""
    final = fmt.evaluation_dir(run_dir, name)
    partial, old = final.with_name(f".{name}.partial"), final.with_name(f".{name}.old")
    for stale in (partial, old):
        shutil.rmtree(stale, ignore_errors=True)
    fmt.write_test_predictions(partial, probabilities=probabilities, labels=dataset.y_test, images=dataset.x_test)
    if features is not None:
        fmt.write_features(partial, features)
    info = fmt.read_run_info(run_dir)
    listed = dict(info.get("evaluations") or {})
    if listed.pop(name, None) is not None:
        fmt.write_run_info(run_dir, {**info, "evaluations": listed})
    if final.exists():
        final.rename(old)
        shutil.rmtree(old)
    partial.rename(final)
    listed[name] = entry
    fmt.write_run_info(run_dir, {**info, "evaluations": listed})
