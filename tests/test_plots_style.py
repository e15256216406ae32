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


@pytest.fixture(scope="module")
def preds():
    return gd.predictions(300)


def _maps(c=8):
    rng = np.random.default_rng(0)
    return {"conv1": rng.random((26, 26, c)), "pool1": rng.random((13, 13, c))}


def test_style_is_applied_inside_the_call_only(preds):
    _i, probs, labels = preds
    before = matplotlib.rcParams["font.size"]
    ax = mp.confusion_matrix(labels, probs)
    assert matplotlib.rcParams["font.size"] == before
    assert ax.title.get_fontsize() == 10  # axes.titlesize of the project's style file


def test_plot_functions_leave_rcparams_alone():
    before = dict(matplotlib.rcParams)
    mp.activations(np.zeros((28, 28)), _maps(2))
    mp.weight_evolution(weight_records(2))
    assert dict(matplotlib.rcParams) == before
