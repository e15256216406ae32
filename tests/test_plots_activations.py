"""Behaviour of mnist_viz.plots.activations: from a mapping, a live model or a Run's features; rows,
titles, image layouts, bad input, and no TensorFlow for precomputed maps.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mnist_viz.plots as mp  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def keras():
    from mnist_viz._tf import import_keras

    return import_keras()


def _seq_no_input(keras, name="noinput"):
    L = keras.layers
    return keras.Sequential([L.Conv2D(4, 3, name="c1"), L.MaxPooling2D(name="p1"), L.Conv2D(3, 3, name="c2"),
                             L.Flatten(name="flat"), L.Dense(6, name="pen"), L.Dense(10, name="cls")], name=name)


def _maps(c=8):
    rng = np.random.default_rng(0)
    return {"conv1": rng.random((26, 26, c)), "pool1": rng.random((13, 13, c))}


def test_activations_from_mapping_rows_titles_and_alt():
    fig = mp.activations(np.zeros((28, 28)), _maps(8), max_maps=4)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["input 28×28", "conv1 · 26×26×8 · maps 1–4 of 8", "pool1 · 13×13×8 · maps 1–4 of 8"]
    for ax in fig.axes:
        assert ax.images[0].get_interpolation() == "nearest"
    # 4 maps of 26 px with 1-px gaps in one line
    assert fig.axes[1].images[0].get_array().shape == (26, 4 * 27 - 1)
    assert fig.axes[1].images[0].get_cmap().name.startswith("viridis")
    assert "conv1 26×26×8" in mp.alt_text(fig)


def test_activations_accepts_image_layouts_and_batch_of_one_maps():
    maps = {k: v[None] for k, v in _maps(2).items()}
    for image in (np.zeros(784), np.zeros((28, 28, 1)), np.zeros((1, 28, 28))):
        fig = mp.activations(image, maps)
        assert fig.axes[1].get_title(loc="left") == "conv1 · 26×26×2 · all 2 maps"
        plt.close(fig)


def test_activations_layers_selection_and_bad_input():
    fig = mp.activations(np.zeros((28, 28)), _maps(), layers=["pool1"])
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match=r"layers \['conv9'\] not in the given feature maps"):
        mp.activations(np.zeros((28, 28)), _maps(), layers=["conv9"])
    with pytest.raises(ValueError, match=r"image must be one digit .* got shape \(2, 28, 28\)"):
        mp.activations(np.zeros((2, 28, 28)), _maps())
    with pytest.raises(ValueError, match="max_maps must be an integer >= 1; got 0"):
        mp.activations(np.zeros((28, 28)), _maps(), max_maps=0)
    with pytest.raises(ValueError, match=r"layer 'conv1' must have shape \(h, w, c\).*several digits"):
        mp.activations(np.zeros((28, 28)), {"conv1": np.zeros((3, 26, 26, 4))})
    with pytest.raises(TypeError, match="model must be a keras.Model or a mapping"):
        mp.activations(np.zeros((28, 28)), [1, 2, 3])
    with pytest.raises(ValueError, match="empty mapping"):
        mp.activations(np.zeros((28, 28)), {})


def test_activations_live_model_every_conv_pool_layer_in_order(keras):
    model = _seq_no_input(keras)
    fig = mp.activations((np.random.default_rng(0).random((28, 28)) * 255).astype(np.uint8), model)
    assert [ax.get_title(loc="left").split(" · ")[0] for ax in fig.axes] == ["input 28×28", "c1", "p1", "c2"]
    assert "3 conv/pool layers" in mp.alt_text(fig)


def test_activations_dense_model_error_suggests_dense_weights():
    from mnist_viz.models import dense

    with pytest.raises(ValueError, match="dense_weights"):
        mp.activations(np.zeros((28, 28)), dense())


def test_activations_from_run_features_picks_the_stored_digit():
    images = (np.random.default_rng(0).random((5, 28, 28)) * 255).astype(np.uint8)
    feats = {"layer_names": np.array(["conv1"]), "activation_indices": np.array([1, 3]),
             "activations__conv1": np.stack([np.full((26, 26, 2), 1.0), np.full((26, 26, 2), 2.0)])}
    feats["activations__conv1"][1, 0, 0, 0] = 5.0  # digit 3's maps are not constant
    run = SimpleNamespace(features=feats, test=SimpleNamespace(images=images))
    fig = mp.activations(images[3], run)
    arr = fig.axes[1].images[0].get_array()
    assert arr[0, 0] == 1.0  # scaled maps of digit 3 (its peak), not the constant maps of digit 1
    with pytest.raises(ValueError, match=r"test digits \[1, 3\] only"):
        mp.activations(images[0], run)


def test_activations_with_a_mapping_does_not_import_tensorflow():
    code = (
        "import sys, numpy as np, mnist_viz.plots as mp\n"
        "mp.activations(np.zeros((28, 28)), {'c': np.ones((26, 26, 3))})\n"
        "mp.embedding(np.random.default_rng(0).random((20, 4)), np.arange(20) % 3)\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "MPLBACKEND": "Agg"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False False"


def test_activations_draws_a_standardized_input_visibly_and_says_so():
    digit = np.zeros((28, 28))
    digit[6:22, 12:16] = 1.0  # a "1" on the 0..1 scale
    standardized = (digit - 0.1307) / 0.3081  # -0.42 background, 2.82 strokes
    fig = mp.activations(standardized, _maps(2))
    shown = fig.axes[0].images[0]
    assert shown.get_clim() == (0.0, 1.0)
    np.testing.assert_allclose(shown.get_array(), digit)  # rescaled to its own range: the digit itself
    assert "standardized (negative values): it is rescaled to its own range for display" in mp.alt_text(fig)
    plain = mp.activations(digit, _maps(2))
    assert plain.axes[0].images[0].get_clim() == (0.0, 1.0) and "standardized" not in mp.alt_text(plain)
    with pytest.raises(ValueError, match=r"image holds pixel values 0\.\.1e\+06; expected 0\.\.1, 0\.\.255 or standardized"):
        mp.activations(digit * 1e6, _maps(2))
    plt.close("all")


def test_activations_from_run_features_finds_a_standardized_digit_as_stored():
    from mnist_viz._arrays import to_uint8_images

    rng = np.random.default_rng(1)
    standardized = (rng.random((4, 28, 28)) - 0.1307) / 0.3081
    stored = to_uint8_images(standardized)  # what RunRecorder writes for a standardized test set
    feats = {"layer_names": np.array(["conv1"]), "activation_indices": np.array([0, 2]),
             "activations__conv1": np.stack([np.full((26, 26, 2), 1.0), np.full((26, 26, 2), 2.0)])}
    feats["activations__conv1"][1, 0, 0, 0] = 5.0
    run = SimpleNamespace(features=feats, test=SimpleNamespace(images=stored))
    fig = mp.activations(standardized[2], run)  # the user's own (standardized) array finds digit 2's maps
    assert fig.axes[1].images[0].get_array()[0, 0] == 1.0
    plt.close("all")
