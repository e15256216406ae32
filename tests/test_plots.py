"""The package mnist_viz.plots as a whole: what importing it does (no TensorFlow, no rcParams), that every
public function is exported with a runnable example, the contracts every plot function keeps (fresh
figure unless given ``ax``, alt text, percentages refused), and every module's docstring examples.

Each plot module's behaviour is tested in tests/test_plots_<module>.py, on the artists (tick labels,
texts, colours, data) as scikit-learn and seaborn do; pixels are tests/test_gallery*.py's job.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import subprocess  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


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
                "weight_evolution", "prediction_evolution", "alt_text", "compare_curves", "expected_calibration_error"}
    assert expected <= set(mp.__all__)
    for name in expected:
        doc = getattr(mp, name).__doc__ or ""
        assert ">>>" in doc, f"{name} has no runnable docstring example"


def test_ax_none_never_draws_on_the_current_figure(preds):
    _i, labels, probs = preds
    current = plt.figure()
    figs = [mp.confusion_matrix(labels, probs).figure, mp.class_metrics(labels, probs).figure,
            mp.calibration(labels, probs).figure, mp.training_curves(gd.history())]
    assert all(f is not current for f in figs)
    assert current.axes == []


def test_given_ax_is_used(preds):
    _i, labels, probs = preds
    fig, axes = plt.subplots(1, 3)
    assert mp.confusion_matrix(labels, probs, ax=axes[0]) is axes[0]
    assert mp.class_metrics(labels, probs, ax=axes[1]) is axes[1]
    assert mp.calibration(labels, probs, ax=axes[2]) is axes[2]


def test_every_function_sets_alt_text(preds):
    images, labels, probs = preds
    outs = [mp.training_curves(gd.history()), mp.confusion_matrix(labels, probs), mp.class_metrics(labels, probs),
            mp.calibration(labels, probs), mp.topk_grid(images, labels, probs), mp.misclassified(images, labels, probs),
            mp.confused_pairs(images, labels, probs)]
    for out in outs:
        assert len(mp.alt_text(out)) > 20


def test_probabilities_in_percent_are_refused_with_a_fix(preds):
    """Rows summing to ~100 are not logits: no softmax, no 'logits' warning, but an error that says
    to divide by 100."""
    images, labels, probs = preds
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


#: every module whose docstring examples this file runs (the plots', and run_format's for now)
DOCTEST_MODULES = ["mnist_viz.plots", "mnist_viz.plots.curves", "mnist_viz.plots.comparison",
                   "mnist_viz.plots.confusion", "mnist_viz.plots.class_metrics", "mnist_viz.plots.calibration",
                   "mnist_viz.plots.topk", "mnist_viz.plots.errors", "mnist_viz.plots.activations",
                   "mnist_viz.plots.first_layer", "mnist_viz.plots.embedding", "mnist_viz.plots.weight_evolution",
                   "mnist_viz.plots.prediction_evolution", "mnist_viz.plots._style", "mnist_viz.plots._figure",
                   "mnist_viz.plots._inputs", "mnist_viz.plots._mosaic", "mnist_viz.plots._epochs", "mnist_viz.plots._labels",
                   "mnist_viz.plots._theme",
                   "mnist_viz.plots._notebook",
                   "mnist_viz.run_format"]


def test_docstring_examples_cover_every_plots_module():
    names = {f"mnist_viz.plots.{p.stem}" for p in (REPO / "mnist_viz" / "plots").glob("*.py") if p.stem != "__init__"}
    assert names | {"mnist_viz.plots"} <= set(DOCTEST_MODULES)


@pytest.mark.parametrize("module", DOCTEST_MODULES)
def test_docstring_examples_run(module):
    """Every example in every module of mnist_viz.plots runs (activations' examples that build a
    Keras model need TensorFlow, which the test environment has). mnist_viz.metrics and
    mnist_viz._arrays run theirs in tests/test_metrics.py and tests/test_arrays.py; run_format's
    examples are run here until tests/test_run_format.py exists."""
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def _weight_records():
    import numpy as np
    import pandas as pd
    from types import SimpleNamespace

    edges = np.linspace(-1, 1, 21)
    counts = np.array([np.histogram(np.random.default_rng(e).normal(0, 0.2 + 0.1 * e, 500), edges)[0] for e in range(3)])
    stats = pd.DataFrame({"epoch": [-1, 0, 1], "layer": "d", "weight": "d/kernel", "l2": [1.0, 1.2, 1.3],
                          "update_ratio": [np.nan, 0.02, 0.01]})
    return SimpleNamespace(stats=stats, histograms={"d/kernel": {"edges": edges, "counts": counts,
                                                                 "epochs": np.array([-1, 0, 1])}},
                           dead_relu=pd.DataFrame({"epoch": [0, 1], "layer": "d", "dead_fraction": [0.0, 0.05]}))


def _probe():
    import numpy as np
    from types import SimpleNamespace

    rng = np.random.default_rng(0)
    return SimpleNamespace(labels=rng.integers(0, 3, 30), epochs=np.arange(5),
                           probabilities=rng.dirichlet(np.ones(3), size=(5, 30)))


def _multi_panel_draws(preds):
    """Every multi-panel plot function, as ``draw(fig=...)``."""
    import numpy as np

    images, labels, probs = preds
    rng = np.random.default_rng(0)
    maps = {"conv1": rng.random((26, 26, 8)), "pool1": rng.random((13, 13, 8))}
    return {
        "training_curves": lambda fig: mp.training_curves(gd.history(), fig=fig),
        "topk_grid": lambda fig: mp.topk_grid(images, labels, probs, n=6, ncols=3, fig=fig),
        "misclassified": lambda fig: mp.misclassified(images, labels, probs, n=6, fig=fig),
        "confused_pairs": lambda fig: mp.confused_pairs(images, labels, probs, n_pairs=2, n_examples=3, fig=fig),
        "activations": lambda fig: mp.activations(images[0], maps, fig=fig),
        "dense_weights": lambda fig: mp.dense_weights(rng.normal(0, 0.05, (784, 8)), fig=fig),
        "filters": lambda fig: mp.filters(rng.normal(0, 0.3, (3, 3, 1, 8)), fig=fig),
        "weight_evolution": lambda fig: mp.weight_evolution(_weight_records(), fig=fig),
        "prediction_evolution": lambda fig: mp.prediction_evolution(_probe(), fig=fig),
        "prediction_evolution_accuracy": lambda fig: mp.prediction_evolution(_probe(), kind="accuracy", fig=fig),
        "compare_curves": lambda fig: mp.compare_curves(gd.compared_runs(), fig=fig),
        "compare_confusion": lambda fig: mp.compare_confusion(gd.compared_test_runs(200), fig=fig),
    }


MULTI_PANEL = ["training_curves", "topk_grid", "misclassified", "confused_pairs", "activations", "dense_weights",
               "filters", "weight_evolution", "prediction_evolution", "prediction_evolution_accuracy",
               "compare_curves", "compare_confusion"]


def _all_axes(fig):
    """Every Axes drawn into ``fig`` (a Figure or SubFigure), its subfigures' included."""
    return list(fig.axes) + [a for sub in fig.subfigs for a in _all_axes(sub)]


@pytest.mark.parametrize("name", MULTI_PANEL)
def test_multi_panel_plots_draw_into_a_subfigure_and_a_subplotspec(preds, name):
    """fig= a SubFigure: drawn there and returned; fig= gs[0, 1]: a new SubFigure of the user's
    figure in that cell; nothing lands on the rest of the user's figure, nor on a fresh figure."""
    from matplotlib.figure import SubFigure

    draw = _multi_panel_draws(preds)[name]
    n_open = len(plt.get_fignums())
    user = plt.figure(figsize=(14, 6))
    left, right = user.subfigures(1, 2)
    own = left.add_subplot()
    own.plot([0, 1], [1, 0])
    out = draw(right)
    assert out is right
    assert right.axes and all(a.figure is right for a in right.axes)
    assert left.axes == [own]
    assert len(plt.get_fignums()) == n_open + 1  # no fresh figure was made

    user2 = plt.figure(figsize=(14, 6))
    gs = user2.add_gridspec(1, 2)
    mine = user2.add_subplot(gs[0, 0])
    out = draw(gs[0, 1])
    assert isinstance(out, SubFigure) and out in user2.subfigs and out._subplotspec.colspan == range(1, 2)
    assert out.axes and all(a.figure is out for a in out.axes) and mine.figure is user2
    user2.canvas.draw()  # it renders
    plt.close(user)
    plt.close(user2)


@pytest.mark.parametrize("name", MULTI_PANEL)
def test_multi_panel_plots_keep_a_fresh_figure_without_fig(preds, name):
    out = _multi_panel_draws(preds)[name](None)
    assert isinstance(out, matplotlib.figure.Figure) and mp.alt_text(out)


@pytest.mark.parametrize("name", MULTI_PANEL)
def test_a_bad_fig_is_a_type_error_naming_fig_and_what_came(preds, name):
    _fig, ax = plt.subplots()
    with pytest.raises(TypeError, match=r"^fig must be a matplotlib Figure, a SubFigure \(fig.subfigures\(...\)\), "
                                        r"a SubplotSpec \(gs\[0, 1\]\) or None; got Axes$"):
        _multi_panel_draws(preds)[name](ax)


@pytest.mark.parametrize("draw", [
    lambda y, p, ax: mp.confusion_matrix(y, p, ax=ax),
    lambda y, p, ax: mp.class_metrics(y, p, ax=ax),
    lambda y, p, ax: mp.calibration(y, p, ax=ax),
    lambda y, p, ax: mp.embedding(p, y, ax=ax),
    lambda y, p, ax: mp.training_curves(gd.history(), metrics=["loss"], ax=ax),
])
def test_a_bad_ax_is_a_type_error_naming_ax_and_what_came(preds, draw):
    _i, labels, probs = preds
    fig = plt.figure()
    with pytest.raises(TypeError, match=r"^ax must be a matplotlib Axes \(e.g. from plt.subplots\(\)\) or None; "
                                        r"got Figure$"):
        draw(labels, probs, fig)


def test_single_panel_plots_fill_a_user_made_grid(preds):
    """Four single-panel plots in one user-made 2×2 figure: each returns its own Axes, draws on it
    alone, and the figure renders with every Axes where the user put it."""
    _i, labels, probs = preds
    fig, axes = plt.subplots(2, 2, figsize=(10, 8), layout="constrained")
    got = [mp.training_curves(gd.history(), metrics=["accuracy"], ax=axes[0, 0]),
           mp.confusion_matrix(labels, probs, normalize="true", ax=axes[0, 1]),
           mp.class_metrics(labels, probs, ax=axes[1, 0]),
           mp.calibration(labels, probs, ax=axes[1, 1])]
    assert got == [axes[0, 0], axes[0, 1], axes[1, 0], axes[1, 1]]
    assert [a.get_title()[:14] for a in got] == ["accuracy", "Confusion matr", "Per-class metr", "Reliability di"]
    assert len(plt.get_fignums()) == len(set(plt.get_fignums()))  # no extra figure
    assert all(a.figure is fig for a in fig.axes)
    fig.canvas.draw()
    boxes = [a.get_window_extent() for a in got]
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(4) for j in range(i + 1, 4))
    cells = [t.get_window_extent() for t in got[1].texts if t.get_gid() in ("cell", "recall", "precision")]
    assert len(cells) == 120 and not any(a.overlaps(b) for i, a in enumerate(cells) for b in cells[i + 1:])
    legend = got[3].get_legend().get_window_extent()  # calibration's legend: one column in a narrow Axes
    texts = [t.get_window_extent() for t in got[3].get_legend().get_texts()]
    assert not any(a.overlaps(b) for i, a in enumerate(texts) for b in texts[i + 1:]) and legend.width > 0


def test_two_multi_panel_plots_compose_into_subfigures_of_one_figure(preds):
    images, labels, probs = preds
    fig = plt.figure(figsize=(12, 9), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.3])
    a = mp.compare_curves(gd.compared_runs(), fig=top)
    b = mp.misclassified(images, labels, probs, n=8, fig=bottom)
    assert (a, b) == (top, bottom)
    assert fig.axes and all(ax.figure in (top, bottom) for ax in fig.axes)  # nothing on the figure itself
    assert [ax.get_title() for ax in top.axes] == ["loss", "accuracy"]
    assert bottom.get_suptitle().startswith("Most confident errors (8 of")
    assert len([t for t in bottom.axes[0].texts if t.get_gid() == "title"]) == 8
    fig.canvas.draw()
    top_box, bottom_box = top.bbox, bottom.bbox
    assert all(top_box.contains(*ax.get_window_extent().get_points().mean(axis=0)) for ax in top.axes)
    assert all(bottom_box.contains(*ax.get_window_extent().get_points().mean(axis=0)) for ax in bottom.axes)


#: every multi-panel plot function and how many positional arguments it takes
MULTI_PANEL_FUNCTIONS = {"topk_grid": 3, "misclassified": 3, "confused_pairs": 3, "activations": 2,
                         "dense_weights": 1, "filters": 1, "weight_evolution": 1, "prediction_evolution": 1,
                         "compare_curves": 1, "compare_confusion": 1}
SINGLE_PANEL_FUNCTIONS = {"confusion_matrix": 2, "class_metrics": 2, "calibration": 2, "embedding": 2}


@pytest.mark.parametrize("name", sorted(MULTI_PANEL_FUNCTIONS))
def test_a_multi_panel_plot_given_ax_says_to_pass_fig(preds, name):
    """Not Python's bare "unexpected keyword argument 'ax'": the message names the plot, ``ax`` and the fix."""
    import inspect

    assert inspect.signature(getattr(mp, name)).parameters["ax"].kind is inspect.Parameter.KEYWORD_ONLY
    _fig, ax = plt.subplots()
    args = [None] * MULTI_PANEL_FUNCTIONS[name]  # refused before the data are looked at
    with pytest.raises(TypeError, match=rf"^{name} draws several panels: pass fig=ax\.get_subplotspec\(\) "
                                        r"\(or a SubFigure\) instead of ax=; got ax=Axes$"):
        getattr(mp, name)(*args, ax=ax)
    assert not ax.has_data() and not ax.figure.subfigs


@pytest.mark.parametrize("name", sorted(SINGLE_PANEL_FUNCTIONS))
def test_a_single_panel_plot_given_fig_says_to_pass_ax(preds, name):
    import inspect

    assert inspect.signature(getattr(mp, name)).parameters["fig"].kind is inspect.Parameter.KEYWORD_ONLY
    fig = plt.figure()
    args = [None] * SINGLE_PANEL_FUNCTIONS[name]
    with pytest.raises(TypeError, match=rf"^{name} draws one panel: pass ax=fig\.add_subplot\(\) \(or one Axes "
                                        r"of your grid\) instead of fig=; got fig=Figure$"):
        getattr(mp, name)(*args, fig=fig)
    assert not fig.axes


def test_every_plot_function_is_single_or_multi_panel():
    """Each public plot is in exactly one list (training_curves takes both ax= and fig=), so a new
    plot cannot miss its keyword."""
    plots = {n for n in mp.__all__ if n not in ("alt_text", "expected_calibration_error", "training_curves")}
    assert plots == set(MULTI_PANEL_FUNCTIONS) | set(SINGLE_PANEL_FUNCTIONS)


def _single_panel_draws(preds):
    """Every single-panel plot function, as ``draw(ax=...)``."""
    _i, labels, probs = preds
    return [lambda ax: mp.confusion_matrix(labels, probs, ax=ax), lambda ax: mp.class_metrics(labels, probs, ax=ax),
            lambda ax: mp.class_metrics(labels, probs, kind="table", ax=ax),
            lambda ax: mp.calibration(labels, probs, ax=ax), lambda ax: mp.embedding(probs, labels, ax=ax),
            lambda ax: mp.confusion_matrix(labels[:0], probs[:0], ax=ax)]


def test_after_a_single_panel_plot_on_a_fresh_figure_its_axes_is_current(preds):
    """No figure open: the plot's Axes, not its colorbar or histogram, is pyplot's current Axes, so
    the user's next plt.plot / plt.title land on it."""
    for draw in _single_panel_draws(preds):
        plt.close("all")
        ax = draw(None)
        assert len(ax.figure.axes) >= 1 and plt.gcf() is ax.figure and plt.gca() is ax
        plt.title("mine")
        assert ax.get_title() == "mine"
    plt.close("all")


def test_a_single_panel_plot_leaves_the_users_current_figure_and_axes(preds):
    """The user's current figure and Axes stay current: with ax= on their grid, and on a fresh figure."""
    for draw in _single_panel_draws(preds):
        plt.close("all")
        user, (first, second) = plt.subplots(1, 2)
        plt.sca(first)
        assert draw(second) is second
        assert plt.gcf() is user and plt.gca() is first
        fresh = draw(None)
        assert fresh.figure is not user and plt.gcf() is user and plt.gca() is first
    plt.close("all")
