"""Behaviour of mnist_viz.plots.weight_evolution on seeded records shaped like WeightRecorder's: one
colour per layer, ridge and heatmap panels placed without overlap, runs and bad input.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from types import SimpleNamespace  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import mnist_viz.plots as mp  # noqa: E402
from test_gallery_model_views import weight_records  # noqa: E402


def test_weight_evolution_one_colour_per_layer_and_a_legend_in_every_panel():
    rec = weight_records(epochs=3)
    fig = mp.weight_evolution(rec, variables=["conv1/kernel", "conv1/bias", "features/kernel"])
    l2, ur, dead = fig.axes[-3:]

    def colours(ax):
        return {ln.get_label(): mcolors.to_hex(ln.get_color()) for ln in ax.get_lines()
                if not ln.get_label().startswith(("_", "~"))}

    c_l2, c_ur, c_dead = colours(l2), colours(ur), colours(dead)
    assert c_l2["conv1/kernel"] == c_l2["conv1/bias"] == c_ur["conv1/kernel"] == c_dead["conv1"]
    assert c_l2["features/kernel"] == c_ur["features/kernel"] == c_dead["features"]
    assert c_dead["conv1"] != c_dead["features"]
    kernel, bias = (next(ln for ln in l2.get_lines() if ln.get_label() == n) for n in ("conv1/kernel", "conv1/bias"))
    assert kernel.get_linestyle() != bias.get_linestyle()
    for ax in (l2, ur, dead):
        legend = ax.get_legend()
        assert legend is not None, ax.get_title()
        assert all(t.get_fontsize() >= 8 for t in legend.get_texts())
    assert "~1e-3 rule of thumb" in [t.get_text() for t in ur.get_legend().get_texts()]


def test_weight_evolution_ridge_panels():
    rec = weight_records(epochs=4)
    fig = mp.weight_evolution(rec)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["conv1/kernel", "features/kernel", "prediction/kernel", "L2 norm", "update ratio ‖ΔW‖/‖W‖",
                      "dead ReLU units"]
    ridge = fig.axes[0]
    assert len(ridge.collections) == 5  # init + 4 epochs, one filled ridge each
    assert [t.get_text() for t in ridge.get_yticklabels()] == ["init", "1", "2", "3", "4"]
    ur = fig.axes[4]
    assert ur.get_yscale() == "log"
    assert len(ur.get_lines()) == 4  # 3 kernels + the 1e-3 guide
    l2 = fig.axes[3]
    line = l2.get_lines()[0]
    expected = rec.stats[rec.stats.weight == "conv1/kernel"].sort_values("epoch")["l2"].to_numpy()
    np.testing.assert_allclose(line.get_ydata(), expected)
    np.testing.assert_allclose(line.get_xdata(), np.arange(5))  # init = 0, epochs 1-based
    dead = fig.axes[5]
    assert [t.get_text() for t in dead.get_legend().get_texts()] == ["conv1", "features"]
    assert "features 14%" in mp.alt_text(fig)


@pytest.mark.parametrize("kind, n_vars", [("ridge", 3), ("heatmap", 3), ("heatmap", 6), ("ridge", 0)])
def test_weight_evolution_panels_placed_without_overlap(kind, n_vars):
    """No layout engine (it cost a third of the drawing): the panels are placed in inches, so check
    that no panel's labels, ticks or title run into another panel or off the figure."""
    rec = weight_records()
    if n_vars == 0:
        rec = SimpleNamespace(stats=rec.stats, histograms={}, dead_relu=rec.dead_relu)
    fig = mp.weight_evolution(rec, kind=kind, variables=list(rec.histograms)[:n_vars] if n_vars == 6 else None)
    assert fig.get_layout_engine() is None
    renderer = fig.canvas.get_renderer()
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]
    if fig.get_suptitle():
        boxes.append(fig._suptitle.get_window_extent(renderer))
    page = fig.bbox
    for i, a in enumerate(boxes):
        assert a.x0 >= page.x0 - 1 and a.y0 >= page.y0 - 1 and a.x1 <= page.x1 + 1 and a.y1 <= page.y1 + 1
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)


def test_weight_evolution_heatmap_and_variables():
    rec = weight_records(epochs=3)
    fig = mp.weight_evolution(rec, kind="heatmap", variables=["conv1/bias", "prediction/kernel"])
    from matplotlib.collections import QuadMesh

    assert [ax.get_title() for ax in fig.axes[:2]] == ["conv1/bias", "prediction/kernel"]
    meshes = [c for c in fig.axes[1].collections if isinstance(c, QuadMesh)]
    assert meshes and meshes[0].get_array().shape == (4, 40)
    assert fig.axes[1].yaxis_inverted()
    assert len(fig.axes[3].get_lines()) == 2  # L2 lines of the chosen variables only
    with pytest.raises(ValueError, match=r"variables \['x/kernel'\] were not recorded"):
        mp.weight_evolution(rec, variables=["x/kernel"])


def test_weight_evolution_from_run_and_real_records():
    from mnist_viz.run import WeightRecords

    rec = weight_records(epochs=2)
    real = WeightRecords(stats=rec.stats, histograms=rec.histograms, dead_relu=rec.dead_relu)
    fig = mp.weight_evolution(SimpleNamespace(weights=real, history=pd.DataFrame()))
    assert fig.axes[0].get_title() == "conv1/kernel"
    with pytest.raises(ValueError, match="this run has no weight records"):
        mp.weight_evolution(SimpleNamespace(weights=None, history=pd.DataFrame()))


def test_weight_evolution_single_record_and_no_relu():
    rec = weight_records(epochs=0)  # only the record before training
    rec.dead_relu = rec.dead_relu.iloc[0:0]
    fig = mp.weight_evolution(rec)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "no dead-ReLU records" in texts  # not "no ReLU layers": a ReLU model without a probe batch has none either
    assert any("no update ratios yet" in t for t in texts)
    assert len(fig.axes[0].collections) == 1


def test_weight_evolution_bad_input():
    rec = weight_records(epochs=2)
    with pytest.raises(ValueError, match="kind must be 'ridge' or 'heatmap'; got 'violin'"):
        mp.weight_evolution(rec, kind="violin")
    with pytest.raises(TypeError, match="records must be a Run or WeightRecords-like"):
        mp.weight_evolution(np.zeros(3))
    bad = SimpleNamespace(stats=rec.stats.drop(columns=["l2"]), histograms={}, dead_relu=None)
    with pytest.raises(ValueError, match=r"records.stats lacks columns \['l2'\]"):
        mp.weight_evolution(bad)
    h = dict(rec.histograms)
    h["conv1/kernel"] = {**h["conv1/kernel"], "counts": np.zeros((3, 7))}
    with pytest.raises(ValueError, match=r"expected edges \(B\+1,\), counts \(E, B\)"):
        mp.weight_evolution(SimpleNamespace(stats=rec.stats, histograms=h, dead_relu=None))
