"""Behaviour of mnist_viz.plots.compare_curves (the report's comparison overlay), tested on the
artists: one panel per metric, two lines per run (solid validation with markers, dashed training)
in the run's colour, the legend, the alt text, and the errors for nothing to draw; and of
compare_confusion (the report's test confusion matrices side by side): one matrix per run titled
with its name, the class names, and the errors for runs without test predictions.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from types import SimpleNamespace  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402
from mnist_viz.plots._style import OKABE_ITO  # noqa: E402
from mnist_viz.run import Run  # noqa: E402


def _by_label(ax):
    return {ln.get_label(): ln for ln in ax.get_lines()}


def test_compare_curves_one_panel_per_metric_two_lines_per_run():
    runs = gd.compared_runs()
    fig = mp.compare_curves(runs)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    for ax, metric in zip(fig.axes, ("loss", "accuracy")):
        lines = _by_label(ax)
        assert sorted(lines) == sorted(f"{r.name} {kind}" for r in runs for kind in ("val", "train"))
        assert ax.get_xlabel() == "epoch"
        for r in runs:
            val, train = lines[f"{r.name} val"], lines[f"{r.name} train"]
            np.testing.assert_allclose(val.get_xdata(), np.arange(1, len(r.history) + 1))  # epochs 1-based
            np.testing.assert_allclose(val.get_ydata(), r.history[f"val_{metric}"])
            np.testing.assert_allclose(train.get_ydata(), r.history[metric])


def test_compare_curves_styles_one_colour_per_run_solid_validation_dashed_training():
    runs = gd.compared_runs()
    lines = _by_label(mp.compare_curves(runs).axes[0])
    for i, r in enumerate(runs):
        val, train = lines[f"{r.name} val"], lines[f"{r.name} train"]
        assert mcolors.to_hex(val.get_color()) == mcolors.to_hex(train.get_color()) == OKABE_ITO[i].lower()
        assert val.get_linestyle() == "-" and val.get_marker() == "o"
        assert train.get_linestyle() == "--" and train.get_alpha() == pytest.approx(0.7)
    colours = {mcolors.to_hex(lines[f"{r.name} val"].get_color()) for r in runs}
    assert len(colours) == len(runs)


def test_compare_curves_legend_on_the_first_panel_only():
    fig = mp.compare_curves(gd.compared_runs())
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "dense val", "dense train", "convnet val", "convnet train", "convnet-small val", "convnet-small train"]
    assert fig.axes[1].get_legend() is None


def test_compare_curves_alt_text_and_a_fresh_figure():
    current = plt.figure()
    fig = mp.compare_curves(gd.compared_runs())
    assert fig is not current and current.axes == []
    assert mp.alt_text(fig) == ("Loss and accuracy per epoch for runs dense, convnet, convnet-small "
                                "(solid: validation, dashed: training).")


def test_compare_curves_metrics_selection_and_partial_records():
    a = Run.from_dict({"loss": [0.9, 0.5, 0.4]}, name="train-only")
    b = Run.from_dict({"val_loss": [1.0, 0.7], "accuracy": [0.5, 0.6]}, name="val-only")
    fig = mp.compare_curves([a, b], metrics="loss")
    assert [ax.get_title() for ax in fig.axes] == ["loss"]
    assert sorted(_by_label(fig.axes[0])) == ["train-only train", "val-only val"]
    # a metric only one run recorded still gets its panel; one nobody recorded is left out
    fig = mp.compare_curves([a, b], metrics=["accuracy", "f1"])
    assert [ax.get_title() for ax in fig.axes] == ["accuracy"]
    assert list(_by_label(fig.axes[0])) == ["val-only train"]
    assert mp.alt_text(fig).startswith("Accuracy per epoch for runs train-only, val-only")


def test_compare_curves_accepts_run_like_objects():
    run_like = SimpleNamespace(name="mine", history=pd.DataFrame({"loss": [0.8, 0.6], "val_loss": [0.9, 0.7]}))
    fig = mp.compare_curves([run_like])
    assert sorted(_by_label(fig.axes[0])) == ["mine train", "mine val"]


def test_compare_curves_errors_name_what_is_missing():
    with pytest.raises(ValueError, match="runs must hold at least one run; got an empty sequence"):
        mp.compare_curves([])
    with pytest.raises(TypeError, match=r"runs\[1\] must be a Run \(with a .history DataFrame\); got dict"):
        mp.compare_curves([Run.from_dict({"loss": [0.5]}), {"loss": [0.5]}])
    no_metric = [Run.from_dict({"f1": [0.5, 0.6]}, name="x")]
    with pytest.raises(ValueError, match=r"none of the runs recorded loss, accuracy per epoch \(train or val_\); "
                                         "pass metrics= with columns their histories have"):
        mp.compare_curves(no_metric)
    with pytest.raises(ValueError, match="none of the runs recorded precision per epoch"):
        mp.compare_curves(gd.compared_runs(), metrics=["precision"])
    assert [ax.get_title() for ax in mp.compare_curves(no_metric, metrics=["f1"]).axes] == ["f1"]


# ---------------------------------------------------------------- compare_confusion

def _cells(ax):
    return [t.get_text() for t in ax.texts if t.get_gid() == "cell"]


def test_compare_confusion_one_matrix_per_run_titled_with_its_name():
    runs = gd.compared_test_runs()
    fig = mp.compare_confusion(runs)
    assert [ax.get_title() for ax in fig.axes] == ["dense", "convnet"]  # no colorbar Axes
    assert fig.get_size_inches().tolist() == [8.4, 3.9]
    for ax, r in zip(fig.axes, runs):
        assert len(ax.images) == 1  # the matrix only: no recall / precision margins
        alone = mp.confusion_matrix(r.test.labels, r.test.predicted, margins=False, colorbar=False)
        assert _cells(ax) == _cells(alone)  # the very counts of that run
        np.testing.assert_array_equal(ax.images[0].get_array(), alone.images[0].get_array())
        assert [t.get_text() for t in ax.get_xticklabels()] == [str(c) for c in range(10)]
        assert "recall" not in [t.get_text() for t in ax.get_xticklabels()]
    assert mp.alt_text(fig) == "Test confusion matrices side by side for dense, convnet."


def test_compare_confusion_a_fresh_figure_and_any_number_of_runs():
    current = plt.figure()
    runs = gd.compared_test_runs(200)
    fig = mp.compare_confusion(runs + runs[:1])
    assert fig is not current and current.axes == []
    assert [ax.get_title() for ax in fig.axes] == ["dense", "convnet", "dense"]
    assert fig.get_size_inches().tolist() == [pytest.approx(12.6), 3.9]
    assert [ax.get_title() for ax in mp.compare_confusion(runs[:1]).axes] == ["dense"]


def test_compare_confusion_class_names_given_or_each_runs_own():
    labels = np.array([0, 1, 2, 2])
    probs = np.eye(3)[[0, 1, 2, 1]]
    named = Run.from_dict({"loss": [0.5]}, name="named", metadata={"data": {"class_names": ["zero", "one"]}})
    named.test = SimpleNamespace(labels=labels, probabilities=probs)  # a run-like test: no .predicted
    plain = SimpleNamespace(name="plain", test=SimpleNamespace(labels=labels, probabilities=probs))
    fig = mp.compare_confusion([named, plain])
    ticks = [[t.get_text() for t in ax.get_yticklabels()] for ax in fig.axes]
    assert ticks == [["zero", "one", "2"], ["0", "1", "2"]]  # padded with class numbers; none -> numbers
    fig = mp.compare_confusion([named, plain], class_names=["a", "b", "c"])
    assert [[t.get_text() for t in ax.get_xticklabels()] for ax in fig.axes] == [["a", "b", "c"]] * 2


def test_compare_confusion_errors_name_the_argument():
    runs = gd.compared_test_runs(100)
    with pytest.raises(ValueError, match="runs must hold at least one run; got an empty sequence"):
        mp.compare_confusion([])
    no_test = Run.from_dict({"loss": [0.5]}, name="untested")
    with pytest.raises(ValueError, match=r"runs\[1\] \('untested'\) has no test predictions \(run.test is None: no "
                                         r"test_predictions.npz\); compare_confusion needs them for every run"):
        mp.compare_confusion([runs[0], no_test])
    with pytest.raises(TypeError, match=r"runs\[0\] must be a Run \(with .name and .test predictions\); got dict"):
        mp.compare_confusion([{"name": "x"}])
    with pytest.raises(TypeError, match=r"runs\[0\].test must have .labels \(n,\) and .probabilities \(n, C\); got tuple"):
        mp.compare_confusion([SimpleNamespace(name="x", test=(1, 2))])
    with pytest.raises(ValueError, match=r"class_names has 3 names, runs\[0\] \('dense'\) has 10 classes "
                                         r"\(columns of .test.probabilities\)"):
        mp.compare_confusion(runs, class_names=["a", "b", "c"])
