"""Behaviour of the classifier/prediction plots and training curves, tested on the artists (tick
labels, texts, colours, data) as scikit-learn and seaborn do; pixels are test_gallery's job.
Also the bad-input list of issue 4: each error names the argument, what was expected and what came.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import subprocess  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.metrics import confusion_matrix as sk_cm  # noqa: E402
from sklearn.metrics import precision_recall_fscore_support  # noqa: E402

import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402
from mnist_viz.plots._style import CORRECT_COLOR, WRONG_COLOR  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def preds():
    return gd.predictions(300)


def _texts(ax, gid=None):
    return [t.get_text() for t in ax.texts if gid is None or t.get_gid() == gid]


def _lines(fig, gid):
    return [ln for ax in fig.axes for ln in ax.lines if ln.get_gid() == gid]


# ---------------------------------------------------------------- package-level contracts

def test_import_plots_does_not_import_tensorflow_nor_touch_rcparams():
    code = (
        "import sys, matplotlib\n"
        "before = dict(matplotlib.rcParams)\n"
        "import mnist_viz.plots as mp\n"
        "after = dict(matplotlib.rcParams)\n"
        "changed = sorted(k for k in before if before[k] != after[k])\n"
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules), changed)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"


def test_every_public_function_is_exported_and_documented_with_an_example():
    expected = {"training_curves", "confusion_matrix", "class_metrics", "calibration", "topk_grid",
                "misclassified", "confused_pairs", "activations", "dense_weights", "filters", "embedding",
                "weight_evolution", "prediction_evolution", "alt_text"}
    assert expected <= set(mp.__all__)
    for name in expected:
        doc = getattr(mp, name).__doc__ or ""
        assert ">>>" in doc, f"{name} has no runnable docstring example"


def test_style_is_applied_inside_the_call_only(preds):
    _i, probs, labels = preds
    before = matplotlib.rcParams["font.size"]
    ax = mp.confusion_matrix(labels, probs)
    assert matplotlib.rcParams["font.size"] == before
    assert ax.title.get_fontsize() == 10  # axes.titlesize of the project's style file


def test_ax_none_never_draws_on_the_current_figure(preds):
    _i, probs, labels = preds
    current = plt.figure()
    figs = [mp.confusion_matrix(labels, probs).figure, mp.class_metrics(labels, probs).figure,
            mp.calibration(labels, probs).figure, mp.training_curves(gd.history())]
    assert all(f is not current for f in figs)
    assert current.axes == []


def test_given_ax_is_used(preds):
    _i, probs, labels = preds
    fig, axes = plt.subplots(1, 3)
    assert mp.confusion_matrix(labels, probs, ax=axes[0]) is axes[0]
    assert mp.class_metrics(labels, probs, ax=axes[1]) is axes[1]
    assert mp.calibration(labels, probs, ax=axes[2]) is axes[2]


def test_every_function_sets_alt_text(preds):
    images, probs, labels = preds
    outs = [mp.training_curves(gd.history()), mp.confusion_matrix(labels, probs), mp.class_metrics(labels, probs),
            mp.calibration(labels, probs), mp.topk_grid(images, labels, probs), mp.misclassified(images, labels, probs),
            mp.confused_pairs(images, labels, probs)]
    for out in outs:
        assert len(mp.alt_text(out)) > 20


# ---------------------------------------------------------------- training_curves

def test_training_curves_accepts_history_dict_dataframe_and_run():
    h = gd.history(5)
    keras_like = SimpleNamespace(history=h)  # keras.callbacks.History duck type
    frame = pd.DataFrame(h)
    run_like = SimpleNamespace(history=frame.assign(epoch=range(5)), batches=None)
    for source in (h, keras_like, frame, run_like):
        fig = mp.training_curves(source)
        assert [a.get_title() for a in fig.axes if a.get_visible()] == ["loss", "accuracy", "learning rate"]
        loss_ax = fig.axes[0]
        train = [ln for ln in loss_ax.lines if ln.get_label() == "train"][0]
        np.testing.assert_allclose(train.get_xdata(), np.arange(1, 6))
        np.testing.assert_allclose(train.get_ydata(), h["loss"])


def test_training_curves_metrics_selection_and_unknown_metric():
    fig = mp.training_curves(gd.history(), metrics=["accuracy"])
    assert [a.get_title() for a in fig.axes if a.get_visible()] == ["accuracy", "learning rate"]
    with pytest.raises(ValueError, match=r"metrics \['f1'\] not found in history; it has \['loss', 'accuracy'\]"):
        mp.training_curves(gd.history(), metrics=["f1"])


def test_training_curves_marks_best_epoch_min_val_loss_else_max_val_accuracy():
    h = gd.history(8)
    fig = mp.training_curves(h)
    best = int(np.argmin(h["val_loss"])) + 1
    marks = _lines(fig, "best_epoch")
    assert len(marks) == 2 and all(m.get_xdata()[0] == best for m in marks)
    assert f"best epoch {best}" in mp.alt_text(fig)
    fig = mp.training_curves({"accuracy": [0.5, 0.9, 0.8], "val_accuracy": [0.4, 0.7, 0.85]})
    assert _lines(fig, "best_epoch")[0].get_xdata()[0] == 3


def test_training_curves_per_batch_overlay_in_fractional_epochs():
    run = gd.run_with_batches(epochs=3, steps=10)
    fig = mp.training_curves(run, per_batch=True)
    overlay = _lines(fig, "per_batch")
    assert len(overlay) == 2  # loss and accuracy
    x = overlay[0].get_xdata()
    np.testing.assert_allclose(x[:3], [0.1, 0.2, 0.3])
    assert x[-1] == pytest.approx(3.0)
    np.testing.assert_allclose(overlay[0].get_ydata(), run.batches["loss_batch"])


def test_training_curves_per_batch_needs_batches():
    with pytest.raises(ValueError, match="per_batch=True needs per-batch records"):
        mp.training_curves(gd.history(), per_batch=True)


def test_learning_rate_panel_only_when_recorded():
    h = {k: v for k, v in gd.history().items() if k != "learning_rate"}
    assert "learning rate" not in [a.get_title() for a in mp.training_curves(h).axes]
    fig = mp.training_curves(gd.history())
    lr_ax = [a for a in fig.axes if a.get_title() == "learning rate"][0]
    np.testing.assert_allclose(lr_ax.lines[0].get_ydata(), gd.history()["learning_rate"])


def test_nan_and_inf_are_gaps_with_markers_not_crashes():
    fig = mp.training_curves({"loss": [1.0, np.nan, 0.5, np.inf, 0.3], "val_loss": [1.1, 0.9, np.nan, 0.6, 0.5]})
    ax = fig.axes[0]
    train = [ln for ln in ax.lines if ln.get_label() == "train"][0]
    assert np.isnan(train.get_ydata()[[1, 3]]).all()  # gaps
    marks = _lines(fig, "nonfinite")
    assert sorted(x for m in marks for x in m.get_xdata()) == [2, 3, 4]
    assert all(m.get_marker() == "x" for m in marks)
    # as documented (curves.py Notes, gallery/README.md): each marker in its own series' colour
    series = {ln.get_label(): ln.get_color() for ln in ax.lines if ln.get_label() in ("train", "validation")}
    assert {m.get_label(): m.get_color() for m in marks} == {
        "train: NaN/inf (gap)": series["train"], "validation: NaN/inf (gap)": series["validation"]}
    assert series["train"] != series["validation"]
    assert "3 NaN/inf values shown as gaps" in mp.alt_text(fig)


def test_single_epoch_draws_visible_markers():
    fig = mp.training_curves({"loss": [0.5], "val_loss": [0.6]})
    for ln in fig.axes[0].lines:
        if ln.get_label() in ("train", "validation"):
            assert ln.get_marker() == "o" and ln.get_markersize() > 0
    lo, hi = fig.axes[0].get_xlim()
    assert lo < 1 < hi


def test_empty_history_gives_a_message():
    fig = mp.training_curves({"loss": []})
    assert "No training history" in " ".join(_texts(fig.axes[0]))
    fig = mp.training_curves(pd.DataFrame())
    assert "0 epochs" in mp.alt_text(fig)


def test_training_curves_bad_input():
    with pytest.raises(TypeError, match="history must be a Keras History, a dict of lists, a pandas DataFrame or a Run; got list"):
        mp.training_curves([0.1, 0.2])
    with pytest.raises(TypeError, match=r"history\['loss'\] must be a list of numbers \(one per epoch\); got \['a', 'b'\]"):
        mp.training_curves({"loss": ["a", "b"]})
    with pytest.raises(TypeError, match=r"history.history\['val_loss'\] must be a list of numbers"):
        mp.training_curves(SimpleNamespace(history={"loss": [0.5, 0.4], "val_loss": [0.6, "high"]}))
    with pytest.raises(ValueError, match=r"ax must hold one Axes per panel \(3 needed"):
        mp.training_curves(gd.history(), ax=plt.subplots()[1])


# ---------------------------------------------------------------- confusion_matrix

def test_confusion_matrix_counts_margins_and_ticks(preds):
    _i, probs, labels = preds
    pred = probs.argmax(1)
    ax = mp.confusion_matrix(labels, pred)
    cm = sk_cm(labels, pred, labels=range(10))
    assert _texts(ax, "cell") == [str(v) for v in cm.ravel()]
    recall = np.diag(cm) / cm.sum(1)
    precision = np.diag(cm) / cm.sum(0)
    assert _texts(ax, "recall") == [f"{r:.0%}" for r in recall]
    assert _texts(ax, "precision") == [f"{p:.0%}" for p in precision]
    assert _texts(ax, "accuracy") == [f"{np.mean(pred == labels):.0%}"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(i) for i in range(10)] + ["recall"]
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(i) for i in range(10)] + ["precision"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert ax.images[0].get_cmap().name == "viridis"
    assert len(ax.figure.axes) == 2  # the colorbar


def test_confusion_matrix_takes_probabilities_one_hot_and_names(preds):
    _i, probs, labels = preds
    names = list("abcdefghij")
    a = mp.confusion_matrix(np.eye(10)[labels], probs, class_names=names, cmap="cividis")
    b = mp.confusion_matrix(labels, probs.argmax(1))
    assert _texts(a, "cell") == _texts(b, "cell")
    assert [t.get_text() for t in a.get_xticklabels()][:10] == names
    assert a.images[0].get_cmap().name == "cividis"


def test_confusion_matrix_normalize_true_and_pred(preds):
    _i, probs, labels = preds
    ax = mp.confusion_matrix(labels, probs, normalize="true", margins=False)
    arr = ax.images[0].get_array()
    np.testing.assert_allclose(arr.sum(axis=1), 1.0)
    assert all(len(t.split(".")[1]) == 2 for t in _texts(ax, "cell"))
    ax = mp.confusion_matrix(labels, probs, normalize="pred", values_format=".1f")
    np.testing.assert_allclose(ax.images[0].get_array().sum(axis=0), 1.0)
    assert _texts(ax, "cell")[0].count(".") == 1 and len(_texts(ax, "cell")[0].split(".")[1]) == 1


def test_confusion_matrix_text_contrasts_with_cell():
    ax = mp.confusion_matrix([0] * 50 + [1], [0] * 50 + [0], margins=False)
    cells = [t for t in ax.texts if t.get_gid() == "cell"]
    assert mcolors.to_hex(cells[0].get_color()) == "#000000"  # 50 on yellow
    assert mcolors.to_hex(cells[1].get_color()) == "#ffffff"  # 0 on dark purple


def test_confusion_matrix_at_47_classes_drops_cell_text_keeps_readable_margins():
    y, probs, names = gd.many_class_predictions(1500)
    pred = probs.argmax(1)
    ax = mp.confusion_matrix(y, probs, class_names=names)
    assert _texts(ax, "cell") == []
    cm = sk_cm(y, pred, labels=range(47))
    # the margins keep their values, as bare percentages in small type; the tick labels say "%"
    assert _texts(ax, "recall") == [f"{100 * r:.0f}" for r in np.diag(cm) / cm.sum(1)]
    assert _texts(ax, "precision") == [f"{100 * p:.0f}" for p in np.diag(cm) / cm.sum(0)]
    assert _texts(ax, "accuracy") == [f"{100 * np.mean(pred == y):.0f}"]
    assert all(t.get_fontsize() >= 6.5 for t in ax.texts)
    assert ax.get_xticklabels()[-1].get_text() == "recall %" and ax.get_yticklabels()[-1].get_text() == "precision %"
    assert len(ax.get_xticklabels()) == 48
    # two colorbars: counts for the matrix, 0-100 % for the margins (not one that reads counts only)
    assert len(ax.figure.axes) == 3
    labels = sorted(a.get_ylabel() for a in ax.figure.axes[1:])
    assert labels == ["count", "margins: recall / precision"]
    margin_cb = [a for a in ax.figure.axes[1:] if a.get_ylabel().startswith("margins")][0]
    assert margin_cb.get_ylim() == (0.0, 1.0)
    assert "over 47 classes" in mp.alt_text(ax)


def test_confusion_matrix_margin_colorbar_only_where_counts_would_mislead(preds):
    _i, probs, labels = preds
    assert len(mp.confusion_matrix(labels, probs).figure.axes) == 2  # 10 classes: values written, as before
    y, p47, names = gd.many_class_predictions(600)
    assert len(mp.confusion_matrix(y, p47, normalize="true").figure.axes) == 2  # fraction bar: same 0..1 scale
    assert len(mp.confusion_matrix(y, p47, margins=False).figure.axes) == 2


def test_confusion_matrix_n_classes_catches_out_of_range_labels():
    with pytest.raises(ValueError, match=r"y_pred holds label 12, out of range for 10 classes \(0..9\)"):
        mp.confusion_matrix([0, 1, 2], [0, 1, 12], n_classes=10)
    with pytest.raises(ValueError, match=r"y_true holds label 10, out of range for 10 classes"):
        mp.class_metrics([0, 10], [0, 1], n_classes=10)
    with pytest.raises(ValueError, match="n_classes must be an integer >= 1; got 0"):
        mp.confusion_matrix([0], [0], n_classes=0)
    with pytest.raises(ValueError, match="class_names has 3 names, n_classes is 4"):
        mp.confusion_matrix([0], [0], n_classes=4, class_names=list("abc"))
    # without n_classes a stray label widens the matrix (the documented fallback); with it, 10 classes
    ax = mp.confusion_matrix([0, 1], [0, 1], n_classes=10)
    assert len(ax.get_xticklabels()) == 11


def test_confusion_matrix_alt_text():
    ax = mp.confusion_matrix([4, 4, 1, 9], [9, 4, 1, 9])
    assert mp.alt_text(ax) == ("Confusion matrix of 4 predictions over 10 classes; accuracy 75.0%; "
                               "most confused: true 4 → pred 9 (1).")


def test_confusion_matrix_bad_input():
    with pytest.raises(ValueError, match="mismatched lengths: y_true has 3 rows, y_pred has 2 rows"):
        mp.confusion_matrix([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="y_pred holds label 5, out of range for 3 classes"):
        mp.confusion_matrix([0, 1, 2], [0, 1, 5], class_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="y_true holds a negative label"):
        mp.confusion_matrix([0, -1], [0, 1])
    with pytest.raises(TypeError, match="y_true must hold integer class labels; got dtype float64"):
        mp.confusion_matrix([0.5, 1.0], [0, 1])
    with pytest.raises(ValueError, match="normalize must be None, 'true', 'pred' or 'all'; got 'rows'"):
        mp.confusion_matrix([0, 1], [0, 1], normalize="rows")
    with pytest.raises(ValueError, match=r"y_pred has 10 columns \(one per class\), expected 3"):
        mp.confusion_matrix(np.eye(3)[[0, 1]], np.eye(10)[[0, 1]])


def test_confusion_matrix_empty_gives_a_message():
    ax = mp.confusion_matrix([], [], class_names=["a", "b"])
    assert _texts(ax) == ["No predictions to plot."]


# ---------------------------------------------------------------- class_metrics

def test_class_metrics_bars_match_sklearn(preds):
    _i, probs, labels = preds
    ax = mp.class_metrics(labels, probs)
    p, r, f, s = precision_recall_fscore_support(labels, probs.argmax(1), labels=range(10), zero_division=0)
    heights = np.array([b.get_height() for b in ax.patches]).reshape(3, 10)
    np.testing.assert_allclose(heights, [p, r, f])
    assert [t.get_text() for t in ax.get_xticklabels()][0] == f"0\nn={s[0]}"
    assert [t.get_text() for t in ax.get_legend().get_texts()][:3] == ["precision", "recall", "F1"]


def test_class_metrics_table_kind(preds):
    _i, probs, labels = preds
    ax = mp.class_metrics(labels, probs, kind="table", class_names=list("abcdefghij"))
    p, r, f, s = precision_recall_fscore_support(labels, probs.argmax(1), labels=range(10), zero_division=0)
    np.testing.assert_allclose(ax.images[0].get_array(), np.column_stack([p, r, f]))
    assert _texts(ax)[3] == f"{s[0]:,}"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["precision", "recall", "F1", "support"]
    with pytest.raises(ValueError, match="kind must be 'bars' or 'table'; got 'pie'"):
        mp.class_metrics(labels, probs, kind="pie")


# ---------------------------------------------------------------- calibration

def test_expected_calibration_error_hand_value():
    # bins of width 0.25: conf 0.9 (right), 0.8 (wrong) -> bin (0.75, 1]: acc 0.5, conf 0.85
    #                     conf 0.6 (right), 0.55 (right) -> bin (0.5, 0.75]: acc 1.0, conf 0.575
    y = [0, 1, 0, 1]
    p = [[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.45, 0.55]]
    expected = 0.5 * abs(0.5 - 0.85) + 0.5 * abs(1.0 - 0.575)
    assert mp.expected_calibration_error(y, p, n_bins=4) == pytest.approx(expected)  # 0.3875
    ax = mp.calibration(y, p, n_bins=4)
    assert ax.get_title() == "Reliability diagram (ECE = 0.388)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "gap: overconfident" in legend and "gap: underconfident" in legend


def test_calibration_gaps_stay_distinct_when_accuracy_is_above_confidence():
    """Overconfident gap: an opaque pale block above the bar; underconfident gap (accuracy above
    confidence): only a vermillion hatch over the bar's top, so the blue bar still reads up to its
    accuracy. No see-through fill (the report's 128-colour palette turned one into a grey block)."""
    y = [0, 1, 0, 1]
    p = [[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.45, 0.55]]  # bin (0.75, 1]: over; (0.5, 0.75]: under
    ax = mp.calibration(y, p, n_bins=4)
    gaps = sorted((b for b in ax.patches if b.get_gid() == "gap"), key=lambda b: b.get_x())
    under, over = gaps
    assert under.get_x() == pytest.approx(0.5) and over.get_x() == pytest.approx(0.75)
    assert under.get_y() == pytest.approx(0.575) and under.get_height() == pytest.approx(0.425)
    assert over.get_y() == pytest.approx(0.5) and over.get_height() == pytest.approx(0.35)
    assert under.get_facecolor()[3] == 0 and under.get_hatch()  # hatch only: the bar shows through
    assert over.get_facecolor()[3] == 1 and over.get_hatch()    # opaque block
    assert mcolors.to_hex(under.get_edgecolor()) == mcolors.to_hex(over.get_edgecolor()) == WRONG_COLOR.lower()
    assert under.get_hatch() != over.get_hatch()
    acc_bars = sorted((b for b in ax.patches if b.get_gid() == "accuracy"), key=lambda b: b.get_x())
    assert acc_bars[0].get_height() == pytest.approx(1.0) and acc_bars[0].get_zorder() <= under.get_zorder()


def test_calibration_bars_and_histogram(preds):
    _i, probs, labels = preds
    ax = mp.calibration(labels, probs, n_bins=10)
    hist = [a for a in ax.child_axes if a.get_gid() == "confidence_histogram"][0]
    assert sum(b.get_height() for b in hist.patches) == len(labels)
    conf = probs.max(1)
    top = conf > 0.9
    acc_bars = [b for b in ax.patches if b.get_gid() == "accuracy"]
    assert acc_bars[-1].get_x() == pytest.approx(0.9)
    assert acc_bars[-1].get_height() == pytest.approx(np.mean(probs[top].argmax(1) == labels[top]))
    gaps = sorted((b for b in ax.patches if b.get_gid() == "gap"), key=lambda b: b.get_x())
    assert gaps[-1].get_height() == pytest.approx(abs(conf[top].mean() - acc_bars[-1].get_height()))


def test_calibration_logits_warn_and_softmax():
    logits = np.array([[3.0, -1.0], [0.5, 2.0]])
    with pytest.warns(UserWarning, match="treating them as logits and applying softmax"):
        ax = mp.calibration([0, 1], logits)
    assert "ECE" in ax.get_title()


def test_calibration_bad_input():
    with pytest.raises(ValueError, match="n_bins must be an integer >= 1; got 0"):
        mp.calibration([0], [[1.0, 0.0]], n_bins=0)
    with pytest.raises(ValueError, match="probabilities must be a 2-D array"):
        mp.calibration([0, 1], [0.2, 0.8])
    with pytest.raises(ValueError, match="mismatched lengths: y_true has 3 rows, probabilities has 2 rows"):
        mp.calibration([0, 1, 1], [[0.2, 0.8], [0.5, 0.5]])
    with pytest.raises(ValueError, match="y_true holds label 2, out of range for 2 classes"):
        mp.calibration([0, 2], [[0.2, 0.8], [0.5, 0.5]])
    with pytest.raises(TypeError, match="probabilities must hold numbers .*; got dtype <U"):
        mp.calibration([0, 1], [["a", "b"], ["c", "d"]])


def test_probabilities_in_percent_are_refused_with_a_fix(preds):
    """Rows summing to ~100 are not logits: no softmax, no 'logits' warning, but an error that says
    to divide by 100."""
    images, probs, labels = preds
    percent = 100 * probs
    for draw in (lambda: mp.calibration(labels, percent), lambda: mp.topk_grid(images, labels, percent),
                 lambda: mp.misclassified(images, labels, percent)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # in particular no "treating them as logits"
            with pytest.raises(ValueError, match=r"probabilities look like percentages: .* rows sum to 100.*"
                                                 r"expected probabilities in 0..1 \(rows summing to 1\): divide by 100"):
                draw()
    ax = mp.calibration(labels, percent / 100)  # the fix works
    assert "ECE" in ax.get_title()


def test_two_d_true_labels_must_be_one_hot(preds):
    """A 2-D y_true / labels that is not one-hot (probabilities, smoothed labels) is an error, not an
    argmax; a 2-D y_pred is scores and keeps its argmax."""
    images, probs, labels = preds
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
        assert _texts(mp.confusion_matrix(one_hot, probs), "cell") == _texts(mp.confusion_matrix(labels, probs), "cell")


# ---------------------------------------------------------------- topk_grid

def _patch(fig, gid):
    return [p for p in fig.axes[0].patches if p.get_gid() == gid]


def test_topk_grid_marks_correct_and_wrong(preds):
    images, probs, labels = preds
    fig = mp.topk_grid(images, labels, probs, k=3, n=12, ncols=4)
    ok = probs[:12].argmax(1) == labels[:12]
    titles = (_patch(fig, "titles_correct") or [SimpleNamespace(texts=[])])[0].texts
    wrong_titles = (_patch(fig, "titles_wrong") or [SimpleNamespace(texts=[])])[0].texts
    assert len(titles) == ok.sum() and len(wrong_titles) == (~ok).sum()
    assert all(t.startswith("✓ true ") for t in titles) and all(t.startswith("✗ true ") for t in wrong_titles)
    bars = [c for c in fig.axes[0].collections if c.get_gid() == "bars"][0]
    colors = [mcolors.to_hex(c) for c in bars.get_facecolors()]
    assert len(colors) == 36
    top_colors = colors[::3]
    assert top_colors == [CORRECT_COLOR.lower() if o else WRONG_COLOR.lower() for o in ok]
    widths = np.array([np.ptp(p.vertices[:, 0]) for p in bars.get_paths()]).reshape(12, 3)
    np.testing.assert_allclose(widths / widths[:, :1], np.sort(probs[:12], 1)[:, ::-1][:, :3] / probs[:12].max(1)[:, None])
    # the true class bar is outlined in black and its label drawn bold
    edges = bars.get_edgecolors()
    assert sum(mcolors.to_hex(e, keep_alpha=True) == "#000000ff" for e in edges) == (
        sum(int(labels[i]) in np.argsort(-probs[i])[:3] for i in range(12)))
    labels_bold = _patch(fig, "true_labels")[0].texts
    assert labels_bold == [str(labels[i]) for i in range(12) if int(labels[i]) in np.argsort(-probs[i])[:3]]


def test_topk_grid_accepts_every_image_layout_and_one_hot_labels(preds):
    images, probs, labels = preds
    arrays = []
    for imgs in (images, images.reshape(-1, 784), images[..., None], images / 255.0):
        fig = mp.topk_grid(imgs, np.eye(10)[labels], probs, n=4)
        arrays.append(fig.axes[0].images[0].get_array())
    for a in arrays[1:]:
        np.testing.assert_array_equal(a, arrays[0])


def test_topk_grid_indices_and_k(preds):
    images, probs, labels = preds
    fig = mp.topk_grid(images, labels, probs, k=5, indices=[7, 3], ncols=5)
    assert len(_patch(fig, "bar_probs")[0].texts) == 10
    assert mp.alt_text(fig).startswith("Top-5 predictions for 2 digits")
    first = _patch(fig, "bar_probs")[0].texts[0]
    assert first == f"{probs[7].max():.2f}"


def test_topk_grid_bad_input(preds):
    images, probs, labels = preds
    with pytest.raises(ValueError, match=r"images must have shape \(n, 784\), \(n, 28, 28\) or \(n, 28, 28, 1\); got \(300, 28, 27\)"):
        mp.topk_grid(images[:, :, :27], labels, probs)
    with pytest.raises(ValueError, match="mismatched lengths: images has 299 rows, y_true has 300 rows"):
        mp.topk_grid(images[:-1], labels, probs)
    with pytest.raises(ValueError, match="y_true holds label 10, out of range for 10 classes"):
        mp.topk_grid(images, np.full(300, 10), probs)
    with pytest.raises(ValueError, match="k must be at most the number of classes \\(10\\); got 11"):
        mp.topk_grid(images, labels, probs, k=11)
    with pytest.raises(ValueError, match="n must be an integer >= 1; got 0"):
        mp.topk_grid(images, labels, probs, n=0)
    with pytest.raises(ValueError, match="indices must be in 0..299"):
        mp.topk_grid(images, labels, probs, indices=[400])
    with pytest.raises(ValueError, match="class_names has 3 names, probabilities has 10 columns"):
        mp.topk_grid(images, labels, probs, class_names=["a", "b", "c"])
    with pytest.warns(UserWarning, match="treating them as logits"):
        mp.topk_grid(images, labels, np.log(probs) * 3, n=2)
    with pytest.raises(TypeError, match=r"images must hold numbers \(pixel values, 0..1 floats or 0..255\); "
                                        r"got dtype <U1 \(e.g. 'a'\)"):
        mp.topk_grid(np.full((5, 784), "a"), labels[:5], probs[:5])
    with pytest.raises(TypeError, match="y_true must hold numbers .*; got dtype <U"):
        mp.topk_grid(images[:2], ["four", "nine"], probs[:2])


def test_topk_grid_empty_input_gives_a_message():
    fig = mp.topk_grid(np.zeros((0, 28, 28)), np.zeros(0, dtype=int), np.zeros((0, 10)))
    assert _texts(fig.axes[0]) == ["No digits to show."]


# ---------------------------------------------------------------- misclassified / confused_pairs

def _digit_under(ax, title):
    """The 28×28 pixels of the mosaic just below a digit title (its ``xy``: the digit's top centre)."""
    mosaic = np.ma.filled(ax.images[0].get_array().astype(float), np.nan)
    cx, top = title.xy
    r0, c0 = int(round(top + 0.5)), int(round(cx + 0.5 - 14))
    assert np.isnan(mosaic[r0 - 1, c0]) and np.isnan(mosaic[r0, c0 - 1])  # a gap around the digit
    return mosaic[r0:r0 + 28, c0:c0 + 28]


def test_misclassified_most_confident_first(preds):
    images, probs, labels = preds
    fig = mp.misclassified(images, labels, probs, n=5)
    pred = probs.argmax(1)
    wrong = np.flatnonzero(pred != labels)
    top = wrong[np.argsort(-probs[wrong, pred[wrong]], kind="stable")][:5]
    (ax,) = fig.axes  # every digit on one Axes, in one mosaic image
    titles = [t for t in ax.texts if t.get_gid() == "title"]
    assert [t.get_text() for t in titles] == [f"true {labels[i]} → pred {pred[i]} ({probs[i, pred[i]]:.2f})"
                                              for i in top]
    (im,) = ax.images
    assert im.get_interpolation() == "nearest"
    for t, i in zip(titles, top):  # under each title, that digit's pixels in a vermillion frame
        np.testing.assert_array_equal(_digit_under(ax, t), images[i])
    frames = [p for p in ax.patches if p.get_gid() == "frame"]
    assert len(frames) == 5
    assert {mcolors.to_hex(p.get_edgecolor()) for p in frames} == {WRONG_COLOR.lower()}
    assert [(p.get_x() + p.get_width() / 2, p.get_y()) for p in frames] == [t.xy for t in titles]


def test_misclassified_with_no_errors_says_so():
    probs = np.eye(3)[[0, 1, 2]] * 0.9 + 0.1 / 3
    fig = mp.misclassified(np.zeros((3, 28, 28)), [0, 1, 2], probs)
    assert _texts(fig.axes[0]) == ["No misclassified digits among 3."]


def test_confused_pairs_ranked_by_count(preds):
    images, probs, labels = preds
    fig = mp.confused_pairs(images, labels, probs, n_pairs=3, n_examples=4)
    pred = probs.argmax(1)
    cm = sk_cm(labels, pred, labels=range(10))
    np.fill_diagonal(cm, 0)
    order = np.argsort(-cm, axis=None, kind="stable")[:3]
    (ax,) = fig.axes  # pair names, digits, frames and probabilities on one Axes
    heads = [t.get_text() for t in ax.texts if t.get_gid() == "pair"]
    pairs = [divmod(int(o), 10) for o in order]
    expected = [f"true {i} → pred {j}\n{cm[i, j]} error{'s' if cm[i, j] != 1 else ''}" for i, j in pairs]
    assert heads == expected
    # row by row: up to 4 examples of that pair, most confident first, the wrong class's probability above
    wrong = np.flatnonzero(pred != labels)
    wrong = wrong[np.argsort(-probs[wrong, pred[wrong]], kind="stable")]
    shown = [i for t, p in pairs for i in wrong[(labels[wrong] == t) & (pred[wrong] == p)][:4]]
    titles = [t for t in ax.texts if t.get_gid() == "title"]
    assert [t.get_text() for t in titles] == [f"{probs[i, pred[i]]:.2f}" for i in shown]
    for t, i in zip(titles, shown):
        np.testing.assert_array_equal(_digit_under(ax, t), images[i])
    assert len([p for p in ax.patches if p.get_gid() == "frame"]) == len(shown)


def test_confused_pairs_bad_input(preds):
    images, probs, labels = preds
    with pytest.raises(ValueError, match="n_pairs must be an integer >= 1; got -1"):
        mp.confused_pairs(images, labels, probs, n_pairs=-1)
    with pytest.raises(ValueError, match="y_true must be integer labels"):
        mp.confused_pairs(images, np.zeros((300, 2, 2)), probs)


@pytest.mark.parametrize("module", ["mnist_viz.plots", "mnist_viz.plots.curves", "mnist_viz.plots.comparison",
                                    "mnist_viz.plots.confusion", "mnist_viz.plots.class_metrics",
                                    "mnist_viz.plots.calibration", "mnist_viz.plots.topk", "mnist_viz.plots.errors",
                                    "mnist_viz.plots.activations", "mnist_viz.plots.first_layer",
                                    "mnist_viz.plots.embedding", "mnist_viz.plots.weight_evolution",
                                    "mnist_viz.plots.prediction_evolution", "mnist_viz.plots._style",
                                    "mnist_viz.plots._figure", "mnist_viz.plots._inputs", "mnist_viz.plots._mosaic",
                                    "mnist_viz.plots._epochs", "mnist_viz._arrays", "mnist_viz.metrics",
                                    "mnist_viz.run_format"])
def test_docstring_examples_run(module):
    """Every example in every module of mnist_viz.plots runs (model_views' examples that build a
    Keras model need TensorFlow, which the test environment has)."""
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_confusion_matrix_im_kw_and_text_kw_pass_through():
    ax = mp.confusion_matrix([0, 1, 1], [0, 1, 0], im_kw={"alpha": 0.5}, text_kw={"fontsize": 5, "color": "red"})
    assert ax.images[0].get_alpha() == 0.5
    cells = [t for t in ax.texts if t.get_gid() == "cell"]
    assert all(t.get_fontsize() == 5 and t.get_color() == "red" for t in cells)


@pytest.mark.parametrize("draw, message", [
    (lambda: mp.class_metrics([], [], class_names=["a", "b"]), "No predictions to score."),
    (lambda: mp.calibration([], np.zeros((0, 10))), "No predictions to calibrate."),
    (lambda: mp.misclassified(np.zeros((0, 784)), [], np.zeros((0, 10))), "No digits to show."),
    (lambda: mp.confused_pairs(np.zeros((0, 28, 28)), [], np.zeros((0, 10))), "No digits to show."),
])
def test_empty_inputs_give_a_message_figure(draw, message):
    out = draw()
    fig = out if isinstance(out, matplotlib.figure.Figure) else out.figure
    assert [t.get_text() for ax in fig.axes for t in ax.texts] == [message]
    assert mp.alt_text(fig)
