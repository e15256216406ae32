"""Behaviour of mnist_viz.plots.dense_weights and filters: one mosaic image on one symmetric diverging
scale, each tile's pixels, arrays, models and bad input.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mnist_viz.plots as mp  # noqa: E402


def _weight_titles(fig):
    """The unit/filter titles of a dense_weights/filters figure, in drawing order."""
    return [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "unit_title"]


def _weight_cell(fig, title):
    """The pixels of the tile titled ``title`` in the one mosaic image of dense_weights/filters,
    downsampled back to one value per weight: the tile is the run of finite pixels just below the
    title's anchor (the top centre of its tile), bounded by the NaN gaps."""
    ax = fig.axes[0]
    (t,) = [t for t in ax.texts if t.get_gid() == "unit_title" and t.get_text() == title]
    mosaic = np.ma.filled(ax.images[0].get_array().astype(float), np.nan)
    cx, top = t.xy
    r0, c = int(round(top + 0.5)), int(round(cx))
    assert np.isfinite(mosaic[r0, c]) and (r0 == 0 or np.isnan(mosaic[r0 - 1, c]))
    c0 = c1 = c
    while c0 > 0 and np.isfinite(mosaic[r0, c0 - 1]):
        c0 -= 1
    while c1 + 1 < mosaic.shape[1] and np.isfinite(mosaic[r0, c1 + 1]):
        c1 += 1
    r1 = r0
    while r1 + 1 < mosaic.shape[0] and np.isfinite(mosaic[r1 + 1, c]):
        r1 += 1
    return mosaic[r0:r1 + 1, c0:c1 + 1]


def test_dense_weights_units_diverging_symmetric_scale():
    w = np.random.default_rng(0).normal(0, 0.05, (784, 32))
    w[5, 2] = 0.9
    fig = mp.dense_weights(w, n_units=10, ncols=5)
    assert _weight_titles(fig) == [f"unit {i}" for i in range(10)]
    (im,) = fig.axes[0].images  # every unit in one mosaic image
    assert im.get_cmap().name == "RdBu_r"
    assert im.get_clim() == pytest.approx((-0.9, 0.9))
    for unit in (0, 2, 9):
        np.testing.assert_array_equal(_weight_cell(fig, f"unit {unit}"), w[:, unit].reshape(28, 28))
    assert im.get_interpolation() == "nearest"
    assert fig.axes[1].get_ylabel() == "weight"  # the shared colorbar
    assert "first 10 of 32 units" in mp.alt_text(fig)


def test_dense_weights_from_model_and_bad_input():
    from mnist_viz.models import convnet, dense

    fig = mp.dense_weights(dense(), n_units=4)
    assert "of 512" in fig.get_suptitle()
    with pytest.raises(ValueError, match="first weighted layer is 'conv'.*filters"):
        mp.dense_weights(convnet())
    with pytest.raises(ValueError, match=r"kernel must have shape \(784, units\).*got \(100, 3\)"):
        mp.dense_weights(np.zeros((100, 3)))
    with pytest.raises(ValueError, match="n_units must be an integer >= 1"):
        mp.dense_weights(np.zeros((784, 3)), n_units=-1)
    with pytest.raises(ValueError, match="NaN or inf"):
        mp.dense_weights(np.full((784, 3), np.nan))


def test_filters_kernels_and_bad_input():
    k = np.random.default_rng(0).normal(0, 0.3, (3, 3, 1, 6))
    fig = mp.filters(k, ncols=3)
    assert _weight_titles(fig) == [f"#{i}" for i in range(6)]
    for i in (0, 4, 5):  # each tile upscaled by an integer factor (nearest): every f-th pixel is the kernel
        tile = _weight_cell(fig, f"#{i}")
        f = tile.shape[0] // 3
        assert tile.shape == (3 * f, 3 * f) and f > 1
        np.testing.assert_allclose(tile, np.kron(k[:, :, 0, i], np.ones((f, f))))
    lim = np.abs(k).max()
    assert fig.axes[0].images[0].get_clim() == pytest.approx((-lim, lim))
    assert fig.axes[0].images[0].get_cmap().name == "RdBu_r"
    assert "6 3×3 kernels" in mp.alt_text(fig)
    assert _weight_titles(mp.filters(k[:, :, 0, :])) == [f"#{i}" for i in range(6)]  # (kh, kw, out)
    fig = mp.filters(np.ones((5, 5, 3, 2)))
    assert "mean over 3 input channels" in fig.get_suptitle()
    with pytest.raises(ValueError, match=r"kernel must have shape \(kh, kw, in_channels, filters\).*\(784, 10\)"):
        mp.filters(np.zeros((784, 10)))
    from mnist_viz.models import dense

    with pytest.raises(ValueError, match="first weighted layer is 'dense'.*dense_weights"):
        mp.filters(dense())


def test_filters_from_convnet():
    from mnist_viz.models import convnet

    model = convnet()
    fig = mp.filters(model)
    n = model.get_layer("conv1").filters
    assert _weight_titles(fig) == [f"#{i}" for i in range(n)]
    kernel = model.get_layer("conv1").get_weights()[0].mean(axis=2)
    tile = _weight_cell(fig, f"#{n - 1}")
    f = tile.shape[0] // kernel.shape[0]
    np.testing.assert_allclose(tile[::f, ::f], kernel[:, :, n - 1], rtol=1e-6)
