"""The ``"idx"`` source: a folder with the IDX files of MNIST (``train-images-idx3-ubyte[.gz]`` and
friends, or the dotted names ``train-images.idx3-ubyte``) or of any dataset of
:mod:`mnist_viz.data.known`, under the names it ships with (``emnist-balanced-train-images-idx3-ubyte.gz``,
KMNIST's ``kmnist-train-imgs.npz``, ...), or any MNIST-like set in MNIST's format.

The dataset is the one ``dataset=`` names, else the one whose file names the folder holds; MNIST's
names are also Fashion-MNIST's and KMNIST's, so such a folder reads as MNIST unless ``dataset=``
says otherwise (or the class names given are not digits: then it is a dataset of its own, with no
name and no citation). EMNIST's transposed images are turned upright and EMNIST letters' labels
1..26 shifted to 0..25.

A folder holding one split only loads it, with the other split empty, listed in ``missing`` and
named in a :class:`UserWarning`. IDX files are read by :func:`mnist_viz.idx.read_idx`.

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
from mnist_viz.data.dataset import DIGIT_NAMES, MnistData, default_noun
from mnist_viz.data.known import KNOWN_DATASETS, KnownDataset
from mnist_viz.idx import IdxFormatError, read_idx

_MNIST = KNOWN_DATASETS["mnist"]
_SPLITS = ("train", "test")


def idx_candidates(split: str, kind: str) -> list[str]:
    """MNIST's file names looked for, in order, for ``split`` ("train", "t10k") and ``kind`` ("images", "labels")."""
    return _MNIST.idx_names("test" if split == "t10k" else split, kind)


def _first(folder: Path, names: list[str]) -> Path | None:
    return next((folder / n for n in names if (folder / n).is_file()), None)


def _files(folder: Path, d: KnownDataset) -> dict[str, tuple[Path | None, Path | None]]:
    """{split: (images, labels)} of ``d`` in ``folder``: its IDX files first, else its NumPy files."""
    return {split: tuple(_first(folder, d.idx_names(split, kind)) or _first(folder, d.npz_names(split, kind))
                         for kind in ("images", "labels"))
            for split in _SPLITS}


def _holds(files: dict) -> bool:
    return any(p is not None for pair in files.values() for p in pair)


def _expected_names() -> str:
    return ", ".join(f"{name}[.gz]" for name in (_MNIST.idx_names(s, k)[0] for s in _SPLITS
                                                 for k in ("images", "labels")))


def _no_files(folder: Path, known: KnownDataset | None) -> FileNotFoundError:
    if known is not None:
        return FileNotFoundError(f"no {known.name} files in {folder}; expected {known.expected_files()}")
    return FileNotFoundError(
        f"no IDX files in {folder}; expected {_expected_names()} (dotted names like train-images.idx3-ubyte "
        "work too), or the names of a known dataset: emnist-<split>-train-images-idx3-ubyte[.gz], "
        "kmnist-train-imgs.npz, ...")


def _npz_files(folder: Path, d: KnownDataset) -> dict[str, tuple[Path | None, Path | None]]:
    return {split: tuple(_first(folder, d.npz_names(split, kind)) for kind in ("images", "labels"))
            for split in _SPLITS}


def _holds_own_files(folder: Path, d: KnownDataset) -> bool:
    """Whether ``folder`` holds files that only ``d`` ships (not MNIST's shared names)."""
    return _holds(_npz_files(folder, d) if d.shares_mnist_names else _files(folder, d))


def recognise(folder: Path) -> tuple[KnownDataset, dict] | None:
    """The dataset whose files ``folder`` holds, with its {split: (images, labels)}, or None when
    it holds none; ``ValueError`` when it holds the files of several (pass ``dataset=``).

    MNIST's own names count as MNIST; KMNIST's ``.npz`` files (next to them or not) make it KMNIST;
    next to an EMNIST split they are a second dataset.

    >>> import tempfile
    >>> recognise(Path(tempfile.mkdtemp())) is None
    True
    """
    found = [(d, _files(folder, d)) for d in KNOWN_DATASETS.values() if _holds_own_files(folder, d)]
    if not any(d.shares_mnist_names for d, _ in found) and _holds(mnist_files := _files(folder, _MNIST)):
        found.append((_MNIST, mnist_files))
    if len(found) > 1:
        keys = ", ".join(repr(d.key) for d, _ in found)
        raise ValueError(f"folder {folder} holds the files of {len(found)} datasets "
                         f"({', '.join(d.name for d, _ in found)}); pass dataset= (--dataset) one of {keys}")
    return found[0] if found else None


def load_idx_folder(folder: Path, class_names: tuple[str, ...] | None = None,
                    known: KnownDataset | None = None) -> MnistData:
    """``load_mnist("idx", folder, dataset=known, class_names=...)``; warns (at the caller of
    ``load_mnist``) when a split is absent."""
    if not folder.exists():
        raise FileNotFoundError(
            f"IDX folder {folder} does not exist; expected a folder holding {_expected_names()} "
            "(dotted names like train-images.idx3-ubyte work too)"
        )
    if not folder.is_dir():
        raise FileNotFoundError(f"IDX path {folder} is a file, expected a folder holding {_expected_names()}")
    if known is None:
        hit = recognise(folder)
        if hit is None:
            raise _no_files(folder, None)
        d, files = hit
    else:
        d, files = known, _files(folder, known)
        if not _holds(files):
            raise _no_files(folder, known)
    own = known is None and d is _MNIST and class_names not in (None, DIGIT_NAMES)  # a set of your own
    names = class_names if own else d.names(class_names)
    splits: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}
    for split, (images_path, labels_path) in files.items():
        if images_path is None and labels_path is None:
            splits[split] = None
            continue
        if images_path is None or labels_path is None:
            have, kind = (images_path, "images") if labels_path is None else (labels_path, "labels")
            lacking = "labels" if kind == "images" else "images"
            raise FileNotFoundError(
                f"IDX folder {folder} has {have.name} but no matching {lacking} file; expected one of "
                f"{', '.join(d.idx_names(split, lacking) + d.npz_names(split, lacking))}"
            )
        splits[split] = _read_pair(images_path, labels_path, names, d)
    npz = any(p.suffix == ".npz" for pair in files.values() for p in pair if p is not None)
    return _dataset(folder, d, splits, names, named=not own, npz=npz)


def _dataset(folder: Path, d: KnownDataset, splits: dict, names: tuple[str, ...], *, named: bool,
             npz: bool) -> MnistData:
    """The MnistData of the splits read; ``named`` False for MNIST's file names with class names
    of your own: a dataset with no name and no citation."""
    missing = tuple(s for s in _SPLITS if splits[s] is None)
    empty = (np.zeros((0, *IMAGE_SHAPE), np.uint8), np.zeros((0,), np.int64))
    (x_train, y_train), (x_test, y_test) = (splits[s] or empty for s in _SPLITS)
    counts = f"{len(y_train):,} train / {len(y_test):,} test"
    what = "IDX folder" if d is _MNIST or not named else f"{d.name} from IDX folder"
    if missing:
        lacking = missing[0]
        present = "test" if lacking == "train" else "train"
        stem = d.idx_names(lacking, "images")[0].split("-images")[0]
        warn_at_caller(
            f"IDX folder {folder}: the {lacking} split is absent (no {stem}-images/{stem}-labels files); "
            f"loaded the {present} split only, {lacking} arrays are empty")
        description = f"{what} {folder}: {present} split only ({counts}; {lacking} split absent)"
    else:
        description = f"{what} {folder}: {counts}"
    notes = []
    if npz:
        notes.append("read from its NumPy .npz files")
    if d.transposed:
        notes.append("images stored transposed, loaded upright")
    if d.label_offset:
        first, last = d.label_offset, d.label_offset + d.num_classes - 1
        notes.append(f"labels {first}..{last} shifted to 0..{d.num_classes - 1}")
    if notes:
        description += f" ({'; '.join(notes)})"
    return MnistData(
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
        class_names=names,
        source="idx",
        citation=d.citation if named else "",
        description=description,
        is_subset=bool(missing),
        missing=missing,
        subset_note=(f"Only part of the IDX dataset was found: the {' and '.join(missing)} split is absent."
                     if missing else ""),
        name=d.name if named else "",
        noun=d.noun if named else default_noun(names),
    )


def _read_npz(path: Path) -> np.ndarray:
    """The one array of a NumPy ``.npz`` file (KMNIST's hold ``arr_0``)."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            keys = list(npz.files)
            if len(keys) != 1:
                raise IdxFormatError(f"{path}: expected one array (arr_0), found {len(keys)}: {keys}")
            return npz[keys[0]]
    except (ValueError, OSError, EOFError) as exc:
        if isinstance(exc, (IdxFormatError, FileNotFoundError)):
            raise
        raise IdxFormatError(f"{path}: not a readable NumPy .npz file ({exc})") from None


def _read(path: Path, ndim: int) -> np.ndarray:
    if path.suffix != ".npz":
        return read_idx(path, ndim=ndim)
    arr = _read_npz(path)
    if arr.ndim != ndim:
        raise IdxFormatError(f"{path}: has {arr.ndim} dimension(s), expected {ndim}")
    return arr


def _read_pair(images_path: Path, labels_path: Path, names: tuple[str, ...],
               d: KnownDataset) -> tuple[np.ndarray, np.ndarray]:
    images = _read(images_path, 3)
    if images.shape[1:] != IMAGE_SHAPE:
        raise IdxFormatError(
            f"{images_path}: images are {images.shape[1]}x{images.shape[2]}, expected 28x28"
        )
    if images.dtype != np.uint8:
        raise IdxFormatError(f"{images_path}: pixels are {images.dtype}, expected unsigned bytes (uint8)")
    labels = _read(labels_path, 1)
    if not np.issubdtype(labels.dtype, np.integer):
        raise IdxFormatError(f"{labels_path}: labels are {labels.dtype}, expected integers")
    if len(images) != len(labels):
        raise IdxFormatError(
            f"mismatched IDX pair: {images_path} holds {len(images):,} images but "
            f"{labels_path} holds {len(labels):,} labels"
        )
    if d.transposed:  # EMNIST stores each image column by column
        images = np.ascontiguousarray(images.transpose(0, 2, 1))
    if d.label_offset:
        labels = labels.astype(np.int64)
        if len(labels) and labels.min() < d.label_offset:
            raise IdxFormatError(f"{labels_path}: label {labels.min()} is out of range; {d.name} numbers its "
                                 f"classes {d.label_offset}..{d.label_offset + d.num_classes - 1}")
        labels = labels - d.label_offset
    return images, class_labels(labels, str(labels_path), names)
