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
    assert alt_text(b) == alt_text(fig) == "two panels"
    set_alt_text(fig, 3)
    assert alt_text(a) == "3"
