"""Behaviour and bad-input tests for mnist_viz.features and the model-view plots (activations,
dense_weights, filters, embedding, weight_evolution, prediction_evolution).

Behaviour is checked on the artists (titles, images, colormaps, legend texts, markers) and on the
numbers the features module returns. Models are tiny and untrained (built in milliseconds).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import mnist_viz.plots as mp  # noqa: E402
from test_gallery_model_views import probe_records, weight_records  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def keras():
    from mnist_viz._tf import import_keras

    return import_keras()


@pytest.fixture(scope="module")
def features():
    from mnist_viz import features

    return features


def _images(n=3, seed=0):
    return np.random.default_rng(seed).random((n, 28, 28)).astype(np.float32)


def _seq_no_input(keras, name="noinput"):
    L = keras.layers
    return keras.Sequential([L.Conv2D(4, 3, name="c1"), L.MaxPooling2D(name="p1"), L.Conv2D(3, 3, name="c2"),
                             L.Flatten(name="flat"), L.Dense(6, name="pen"), L.Dense(10, name="cls")], name=name)


def _functional_nested(keras):
    L = keras.layers
    inp = keras.Input((28, 28, 1))
    h = L.Conv2D(2, 3, name="fc1")(inp)
    sub_in = keras.Input((26, 26, 2))
    sub = keras.Model(sub_in, L.MaxPooling2D(name="sp")(L.Conv2D(3, 3, name="sc")(sub_in)), name="sub")
    out = L.Dense(10, name="fo")(L.Flatten()(sub(h)))
    return keras.Model(inp, out, name="fnested")


# --------------------------------------------------------------------------------------------
# features
# --------------------------------------------------------------------------------------------
def test_feature_maps_sequential_without_input(keras, features):
    model = _seq_no_input(keras)
    assert not model.built
    maps = features.feature_maps(model, _images(3))
    assert list(maps) == ["c1", "p1", "c2"]
    assert [m.shape for m in maps.values()] == [(3, 26, 26, 4), (3, 13, 13, 4), (3, 11, 11, 3)]
    assert model.built
    # the maps are the real layer outputs
    x = _images(3)[..., None]
    expected = model.get_layer("c1")(x)
    np.testing.assert_allclose(maps["c1"], np.asarray(expected), rtol=1e-5, atol=1e-6)


def test_feature_maps_accept_every_image_layout_and_scale_uint8(keras, features):
    model = _seq_no_input(keras)
    imgs = (np.random.default_rng(1).random((2, 28, 28)) * 255).astype(np.uint8)
    ref = features.feature_maps(model, imgs.astype(np.float32) / 255)["c1"]
    for variant in (imgs, imgs.reshape(2, 784), imgs[..., None]):
        np.testing.assert_allclose(features.feature_maps(model, variant)["c1"], ref, rtol=1e-5, atol=1e-6)
    assert features.feature_maps(model, imgs[0])["c1"].shape == (1, 26, 26, 4)  # one (28, 28) image


def test_feature_maps_nested_sequential(keras, features):
    L = keras.layers
    inner = keras.Sequential([L.Conv2D(3, 3, name="ic"), L.MaxPooling2D(name="ip")], name="inner")
    outer = keras.Sequential([keras.Input((28, 28, 1)), inner, L.Conv2D(2, 3, name="oc"), L.Flatten(),
                              L.Dense(5, name="pen"), L.Dense(10, name="cls"), L.Softmax()], name="outer")
    maps = features.feature_maps(outer, _images(2).reshape(2, 784))
    assert {k: v.shape for k, v in maps.items()} == {"ic": (2, 26, 26, 3), "ip": (2, 13, 13, 3), "oc": (2, 11, 11, 2)}
    assert list(maps) == ["ic", "ip", "oc"]
    assert features.penultimate_features(outer, _images(2)).shape == (2, 5)


def test_feature_maps_nested_functional_and_layer_selection(keras, features):
    model = _functional_nested(keras)
    maps = features.feature_maps(model, _images(2))
    assert list(maps) == ["fc1", "sc", "sp"]
    picked = features.feature_maps(model, _images(2), layers=["sub/sc", "fc1"])
    assert list(picked) == ["fc1", "sc"]  # layer order, not request order
    # the nested conv's maps equal running the sub-model's layers on the outer conv's output
    x = _images(2)[..., None]
    expected = model.get_layer("sub").get_layer("sc")(model.get_layer("fc1")(x))
    np.testing.assert_allclose(picked["sc"], np.asarray(expected), rtol=1e-5, atol=1e-6)
    assert features.penultimate_features(model, _images(4)).shape == (4, 12 * 12 * 3)


def test_feature_maps_sequential_first_called_on_another_batch_size(keras, features):
    import warnings

    model = _seq_no_input(keras)
    model(np.zeros((2, 28, 28, 1), np.float32))  # built by a call: its graph input has batch size 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        maps = features.feature_maps(model, _images(5))
        pen = features.penultimate_features(model, _images(5))
    assert maps["c2"].shape == (5, 11, 11, 3) and pen.shape == (5, 6)


def test_subclassed_model_is_refused_clearly(keras, features):
    class Sub(keras.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.conv = keras.layers.Conv2D(2, 3)
            self.flat = keras.layers.Flatten()
            self.out = keras.layers.Dense(10)

        def call(self, x):
            return self.out(self.flat(self.conv(x)))

    with pytest.raises(ValueError, match="no layer graph .*Sequential or functional"):
        features.feature_maps(Sub(), _images(1))
    with pytest.raises(ValueError, match="no layer graph"):
        features.penultimate_features(Sub(), _images(1))


def test_feature_cache_does_not_keep_models_alive(keras, features):
    import gc
    import weakref

    model = _seq_no_input(keras, name="short_lived")
    features.feature_maps(model, _images(1))
    features.penultimate_features(model, _images(1))
    assert len(features._CACHE[model]) == 2
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None  # the cached sub-models do not keep their model alive


def test_penultimate_features_nested_head_and_batches(keras, features):
    L = keras.layers
    head = keras.Sequential([L.Flatten(), L.Dense(7, name="h1"), L.Dense(10, name="h2")], name="head")
    model = keras.Sequential([L.Conv2D(2, 3, name="gc"), head])
    out = features.penultimate_features(model, _images(5), batch_size=2)
    assert out.shape == (5, 7)
    one = features.penultimate_features(model, _images(5)[:1])
    np.testing.assert_allclose(out[:1], one, rtol=1e-5, atol=1e-6)


def test_first_layer_weights(keras, features):
    from mnist_viz.models import convnet, dense

    kind, w = features.first_layer_weights(dense())
    assert kind == "dense" and w.shape == (784, 512)
    kind, w = features.first_layer_weights(convnet())
    assert kind == "conv" and w.shape[:3] == (3, 3, 1)
    with pytest.raises(ValueError, match="not built"):
        features.first_layer_weights(_seq_no_input(keras))


def test_feature_maps_dense_model_says_no_conv_and_suggests_dense_weights(features):
    from mnist_viz.models import dense

    with pytest.raises(ValueError, match="no convolution or pooling layer.*dense_weights"):
        features.feature_maps(dense(), np.zeros((1, 784)))


def test_feature_maps_bad_input(keras, features):
    model = _functional_nested(keras)
    with pytest.raises(ValueError, match=r"layers \['nope'\] not found.*fc1"):
        features.feature_maps(model, _images(1), layers=["nope"])
    with pytest.raises(ValueError, match=r"900 values each .*\(28, 28, 1\)"):
        features.feature_maps(model, np.zeros((1, 30, 30)))
    with pytest.raises(TypeError, match="model must be a keras.Model; got dict"):
        features.feature_maps({}, _images(1))
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1"):
        features.penultimate_features(model, _images(1), batch_size=0)


def test_feature_maps_cached_and_fast(keras, features):
    from mnist_viz.models import convnet

    model = convnet()
    features.feature_maps(model, _images(1))
    assert model in features._CACHE
    extractor = features._CACHE[model][("maps", None)]
    t = time.perf_counter()
    for _ in range(5):
        features.feature_maps(model, _images(1))
    assert (time.perf_counter() - t) / 5 < 0.25
    assert features._CACHE[model][("maps", None)] is extractor


# --------------------------------------------------------------------------------------------
# activations
# --------------------------------------------------------------------------------------------
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


def test_plot_functions_leave_rcparams_alone():
    before = dict(matplotlib.rcParams)
    mp.activations(np.zeros((28, 28)), _maps(2))
    mp.weight_evolution(weight_records(2))
    assert dict(matplotlib.rcParams) == before


# --------------------------------------------------------------------------------------------
# dense_weights / filters
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# embedding
# --------------------------------------------------------------------------------------------
def _clusters(n_per=20, k=3, d=8, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(k), n_per)
    return rng.normal(size=(len(y), d)) + 4 * y[:, None], y


def test_embedding_classes_errors_and_legend():
    x, y = _clusters()
    pred = y.copy()
    pred[[3, 25, 50]] = [1, 2, 0]
    ax = mp.embedding(x, y, y_pred=pred, class_names=["zero", "one", "two"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["zero", "one", "two", "misclassified (3)"]
    error_points = sum(len(c.get_offsets()) for c in ax.collections if str(c.get_gid()).startswith("errors_"))
    assert error_points == 3
    class_points = sum(len(c.get_offsets()) for c in ax.collections if str(c.get_gid()).startswith("class_"))
    assert class_points == 57
    assert ax.get_xlabel().startswith("PC1 (") and "variance" in ax.get_ylabel()
    assert [t.get_text() for t in ax.texts if t.get_gid() == "class_label"] == ["zero", "one", "two"]
    assert "3 misclassified" in mp.alt_text(ax)


@pytest.mark.parametrize("shape", [(1000, 512), (40, 6), (12, 30)])
def test_embedding_pca_is_scikit_learns_with_a_fixed_sign(shape):
    """The fast PCA (eigenvectors of the scatter matrix) gives scikit-learn's full-SVD PCA up to float
    noise, signs included (each component's largest weight positive), and the axis labels' variance."""
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(3)
    x = np.maximum(rng.normal(size=shape) @ rng.normal(size=(shape[1], shape[1])), 0)  # ReLU-like
    y = np.arange(shape[0]) % 3
    pca = PCA(n_components=2, svd_solver="full")
    ref = pca.fit_transform(x)
    ax = mp.embedding(x, y)
    for c in range(3):
        (points,) = [col for col in ax.collections if col.get_gid() == f"class_{c}"]
        np.testing.assert_allclose(points.get_offsets(), ref[y == c], rtol=1e-7, atol=1e-9 * np.abs(ref).max())
    r = pca.explained_variance_ratio_
    assert ax.get_xlabel() == f"PC1 ({r[0]:.0%} of variance)" and ax.get_ylabel() == f"PC2 ({r[1]:.0%} of variance)"
    # negated features have the same scatter matrix and so the same (sign-fixed) components: the
    # scores are exactly negated, whatever sign the eigensolver happened to return
    flipped = mp.embedding(-x, y)
    (points,) = [col for col in flipped.collections if col.get_gid() == "class_0"]
    np.testing.assert_allclose(points.get_offsets(), -ref[y == 0], rtol=1e-7, atol=1e-9 * np.abs(ref).max())


def test_embedding_draws_on_given_axes_or_a_fresh_figure():
    x, y = _clusters()
    current = plt.figure()
    ax = mp.embedding(x, y)
    assert ax.figure is not current
    fig, given = plt.subplots()
    assert mp.embedding(x, y, ax=given) is given
    assert given.get_legend() is not None


def test_embedding_tsne_one_hot_and_probabilities():
    x, y = _clusters(n_per=10)
    onehot = np.eye(3)[y]
    probs = np.full((30, 3), 0.1)
    probs[np.arange(30), y] = 0.8
    ax = mp.embedding(x, onehot, y_pred=probs, method="tsne")
    assert ax.get_xlabel() == "t-SNE 1"
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "misclassified (0)"


def test_embedding_bad_and_empty_input():
    x, y = _clusters()
    with pytest.raises(ValueError, match="mismatched lengths: features has 60 rows, y_true has 59 rows"):
        mp.embedding(x, y[:-1])
    with pytest.raises(ValueError, match="mismatched lengths: features has 60 rows, y_pred has 2 rows"):
        mp.embedding(x, y, y_pred=[0, 1])
    with pytest.raises(ValueError, match="method must be 'pca' or 'tsne'; got 'umap'"):
        mp.embedding(x, y, method="umap")
    with pytest.raises(ValueError, match="negative label"):
        mp.embedding(x, y - 1)
    with pytest.raises(ValueError, match="NaN or inf"):
        mp.embedding(np.full((3, 2), np.nan), [0, 1, 2])
    ax = mp.embedding(np.zeros((0, 5)), np.zeros(0, dtype=int))
    assert "no points" in ax.texts[0].get_text()
    ax = mp.embedding(np.ones((1, 5)), [0])  # one point: still a figure
    assert len(ax.collections) == 1


def test_embedding_class_labels_do_not_hide_each_other():
    """Two classes with the same centre (a "3" under an "8"): their labels are nudged apart and
    joined to the centre by a thin leader line; labels far apart stay exactly at their centres."""
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), 30)
    centres = np.array([[0, 0], [10, 0], [5, 5], [5.05, 5.05]])  # classes 2 and 3 share a centre
    x = centres[y] + rng.normal(scale=1.0, size=(len(y), 2))
    ax = mp.embedding(x, y)
    ax.figure.canvas.draw()
    labels = [t for t in ax.texts if t.get_gid() == "class_label"]
    assert [t.get_text() for t in labels] == ["0", "1", "2", "3"]
    boxes = [t.get_bbox_patch().get_window_extent() for t in labels]
    for i in range(4):
        for j in range(i + 1, 4):
            assert not boxes[i].overlaps(boxes[j]), f"label {i} overlaps label {j}"
    assert len([ln for ln in ax.lines if ln.get_gid() == "class_label_leader"]) == 4  # 2 moved labels: line + dot


def test_embedding_predicted_out_of_range_is_an_error():
    x, y = _clusters()
    with pytest.raises(ValueError, match=r"y_pred holds label 99, out of range for 3 classes \(0..2\), the "
                                         r"classes found in y_true; pass n_classes= \(or class_names=\)"):
        mp.embedding(x, y, y_pred=np.r_[y[:-1], 99])
    with pytest.raises(ValueError, match=r"y_pred holds label 99, out of range for 10 classes \(0..9\)$"):
        mp.embedding(x, y, y_pred=np.r_[y[:-1], 99], n_classes=10)
    with pytest.raises(ValueError, match="y_true holds label 2, out of range for 2 classes"):
        mp.embedding(x, y, class_names=["a", "b"])
    with pytest.raises(ValueError, match="y_true is 2-D .* but not one-hot"):
        mp.embedding(x, np.full((60, 3), 1 / 3))
    ax = mp.embedding(x, y, y_pred=np.r_[y[:-1], 5], n_classes=6)  # a class the probe set lacks: fine
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "misclassified (1)"


# --------------------------------------------------------------------------------------------
# weight_evolution
# --------------------------------------------------------------------------------------------
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
    assert "no ReLU layers recorded" in texts
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


# --------------------------------------------------------------------------------------------
# prediction_evolution
# --------------------------------------------------------------------------------------------
def test_prediction_evolution_confusion_default_and_chosen_epochs():
    probe = probe_records(epochs=8, n=200)
    fig = mp.prediction_evolution(probe)
    mats = [ax for ax in fig.axes if ax.get_title().startswith("epoch")]
    assert [ax.get_title().split(" · ")[0] for ax in mats] == ["epoch 1", "epoch 3", "epoch 6", "epoch 8"]
    pred = probe.probabilities[7].argmax(1)
    acc = (pred == probe.labels).mean()
    assert mats[-1].get_title() == f"epoch 8 · acc {acc:.0%}"
    rate = mats[-1].images[0].get_array()
    for c in range(10):
        assert rate[c, c] == pytest.approx(((pred == c) & (probe.labels == c)).sum() / (probe.labels == c).sum())
    assert mats[0].images[0].get_cmap().name == "viridis"
    fig = mp.prediction_evolution(probe, epochs=[2, 8])
    assert [ax.get_title().split(" · ")[0] for ax in fig.axes if ax.get_title().startswith("epoch")] == \
        ["epoch 2", "epoch 8"]
    with pytest.raises(ValueError, match=r"epochs \[9\] were not recorded.*\[1, 2, 3, 4, 5, 6, 7, 8\]"):
        mp.prediction_evolution(probe, epochs=[9])


def test_prediction_evolution_accuracy_lines_and_heatmap():
    probe = probe_records(epochs=5, n=100)
    fig = mp.prediction_evolution(probe, kind="accuracy", class_names=list("abcdefghij"))
    lines_ax, heat_ax = fig.axes[0], fig.axes[1]
    overall = [ln for ln in lines_ax.get_lines() if ln.get_gid() == "overall"][0]
    expected = (probe.probabilities.argmax(2) == probe.labels[None]).mean(1)
    np.testing.assert_allclose(overall.get_ydata(), expected)
    assert len([ln for ln in lines_ax.get_lines() if str(ln.get_gid()).startswith("class_")]) == 10
    assert [t.get_text() for t in heat_ax.get_yticklabels()] == list("abcdefghij")
    assert heat_ax.images[0].get_array().shape == (10, 5)
    assert mp.alt_text(fig).startswith("Per-class accuracy on 100 probe digits over 5 epochs")


def test_prediction_evolution_from_run_with_probe_records():
    from mnist_viz.run import ProbeRecords

    p = probe_records(epochs=3, n=50)
    rec = ProbeRecords(images=None, labels=p.labels, indices=np.arange(50), epochs=p.epochs,
                       probabilities=p.probabilities)
    fig = mp.prediction_evolution(SimpleNamespace(probe=rec, history=pd.DataFrame()), kind="accuracy")
    assert fig.axes[0].get_title() == "per-class accuracy"
    with pytest.raises(ValueError, match="this run has no probe records"):
        mp.prediction_evolution(SimpleNamespace(probe=None, history=pd.DataFrame()))


def test_prediction_evolution_bad_and_empty_input():
    p = probe_records(epochs=2, n=20)
    with pytest.raises(ValueError, match="kind must be 'confusion' or 'accuracy'"):
        mp.prediction_evolution(p, kind="roc")
    with pytest.raises(ValueError, match=r"probe.labels has 19 rows, probe.probabilities has 20 digits"):
        mp.prediction_evolution(SimpleNamespace(labels=p.labels[:19], epochs=p.epochs, probabilities=p.probabilities))
    with pytest.raises(ValueError, match=r"must have shape \(epochs, n, classes\)"):
        mp.prediction_evolution(SimpleNamespace(labels=p.labels, epochs=p.epochs, probabilities=p.probabilities[0]))
    with pytest.raises(ValueError, match="out of range for 10 classes"):
        mp.prediction_evolution(SimpleNamespace(labels=p.labels + 5, epochs=p.epochs, probabilities=p.probabilities))
    with pytest.raises(ValueError, match=r"probe.epochs has shape \(3,\)"):
        mp.prediction_evolution(SimpleNamespace(labels=p.labels, epochs=np.arange(3), probabilities=p.probabilities))
    with pytest.raises(TypeError, match="probe must be a Run or an object with"):
        mp.prediction_evolution([1, 2])
    onehot = SimpleNamespace(labels=np.eye(10)[p.labels], epochs=p.epochs, probabilities=p.probabilities)
    assert mp.prediction_evolution(onehot, kind="accuracy") is not None
    empty = SimpleNamespace(labels=np.zeros(0, int), epochs=np.zeros(0, int), probabilities=np.zeros((0, 0, 10)))
    fig = mp.prediction_evolution(empty)
    assert "no probe predictions recorded yet" in fig.axes[0].texts[0].get_text()
    single = SimpleNamespace(labels=p.labels, epochs=p.epochs[:1], probabilities=p.probabilities[:1])
    fig = mp.prediction_evolution(single, kind="accuracy")
    assert len(fig.axes[0].get_lines()) == 11


def test_evolution_views_read_a_real_recorded_run(tmp_path, keras):
    """The real recorders' output (RunRecorder -> run directory -> Run.load) feeds both views."""
    from mnist_viz.callbacks import RunRecorder
    from mnist_viz.run import Run

    rng = np.random.default_rng(0)
    x = rng.random((64, 784)).astype(np.float32)
    y = np.eye(10)[rng.integers(0, 10, 64)]
    keras.utils.set_random_seed(0)
    L = keras.layers
    model = keras.Sequential([keras.Input((784,)), L.Dense(8, activation="relu", name="hidden"),
                              L.Dense(10, activation="softmax", name="out")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    rec = RunRecorder(tmp_path / "run", validation_data=(x[:32], y[:32]), probe_size=32, save_model=False)
    model.fit(x, y, epochs=2, batch_size=32, validation_data=(x[:32], y[:32]), callbacks=[rec], verbose=0)
    run = Run.load(tmp_path / "run")
    fig = mp.weight_evolution(run)
    assert [ax.get_title() for ax in fig.axes[:2]] == ["hidden/kernel", "out/kernel"]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["init", "1", "2"]
    assert [t.get_text() for t in fig.axes[-1].get_legend().get_texts()] == ["hidden"]
    fig = mp.prediction_evolution(run)
    assert [ax.get_title().split(" · ")[0] for ax in fig.axes if ax.get_title().startswith("epoch")] == \
        ["epoch 1", "epoch 2"]
    fig = mp.prediction_evolution(run, kind="accuracy")
    assert len(fig.axes[0].get_lines()) == 11
