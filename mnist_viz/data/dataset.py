"""The dataset object: :class:`MnistData`, what every source of :func:`~mnist_viz.data.load_mnist`
returns, with the class names, the citation and the fingerprint of the digits it holds.

Example
-------
>>> import numpy as np
>>> d = MnistData(np.zeros((3, 28, 28), np.uint8), [0, 1, 2], np.zeros((0, 28, 28), np.uint8), [],
...               missing=("test",), is_subset=True)
>>> d
MnistData(source='custom', x_train=(3, 28, 28), x_test=(0, 28, 28), classes=10, missing=('test',), description='')
"""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from mnist_viz.data._checks import check_class_names, check_noun, class_labels, uint8_digits

__all__ = ["MnistData", "DIGIT_NAMES", "CITATION", "ARRAY_NAMES", "default_noun"]

#: Default class names: the ten digits.
DIGIT_NAMES: tuple[str, ...] = tuple(str(d) for d in range(10))

#: The four arrays of a dataset, in the order :attr:`MnistData.sha256` hashes them (and the keys of
#: Keras' ``mnist.npz``).
ARRAY_NAMES = ("x_train", "y_train", "x_test", "y_test")

#: BibTeX for MNIST: the paper that introduced it and the database itself.
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
    name : str
        The dataset's name ("MNIST", "Fashion-MNIST", "KMNIST", "EMNIST balanced", ...), or ``""``
        when it is not one :mod:`~mnist_viz.data.known` knows.
    noun : str
        The dataset's word for one sample, singular: "digit", "image", "character", "letter".
        Left empty, it follows the class names (:func:`default_noun`); the plural adds an "s".

    Example
    -------
    >>> import numpy as np
    >>> d = MnistData(np.zeros((2, 28, 28), np.uint8), [0, 1], np.zeros((1, 28, 28), np.uint8), [1])
    >>> d.n_train, d.n_test, d.num_classes
    (2, 1, 10)
    >>> len(d.sha256)
    64
    >>> d.noun, MnistData(d.x_train, d.y_train, d.x_test, d.y_test, class_names=("cat", "dog")).noun
    ('digit', 'image')
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
    name: str = ""
    noun: str = ""

    def __post_init__(self) -> None:
        names = check_class_names(self.class_names)
        object.__setattr__(self, "class_names", names)
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a string (the dataset's name, or ''); got {type(self.name).__name__}")
        object.__setattr__(self, "noun", check_noun(self.noun) if self.noun else default_noun(names))
        object.__setattr__(self, "missing", tuple(self.missing))
        for split in ("train", "test"):
            x = uint8_digits(getattr(self, f"x_{split}"), f"x_{split}")
            y = class_labels(getattr(self, f"y_{split}"), f"y_{split}", names)
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
        for name in ARRAY_NAMES:
            arr = np.ascontiguousarray(getattr(self, name))
            h.update(f"{name}:{arr.shape}:{arr.dtype.str};".encode())
            h.update(arr.tobytes())
        return h.hexdigest()

    def __repr__(self) -> str:
        missing = f", missing={self.missing!r}" if self.missing else ""
        name = f"name={self.name!r}, " if self.name else ""
        return (
            f"MnistData({name}source={self.source!r}, x_train={self.x_train.shape}, x_test={self.x_test.shape}, "
            f"classes={self.num_classes}{missing}, description={self.description!r})"
        )


def default_noun(class_names: Iterable[str]) -> str:
    """The noun of a dataset known by its class names only: "digit" for "0".."9", else "image".

    >>> default_noun(DIGIT_NAMES), default_noun(["T-shirt/top", "Trouser"])
    ('digit', 'image')
    """
    return "digit" if tuple(class_names) == DIGIT_NAMES else "image"
