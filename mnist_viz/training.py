"""Train one of the tutorial's models and record the run directory.

:func:`train` is what ``mnist-viz train`` and ``mnist-viz demo`` run: it loads MNIST (no network
needed with the default embedded data), builds the model, fits it with a
:class:`~mnist_viz.callbacks.RunRecorder`, which also stores at train end what the report needs to
show the model's insides without TensorFlow (feature maps of a few test digits, the first layer's
weights, penultimate activations for the embedding view).

Example
-------
>>> import tempfile, mnist_viz
>>> run = mnist_viz.train("dense", "embedded", epochs=1, out=tempfile.mkdtemp() + "/dense", quiet=True)
>>> run.status, len(run.history)
('complete', 1)
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence, cast

import numpy as np

from mnist_viz import run_format as fmt
from mnist_viz._arrays import positive_int
from mnist_viz._lock import holder
from mnist_viz._progress import fit_progress, log

if TYPE_CHECKING:
    import keras

    from mnist_viz.data import MnistData
    from mnist_viz.data.load import Source
    from mnist_viz.models import ModelName
    from mnist_viz.run import Run



def train(
    model: ModelName | keras.Model = "dense",
    data: str | MnistData = "embedded",
    *,
    epochs: int = 5,
    batch_size: int = 128,
    seed: int = 0,
    out: str | os.PathLike[str] | None = None,
    name: str | None = None,
    validation_fraction: float = 0.1,
    quiet: bool = False,
    overwrite: bool = False,
    class_names: Sequence[str] | None = None,
    dataset: str | None = None,
) -> Run:
    """Train ``model`` on ``data`` and write a run directory to ``out``; return the loaded :class:`Run`.

    Parameters
    ----------
    model : ``"dense"`` | ``"convnet"`` | compiled ``keras.Model``
        A name from :mod:`mnist_viz.models`, or your own compiled model taking (n, 784) or
        (n, 28, 28, 1) inputs and one-hot labels.
    data : ``"embedded"`` | ``"keras"`` | ``"auto"`` | ``"idx:PATH"`` | :class:`~mnist_viz.data.MnistData`
        Where the digits come from (see :func:`mnist_viz.data.load_mnist`).
    epochs, batch_size, seed
        The tutorial's defaults are 5 epochs at batch 128. The same seed gives the same run on the
        same machine and backend (Keras seeds on every backend, plus op determinism on TensorFlow).
    out
        The run directory (default ``runs/<model name>``). An existing run there is replaced only with
        ``overwrite=True``; a non-empty folder that is not a run is never touched.
    validation_fraction
        Share of the training split held out (stratified) as validation data for the curves and
        the probe set.
    quiet
        No progress output. Otherwise progress goes to stderr: a bar over the batches when stderr
        is a terminal, one line per epoch when not, and a last line with the test metrics.
    class_names, dataset
        Passed to :func:`mnist_viz.data.load_mnist` with a source string (``class_names`` as
        ``--class-names``, ``dataset`` as ``--dataset``); an ``MnistData`` carries its own.

    >>> import tempfile
    >>> run = train("convnet", epochs=1, out=tempfile.mkdtemp() + "/c", quiet=True)
    >>> sorted(run.history.columns)[:2]
    ['accuracy', 'epoch_time']
    """
    from mnist_viz import data as data_mod
    from mnist_viz import models

    positive_int(epochs, "epochs")
    positive_int(batch_size, "batch_size")
    positive_int(seed, "seed", minimum=0, maximum=2**32 - 1)  # Keras' seed range
    if not (0.0 < float(validation_fraction) < 0.5):
        raise ValueError(f"validation_fraction must be between 0 and 0.5; got {validation_fraction!r}")
    if isinstance(model, str) and model not in models.BUILDERS:
        raise ValueError(f"model must be one of {sorted(models.BUILDERS)} or a compiled keras.Model; got {model!r}")

    dataset = resolve_data(data, class_names=class_names, dataset=dataset)
    if dataset.missing and "train" in dataset.missing:
        raise ValueError(
            f"data {dataset.source!r} has no training split ({dataset.description}); "
            "train needs train-images/train-labels files"
        )
    model_name = model if isinstance(model, str) else (getattr(model, "name", None) or "model")
    out = Path(out) if out is not None else Path("runs") / model_name
    _prepare_out(out, overwrite=overwrite)

    from mnist_viz._tf import import_keras

    keras = import_keras()
    keras.utils.set_random_seed(seed)  # Python, NumPy and the backend's own generator
    if keras.backend.backend() == "tensorflow":  # TensorFlow's kernels are deterministic only when asked
        from mnist_viz._tf import import_tensorflow

        try:
            import_tensorflow().config.experimental.enable_op_determinism()
        except Exception:  # pragma: no cover - older TF
            pass

    num_classes = len(dataset.class_names)
    if isinstance(model, str):
        net = models.build(cast("ModelName", model), num_classes=num_classes)
        layout = models.MODEL_INPUTS[model]
    else:
        net = model
        layout = _input_layout(net)
    prep = data_mod.flatten_scale if layout == "flat" else data_mod.as_image_batch

    from sklearn.model_selection import train_test_split

    idx = np.arange(len(dataset.y_train))
    if len(idx) < 2:
        raise ValueError(f"data {dataset.source!r} has {len(idx)} training image(s); train needs at least 2 "
                         "(one to train on, one to validate)")
    try:
        tr_idx, va_idx = train_test_split(
            idx, test_size=validation_fraction, random_state=seed, stratify=dataset.y_train
        )
    except ValueError:  # too few images of some class to stratify: a plain seeded split
        tr_idx, va_idx = train_test_split(idx, test_size=max(validation_fraction, 1 / len(idx)), random_state=seed)
    x_tr, y_tr = prep(dataset.x_train[tr_idx]), data_mod.one_hot(dataset.y_train[tr_idx], num_classes)
    x_va, y_va = prep(dataset.x_train[va_idx]), data_mod.one_hot(dataset.y_train[va_idx], num_classes)
    x_te, y_te = prep(dataset.x_test), data_mod.one_hot(dataset.y_test, num_classes)

    metadata = {"seed": seed, "model_name": model_name, "command": " ".join(sys.argv) if sys.argv else ""}

    from mnist_viz.callbacks import RunRecorder
    from mnist_viz.run import Run, mark_interrupted

    recorder = RunRecorder(
        out,
        name=name or out.name,
        validation_data=(x_va, y_va),
        test_data=(x_te, y_te),
        dataset=dataset,
        metadata=metadata,
        probe_seed=seed,  # the probe subset follows the run's seed, as the split and the weights do
    )
    progress = fit_progress(model_name, quiet=quiet)  # on stderr: a bar on a terminal, else a line per epoch
    try:
        net.fit(
            x_tr,
            y_tr,
            epochs=epochs,
            batch_size=batch_size,
            validation_data=(x_va, y_va),
            callbacks=[recorder] if progress is None else [recorder, progress],
            shuffle=True,
            verbose=0,
        )
    except BaseException as exc:  # KeyboardInterrupt included: the run must read as interrupted
        if (out / fmt.RUN_JSON).exists():
            mark_interrupted(out, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        if progress is not None:
            progress.close()
    run = Run.load(out)
    if run.test_metrics:  # whichever of them the model has (a regression has no accuracy)
        shown = [f"test {k} {run.test_metrics[k]:.4f}" for k in ("accuracy", "loss")
                 if isinstance(run.test_metrics.get(k), (int, float))]
        log(f"{model_name}: {', '.join(shown) or 'tested'} -> {out}", quiet=quiet)
    return run


def resolve_data(data: str | MnistData, *, class_names: Sequence[str] | None = None,
                 dataset: str | None = None) -> MnistData:
    """``MnistData`` from a source string (``"idx:PATH"`` included), with ``class_names`` and
    ``dataset`` passed to :func:`~mnist_viz.data.load_mnist`, or an ``MnistData`` as is.

    >>> resolve_data("embedded").source
    'embedded'
    """
    from mnist_viz import data as data_mod

    if isinstance(data, data_mod.MnistData):
        if class_names is not None or dataset is not None:
            raise ValueError("class_names and dataset are for a source name or 'idx:PATH'; an MnistData carries "
                             "its own (load it with load_mnist(..., dataset=..., class_names=...))")
        return data
    if not isinstance(data, str):
        raise TypeError(f"data must be a source name, 'idx:PATH' or MnistData; got {type(data).__name__}")
    if data.startswith("idx:"):
        path = data[4:]
        if not path:
            raise ValueError("data 'idx:' needs a folder after the colon, e.g. idx:data/mnist")
        return data_mod.load_mnist("idx", path, class_names=class_names, dataset=dataset)
    return data_mod.load_mnist(cast("Source", data), class_names=class_names, dataset=dataset)


def _input_layout(model: keras.Model) -> str:
    shape = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else None
    if shape == (784,):
        return "flat"
    if shape in {(28, 28, 1), (28, 28)}:
        return "image"
    raise ValueError(
        f"model takes inputs of shape {shape}; train supports (784,) or (28, 28, 1) — "
        "build it with keras.Input(shape=(784,)) or keras.Input(shape=(28, 28, 1))"
    )


def out_problem(out: Path, *, overwrite: bool) -> str | None:
    """Why ``out`` cannot take a new run ("is a file ...", "is a non-empty folder that is not a run",
    "already holds a run"), or None when it can. A folder holding any run file
    (:func:`mnist_viz.run_format.is_run_dir`) is a run; ``overwrite`` allows replacing one.

    >>> import tempfile, pathlib
    >>> out_problem(pathlib.Path(tempfile.mkdtemp()), overwrite=False) is None
    True
    """
    if out.exists() and not out.is_dir():
        return "is a file, expected a run directory"
    if out.is_dir() and any(out.iterdir()):
        writer = holder(out)
        if writer is not None:  # another process is fitting into it right now
            return f"is being written by pid {writer.get('pid', '?')} on host {writer.get('host', '?')}"
        if not fmt.is_run_dir(out):
            return "is a non-empty folder that is not a run"
        if not overwrite:
            return "already holds a run"
    return None


def _prepare_out(out: Path, *, overwrite: bool) -> None:
    problem = out_problem(out, overwrite=overwrite)
    if problem is not None:
        hint = {"already holds a run": "pass overwrite=True (--overwrite) to replace it or choose another --out",
                "is being written": "wait for that fit to end or choose another --out"}
        advice = next((h for start, h in hint.items() if problem.startswith(start)), "choose another --out")
        raise FileExistsError(f"out {str(out)!r} {problem}; {advice}")
    if out.is_dir() and any(out.iterdir()):
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
