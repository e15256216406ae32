"""The ``"keras"`` source: the full 60,000 / 10,000 MNIST as Keras serves it, ``mnist.npz`` in the
Keras cache, downloaded once through Keras when absent.

Keras (and with it TensorFlow) is imported only for a download, never to read the cache. The
download goes through ``keras.utils.get_file`` with the URL and SHA-256 of
``keras.datasets.mnist.load_data`` into a private temporary folder; the verified file is then
written to the cache atomically. :func:`try_download` bounds it by a timeout (the ``"auto"`` path).

Example
-------
>>> keras_cache_path().parent.name
'datasets'
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import numpy as np

from mnist_viz._io import atomic_write_bytes
from mnist_viz.data._checks import IMAGE_SHAPE, class_labels
from mnist_viz.data.dataset import ARRAY_NAMES, CITATION, MnistData

# What keras.datasets.mnist.load_data() downloads (keras/src/datasets/mnist.py, Keras 3).
KERAS_MNIST_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


class CacheError(ValueError):
    """The Keras cache file is unreadable or not MNIST-shaped ("auto" falls back on it)."""


def keras_cache_path() -> Path:
    """Where Keras keeps (and ``load_mnist("keras")`` looks for) ``mnist.npz``.

    Follows Keras 3's rule (``keras/src/backend/config.py`` and ``utils/file_utils.get_file``):
    ``$KERAS_HOME`` if set, else ``~/.keras``; ``/tmp/.keras`` when that folder is not writable.

    Example
    -------
    >>> keras_cache_path().name
    'mnist.npz'
    """
    return keras_datasets_dir("mnist.npz") / "mnist.npz"


def keras_datasets_dir(entry: str) -> Path:
    """The ``datasets`` folder of the Keras home where ``entry`` (a file or folder in it, e.g.
    ``"mnist.npz"``, ``"fashion-mnist"``) is, or will be, cached; see :func:`keras_cache_path`.

    >>> keras_datasets_dir("fashion-mnist").name
    'datasets'
    """
    home = os.environ.get("KERAS_HOME")
    if home is None:
        base = os.path.expanduser("~")
        if not os.access(base, os.W_OK):
            base = "/tmp"
        home = os.path.join(base, ".keras")
    home = os.path.expanduser(home)
    cached = os.path.join(home, "datasets", entry)
    if not _writable(home) and not os.path.exists(cached):
        home = os.path.join("/tmp", ".keras")  # as get_file does; a read-only cache is still used
    return Path(home) / "datasets"


def _writable(folder: str) -> bool:
    """Whether ``folder`` is writable, or could be created (its nearest existing parent is)."""
    path = Path(folder).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path.is_dir() and os.access(path, os.W_OK)


def load_keras(names: tuple[str, ...]) -> MnistData:
    """``load_mnist("keras")``: the cache file, downloaded first when absent (``OSError`` if that fails)."""
    cache = keras_cache_path()
    if not cache.exists():
        keras = _import_keras()
        try:
            _download_keras_mnist(cache, keras)
        except Exception as exc:  # Keras raises a bare Exception for URL failures
            raise OSError(
                f"no Keras MNIST cache at {cache} and the download from {KERAS_MNIST_ORIGIN} failed "
                f"({type(exc).__name__}: {exc}); use source='embedded', source='idx' or put mnist.npz there"
            ) from exc
    return load_keras_cache(cache, names)


def _import_keras():
    from mnist_viz._tf import import_keras

    return import_keras()


def _download_keras_mnist(dest: Path, keras) -> Path:
    """Fetch Keras's ``mnist.npz`` (same URL and SHA-256 as ``keras.datasets.mnist.load_data``).

    Keras downloads into a private temporary folder; the verified file is then written to ``dest``
    atomically, so an interrupted or abandoned download never leaves a half file in the cache.
    """
    import shutil
    import tempfile

    tmp = tempfile.mkdtemp(prefix="mnist_viz-download-")
    try:
        fetched = keras.utils.get_file(
            fname="mnist.npz",
            origin=KERAS_MNIST_ORIGIN,
            file_hash=KERAS_MNIST_SHA256,
            cache_dir=tmp,
            cache_subdir="datasets",
        )
        return atomic_write_bytes(dest, Path(fetched).read_bytes())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def try_download(cache: Path, timeout: float, fetch=None) -> str | None:
    """Download into ``cache`` in a daemon thread with ``fetch(cache, keras)`` (default: MNIST's
    ``mnist.npz``); None on success, else why it failed."""
    try:
        keras = _import_keras()
    except Exception as exc:  # noqa: BLE001 - any import failure means "no download"
        return f"Keras could not be imported ({type(exc).__name__}: {exc})"
    outcome: list[BaseException | None] = []

    def worker():
        try:
            (fetch or _download_keras_mnist)(cache, keras)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            outcome.append(exc)

    thread = threading.Thread(target=worker, name="mnist_viz-keras-download", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive() or not outcome:
        return f"the Keras download did not finish within {timeout:g} s"
    if outcome[0] is not None:
        exc = outcome[0]
        return f"the Keras download failed ({type(exc).__name__}: {exc})"
    return None


def load_keras_cache(path: Path, names: tuple[str, ...]) -> MnistData:
    """The MNIST in the ``.npz`` at ``path``; :class:`CacheError` when it is unreadable or not MNIST."""
    import zipfile

    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic != b"PK\x03\x04":
        raise CacheError(
            f"Keras MNIST cache {path} is not a readable .npz (starts with {magic!r}, expected a zip archive); "
            "delete it to re-download"
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            files = list(npz.files)
            arrays = {k: npz[k] for k in ARRAY_NAMES if k in files}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise CacheError(f"Keras MNIST cache {path} is not a readable .npz ({exc}); delete it to re-download") from None
    absent = [k for k in ARRAY_NAMES if k not in arrays]
    if absent:
        raise CacheError(
            f"Keras MNIST cache {path} lacks array(s) {absent}; expected keys {list(ARRAY_NAMES)}, found {files}"
        )
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != IMAGE_SHAPE:
            raise CacheError(f"Keras MNIST cache {path}: x_{split} has shape {x.shape}, expected (n, 28, 28)")
        if len(x) != len(y):
            raise CacheError(
                f"Keras MNIST cache {path}: mismatched x_{split} ({len(x):,} images) and y_{split} ({len(y):,} labels)"
            )
        arrays[f"y_{split}"] = class_labels(y, f"{path} (y_{split})", names)
    official = _file_sha256(path) == KERAS_MNIST_SHA256
    n_train, n_test = len(arrays["y_train"]), len(arrays["y_test"])
    note = "" if official else ", not the official Keras file"
    return MnistData(
        **arrays,
        class_names=names,
        source="keras",
        citation=CITATION,
        description=f"Keras MNIST: {n_train:,} train / {n_test:,} test ({path}{note})",
        is_subset=False,
        missing=(),
        name="MNIST",
        noun="digit",
    )


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
