"""mnist_viz.data.dataset: MnistData validates, coerces and freezes what it holds; its fingerprint
and citation."""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from data_helpers import assert_doctests_pass, digits  # noqa: E402

from mnist_viz.data import CITATION, MnistData, load_mnist  # noqa: E402


def test_arrays_are_read_only():
    d = load_mnist("embedded")
    with pytest.raises(ValueError, match="read-only"):
        d.x_train[0, 0, 0] = 1
    with pytest.raises(AttributeError):
        d.source = "keras"  # frozen


def test_citation_names_both_works():
    d = load_mnist("embedded")
    assert d.citation == CITATION
    for needle in (
        "Gradient-based learning applied to document recognition",
        "Proceedings of the IEEE",
        "86",
        "2278--2324",
        "Haffner",
        "Bottou",
        "Bengio",
        "@misc{",
        "The {MNIST} database of handwritten digits",
        "Cortes",
        "Burges",
    ):
        assert needle in d.citation
    assert d.citation.count("@") == 2 and d.citation.count("{") == d.citation.count("}")


def test_mnistdata_validates_and_coerces():
    x = np.zeros((2, 28, 28), np.float64)
    d = MnistData(x, np.array([1, 2], np.uint8), x[:1], [3])
    assert d.x_train.dtype == np.uint8 and d.y_test.dtype == np.int64 and d.source == "custom"
    assert "MnistData(source='custom'" in repr(d)
    with pytest.raises(ValueError, match=r"x_train must be images of shape \(n, 28, 28\); got shape \(2, 784\)"):
        MnistData(np.zeros((2, 784)), [0, 1], x, [0, 1])
    with pytest.raises(ValueError, match="x_train has 2 images but y_train has 3 labels"):
        MnistData(x, [0, 1, 2], x, [0, 1])
    with pytest.raises(ValueError, match="integer pixel values 0..255"):
        MnistData(x + 0.5, [0, 1], x, [0, 1])
    with pytest.raises(ValueError, match="y_test: label 10 is out of range"):
        MnistData(x, [0, 1], x, [0, 10])


def test_name_and_noun():
    x = np.zeros((2, 28, 28), np.uint8)
    d = MnistData(x, [0, 1], x, [1, 0])
    assert (d.name, d.noun) == ("", "digit")  # unknown, digits by its class names
    assert MnistData(x, [0, 1], x, [1, 0], class_names=("cat", "dog")).noun == "image"
    named = MnistData(x, [0, 1], x, [1, 0], class_names=("cat", "dog"), name="Pets", noun="pet")
    assert (named.name, named.noun) == ("Pets", "pet") and repr(named).startswith("MnistData(name='Pets', source=")
    assert (load_mnist("embedded").name, load_mnist("embedded").noun) == ("MNIST", "digit")
    with pytest.raises(ValueError, match="noun must be one word naming one sample, .*; got 'two words'"):
        MnistData(x, [0, 1], x, [1, 0], noun="two words")
    with pytest.raises(TypeError, match="name must be a string"):
        MnistData(x, [0, 1], x, [1, 0], name=None)


def test_sha256_depends_on_content_and_order():
    x, y = digits(4, 0)
    a = MnistData(x, y, x, y)
    assert a.sha256 == MnistData(x.copy(), y.copy(), x, y).sha256
    assert a.sha256 != MnistData(x[::-1], y[::-1], x, y).sha256
    assert a.sha256 != MnistData(x, y, x[:3], y[:3]).sha256


def test_docstring_examples_run():
    assert_doctests_pass("mnist_viz.data.dataset")
