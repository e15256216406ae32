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
