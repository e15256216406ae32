"""mnist_viz.plots._inputs: class names and counts, label pairs, digits with their predictions, and the
sources of the model views (a live keras.Model or a Run's features); errors name the argument.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402


def test_two_d_true_labels_must_be_one_hot(preds):
    """A 2-D y_true / labels that is not one-hot (probabilities, smoothed labels) is an error, not an
    argmax; a 2-D y_pred is scores and keeps its argmax."""
    images, labels, probs = preds
    with pytest.raises(ValueError, match=r"y_true is 2-D \(300, 10\) but not one-hot: row 0 is \[.*\] "
                                         r"\(300 such rows\); expected integer labels \(n,\) or one-hot rows"):
        mp.confusion_matrix(probs, labels)
    smoothed = np.eye(10)[labels] * 0.9 + 0.01
    with pytest.raises(ValueError, match="y_true is 2-D .* but not one-hot"):
        mp.calibration(smoothed, probs)
    with pytest.raises(ValueError, match="y_true is 2-D .* but not one-hot"):
        mp.topk_grid(images, smoothed, probs)
    with pytest.raises(ValueError, match="y_true is 2-D .* but not one-hot"):
        mp.class_metrics(smoothed, probs)
    # one-hot (ints, floats or bools) is accepted everywhere
    for one_hot in (np.eye(10, dtype=int)[labels], np.eye(10)[labels], np.eye(10, dtype=bool)[labels]):
        assert gd.texts(mp.confusion_matrix(one_hot, probs), "cell") == gd.texts(mp.confusion_matrix(labels, probs), "cell")


def test_class_names_for_cuts_or_pads_to_the_class_count():
    from mnist_viz.plots._inputs import class_names_for

    assert class_names_for(["zero", "one"], 4) == ["zero", "one", "2", "3"]
    assert class_names_for(list("abcdef"), 3) == ["a", "b", "c"]
    assert class_names_for([0, 1], 2) == ["0", "1"] and class_names_for(None, 0) == []
    assert class_names_for([], 3) == ["0", "1", "2"] and class_names_for(list("abcd"), 2) == ["a", "b"]


def test_class_names_and_count_in_order_of_precedence():
    from mnist_viz.plots._inputs import class_names_and_count

    assert class_names_and_count(None, 4, np.zeros((2, 3))) == (None, 4)
    assert class_names_and_count(["a", 1], None, np.zeros((2, 3))) == (["a", "1"], 2)
    assert class_names_and_count(None, None, [0, 1], np.eye(3)[[0, 1]]) == (None, 3)
    assert class_names_and_count(None, None, [0, 1], None) == (None, None)
    assert class_names_and_count(None, None, np.zeros((2, 1))) == (None, None)  # one column is labels
    with pytest.raises(ValueError, match="class_names must name at least one class; got an empty list"):
        class_names_and_count([], None)
    with pytest.raises(ValueError, match="n_classes must be an integer >= 1; got 2.5"):
        class_names_and_count(None, 2.5)
    with pytest.raises(ValueError, match="class_names has 2 names, n_classes is 3"):
        class_names_and_count(["a", "b"], 3)
    # the plots that take class names say the same
    with pytest.raises(ValueError, match="class_names must name at least one class"):
        mp.embedding(np.zeros((2, 3)), [0, 1], class_names=[])


def test_label_pair_counts_classes_and_names_them():
    from mnist_viz.plots._inputs import label_pair

    yt, yp, n, names = label_pair(np.eye(3)[[0, 2]], [0, 1], None)
    assert yt.tolist() == [0, 2] and yp.tolist() == [0, 1] and n == 3 and names == ["0", "1", "2"]
    yt, yp, n, names = label_pair([0, 4], [1, 1], None)  # no other clue: the largest label + 1
    assert n == 5 and names == ["0", "1", "2", "3", "4"]
    _yt, _yp, n, names = label_pair([0], [0], ("cat", "dog"))
    assert n == 2 and names == ["cat", "dog"]
    _yt, _yp, n, _names = label_pair([], [], None)
    assert n == 0
    with pytest.raises(ValueError, match="mismatched lengths: y_true has 2 rows, probabilities has 1 rows"):
        label_pair([0, 1], [[0.5, 0.5]], None, pred_name="probabilities")


def test_digit_predictions_checks_the_three_against_each_other(preds):
    from mnist_viz.plots._inputs import digit_predictions

    images, labels, probs = preds
    imgs, y, p, names, note = digit_predictions(images.reshape(-1, 784), np.eye(10)[labels], probs, None)
    assert imgs.shape == (300, 28, 28) and p.shape == (300, 10) and y.tolist() == labels.tolist() and note == ""
    np.testing.assert_array_equal(imgs, images.reshape(-1, 28, 28))  # 0..1 or 0..255: drawn as they are
    assert names == [str(i) for i in range(10)]
    with pytest.raises(ValueError, match=r"y_true has shape \(300, 10\) and probabilities \(300,\): the two look "
                                         r"swapped; the order is \(images, y_true, probabilities\)"):
        digit_predictions(images, probs, labels, None)
    with pytest.raises(ValueError, match="class_names has 2 names, probabilities has 10 columns"):
        digit_predictions(images, labels, probs, ["a", "b"])
    _i, _y, _p, names, _note = digit_predictions(np.zeros((0, 784)), [], np.zeros((0, 10)), None)
    assert names == [str(i) for i in range(10)]


def test_model_sources_told_apart_without_importing_keras():
    from types import SimpleNamespace

    from mnist_viz.plots._inputs import is_keras_model, run_features
    from mnist_viz.run_format import Features

    fake = type("Sequential", (), {"__module__": "keras.src.models.sequential"})
    sub = type("MyNet", (fake,), {"__module__": "__main__"})
    assert is_keras_model(fake()) and is_keras_model(sub())  # a subclass of a Keras model too
    assert not is_keras_model(type("Sequential", (), {"__module__": "mylib"})())
    assert not is_keras_model({"conv1": np.zeros((26, 26, 2))}) and not is_keras_model(np.zeros(3))
    feats = Features(first_layer_kind="dense", first_layer_kernel=np.zeros((784, 2)))
    assert run_features(SimpleNamespace(features=feats)) is feats
    from_npz = run_features(SimpleNamespace(features={"activations__c": np.zeros((1, 5, 5, 2))}))
    assert isinstance(from_npz, Features) and list(from_npz.activations) == ["c"]
    assert run_features(SimpleNamespace(features=None)) is None and run_features(np.zeros(3)) is None


def test_is_keras_model_imports_no_keras():
    import subprocess
    import sys

    code = ("import sys, numpy as np\nfrom mnist_viz.plots._inputs import is_keras_model\n"
            "is_keras_model(np.zeros(3)); is_keras_model({})\nprint('keras' in sys.modules, 'tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_nan_probabilities_are_an_error_naming_the_argument_and_row_in_every_plot(preds):
    """Issue 14: confusion_matrix(y, p) with 5 NaN rows of 300 reported 75.0 % (NaN rows became class 0)."""
    images, labels, probs = preds
    bad = probs.copy()
    bad[[7, 20, 33, 46, 59]] = np.nan
    for draw, name in ((lambda: mp.confusion_matrix(labels, bad), "y_pred"),
                       (lambda: mp.class_metrics(labels, bad), "y_pred"),
                       (lambda: mp.calibration(labels, bad), "probabilities"),
                       (lambda: mp.topk_grid(images, labels, bad), "probabilities"),
                       (lambda: mp.misclassified(images, labels, bad), "probabilities"),
                       (lambda: mp.confused_pairs(images, labels, bad), "probabilities")):
        with pytest.raises(ValueError, match=rf"^{name} holds NaN or inf values: row 7 is \[nan, .*\] "
                                             r"\(5 such rows of 300\); expected finite"):
            draw()


def test_scaled_probabilities_are_an_error_not_softmaxed(preds):
    """Issue 14: probabilities * 0.9 were softmaxed as logits (mean confidence 18 % instead of 88 %)."""
    images, labels, probs = preds
    for draw in (lambda: mp.calibration(labels, probs * 0.9), lambda: mp.topk_grid(images, labels, probs * 0.9),
                 lambda: mp.misclassified(images, labels, probs * 0.9)):
        with pytest.raises(ValueError, match=r"^probabilities rows do not sum to 1: row 0 sums to 0.9 "
                                             r"\(300 such rows of 300\); the values are within \[0, 1\]"):
            draw()


def _digit_pixels(fig):
    """The RGBA pixels of a digit grid's mosaic, as drawn."""
    fig.canvas.draw()
    return np.asarray(fig.axes[0].images[0].get_array())


def test_standardized_images_are_rescaled_per_digit_and_the_alt_text_says_so(preds):
    """Issue 14: (x/255 - 0.1307)/0.3081 images were drawn as blank tiles."""
    images, labels, probs = preds
    x = images.reshape(-1, 784).astype(float)
    x = x / x.max()  # 0..1
    standardized = (x - 0.1307) / 0.3081
    for draw in (mp.topk_grid, mp.misclassified, mp.confused_pairs):
        fig = draw(standardized, labels, probs)
        assert "The pixels are standardized (negative values): each digit is rescaled to its own range for " \
               "display." in mp.alt_text(fig)
        assert "standardized" not in mp.alt_text(draw(x, labels, probs))
    fig_std, fig_01 = mp.topk_grid(standardized, labels, probs, n=4), mp.topk_grid(x, labels, probs, n=4)
    drawn, reference = _digit_pixels(fig_std), _digit_pixels(fig_01)
    assert len(np.unique(drawn[..., 0])) > 10  # not blank
    from mnist_viz.plots._inputs import digit_predictions

    rescaled = digit_predictions(standardized, labels, probs, None)[0]
    per_digit = (x.reshape(-1, 28, 28) - x.reshape(-1, 784).min(1)[:, None, None])
    per_digit = per_digit / per_digit.reshape(len(x), -1).max(1)[:, None, None]
    np.testing.assert_allclose(rescaled, per_digit, atol=1e-9)
    assert drawn.shape == reference.shape


def test_images_of_no_known_scale_are_an_error_naming_the_argument(preds):
    images, labels, probs = preds
    x = images.reshape(-1, 784).astype(float)
    for bad, shown in ((x / x.max() * 1e6, r"0..1e\+06"), (x / x.max() * 300, "0..300"),
                       ((x / x.max() - 0.5) * 1e4, "-5000..5000")):
        for draw in (mp.topk_grid, mp.misclassified, mp.confused_pairs):
            with pytest.raises(ValueError, match=rf"^images holds pixel values {shown}; expected 0..1, 0..255 or "
                                                 r"standardized values \(some negative, all within -1000..1000"):
                draw(bad, labels, probs)
    with_nan = x.copy()
    with_nan[4, 100] = np.nan
    with pytest.raises(ValueError, match=r"^images holds NaN or inf pixel values: image 4 \(1 such image of 300\)"):
        mp.topk_grid(with_nan, labels, probs)
