"""mnist_viz.data._checks: the strict checks every source and MnistData apply to loaded arrays."""
from __future__ import annotations

import numpy as np
import pytest
from data_helpers import assert_doctests_pass

from mnist_viz.data._checks import check_class_names, class_labels, uint8_digits

NAMES = tuple("0123456789")


def test_class_labels_refuse_what_the_plots_would_coerce():
    """Loaded labels must already be integers (n,): no integral floats, no one-hot rows (the plots'
    mnist_viz._arrays.as_labels accepts both)."""
    assert class_labels(np.array([9, 0], np.uint8), "y_train", NAMES).tolist() == [9, 0]
    assert class_labels([], "y_test", NAMES).dtype == np.int64
    with pytest.raises(ValueError, match=r"y_train must hold integer labels; got dtype float64"):
        class_labels([1.0, 2.0], "y_train", NAMES)
    with pytest.raises(ValueError, match=r"y_train must be integer labels of shape \(n,\); got shape \(2, 10\)"):
        class_labels(np.eye(10, dtype=int)[:2], "y_train", NAMES)
    with pytest.raises(ValueError, match="labels.gz: label -1 is negative; labels must be 0..9"):
        class_labels([-1, 2], "labels.gz", NAMES)


def test_uint8_digits_accept_integral_values_only():
    x = np.full((1, 28, 28), 7.0)
    assert uint8_digits(x, "x_test").dtype == np.uint8
    for bad in (x + 0.5, x * 100, -x, np.full((1, 28, 28), np.nan)):
        with pytest.raises(ValueError, match=r"x_test must hold integer pixel values 0..255 \(uint8\)"):
            uint8_digits(bad, "x_test")


def test_check_class_names_names_the_fault():
    with pytest.raises(TypeError, match=r"class_names must all be strings; got 3 \(int\)"):
        check_class_names(["a", 3])


def test_docstring_examples_run():
    assert_doctests_pass("mnist_viz.data._checks")
