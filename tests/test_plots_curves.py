"""Behaviour of mnist_viz.plots.training_curves, tested on the artists; bad input names the argument.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from types import SimpleNamespace  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402


def _lines(fig, gid):
    return [ln for ax in fig.axes for ln in ax.lines if ln.get_gid() == gid]


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


def test_training_curves_bad_input():
    with pytest.raises(TypeError, match="history must be a Keras History, a dict of lists, a pandas DataFrame or a Run; got list"):
        mp.training_curves([0.1, 0.2])
    with pytest.raises(TypeError, match=r"history\['loss'\] must be a list of numbers \(one per epoch\); row 0 is 'a'"):
        mp.training_curves({"loss": ["a", "b"]})
    with pytest.raises(TypeError, match=r"history.history\['val_loss'\] must be a list of numbers \(one per epoch\); "
                                        r"row 1 is 'high'"):
        mp.training_curves(SimpleNamespace(history={"loss": [0.5, 0.4], "val_loss": [0.6, "high"]}))
    with pytest.raises(TypeError, match=r"history\['loss'\] must be a list of numbers \(one per epoch\); got 'abc'"):
        mp.training_curves({"loss": "abc"})
    with pytest.raises(ValueError, match=r"ax must hold one Axes per panel \(2 needed"):
        mp.training_curves(gd.history(), ax=plt.subplots()[1])


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
    assert "No training history" in " ".join(gd.texts(fig.axes[0]))
    fig = mp.training_curves(pd.DataFrame())
    assert "0 epochs" in mp.alt_text(fig)


def test_one_metric_on_one_axes_without_the_learning_rate_panel():
    """Issue 13: training_curves(run, metrics=["accuracy"], ax=ax) draws one metric on the one Axes
    given (the recorded learning rate needs no second Axes) and returns that Axes."""
    fig, axes = plt.subplots(1, 2)
    ax = mp.training_curves(gd.history(), metrics=["accuracy"], ax=axes[0])
    assert ax is axes[0] and ax.get_title() == "accuracy"
    assert {ln.get_label() for ln in ax.lines} >= {"train", "validation"}
    np.testing.assert_allclose([ln for ln in ax.lines if ln.get_label() == "train"][0].get_ydata(),
                               gd.history()["accuracy"])
    assert not axes[1].has_data() and len(fig.axes) == 2
    assert mp.alt_text(ax).startswith("Training curves over 8 epochs: accuracy")


def test_learning_rate_keyword():
    h = gd.history()
    titles = [a.get_title() for a in mp.training_curves(h, learning_rate=False).axes if a.get_visible()]
    assert titles == ["loss", "accuracy"]
    _fig, axes = plt.subplots(1, 3)
    mp.training_curves(h, ax=axes)  # "auto": an Axes is left for it
    assert [a.get_title() for a in axes] == ["loss", "accuracy", "learning rate"]
    _fig, axes = plt.subplots(1, 2)
    mp.training_curves(h, ax=axes)  # "auto": no Axes left, no panel
    assert [a.get_title() for a in axes] == ["loss", "accuracy"]
    with pytest.raises(ValueError, match=r"ax must hold one Axes per panel \(3 needed"):
        mp.training_curves(h, ax=axes, learning_rate=True)
    no_lr = {k: v for k, v in h.items() if k != "learning_rate"}
    with pytest.raises(ValueError, match="learning_rate=True: the history recorded no learning rate"):
        mp.training_curves(no_lr, learning_rate=True)
    with pytest.raises(ValueError, match="learning_rate must be True, False or 'auto'; got 'yes'"):
        mp.training_curves(h, learning_rate="yes")


def test_fig_draws_the_panels_into_a_subfigure_and_not_with_ax():
    user = plt.figure(figsize=(12, 4))
    sub = user.subfigures(1, 2)[1]
    out = mp.training_curves(gd.history(), fig=sub)
    assert out is sub and [a.get_title() for a in sub.axes] == ["loss", "accuracy", "learning rate"]
    with pytest.raises(TypeError, match="training_curves takes ax= .* or fig= .*, not both"):
        mp.training_curves(gd.history(), ax=plt.subplots()[1], fig=sub)
    with pytest.raises(TypeError, match=r"ax\[1\] must be a matplotlib Axes"):
        mp.training_curves(gd.history(), ax=[plt.subplots()[1], "b"])


def test_lists_of_unequal_length_are_an_error_naming_keys_and_lengths():
    """Issue 14: {'loss': [.9, .5, .3], 'val_loss': [.2]} was padded and the padding labelled "NaN/inf (gap)"."""
    for source, name in (({"loss": [0.9, 0.5, 0.3], "val_loss": [0.2]}, "history"),
                         (SimpleNamespace(history={"loss": [0.9, 0.5, 0.3], "val_loss": [0.2]}), "history.history")):
        with pytest.raises(ValueError, match=rf"^{name} lists must all have one value per epoch; got lengths "
                                             r"\{'loss': 3, 'val_loss': 1\} \(.*validation_freq > 1, needs None"):
            mp.training_curves(source)
    fig = mp.training_curves({"loss": [0.9, 0.5, 0.3], "val_loss": [None, 0.2, None]})  # the fix: gaps, placed
    val = [ln for ln in fig.axes[0].lines if ln.get_label() == "validation"][0]
    assert np.isnan(val.get_ydata()[[0, 2]]).all() and val.get_ydata()[1] == 0.2


def test_a_cell_that_is_not_a_number_names_its_column_and_row():
    """Issue 14: a history cell 'oops' loaded and the column vanished from the plot."""
    frame = pd.DataFrame({"loss": [0.9, 0.5, 0.3], "val_loss": [0.8, "oops", 0.4]})
    with pytest.raises(TypeError, match=r"^history\['val_loss'\] must be a list of numbers \(one per epoch\); "
                                        r"row 1 is 'oops'$"):
        mp.training_curves(frame)
    run_like = SimpleNamespace(history=frame, batches=None)
    with pytest.raises(TypeError, match=r"^history.history\['val_loss'\] .*row 1 is 'oops'$"):
        mp.training_curves(run_like)
    with pytest.raises(TypeError, match=r"history\['loss'\] must be a list of numbers .*row 1 is \[0.5, 0.4\]"):
        mp.training_curves({"loss": [0.9, [0.5, 0.4]]})
    # numbers written as text (a CSV read without dtypes) are numbers
    fig = mp.training_curves(pd.DataFrame({"loss": ["0.9", "0.5"], "val_loss": ["0.8", None]}))
    train = [ln for ln in fig.axes[0].lines if ln.get_label() == "train"][0]
    np.testing.assert_allclose(train.get_ydata(), [0.9, 0.5])


def test_an_epoch_that_is_not_a_whole_number_is_an_error_not_truncated():
    for bad, shown in ((1.5, "1.5"), (np.nan, "nan"), (-1, "-1")):
        frame = pd.DataFrame({"epoch": [0, bad, 2], "loss": [0.9, 0.5, 0.3]})
        with pytest.raises(ValueError, match=rf"^history\['epoch'\] must hold whole epoch numbers \(0-based, one per "
                                             rf"row\); row 1 is {shown}$"):
            mp.training_curves(frame)
    fig = mp.training_curves(pd.DataFrame({"epoch": [0.0, 1.0, 2.0], "loss": [0.9, 0.5, 0.3]}))
    np.testing.assert_allclose(fig.axes[0].lines[0].get_xdata(), [1, 2, 3])
