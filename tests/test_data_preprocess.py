"""mnist_viz.data.preprocess: flatten_scale, as_image_batch, one_hot and to_sparse, and what they
refuse."""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from data_helpers import assert_doctests_pass  # noqa: E402

from mnist_viz.data import as_image_batch, flatten_scale, load_mnist, one_hot, to_sparse  # noqa: E402


def test_flatten_scale():
    x = np.zeros((3, 28, 28), np.uint8)
    x[0, 0, 0], x[1, 27, 27] = 255, 51
    flat = flatten_scale(x)
    assert flat.shape == (3, 784) and flat.dtype == np.float32
    assert flat[0, 0] == 1.0 and flat[1, 783] == pytest.approx(0.2) and flat.min() == 0.0
    np.testing.assert_array_equal(flatten_scale(x.reshape(3, 784)), flat)
    np.testing.assert_array_equal(flatten_scale(x[..., None]), flat)
    np.testing.assert_array_equal(flatten_scale(flat), flat)  # float already in [0, 1] is kept


@pytest.mark.parametrize("bad, err, match", [
    (np.zeros((28, 28), np.uint8), ValueError, r"got \(28, 28\); for one image use x\[None\]"),
    (np.zeros((2, 27, 28), np.uint8), ValueError, r"\(n, 784\), \(n, 28, 28\) or \(n, 28, 28, 1\)"),
    (np.full((1, 784), 255.0), ValueError, r"float pixels 255..255; float input must already be scaled"),
    (np.full((1, 784), -1, np.int16), ValueError, r"integer pixels -1..-1; expected 0..255"),
    (np.full((1, 784), 256, np.int16), ValueError, "expected 0..255"),
    (np.full((1, 784), np.nan), ValueError, "NaN"),
    (np.full((1, 784), "a"), TypeError, "must hold numbers"),
])
def test_flatten_scale_rejects(bad, err, match):
    with pytest.raises(err, match=match):
        flatten_scale(bad)
    with pytest.raises(err, match=match):
        as_image_batch(bad)


def test_as_image_batch():
    d = load_mnist("embedded")
    batch = as_image_batch(d.x_test[:5])
    assert batch.shape == (5, 28, 28, 1) and batch.dtype == np.float32
    assert 0.0 == batch.min() and batch.max() == 1.0
    np.testing.assert_allclose(batch[..., 0], d.x_test[:5] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(as_image_batch(flatten_scale(d.x_test[:5])), batch)
    assert as_image_batch(np.zeros((0, 28, 28), np.uint8)).shape == (0, 28, 28, 1)


def test_one_hot():
    oh = one_hot(np.array([0, 9, 3]))
    assert oh.shape == (3, 10) and oh.dtype == np.float32
    assert oh.sum() == 3 and oh[1, 9] == 1 and oh[2, 3] == 1
    np.testing.assert_array_equal(one_hot(oh), oh)  # already one-hot: passes through
    np.testing.assert_array_equal(one_hot([[0], [9], [3]]), oh)  # column vector
    np.testing.assert_array_equal(one_hot([0.0, 9.0, 3.0]), oh)  # integral floats
    assert one_hot([1, 0], num_classes=2).tolist() == [[0, 1], [1, 0]]
    with pytest.raises(ValueError, match="label 10, out of range for num_classes=10"):
        one_hot([10])
    with pytest.raises(ValueError, match="one-hot with 3 columns, expected num_classes=10"):
        one_hot(np.eye(3))
    with pytest.raises(ValueError, match="num_classes must be an integer >= 1"):
        one_hot([0], num_classes=0)


def test_to_sparse():
    assert to_sparse([3, 1]).tolist() == [3, 1] and to_sparse([3, 1]).dtype == np.int64
    assert to_sparse(np.eye(10)[[4, 2]]).tolist() == [4, 2]
    assert to_sparse(np.array([[True, False], [False, True]])).tolist() == [0, 1]
    assert to_sparse([[5], [6]]).tolist() == [5, 6]
    assert to_sparse(np.zeros((0,), np.uint8)).shape == (0,)
    with pytest.raises(ValueError, match=r"not one-hot: row 1 is \[0.3, 0.6\]"):
        to_sparse([[0, 1], [0.3, 0.6]])
    with pytest.raises(TypeError, match="must hold integer class labels"):
        to_sparse([0.5, 1.0])
    with pytest.raises(ValueError, match="negative label"):
        to_sparse([-1, 2])
    with pytest.raises(ValueError, match=r"got shape \(2, 2, 2\)"):
        to_sparse(np.zeros((2, 2, 2)))


def test_preprocessing_round_trip_on_embedded_data():
    d = load_mnist("embedded")
    np.testing.assert_array_equal(to_sparse(one_hot(d.y_train)), d.y_train)
    flat = flatten_scale(d.x_train)
    assert flat.shape == (4000, 784) and 0.0 <= flat.min() and flat.max() <= 1.0


def test_docstring_examples_run():
    assert_doctests_pass("mnist_viz.data.preprocess")
