"""mnist_viz.plots._style: the project's style is applied inside each plot call only (rcParams untouched),
the contrast text colour, the colormaps with gaps and the class palettes.
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
from test_gallery_model_views import weight_records  # noqa: E402


def _maps(c=8):
    rng = np.random.default_rng(0)
    return {"conv1": rng.random((26, 26, c)), "pool1": rng.random((13, 13, c))}


def test_style_is_applied_inside_the_call_only(preds):
    _i, labels, probs = preds
    before = matplotlib.rcParams["font.size"]
    ax = mp.confusion_matrix(labels, probs)
    assert matplotlib.rcParams["font.size"] == before
    assert ax.title.get_fontsize() == 10  # axes.titlesize of the project's style file


def test_plot_functions_leave_rcparams_alone():
    before = dict(matplotlib.rcParams)
    mp.activations(np.zeros((28, 28)), _maps(2))
    mp.weight_evolution(weight_records(2))
    assert dict(matplotlib.rcParams) == before


def test_text_colour_contrasts_with_its_background():
    from mnist_viz.plots._style import is_dark, text_color

    viridis = matplotlib.colormaps["viridis"]
    assert text_color(viridis(0.0)) == "white" and text_color(viridis(1.0)) == "black"
    np.testing.assert_array_equal(is_dark(viridis([0.0, 0.3, 0.9])), [True, True, False])  # one call, many cells
    assert text_color((1.0, 1.0, 1.0, 1.0)) == "black" and text_color((0.0, 0.0, 0.0, 1.0)) == "white"


def test_colormaps_with_gaps_palettes_and_digit_ranges():
    from mnist_viz.plots._style import TRANSPARENT, class_palette, cmap_with_gaps, digit_range

    gaps = cmap_with_gaps("gray_r")
    assert tuple(gaps.get_bad()) == TRANSPARENT and gaps(0.0) == matplotlib.colormaps["gray_r"](0.0)
    assert tuple(cmap_with_gaps("viridis", bad="white").get_bad()) == (1.0, 1.0, 1.0, 1.0)
    import seaborn as sns

    assert class_palette(10) == sns.color_palette("colorblind", 10)
    assert class_palette(47) == sns.color_palette("husl", 47) and len(set(class_palette(47))) == 47
    assert digit_range(np.zeros((1, 28, 28), np.uint8)) == (0.0, 255.0)
    assert digit_range(np.full((28, 28), 200.0)) == (0.0, 255.0)
    assert digit_range(np.full((28, 28), 0.7)) == (0.0, 1.0)
    assert digit_range(np.zeros((0, 28, 28))) == (0.0, 1.0)


def test_digit_range_is_pixel_scale():
    """One rule for "0..1 or 0..255": digit_range answers with mnist_viz._arrays.pixel_scale."""
    from mnist_viz._arrays import pixel_scale
    from mnist_viz.plots._style import digit_range

    for x in (np.full((1, 784), 0.5), np.full((1, 784), 200.0), np.full((1, 784), 7, np.uint8),
              np.array([[0, 1] * 392]), np.array([[1.0000001] * 784]), np.array([[np.nan] * 784])):
        assert digit_range(x) == (0.0, pixel_scale(x))


def test_alt_text_lives_on_the_figure_of_an_axes():
    import matplotlib.pyplot as plt

    from mnist_viz.plots._style import alt_text, set_alt_text

    fig, (a, b) = plt.subplots(1, 2)
    assert alt_text(fig) == ""
    set_alt_text(a, "two panels")
    assert alt_text(b) == alt_text(fig) == "two panels"  # an Axes without its own text: the figure's
    set_alt_text(fig, 3)  # a figure-level text describes the Axes the figure has (a multi-panel plot)
    assert alt_text(fig) == alt_text(b) == "3" and alt_text(a) == "two panels"
    c = fig.add_axes((0.1, 0.1, 0.2, 0.2))
    set_alt_text(c, "An inset.")  # added later: not described by the figure's text
    assert alt_text(fig) == "3 An inset."
    plt.close(fig)


def test_a_users_grid_of_plots_is_described_plot_by_plot_in_order(preds):
    import matplotlib.pyplot as plt

    _i, labels, probs = preds
    fig, axes = plt.subplots(2, 2, figsize=(9, 8), layout="constrained")
    mp.confusion_matrix(labels, probs, ax=axes[0, 0])
    mp.calibration(labels, probs, ax=axes[0, 1])
    mp.class_metrics(labels, probs, ax=axes[1, 0])
    axes[1, 1].plot([0, 1])  # the user's own panel adds nothing
    sentences = [mp.alt_text(ax) for ax in axes.flat[:3]]
    assert sentences[0].startswith("Confusion matrix of 300 predictions")
    assert sentences[1].startswith("Reliability diagram of 300 predictions")
    assert sentences[2].startswith("Per-class precision, recall and F1")
    assert mp.alt_text(fig) == " ".join(sentences)
    mp.confusion_matrix(labels, probs, normalize="true", ax=axes[0, 0])  # redrawn: replaces its sentence
    assert mp.alt_text(fig).count("Confusion matrix") == 1
    plt.close(fig)


def test_subfigures_compose_their_texts():
    import matplotlib.pyplot as plt

    from mnist_viz.plots._style import set_alt_text

    fig = plt.figure()
    left, right = fig.subfigures(1, 2)
    set_alt_text(left.subplots(1, 2)[0], "Left panel.")
    right.subplots(2, 1)
    set_alt_text(right, "Two right panels.")
    assert mp.alt_text(fig) == "Left panel. Two right panels."
    set_alt_text(fig, "All of it.")
    assert mp.alt_text(fig) == "All of it."
    plt.close(fig)


# ---- the user's matplotlib state ---------------------------------------------------------------

def _snapshot():
    import matplotlib.pyplot as plt

    return dict(matplotlib.rcParams.copy()), plt.isinteractive(), matplotlib.get_backend()


@pytest.mark.parametrize("interactive", [False, True])
def test_a_plot_keeps_rcparams_interactive_mode_and_backend(preds, interactive):
    import matplotlib.pyplot as plt

    _i, labels, probs = preds
    was = plt.isinteractive()
    try:
        plt.interactive(interactive)
        before = _snapshot()
        mp.confusion_matrix(labels, probs)
        mp.misclassified(*preds)
        assert _snapshot() == before and plt.isinteractive() is interactive
    finally:
        plt.interactive(was)
        plt.close("all")


def test_a_change_of_interactive_mode_inside_the_style_outlives_it():
    """What a notebook's first pyplot use does (the inline backend turns interactive mode on) is kept."""
    import matplotlib.pyplot as plt

    from mnist_viz.plots._style import plot_style

    was = plt.isinteractive()
    try:
        plt.ioff()
        with plot_style():
            assert matplotlib.rcParams["axes.titlesize"] == 10
            plt.ion()
        assert plt.isinteractive() and matplotlib.rcParams["axes.titlesize"] != 10
    finally:
        plt.interactive(was)


NOTEBOOK_LIKE_BACKEND = """
# Like matplotlib_inline: selecting this backend (pyplot's first figure) turns interactive mode on.
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg as FigureCanvas
matplotlib.interactive(True)
"""


def test_the_backend_is_resolved_before_the_style_so_its_activation_is_kept(tmp_path):
    """The cause of issue 13: in a fresh kernel the inline backend was activated *inside* the style's
    rc context, whose exit turned interactive mode off again. In a fresh process with a backend that
    activates like the inline one, the first mnist_viz plot leaves interactive mode on."""
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "nb_like_backend.py").write_text(NOTEBOOK_LIKE_BACKEND, encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    code = ("import matplotlib, matplotlib.pyplot as plt, mnist_viz.plots as mp\n"
            "assert not matplotlib.is_interactive()\n"
            "mp.confusion_matrix([0, 1, 1], [0, 1, 0])\n"
            "print(matplotlib.is_interactive(), matplotlib.get_backend())")
    env = dict(os.environ, MPLBACKEND="module://nb_like_backend",
               PYTHONPATH=os.pathsep.join([str(tmp_path), str(root)]))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "module://nb_like_backend"]


def test_the_users_current_figure_and_axes_stay_current(preds):
    import matplotlib.pyplot as plt

    plt.close("all")
    mine, (left, right) = plt.subplots(1, 2)
    plt.sca(left)
    fig = mp.misclassified(*preds)  # a fresh figure
    ax = mp.confusion_matrix(preds[1], preds[2])
    assert plt.gcf() is mine and plt.gca() is left
    assert fig is not mine and ax.figure is not mine and plt.fignum_exists(fig.number)
    mp.calibration(preds[1], preds[2], ax=right)  # drawing on the user's own Axes moves nothing either
    assert plt.gcf() is mine and plt.gca() is left
    plt.close("all")
    ax = mp.confusion_matrix(preds[1], preds[2])  # no figure of the user's: the fresh one is current
    assert plt.gcf() is ax.figure
    plt.close("all")
