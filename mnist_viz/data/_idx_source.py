"""The ``"idx"`` source: a folder with the official IDX files (``train-images-idx3-ubyte[.gz]`` and
friends, or the dotted names ``train-images.idx3-ubyte``), or any MNIST-like set in that format.

A folder holding one split only loads it, with the other split empty, listed in ``missing`` and
named in a :class:`UserWarning`. The files are read by :func:`mnist_viz.idx.read_idx`.

Example
-------
>>> idx_candidates("t10k", "labels")
['t10k-labels-idx1-ubyte', 't10k-labels-idx1-ubyte.gz', 't10k-labels.idx1-ubyte', 't10k-labels.idx1-ubyte.gz']
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mnist_viz._warn import warn_at_caller
from mnist_viz.data._checks import IMAGE_SHAPE, class_labels
from mnist_viz.data.dataset import CITATION, MnistData
from mnist_viz.idx import IdxFormatError, read_idx


def idx_candidates(split: str, kind: str) -> list[str]:
    """The file names looked for, in order, for ``split`` ("train", "t10k") and ``kind`` ("images", "labels")."""
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
    for name in idx_candidates(split, kind):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def load_idx_folder(folder: Path, names: tuple[str, ...]) -> MnistData:
    """``load_mnist("idx", folder)``; warns (at the caller of ``load_mnist``) when a split is absent."""
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
                f"{', '.join(idx_candidates(split, lacking))}"
            )
        splits[public] = _read_pair(images_path, labels_path, names)
    if splits["train"] is None and splits["test"] is None:
        raise FileNotFoundError(f"no IDX files in {folder}; expected {_expected_names()}")
    missing = tuple(s for s in ("train", "test") if splits[s] is None)
    empty = (np.zeros((0, *IMAGE_SHAPE), np.uint8), np.zeros((0,), np.int64))
    (x_train, y_train), (x_test, y_test) = (splits[s] or empty for s in ("train", "test"))
    counts = f"{len(y_train):,} train / {len(y_test):,} test"
    if missing:
        lacking = missing[0]
        present = "test" if lacking == "train" else "train"
        prefix = "t10k" if lacking == "test" else "train"
        warn_at_caller(
            f"IDX folder {folder}: the {lacking} split is absent (no {prefix}-images/{prefix}-labels files); "
            f"loaded the {present} split only, {lacking} arrays are empty")
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
    if images.shape[1:] != IMAGE_SHAPE:
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
    return images, class_labels(labels, str(labels_path), names)
