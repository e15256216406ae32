"""The run directory format (version 1): every file name, key and column, and the read/write helpers.

This module is the one owner of the format: the recorders, :func:`mnist_viz.train`,
:meth:`mnist_viz.Run.load`, :func:`mnist_viz.run.mark_interrupted`, the CLI and the report all
spell file names and keys through it (:func:`write_run_info` is the one writer of ``run.json``).
The ``read_*`` helpers return plain dicts and frames (what :mod:`mnist_viz.run`'s record classes
take); the ``write_*`` helpers replace one file atomically. NumPy and pandas only: reading a run
never imports TensorFlow. ``docs/ARCHITECTURE.md`` lists every file and key.

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
>>> _ = write_probe_set(d, labels=[3, 1], indices=[0, 5]); _ = write_probe_epoch(d, 0, [[0.5, 0.5], [1, 0]])
>>> read_probe_records(d)["probabilities"].shape
(1, 2, 2)
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike
import pandas as pd

from mnist_viz._io import RunFormatError as RunFormatError  # re-exported: the run format's error
from mnist_viz._io import atomic_write_json, atomic_write_npz, load_npz, read_json  # noqa: F401
from mnist_viz.run_checks import (array_of, check_epochs_increase, check_info_types, checked_index,
                                  present as _present, read_csv)
# features.npz's keys and record live in their own module; re-exported as part of the format
from mnist_viz.features_file import (FEATURE_ACTIVATION_INDICES, FEATURE_ACTIVATIONS_PREFIX,  # noqa: F401
                                     FEATURE_EMBEDDING, FEATURE_EMBEDDING_INDICES, FEATURE_FIRST_LAYER_KERNEL,
                                     FEATURE_FIRST_LAYER_KIND, FEATURE_LAYER_NAMES, Features as Features,
                                     check_feature_arrays)

#: version of the run directory format this module reads and writes
FORMAT_VERSION = 1
#: A path argument: a string or any path-like object naming a file system path.
StrPath = str | os.PathLike[str]
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
LOCK_FILE = ".lock"  # held by the process writing the run (mnist_viz._lock)
#: ``evaluations/NAME/``: the saved model scored on another test set (``mnist_viz.evaluate``); each
#: holds a TEST_NPZ and a FEATURES_NPZ, and ``run.json`` "evaluations" lists it
EVALUATIONS_DIR = "evaluations"
#: a folder holding any of these is a run directory (``Run.load`` and the CLI accept it)
MARKERS = (RUN_JSON, HISTORY_CSV, WEIGHT_STATS_CSV, PROBE_NPZ, TEST_NPZ)
#: ``run.json``'s keys, in the order the recorders write them (``interrupted_reason`` only when marked so)
RUN_INFO_KEYS = ("format_version", "name", "status", "pid", "pid_start_ticks", "hostname", "started", "updated",
                 "finished", "epochs_completed", "epochs_planned", "last_epoch", "params", "model", "metadata",
                 "test_metrics", "class_names", "output", "recorded", "evaluations", "interrupted_reason")
#: ``run.json`` "metadata" keys the recorder fills itself (dataset, package versions and Keras backend,
#: hardware, timings); every other key there is the user's own ``metadata=``
RESERVED_METADATA_KEYS = ("data", "versions", "hardware", "timings")


def snapshot_npz(epoch: int) -> str:
    """``weights/snapshot_epoch_XXXX.npz`` of ``epoch``.

    >>> snapshot_npz(3)
    'weights/snapshot_epoch_0003.npz'
    """
    return f"{WEIGHTS_DIR}/snapshot_epoch_{int(epoch):04d}.npz"


def snapshot_key(weight: str) -> str:
    """The key of weight variable ``weight`` in a snapshot (``/`` becomes ``__``).

    >>> snapshot_key("inner/conv/kernel")
    'inner__conv__kernel'
    """
    return weight.replace("/", "__")


def probe_epoch_npz(epoch: int) -> str:
    """``probe/epoch_XXXX.npz`` of ``epoch``.

    >>> probe_epoch_npz(12)
    'probe/epoch_0012.npz'
    """
    return f"{PROBE_DIR}/epoch_{int(epoch):04d}.npz"


#: an evaluation's name: 1 to 64 letters, digits, ``.``, ``_`` or ``-``, not starting with a dot
EVALUATION_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}")


def check_evaluation_name(name: object, argument: str = "name") -> str:
    """``name`` when it is a valid evaluation name (:data:`EVALUATION_NAME`), else ValueError naming ``argument``.

    >>> check_evaluation_name("idx-mnist")
    'idx-mnist'
    >>> check_evaluation_name("../x", "--name")
    Traceback (most recent call last):
    ...
    ValueError: --name must be 1 to 64 letters, digits, '.', '_' or '-', not starting with a dot; got '../x'
    """
    if not isinstance(name, str) or EVALUATION_NAME.fullmatch(name) is None:
        raise ValueError(f"{argument} must be 1 to 64 letters, digits, '.', '_' or '-', not starting with a dot; "
                         f"got {name!r}")
    return name


def evaluation_dir(run_dir: StrPath, name: str) -> Path:
    """``RUN_DIR/evaluations/NAME``, the folder of evaluation ``name`` (checked).

    >>> evaluation_dir("runs/dense", "idx-mnist").as_posix()
    'runs/dense/evaluations/idx-mnist'
    """
    return Path(run_dir) / EVALUATIONS_DIR / check_evaluation_name(name)


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


# -- the folder and run.json ---------------------------------------------------------------------
def is_run_dir(path: StrPath) -> bool:
    """Whether ``path`` is a folder holding any of :data:`MARKERS` (what ``Run.load`` accepts)."""
    path = Path(path)
    return path.is_dir() and any((path / marker).exists() for marker in MARKERS)


def check_run_dir(path: StrPath) -> Path:
    """``path`` as a Path when it is a run directory, else FileNotFoundError saying what is missing.

    >>> import tempfile
    >>> check_run_dir(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    FileNotFoundError: path '...' is not a run directory: expected one of run.json, history.csv, ... in it
    """
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"path {str(path)!r} is not a run directory (no such folder)")
    if not is_run_dir(path):
        raise FileNotFoundError(f"path {str(path)!r} is not a run directory: expected one of {', '.join(MARKERS)} in it")
    return path


def check_run_info(info: dict[str, Any], run_dir: StrPath) -> dict[str, Any]:
    """``info`` (``run.json`` of ``run_dir``) when this version reads it, its keys have their types
    and its status is known; else :class:`RunFormatError`."""
    path = Path(run_dir) / RUN_JSON
    version = check_info_types(info, path).get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise RunFormatError(path, f"key 'format_version' is {version!r}; this mnist_viz reads version "
                                   f"{FORMAT_VERSION} (a newer mnist_viz wrote this run?)")
    status = info.get("status", "complete")
    if status not in STATUSES:
        raise RunFormatError(path, f"key 'status' is {status!r}; expected one of {STATUSES}")
    return info


def new_run_info(name: str, **values: Any) -> dict[str, Any]:
    """A ``run.json`` dict: ``format_version``, ``name``, then ``values`` (keys of :data:`RUN_INFO_KEYS`).

    >>> new_run_info("m", status="complete", epochs_completed=2)
    {'format_version': 1, 'name': 'm', 'status': 'complete', 'epochs_completed': 2}
    """
    unknown = sorted(set(values) - set(RUN_INFO_KEYS))
    if unknown:
        raise ValueError(f"{RUN_JSON} has no keys {unknown}; its keys are {list(RUN_INFO_KEYS)}")
    return {"format_version": FORMAT_VERSION, "name": name, **values}


def write_run_info(run_dir: StrPath, info: Mapping[str, Any]) -> Path:
    """Write ``run.json`` atomically: the one writer of that file."""
    return atomic_write_json(Path(run_dir) / RUN_JSON, info)


def read_run_info(run_dir: StrPath) -> dict[str, Any]:
    """``run.json`` of ``run_dir`` as a dict (``{}`` when the run has none)."""
    path = Path(run_dir) / RUN_JSON
    return read_json(path, root=run_dir) if _present(path) else {}


# -- records: readers return what run.Run's record classes take ----------------------------------
def index_by_epoch(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` indexed by its ``epoch`` column (else 0, 1, ...), the index named ``epoch``.

    >>> index_by_epoch(pd.DataFrame({"epoch": [3, 4], "loss": [0.2, 0.1]})).index.tolist()
    [3, 4]
    """
    if "epoch" in frame.columns:
        frame = frame.astype({"epoch": "int64"}).set_index("epoch")
    else:
        frame.index = pd.RangeIndex(len(frame))
    frame.index.name = "epoch"
    return frame


def read_history(run_dir: StrPath) -> pd.DataFrame:
    """``history.csv`` indexed by epoch (an empty frame when the run has none); every cell a number,
    each epoch once, from 0 up."""
    frame = read_csv(Path(run_dir), HISTORY_CSV)
    if frame is not None:
        check_epochs_increase(frame, Path(run_dir) / HISTORY_CSV)
    return index_by_epoch(frame if frame is not None else pd.DataFrame())


def read_batches(run_dir: StrPath) -> pd.DataFrame | None:
    """``batches.csv``, or None; every cell a number."""
    return read_csv(Path(run_dir), BATCHES_CSV, integer=("epoch", "batch"))


def read_weight_records(run_dir: StrPath) -> dict[str, Any] | None:
    """``{"stats", "histograms", "dead_relu", "index"}`` from ``weights/``, or None without stats."""
    run_dir = Path(run_dir)
    stats = read_csv(run_dir, WEIGHT_STATS_CSV, required=("epoch", "layer", "weight"), text=("layer", "weight"))
    if stats is None:
        return None
    index = checked_index(read_json(run_dir / WEIGHT_INDEX_JSON, root=run_dir) if _present(
        run_dir / WEIGHT_INDEX_JSON) else [], run_dir / WEIGHT_INDEX_JSON)
    histograms, path = {}, run_dir / WEIGHT_HISTOGRAMS_NPZ
    if _present(path):
        arrays = load_npz(path, root=run_dir)
        epochs = array_of(arrays, path, HISTOGRAM_EPOCHS, ndim=1, kind="integer") if arrays else np.zeros(0, np.int64)
        for entry in index:
            edges, counts = histogram_keys(entry["key"])
            if counts in arrays:
                edge = array_of(arrays, path, edges, ndim=1)
                count = array_of(arrays, path, counts, ndim=2, length=len(epochs), length_of="epoch")
                if count.shape[1] != len(edge) - 1:
                    raise RunFormatError(path, f"array {counts!r} has {count.shape[1]} bins; expected "
                                               f"{len(edge) - 1} (one fewer than {edges!r})")
                histograms[entry["weight"]] = {"edges": edge, "counts": count, "epochs": epochs}
    dead = read_csv(run_dir, DEAD_RELU_CSV, required=DEAD_RELU_COLUMNS, text=("layer",))
    dead = dead if dead is not None else pd.DataFrame(columns=list(DEAD_RELU_COLUMNS))
    return {"stats": stats, "histograms": histograms, "dead_relu": dead, "index": index}


def read_probe_records(run_dir: StrPath) -> dict[str, Any] | None:
    """``{"images", "labels", "indices", "epochs", "probabilities" (E, n, C) float32}`` from
    ``probe/``, or None without ``probe/probe.npz``."""
    run_dir = Path(run_dir)
    path = run_dir / PROBE_NPZ
    if not _present(path):
        return None
    base = load_npz(path, root=run_dir)
    labels = array_of(base, path, PROBE_LABELS, ndim=1, kind="index").astype(np.int64)
    n = len(labels)
    images = _images(base, path, PROBE_IMAGES, n)
    indices = (array_of(base, path, PROBE_INDICES, ndim=1, kind="index", length=n, length_of="label")
               if PROBE_INDICES in base else np.arange(n, dtype=np.int64))
    epochs: list[int] = []
    probs: list[np.ndarray] = []
    for file in sorted((run_dir / PROBE_DIR).glob(PROBE_EPOCH_GLOB)):
        try:
            epoch = int(file.stem.split("_", 1)[1])
        except ValueError:
            continue
        epochs.append(epoch)
        p = array_of(load_npz(file, root=run_dir), file, PROBE_PROBABILITIES, ndim=2, length=n, length_of="probe label")
        if probs and p.shape[1] != probs[0].shape[1]:
            raise RunFormatError(file, f"array {PROBE_PROBABILITIES!r} has {p.shape[1]} classes; expected "
                                       f"{probs[0].shape[1]} like the epochs before it")
        probs.append(p.astype(np.float32))
    n_classes = probs[0].shape[1] if probs else 0
    return {"images": images, "labels": labels, "indices": indices,
            "epochs": np.asarray(epochs, dtype=np.int64),
            "probabilities": np.stack(probs) if probs else np.zeros((0, len(labels), n_classes), np.float32)}


def _images(arrays: Mapping[str, np.ndarray], path: Path, key: str, n: int) -> np.ndarray | None:
    """``arrays[key]`` ((n, H, W) digit images), or None when absent."""
    return array_of(arrays, path, key, ndim=3, length=n, length_of="label") if key in arrays else None


def read_test_predictions(run_dir: StrPath, *, root: StrPath | None = None) -> dict[str, Any] | None:
    """``{"probabilities" float32, "labels" int64, "images"}`` of ``test_predictions.npz``, or None;
    ``root``: the run directory its files must stay in (``run_dir`` itself by default)."""
    path = Path(run_dir) / TEST_NPZ
    if not _present(path):
        return None
    arrays = load_npz(path, root=root or run_dir)
    labels = array_of(arrays, path, TEST_LABELS, ndim=1, kind="index")
    probs = array_of(arrays, path, TEST_PROBABILITIES, ndim=2, length=len(labels), length_of="label")
    return {"probabilities": probs.astype(np.float32), "labels": labels.astype(np.int64),
            "images": _images(arrays, path, TEST_IMAGES, len(labels))}


def read_features(run_dir: StrPath, *, root: StrPath | None = None) -> Features | None:
    """``features.npz`` of ``run_dir`` as :class:`Features`, or None when the run has none."""
    path = Path(run_dir) / FEATURES_NPZ
    if not _present(path):
        return None
    try:
        return Features.from_arrays(check_feature_arrays(load_npz(path, root=root or run_dir), path))
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        if isinstance(exc, RunFormatError):
            raise
        raise RunFormatError(path, f"holds arrays that do not form features ({type(exc).__name__}: {exc})") from None


# -- record writers (each an atomic replace; the recorders queue them on their writer thread) -----
def _with_images(arrays: dict[str, Any], key: str, images: ArrayLike | None) -> dict[str, Any]:
    return arrays if images is None else {**arrays, key: images}


def write_probe_set(run_dir: StrPath, *, labels: ArrayLike, indices: ArrayLike,
                    images: ArrayLike | None = None) -> Path:
    """``probe/probe.npz``: ``labels``, ``indices`` (int64) and uint8 ``images`` when given."""
    arrays = {PROBE_LABELS: np.asarray(labels, np.int64), PROBE_INDICES: np.asarray(indices, np.int64)}
    return atomic_write_npz(Path(run_dir) / PROBE_NPZ, _with_images(arrays, PROBE_IMAGES, images))


def write_probe_epoch(run_dir: StrPath, epoch: int, probabilities: ArrayLike) -> Path:
    """``probe/epoch_XXXX.npz``: the epoch's ``probabilities`` as float16."""
    return atomic_write_npz(Path(run_dir) / probe_epoch_npz(epoch),
                            {PROBE_PROBABILITIES: np.asarray(probabilities).astype(np.float16)})


def write_test_predictions(run_dir: StrPath, *, probabilities: ArrayLike, labels: ArrayLike,
                           images: ArrayLike | None = None) -> Path:
    """``test_predictions.npz``: float32 ``probabilities``, int64 ``labels``, uint8 ``images`` when given."""
    arrays = {TEST_PROBABILITIES: np.asarray(probabilities, np.float32), TEST_LABELS: np.asarray(labels, np.int64)}
    return atomic_write_npz(Path(run_dir) / TEST_NPZ, _with_images(arrays, TEST_IMAGES, images))


def write_weight_histograms(run_dir: StrPath, epochs: ArrayLike, edges: Sequence[np.ndarray],
                            counts: Sequence[ArrayLike]) -> Path:
    """``weights/histograms.npz``: ``epochs`` and, per variable ``i``, ``edges_i`` and ``counts_i`` (E, B) int32."""
    arrays: dict[str, np.ndarray] = {HISTOGRAM_EPOCHS: np.asarray(epochs, dtype=np.int64)}
    for i, (e, c) in enumerate(zip(edges, counts)):
        edges_key, counts_key = histogram_keys(i)
        arrays[edges_key] = e
        arrays[counts_key] = np.asarray(c, dtype=np.int32).reshape(-1, len(e) - 1)
    return atomic_write_npz(Path(run_dir) / WEIGHT_HISTOGRAMS_NPZ, arrays)


def write_snapshot(run_dir: StrPath, epoch: int, weights: Mapping[str, ArrayLike]) -> Path:
    """``weights/snapshot_epoch_XXXX.npz``: float16 copies of ``weights`` (path -> array), uncompressed."""
    arrays = {snapshot_key(name): np.asarray(w).astype(np.float16) for name, w in weights.items()}
    return atomic_write_npz(Path(run_dir) / snapshot_npz(epoch), arrays, compress=False)


def remove_epoch_files(run_dir: StrPath, which: Literal["snapshots", "probe"]) -> None:
    """Delete the per-epoch files an earlier ``fit`` left: ``"snapshots"`` or ``"probe"`` epochs."""
    folder, pattern = {"snapshots": (WEIGHTS_DIR, SNAPSHOT_GLOB), "probe": (PROBE_DIR, PROBE_EPOCH_GLOB)}[which]
    for stale in (Path(run_dir) / folder).glob(pattern):
        stale.unlink()


def write_features(run_dir: StrPath, features: Features) -> Path:
    """Write ``features.npz`` atomically."""
    return atomic_write_npz(Path(run_dir) / FEATURES_NPZ, features.to_arrays())
