"""mnist_viz.data.known: each known dataset's class names, noun, citation and file names, as its
distribution ships them, and the spellings dataset= accepts."""
from __future__ import annotations

import string

import pytest
from data_helpers import assert_doctests_pass

from mnist_viz.data import DIGIT_NAMES
from mnist_viz.data.known import DATASET_KEYS, KNOWN_DATASETS, known_dataset


def test_the_keys_are_the_datasets_of_the_issue_and_the_other_emnist_splits():
    assert DATASET_KEYS == ("mnist", "fashion-mnist", "kmnist", "emnist-balanced", "emnist-byclass",
                            "emnist-bymerge", "emnist-digits", "emnist-letters", "emnist-mnist")


def test_fashion_mnist():
    d = known_dataset("fashion-mnist")
    assert d.class_names == ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                             "Bag", "Ankle boot")
    assert (d.name, d.noun, d.keras, d.shares_mnist_names) == ("Fashion-MNIST", "image", True, True)
    assert "Xiao, Han and Rasul, Kashif and Vollgraf, Roland" in d.citation and "1708.07747" in d.citation
    assert d.idx_names("train", "images")[:2] == ["train-images-idx3-ubyte", "train-images-idx3-ubyte.gz"]


def test_kmnist_hiragana_with_romaji():
    d = known_dataset("kmnist")
    romaji = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
    kana = [0x304A, 0x304D, 0x3059, 0x3064, 0x306A, 0x306F, 0x307E, 0x3084, 0x308C, 0x3092]  # kmnist_classmap.csv
    assert d.class_names == tuple(f"{r} ({chr(k)})" for r, k in zip(romaji, kana))
    assert d.noun == "character" and "Clanuwat, Tarin" in d.citation and "1812.01718" in d.citation
    assert d.npz_names("test", "labels") == ["kmnist-test-labels.npz"] and d.shares_mnist_names


def test_emnist_splits():
    balanced = known_dataset("emnist-balanced")
    assert "".join(balanced.class_names) == "0123456789" + string.ascii_uppercase + "abdefghnqrt"
    assert balanced.num_classes == 47 and known_dataset("emnist-bymerge").class_names == balanced.class_names
    assert known_dataset("emnist-byclass").num_classes == 62
    letters = known_dataset("emnist-letters")
    assert letters.num_classes == 26 and letters.label_offset == 1 and letters.noun == "letter"
    assert letters.class_names[0] == "A/a" and letters.class_names[-1] == "Z/z"
    assert known_dataset("emnist-digits").class_names == DIGIT_NAMES and known_dataset("emnist-digits").noun == "digit"
    for key in DATASET_KEYS:
        d = KNOWN_DATASETS[key]
        if key.startswith("emnist"):
            assert d.transposed and not d.keras and not d.shares_mnist_names
            assert "Cohen, Gregory and Afshar, Saeed and Tapson, Jonathan and van Schaik" in d.citation
            assert "1702.05373" in d.citation
            assert d.idx_names("test", "images") == [f"{key}-test-images-idx3-ubyte", f"{key}-test-images-idx3-ubyte.gz"]
        else:
            assert not d.transposed and d.label_offset == 0


@pytest.mark.parametrize("key", DATASET_KEYS)
def test_every_dataset_is_complete_and_its_bibtex_balanced(key):
    d = KNOWN_DATASETS[key]
    assert d.key == key and d.name and d.url.startswith("http") and d.noun in ("digit", "image", "character", "letter")
    assert len(set(d.class_names)) == d.num_classes >= 10
    assert d.citation.startswith("@") and d.citation.count("{") == d.citation.count("}")
    assert (d.noun == "digit") == (d.class_names == DIGIT_NAMES)


def test_mnist_keeps_its_citation():
    from mnist_viz.data import CITATION

    assert known_dataset("mnist").citation == CITATION and known_dataset("mnist").keras


@pytest.mark.parametrize("spelling, key", [("Fashion-MNIST", "fashion-mnist"), ("fashion_mnist", "fashion-mnist"),
                                           ("EMNIST balanced", "emnist-balanced"), (" KMNIST ", "kmnist"),
                                           ("emnist_letters", "emnist-letters")])
def test_spellings(spelling, key):
    assert known_dataset(spelling).key == key


@pytest.mark.parametrize("bad", ["cifar10", "", None, 3])
def test_unknown_dataset_names_the_choices(bad):
    with pytest.raises(ValueError, match=r"dataset must be one of 'mnist', 'fashion-mnist', .*; got "):
        known_dataset(bad)


def test_names_given_must_have_one_per_class():
    d = known_dataset("fashion-mnist")
    assert d.names() == d.class_names
    own = [f"k{i}" for i in range(10)]
    assert d.names(own) == tuple(own)
    with pytest.raises(ValueError, match="class_names has 11 names but Fashion-MNIST has 10 classes"):
        d.names(own + ["x"])


def test_docstring_examples_run():
    assert_doctests_pass("mnist_viz.data.known")
