"""mnist_viz._arrays: array coercion and validation (NumPy only) shared by the recorders, the loaders, the
plots and the report. Each error names the argument, what was expected and what came; the docstring
examples run.
"""
from __future__ import annotations

import doctest
import warnings

import numpy as np
import pytest
from fresh_process import loaded_by

from mnist_viz import _arrays
from mnist_viz._arrays import (as_images, as_labels, as_probabilities, check_same_length, display_images, image_scale,
                               outputs_to_probabilities, pixel_scale, positive_int, softmax, to_uint8_images)


def test_docstring_examples_run():
    result = doctest.testmod(_arrays, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_numpy_only():
    assert loaded_by("import mnist_viz._arrays", ["pandas", "sklearn", "matplotlib"]) == []


# ---------------------------------------------------------------- as_labels

def test_as_labels_from_integers_floats_one_hot_and_scores():
    assert as_labels([3, 1], "y").tolist() == [3, 1] and as_labels([3, 1], "y").dtype == np.int64
    assert as_labels(np.array([2.0, 0.0]), "y").tolist() == [2, 0]  # whole floats are labels
    assert as_labels(np.eye(3, dtype=bool)[[2, 0]], "y").tolist() == [2, 0]
    assert as_labels([[0], [4]], "y").tolist() == [0, 4]  # one column: labels, not one-hot
    assert as_labels([[0.2, 0.8], [0.6, 0.4]], "y_pred", scores=True).tolist() == [1, 0]
    assert as_labels([], "y").tolist() == []


def test_as_labels_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"y_true is 2-D \(2, 2\) but not one-hot: row 0 is \[0.2, 0.8\] \(2 such rows\)"):
        as_labels([[0.2, 0.8], [0.6, 0.4]], "y_true")
    with pytest.raises(ValueError, match=r"y_true has 3 columns \(one per class\), expected 2"):
        as_labels(np.eye(3), "y_true", n_classes=2)
    with pytest.raises(ValueError, match="y_true holds a negative label"):
        as_labels([0, -1], "y_true")
    with pytest.raises(ValueError, match=r"labels holds label 5, out of range for 3 classes \(0..2\)"):
        as_labels([0, 5], "labels", n_classes=3)
    with pytest.raises(TypeError, match="y_true must hold integer class labels; got dtype float64"):
        as_labels([0.5, 1.0], "y_true")
    with pytest.raises(TypeError, match=r"y_true must hold numbers \(.*\); got dtype <U3 \(e.g. 'cat'\)"):
        as_labels(["cat", "dog"], "y_true")
    with pytest.raises(ValueError, match=r"y must be integer labels \(n,\) or one-hot \(n, classes\); got shape \(2, 2, 2\)"):
        as_labels(np.zeros((2, 2, 2)), "y")


# ---------------------------------------------------------------- probabilities

def test_as_probabilities_keeps_probabilities_softmaxes_logits_refuses_percentages():
    probs = np.array([[0.2, 0.8], [0.5, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = as_probabilities(probs)
    assert out.dtype == np.float64 and out.tolist() == probs.tolist()
    with pytest.warns(UserWarning, match=r"logits do not look like probabilities .*applying softmax"):
        out = as_probabilities([[2.0, 0.0]], "logits")
    np.testing.assert_allclose(out, softmax(np.array([[2.0, 0.0]])))
    with pytest.raises(ValueError, match="probabilities look like percentages: .*divide by 100"):
        as_probabilities([[20.0, 80.0]])
    with pytest.raises(ValueError, match=r"probabilities must be a 2-D array \(n_samples, n_classes\); got shape \(2,\)"):
        as_probabilities([0.2, 0.8])
    assert as_probabilities(np.zeros((0, 10))).shape == (0, 10)


def test_nan_or_inf_probabilities_name_the_argument_and_the_first_bad_row():
    """Issue 14: NaN rows were argmax'ed to class 0 (confusion_matrix with 5 NaN rows of 300: 75.0 %, not 76.7 %)."""
    probs = np.tile([[0.1, 0.9], [0.8, 0.2]], (3, 1))
    probs[3] = [np.nan, np.nan]
    probs[5] = [np.inf, 0.0]
    with pytest.raises(ValueError, match=r"p holds NaN or inf values: row 3 is \[nan, nan\] \(2 such rows of 6\); "
                                         r"expected finite probabilities"):
        as_probabilities(probs, "p")
    with pytest.raises(ValueError, match=r"y_pred holds NaN or inf values: row 3 is \[nan, nan\] \(2 such rows of 6\)"):
        as_labels(probs, "y_pred", scores=True)
    wide = np.full((1, 47), 1 / 47)
    wide[0, 10] = np.nan
    with pytest.raises(ValueError, match=r"row 0 is \[0.021, 0.021, 0.021, 0.021, 0.021, 0.021, ...\] \(1 such row of 1\)"):
        as_probabilities(wide)
    with pytest.raises(ValueError, match="y_pred holds NaN or inf values: row 0"):
        as_labels([[0.2, -np.inf, 0.8]], "y_pred", scores=True)


def test_rows_in_0_1_not_summing_to_1_are_refused_not_softmaxed():
    """Issue 14: probabilities * 0.9 were 'treated as logits' (mean confidence 18 % instead of 88 %)."""
    probs = np.array([[0.1, 0.9], [0.8, 0.2], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"scaled rows do not sum to 1: row 0 sums to 0.9 \(3 such rows of 3\); "
                                         r"the values are within \[0, 1\], so they are not taken for logits .*"
                                         r"divide each row by its sum"):
        as_probabilities(probs * 0.9, "scaled")
    with pytest.raises(ValueError, match=r"probabilities rows do not sum to 1: row 1 sums to 0.6 \(1 such row of 3\)"):
        as_probabilities(np.array([[0.1, 0.9], [0.4, 0.2], [0.5, 0.5]]))
    fixed = probs * 0.9
    np.testing.assert_allclose(as_probabilities(fixed / fixed.sum(axis=1, keepdims=True)), probs)
    with pytest.warns(UserWarning, match=r"values -1..3, outside \[0, 1\]\); treating them as logits"):
        as_probabilities([[-1.0, 3.0]])


def test_softmax_is_stable_and_rows_sum_to_one():
    z = np.array([[1000.0, 1000.0, -1000.0], [1.0, 2.0, 3.0]])
    s = softmax(z)
    np.testing.assert_allclose(s.sum(axis=1), 1.0)
    np.testing.assert_allclose(s[0], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(s[1], np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum())


def test_outputs_to_probabilities_silently_from_softmax_logits_and_sigmoids():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probs = outputs_to_probabilities(np.array([[0.1, 0.9]]))
        logits = outputs_to_probabilities(np.array([[-1.0, 3.0]]))
        sigmoid_logit = outputs_to_probabilities(np.array([[0.0], [100.0]]))
        flat = outputs_to_probabilities(np.zeros((2, 1, 3)))
    assert probs.dtype == np.float32
    np.testing.assert_allclose(probs, [[0.1, 0.9]], rtol=1e-6)
    np.testing.assert_allclose(logits, softmax(np.array([[-1.0, 3.0]])), rtol=1e-6)
    np.testing.assert_allclose(sigmoid_logit, [[0.5, 0.5], [0.0, 1.0]], atol=1e-6)
    assert flat.shape == (2, 3)


@pytest.mark.parametrize("scores, logits", [
    ([[0.1, 0.9]], False),
    ([[-1e-7, 1.0000001]], False),        # float rounding around [0, 1]: still probabilities
    ([[-1e-5, 1.00001]], True),           # beyond it: logits
    ([[0.5, 0.6]], True),                 # a row summing to 1.1: a model's logits, refused from a user
    ([[0.4996, 0.5]], False),             # rows sum to 1 within 1e-3
    ([[1.5, -0.5]], True),                # sums to 1 but outside [0, 1]
    ([[-1.0, 3.0]], True),
    (np.zeros((0, 3)), False),
])
def test_model_outputs_and_user_arrays(scores, logits):
    """outputs_to_probabilities (a classifier's outputs) softmaxes what is not a distribution;
    as_probabilities (a user's array) warns and softmaxes values outside [0, 1] and refuses rows in
    [0, 1] that do not sum to 1."""
    scores = np.asarray(scores, dtype=np.float64)
    assert _arrays._looks_like_logits(scores) is logits
    silent = outputs_to_probabilities(scores)
    np.testing.assert_allclose(silent, softmax(scores) if logits and scores.size else scores, rtol=1e-6)
    outside = _arrays._outside_unit_interval(scores)
    if logits and not outside:
        with pytest.raises(ValueError, match="rows do not sum to 1"):
            as_probabilities(scores)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warned = as_probabilities(scores)
    assert bool(caught) is outside
    np.testing.assert_allclose(warned, silent, rtol=1e-6)


def test_model_outputs_keep_nan():
    out = outputs_to_probabilities(np.array([[np.nan, np.nan], [0.3, 0.7]]))
    assert np.isnan(out[0]).all() and out[1].tolist() == pytest.approx([0.3, 0.7])


def test_the_sigmoid_column_uses_the_same_tolerance():
    near = outputs_to_probabilities(np.array([[-1e-7], [1.0000001]]))  # not a logit: kept
    np.testing.assert_allclose(near, [[1.0, 0.0], [0.0, 1.0]], atol=1e-6)
    assert _arrays._outside_unit_interval(np.array([1.00001])) and not _arrays._outside_unit_interval(np.array([1.0]))
    assert not _arrays._outside_unit_interval(np.zeros(0))


# ---------------------------------------------------------------- images

def test_as_images_every_layout_and_errors():
    for x in (np.zeros((2, 784)), np.zeros((2, 28, 28)), np.zeros((2, 28, 28, 1))):
        assert as_images(x).shape == (2, 28, 28)
    with pytest.raises(ValueError, match=r"pixels must have shape \(n, 784\), \(n, 28, 28\) or \(n, 28, 28, 1\); got \(2, 30, 30\)"):
        as_images(np.zeros((2, 30, 30)), "pixels")
    with pytest.raises(TypeError, match=r"images must hold numbers \(pixel values, 0..1 floats or 0..255\)"):
        as_images(np.full((1, 784), "x"))


@pytest.mark.parametrize("x, scale", [
    (np.zeros((1, 28, 28), np.uint8), "0..255"),
    (np.array([0.0, 1.0000001]), "0..1"),
    (np.array([0, 1]), "0..1"),
    (np.array([0.0, 0.5, 255.0]), "0..255"),
    (np.array([0, 200], np.int64), "0..255"),
    (np.array([-1e-7, 0.5]), "0..1"),                                  # float rounding
    ((np.array([0.0, 1.0]) - 0.1307) / 0.3081, "standardized"),       # MNIST's mean and std
    (np.array([-1.0, 1.0]), "standardized"),                          # x * 2 - 1
    (np.array([-0.5, 250.0]), "standardized"),                        # per-pixel z-scores
    (np.zeros(0), "0..1"),
])
def test_image_scale_from_the_value_range(x, scale):
    assert image_scale(x) == scale


@pytest.mark.parametrize("x, message", [
    (np.array([0.0, 1e6]), r"pixels holds pixel values 0..1e\+06; expected 0..1, 0..255 or standardized values"),
    (np.array([0.0, 256.0]), "pixels holds pixel values 0..256; expected"),
    (np.array([-2000.0, 1.0]), r"pixels holds pixel values -2000..1; expected .* all within -1000..1000"),
    (np.array([[0.5, np.inf], [0.1, 0.2], [np.nan, 0]]),
     r"pixels holds NaN or inf pixel values: image 0 \(2 such images of 3\); expected finite pixels"),
])
def test_image_scale_refuses_anything_else_naming_the_argument(x, message):
    with pytest.raises(ValueError, match=message):
        image_scale(x, "pixels")


def test_display_images_rescales_standardized_digits_each_to_its_range():
    x = np.stack([np.linspace(0, 1, 784), np.linspace(0, 0.5, 784), np.zeros(784)])
    out, scale = display_images((x - 0.1307) / 0.3081)
    assert scale == "standardized" and out.shape == (3, 28, 28)
    np.testing.assert_allclose(out[0].ravel(), np.linspace(0, 1, 784), atol=1e-12)
    np.testing.assert_allclose(out[1].ravel(), np.linspace(0, 1, 784), atol=1e-12)  # its own range
    assert out[2].max() == 0.0  # a flat digit stays flat, no division by zero
    kept, scale = display_images(x * 255)
    assert scale == "0..255" and np.array_equal(kept.reshape(3, -1), x * 255)
    with pytest.raises(ValueError, match="digits holds pixel values 0..1e"):
        display_images(x * 1e6, "digits")


def test_to_uint8_images_scales_rounds_clips_or_says_none():
    x = np.array([0.0, 0.5, 1.0, 2.0] + [0.0] * 780, dtype=np.float32).reshape(1, 784) / 2  # max 1.0: a 0..1 scale
    out = to_uint8_images(x)
    assert out.dtype == np.uint8 and out.shape == (1, 28, 28) and out[0, 0, :4].tolist() == [0, 64, 128, 255]
    bytes_ = np.arange(784).reshape(1, 28, 28) % 300  # already 0..255-ish: rounded and clipped, not scaled
    assert to_uint8_images(bytes_.astype(float))[0].max() == 255
    u8 = np.full((1, 28, 28), 7, np.uint8)
    copied = to_uint8_images(u8)
    assert copied is not u8 and copied.tolist() == u8.tolist()
    assert to_uint8_images(np.zeros((3, 10))) is None and to_uint8_images(np.zeros(0)) is None
    with_nan = to_uint8_images(np.array([[np.nan] + [0.5] * 783]))
    assert with_nan[0, 0, 0] == 0 and with_nan[0, 0, 1] == 128  # NaN -> 0, the rest on the 0..1 scale


def test_pixel_scale_one_answer_for_0_1_or_0_255():
    assert pixel_scale(np.zeros((2, 28, 28), np.uint8)) == 255.0          # uint8: always 255
    assert pixel_scale(np.zeros(0, np.uint8)) == 255.0
    assert pixel_scale(np.full((28, 28), 0.5)) == 1.0
    assert pixel_scale(np.ones(3, np.float32)) == 1.0 and pixel_scale(np.array([1.0000001])) == 1.0  # rounding
    assert pixel_scale(np.array([1.001])) == 255.0 and pixel_scale(np.array([0.0, 255.0])) == 255.0
    assert pixel_scale(np.array([0, 1])) == 1.0 and pixel_scale(np.array([0, 200], np.int64)) == 255.0
    assert pixel_scale(np.zeros(0)) == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "All-NaN slice" warning
        assert pixel_scale(np.array([np.nan, np.nan])) == 1.0
        assert pixel_scale(np.array([np.nan, 0.5])) == 1.0 and pixel_scale(np.array([np.nan, 9.0])) == 255.0
    assert pixel_scale([[0.0, 0.25]]) == 1.0  # lists too


def test_to_uint8_images_rescales_standardized_digits_each_to_its_range():
    """A recorded standardized test set keeps visible digits (it was clipped to 0..3 of 255: blank tiles)."""
    x = np.stack([np.linspace(0, 1, 784), np.linspace(0, 0.5, 784)])
    out = to_uint8_images((x - 0.1307) / 0.3081)
    assert out.dtype == np.uint8 and out.shape == (2, 28, 28)
    expected = np.rint(np.linspace(0, 1, 784) * 255).astype(np.uint8)
    np.testing.assert_array_equal(out[0].ravel(), expected)
    np.testing.assert_array_equal(out[1].ravel(), expected)
    far = to_uint8_images(np.array([[-5000.0] + [0.0] * 783]))  # beyond the limit: clipped as before
    assert far.max() == 0


def test_to_uint8_images_follows_pixel_scale():
    for x in (np.full((1, 784), 0.5), np.full((1, 784), 0.5, np.float32), np.full((1, 784), 200.0),
              np.full((1, 784), 7, np.uint8), np.array([[0, 1] * 392]), np.array([[1.0000001] * 784])):
        scale = pixel_scale(x)
        expected = np.clip(np.rint(x.astype(np.float32) * np.float32(255.0 / scale)), 0, 255).astype(np.uint8)
        np.testing.assert_array_equal(to_uint8_images(x).reshape(1, -1), expected)


# ---------------------------------------------------------------- integers and lengths

def test_positive_int_and_check_same_length():
    assert positive_int(np.int64(3), "k") == 3 and type(positive_int(np.int64(3), "k")) is int
    assert positive_int(0, "k", minimum=0) == 0
    for bad in (0, -2, 2.0, True, "3", None):
        with pytest.raises(ValueError, match=r"k must be an integer >= 1; got "):
            positive_int(bad, "k")
    with pytest.raises(ValueError, match="ncols must be an integer <= 10; got 11"):
        positive_int(11, "ncols", maximum=10)
    assert check_same_length(a=[1, 2], b=np.zeros((2, 5))) == 2
    assert check_same_length() == 0
    with pytest.raises(ValueError, match="mismatched lengths: images has 3 rows, y_true has 2 rows"):
        check_same_length(images=np.zeros((3, 784)), y_true=[0, 1])
