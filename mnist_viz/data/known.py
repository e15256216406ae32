"""The MNIST-like datasets :func:`~mnist_viz.data.load_mnist` knows by name: their class names,
the word for one sample, their citation and the files they ship with.

What each distribution really holds (the names :func:`load_mnist("idx", folder)
<mnist_viz.data.load_mnist>` recognises):

MNIST (``mnist``), 60,000 / 10,000 digits
    ``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz``,
    ``t10k-labels-idx1-ubyte.gz`` (yann.lecun.com; also found gunzipped, or with dotted names
    like ``train-images.idx3-ubyte``).
Fashion-MNIST (``fashion-mnist``), 60,000 / 10,000 images of clothing
    Exactly MNIST's four file names (github.com/zalandoresearch/fashion-mnist, ``data/fashion``);
    ``keras.datasets.fashion_mnist`` caches the same four files in ``datasets/fashion-mnist/`` of
    the Keras home. A folder with these names cannot tell MNIST from Fashion-MNIST: pass
    ``dataset="fashion-mnist"`` (``--dataset fashion-mnist``).
KMNIST (``kmnist``), 60,000 / 10,000 Kuzushiji (cursive hiragana) characters
    MNIST's four IDX names again (github.com/rois-codh/kmnist, ``download_data.py``: pass
    ``dataset="kmnist"``), or NumPy files recognised by name: ``kmnist-train-imgs.npz``,
    ``kmnist-train-labels.npz``, ``kmnist-test-imgs.npz``, ``kmnist-test-labels.npz`` (one array,
    ``arr_0``, each), next to ``kmnist_classmap.csv`` (label, code point, character).
EMNIST (``emnist-balanced``, ``emnist-byclass``, ``emnist-bymerge``, ``emnist-digits``, ``emnist-letters``, ``emnist-mnist``)
    NIST's ``gzip.zip`` unpacks to ``gzip/emnist-<split>-train-images-idx3-ubyte.gz``,
    ``-train-labels-idx1-ubyte.gz``, ``-test-images-idx3-ubyte.gz``, ``-test-labels-idx1-ubyte.gz``
    (note ``test``, not ``t10k``) and ``emnist-<split>-mapping.txt`` for each of the six splits:
    balanced 112,800 / 18,800 (47 classes), byclass and bymerge 697,932 / 116,323 (62 and 47),
    digits 240,000 / 40,000, letters 124,800 / 20,800 (26), mnist 60,000 / 10,000. Every
    EMNIST image is stored **transposed** (column by column); it is loaded upright (each image
    transposed back). EMNIST letters numbers its classes **1..26** (mapping ``1 65 97`` = A/a):
    its labels are shifted to 0..25. A folder holding several splits needs ``dataset=``.

Example
-------
>>> fashion = known_dataset("Fashion-MNIST")
>>> fashion.key, fashion.noun, fashion.class_names[0], fashion.num_classes
('fashion-mnist', 'image', 'T-shirt/top', 10)
>>> known_dataset("emnist_letters").label_offset, known_dataset("emnist-letters").class_names[:3]
(1, ('A/a', 'B/b', 'C/c'))
>>> [k for k in DATASET_KEYS if not k.startswith("emnist")]
['mnist', 'fashion-mnist', 'kmnist']
"""
from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any
from dataclasses import dataclass

from mnist_viz.data._checks import check_class_names
from mnist_viz.data.dataset import CITATION as MNIST_CITATION
from mnist_viz.data.dataset import DIGIT_NAMES

__all__ = ["KnownDataset", "KNOWN_DATASETS", "DATASET_KEYS", "known_dataset"]

FASHION_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                 "Ankle boot")
#: KMNIST's ten hiragana (kmnist_classmap.csv: U+304A U+304D U+3059 U+3064 U+306A U+306F U+307E U+3084
#: U+308C U+3092), romaji first so that a figure font without kana still shows which one
KMNIST_NAMES = ("o (\u304a)", "ki (\u304d)", "su (\u3059)", "tsu (\u3064)", "na (\u306a)", "ha (\u306f)",
                "ma (\u307e)", "ya (\u3084)", "re (\u308c)", "wo (\u3092)")
#: emnist-balanced-mapping.txt (and bymerge): digits, the 26 capitals, and the 11 lower-case letters
#: whose shape differs from their capital
EMNIST_BALANCED_NAMES = DIGIT_NAMES + tuple(string.ascii_uppercase) + tuple("abdefghnqrt")
EMNIST_BYCLASS_NAMES = DIGIT_NAMES + tuple(string.ascii_uppercase) + tuple(string.ascii_lowercase)
#: emnist-letters-mapping.txt: label k (1..26) is the capital and the lower-case letter
EMNIST_LETTERS_NAMES = tuple(f"{u}/{u.lower()}" for u in string.ascii_uppercase)

def arxiv_bibtex(key: str, authors: str, title: str, year: int, eprint: str, primary_class: str) -> str:
    """A BibTeX ``@misc`` entry for an arXiv preprint.

    >>> print(arxiv_bibtex("me2026", "Me, A.", "A title", 2026, "2601.00001", "cs.LG"), end="")
    @misc{me2026,
      author        = {Me, A.},
      title         = {A title},
      year          = {2026},
      eprint        = {2601.00001},
      archivePrefix = {arXiv},
      primaryClass  = {cs.LG}
    }
    """
    fields = {"author": authors, "title": title, "year": year, "eprint": eprint, "archivePrefix": "arXiv",
              "primaryClass": primary_class}
    body = ",\n".join(f"  {name:<13} = {{{value}}}" for name, value in fields.items())
    return f"@misc{{{key},\n{body}\n}}\n"


FASHION_CITATION = arxiv_bibtex(
    "xiao2017fashion", "Xiao, Han and Rasul, Kashif and Vollgraf, Roland",
    "Fashion-{MNIST}: a Novel Image Dataset for Benchmarking Machine Learning Algorithms", 2017, "1708.07747", "cs.LG")
KMNIST_CITATION = arxiv_bibtex(
    "clanuwat2018deep", "Clanuwat, Tarin and Bober-Irizar, Mikel and Kitamoto, Asanobu and Lamb, Alex and "
    "Yamamoto, Kazuaki and Ha, David", "Deep Learning for Classical {Japanese} Literature", 2018, "1812.01718", "cs.CV")
EMNIST_CITATION = arxiv_bibtex(
    "cohen2017emnist", "Cohen, Gregory and Afshar, Saeed and Tapson, Jonathan and van Schaik, Andr{\\'e}",
    "{EMNIST}: an extension of {MNIST} to handwritten letters", 2017, "1702.05373", "cs.CV")


@dataclass(frozen=True)
class KnownDataset:
    """One dataset :func:`~mnist_viz.data.load_mnist` knows (see the module's list of files).

    Attributes
    ----------
    key : str
        What ``dataset=`` and ``--dataset`` take, e.g. ``"fashion-mnist"``.
    name : str
        How it is called in titles and ``run.json``, e.g. ``"Fashion-MNIST"``.
    noun : str
        One sample, singular: ``"digit"``, ``"image"``, ``"character"`` or ``"letter"``.
    class_names : tuple of str
        Name of each class, by label (after :attr:`label_offset`).
    citation : str
        BibTeX.
    url : str
        Where it is published.
    idx_stem : str
        ``""``: MNIST's IDX names (``train-*`` / ``t10k-*``); else the prefix of its own names,
        ``"emnist-balanced"`` for ``emnist-balanced-train-images-idx3-ubyte.gz`` and its ``test-*``.
    npz_stem : str
        Prefix of NumPy files it also ships (``"kmnist"``: ``kmnist-train-imgs.npz``, ...), or ``""``.
    transposed : bool
        Its images are stored transposed; they are loaded upright.
    label_offset : int
        Its first label (EMNIST letters: 1); labels are loaded minus this.
    keras : bool
        ``keras.datasets`` serves it (MNIST, Fashion-MNIST): ``source="keras"`` / ``"auto"`` work.

    Example
    -------
    >>> known_dataset("emnist-balanced").idx_names("test", "labels")[1]
    'emnist-balanced-test-labels-idx1-ubyte.gz'
    """

    key: str
    name: str
    noun: str
    class_names: tuple[str, ...]
    citation: str
    url: str
    idx_stem: str = ""
    npz_stem: str = ""
    transposed: bool = False
    label_offset: int = 0
    keras: bool = False

    @property
    def num_classes(self) -> int:
        """Number of classes."""
        return len(self.class_names)

    @property
    def shares_mnist_names(self) -> bool:
        """Whether its IDX files carry MNIST's own names (so a folder of them needs ``dataset=``)."""
        return not self.idx_stem

    def names(self, given: Sequence[str] | None = None) -> tuple[str, ...]:
        """Its class names, or ``given`` (checked) when it has one name per class: your own wording.

        >>> known_dataset("mnist").names(["zero", "one"])
        Traceback (most recent call last):
        ...
        ValueError: class_names has 2 names but MNIST has 10 classes; give one name per class or leave class_names out
        """
        if given is None:
            return self.class_names
        names = check_class_names(given)
        if len(names) != self.num_classes:
            raise ValueError(f"class_names has {len(names)} names but {self.name} has {self.num_classes} classes; "
                             "give one name per class or leave class_names out")
        return names

    def idx_names(self, split: str, kind: str) -> list[str]:
        """The IDX file names looked for, in order, for ``split`` ("train", "test") and ``kind``
        ("images", "labels").

        >>> known_dataset("mnist").idx_names("test", "images")
        ['t10k-images-idx3-ubyte', 't10k-images-idx3-ubyte.gz', 't10k-images.idx3-ubyte', 't10k-images.idx3-ubyte.gz']
        """
        n = 3 if kind == "images" else 1
        if self.idx_stem:
            bases = [f"{self.idx_stem}-{split}-{kind}-idx{n}-ubyte"]
        else:
            prefix = "t10k" if split == "test" else split
            bases = [f"{prefix}-{kind}-idx{n}-ubyte", f"{prefix}-{kind}.idx{n}-ubyte"]
        return [b + ext for b in bases for ext in ("", ".gz")]

    def npz_names(self, split: str, kind: str) -> list[str]:
        """The NumPy file names looked for (none unless :attr:`npz_stem`).

        >>> known_dataset("kmnist").npz_names("train", "images")
        ['kmnist-train-imgs.npz']
        """
        if not self.npz_stem:
            return []
        return [f"{self.npz_stem}-{split}-{'imgs' if kind == 'images' else 'labels'}.npz"]

    def expected_files(self) -> str:
        """The names of its four files, for messages.

        >>> known_dataset("emnist-digits").expected_files()
        'emnist-digits-train-images-idx3-ubyte[.gz], emnist-digits-train-labels-idx1-ubyte[.gz], emnist-digits-test-images-idx3-ubyte[.gz], emnist-digits-test-labels-idx1-ubyte[.gz]'
        """
        names = [f"{self.idx_names(split, kind)[0]}[.gz]" for split in ("train", "test")
                 for kind in ("images", "labels")]
        text = ", ".join(names)
        if self.npz_stem:
            text += " (or " + ", ".join(self.npz_names(s, k)[0] for s in ("train", "test")
                                         for k in ("images", "labels")) + ")"
        return text


def _emnist(split: str, names: tuple[str, ...], noun: str, **kw: Any) -> KnownDataset:
    return KnownDataset(f"emnist-{split}", f"EMNIST {split}", noun, names, EMNIST_CITATION,
                        "https://www.nist.gov/itl/products-and-services/emnist-dataset",
                        idx_stem=f"emnist-{split}", transposed=True, **kw)


#: Every dataset known by name, by key.
KNOWN_DATASETS: dict[str, KnownDataset] = {d.key: d for d in (
    KnownDataset("mnist", "MNIST", "digit", DIGIT_NAMES, MNIST_CITATION, "http://yann.lecun.com/exdb/mnist/",
                 keras=True),
    KnownDataset("fashion-mnist", "Fashion-MNIST", "image", FASHION_NAMES, FASHION_CITATION,
                 "https://github.com/zalandoresearch/fashion-mnist", keras=True),
    KnownDataset("kmnist", "KMNIST", "character", KMNIST_NAMES, KMNIST_CITATION,
                 "https://github.com/rois-codh/kmnist", npz_stem="kmnist"),
    _emnist("balanced", EMNIST_BALANCED_NAMES, "character"),
    _emnist("byclass", EMNIST_BYCLASS_NAMES, "character"),
    _emnist("bymerge", EMNIST_BALANCED_NAMES, "character"),
    _emnist("digits", DIGIT_NAMES, "digit"),
    _emnist("letters", EMNIST_LETTERS_NAMES, "letter", label_offset=1),
    _emnist("mnist", DIGIT_NAMES, "digit"),
)}

#: What ``dataset=`` and ``--dataset`` accept (names and spellings like "Fashion-MNIST",
#: "fashion_mnist" or "EMNIST balanced" are normalised to these).
DATASET_KEYS: tuple[str, ...] = tuple(KNOWN_DATASETS)


def normalise_key(name: str) -> str:
    """``name`` lower-cased with spaces and underscores as hyphens ("EMNIST balanced" -> "emnist-balanced").

    >>> normalise_key("Fashion_MNIST")
    'fashion-mnist'
    """
    return "-".join(str(name).strip().lower().replace("_", " ").replace("-", " ").split())


def known_dataset(name: str | KnownDataset) -> KnownDataset:
    """The :class:`KnownDataset` called ``name`` (a key of :data:`KNOWN_DATASETS`, its display name
    or the Keras module's spelling, in any case).

    >>> known_dataset("KMNIST").name
    'KMNIST'
    >>> known_dataset("cifar10")
    Traceback (most recent call last):
    ...
    ValueError: dataset must be one of 'mnist', 'fashion-mnist', 'kmnist', 'emnist-balanced', 'emnist-byclass', 'emnist-bymerge', 'emnist-digits', 'emnist-letters', 'emnist-mnist'; got 'cifar10'
    """
    if isinstance(name, KnownDataset):
        return name
    key = normalise_key(name) if isinstance(name, str) else None
    if key not in KNOWN_DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(repr(k) for k in DATASET_KEYS)}; got {name!r}")
    return KNOWN_DATASETS[key]
