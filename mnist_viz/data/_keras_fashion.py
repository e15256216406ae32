"""The Keras source of Fashion-MNIST: ``load_mnist("keras", dataset="fashion-mnist")`` (and
``"auto"``), what ``keras.datasets.fashion_mnist.load_data()`` reads.

Keras caches Fashion-MNIST as its four gzipped IDX files (MNIST's names) in
``datasets/fashion-mnist/`` of the Keras home (:func:`fashion_cache_dir`). They are read from
there with the IDX reader; only a file that is absent is downloaded, through
``keras.utils.get_file`` from Keras' own origin into a private temporary folder, then written to
the cache atomically. Keras (and TensorFlow) is imported for a download only. Keras checks no
hash for these files; the loaded data's description says when one differs from the MD5 that
Zalando publishes.

Example
-------
>>> fashion_cache_dir().name
'fashion-mnist'
"""
from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from mnist_viz._io import atomic_write_bytes
from mnist_viz.data import _keras_source
from mnist_viz.data._idx_source import load_idx_folder
from mnist_viz.data.dataset import MnistData
from mnist_viz.data.known import KNOWN_DATASETS

FASHION = KNOWN_DATASETS["fashion-mnist"]
# What keras.datasets.fashion_mnist.load_data() downloads (keras/src/datasets/fashion_mnist.py, Keras 3).
KERAS_FASHION_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
#: file -> MD5 as published in github.com/zalandoresearch/fashion-mnist's README
FASHION_MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
FASHION_FILES = tuple(FASHION_MD5)


def fashion_cache_dir() -> Path:
    """Where Keras keeps Fashion-MNIST's four files (``$KERAS_HOME`` or ``~/.keras``, ``datasets/fashion-mnist``).

    >>> fashion_cache_dir().parent.name
    'datasets'
    """
    return _keras_source.keras_datasets_dir("fashion-mnist") / "fashion-mnist"


def absent_files(folder: Path) -> list[str]:
    """The Fashion-MNIST files not yet in ``folder``.

    >>> import tempfile
    >>> absent_files(Path(tempfile.mkdtemp())) == list(FASHION_FILES)
    True
    """
    return [name for name in FASHION_FILES if not (folder / name).is_file()]


def download_fashion(folder: Path, keras) -> Path:
    """Fetch the files absent from ``folder`` as ``keras.datasets.fashion_mnist`` does, each
    written there atomically once complete (an interrupted download leaves no half file)."""
    import shutil
    import tempfile

    tmp = tempfile.mkdtemp(prefix="mnist_viz-download-")
    try:
        for name in absent_files(folder):
            fetched = keras.utils.get_file(fname=name, origin=KERAS_FASHION_ORIGIN + name, cache_dir=tmp,
                                           cache_subdir="datasets")
            atomic_write_bytes(folder / name, Path(fetched).read_bytes())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def load_keras_fashion(names: tuple[str, ...] | None) -> MnistData:
    """``load_mnist("keras", dataset="fashion-mnist")``: the cache, its absent files downloaded
    first (``OSError`` when that fails)."""
    folder = fashion_cache_dir()
    if absent_files(folder):
        keras = _keras_source._import_keras()
        try:
            download_fashion(folder, keras)
        except Exception as exc:  # Keras raises a bare Exception for URL failures
            raise OSError(_no_cache(folder, f"the download from {KERAS_FASHION_ORIGIN} failed "
                                            f"({type(exc).__name__}: {exc})")) from exc
    return read_fashion_cache(folder, names)


def load_auto_fashion(names: tuple[str, ...] | None, timeout: float) -> MnistData:
    """``load_mnist("auto", dataset="fashion-mnist")``: the cache, else a download bounded by
    ``timeout``, else ``OSError`` (the embedded digits are no stand-in for clothes)."""
    folder = fashion_cache_dir()
    if absent_files(folder):
        reason = _keras_source.try_download(folder, timeout, fetch=download_fashion)
        if reason is not None:
            raise OSError(_no_cache(folder, reason))
    return read_fashion_cache(folder, names)


def _no_cache(folder: Path, reason: str) -> str:
    return (f"no Keras Fashion-MNIST cache at {folder} (missing {', '.join(absent_files(folder))}) and {reason}; "
            "put the four files there, or use source='idx' with a folder holding them")


def read_fashion_cache(folder: Path, names: tuple[str, ...] | None) -> MnistData:
    """Fashion-MNIST from the four files in ``folder`` (a Keras cache), as ``source="keras"``."""
    data = load_idx_folder(folder, names, known=FASHION)
    unofficial = [n for n in FASHION_FILES if _md5(folder / n) != FASHION_MD5[n]]
    note = f", not the official file(s) {', '.join(unofficial)}" if unofficial else ""
    return dataclasses.replace(
        data, source="keras",
        description=f"Keras Fashion-MNIST: {data.n_train:,} train / {data.n_test:,} test ({folder}{note})")


def _md5(path: Path) -> str:
    h = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
