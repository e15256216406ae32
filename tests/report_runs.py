"""Synthetic run directories and page readers shared by the report tests (tests/test_report*.py).

:func:`write_run` writes a run directory in format v1 without TensorFlow (pieces can be left out
to mimic partial runs); :func:`parse`, :func:`decode_data_uri` and :func:`drill_json` read a built
page. The fixtures ``two_runs`` and ``two_run_report`` (a dense and a conv run, and their report)
are built once per session, whichever test module asks first; import them into a test module to
use them.
"""
from __future__ import annotations

import base64
import json
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mnist_viz._io import atomic_write_json, atomic_write_npz, atomic_write_text


def atomic_write_csv(path, frame):
    """A DataFrame as a run's CSV file (no index), written atomically."""
    return atomic_write_text(path, frame.to_csv(index=False))


CLASSES = [str(i) for i in range(10)]


def _digits(labels: np.ndarray, rng) -> np.ndarray:
    """Blurry blobs whose position depends on the label: (n, 28, 28) uint8."""
    n = len(labels)
    yy, xx = np.mgrid[0:28, 0:28]
    cy = 8 + (labels % 3) * 6 + rng.normal(0, 1, n)
    cx = 8 + (labels // 3) * 4 + rng.normal(0, 1, n)
    img = np.exp(-(((yy[None] - cy[:, None, None]) ** 2) + ((xx[None] - cx[:, None, None]) ** 2)) / 18.0)
    return (img * 255).astype(np.uint8)


def _probabilities(labels: np.ndarray, skill: float, rng, n_classes: int = 10) -> np.ndarray:
    logits = rng.normal(0, 1, (len(labels), n_classes))
    logits[np.arange(len(labels)), labels] += skill
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def recorded(**given) -> dict:
    """run.json "recorded" of a RunRecorder given validation and test data and the defaults,
    changed by ``given`` (``test_data=False``, ``validation=None``, ``record_weights=False`` ...)."""
    out = {"by": "RunRecorder", "validation": "validation_data", "test_data": True, "record_weights": True,
           "record_predictions": True, "record_features": True, "save_model": True, "features_from": "test_data"}
    unknown = set(given) - set(out)
    assert not unknown, f"not a 'recorded' key: {unknown}"
    out.update(given)
    return out


def write_run(path, *, name=None, epochs=3, planned=None, status="complete", n_test=600, n_probe=40,
              seed=0, with_weights=True, with_probe=True, with_test=True, with_features=True,
              with_batches=True, with_images=True, conv=False, with_dead_relu=True, recorded=None, relu=None,
              metadata=None) -> Path:
    """Write a run directory at ``path``; pieces can be left out to mimic partial runs.

    ``recorded``: run.json "recorded" (see :func:`recorded`; None: a run from before it existed).
    ``relu``: whether the model's first layer is a ReLU layer, as run.json "model" of today's
    RunRecorder says (None: an older summary without ``activation``/``relu``). ``metadata``: the
    user's own ``metadata=`` keys, merged into run.json "metadata".
    """
    rng = np.random.default_rng(seed)
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    planned = planned or epochs
    hist = pd.DataFrame({
        "epoch": np.arange(epochs),
        "accuracy": np.linspace(0.7, 0.95, epochs),
        "loss": np.linspace(0.9, 0.2, epochs),
        "val_accuracy": np.linspace(0.72, 0.93, epochs),
        "val_loss": np.linspace(0.85, 0.25, epochs),
        "learning_rate": np.full(epochs, 1e-3),
        "epoch_time": np.full(epochs, 1.5),
        "samples_per_sec": np.full(epochs, 2000.0),
    })
    atomic_write_csv(path / "history.csv", hist)
    if with_batches:
        rows = []
        for e in range(epochs):
            for b in range(8):
                rows.append({"epoch": e, "batch": b, "step": e * 8 + b, "size": 128,
                             "loss": 0.9 - 0.03 * (e * 8 + b), "accuracy": 0.7 + 0.01 * (e * 8 + b),
                             "loss_batch": 0.9 - 0.03 * (e * 8 + b), "accuracy_batch": 0.7 + 0.01 * (e * 8 + b)})
        atomic_write_csv(path / "batches.csv", pd.DataFrame(rows))
    layers = [("dense", "dense/kernel", (784, 32)), ("dense", "dense/bias", (32,)),
              ("dense_1", "dense_1/kernel", (32, 10)), ("dense_1", "dense_1/bias", (10,))]
    if with_weights:
        stats, hists = [], {}
        record_epochs = np.arange(-1, epochs)
        for i, (layer, weight, shape) in enumerate(layers):
            edges = np.linspace(-0.3, 0.3, 33)
            counts = np.stack([np.histogram(rng.normal(0, 0.1 + 0.01 * e, 500), edges)[0] for e in record_epochs]).astype(np.int32)
            hists[f"edges_{i}"] = edges
            hists[f"counts_{i}"] = counts
            for e in record_epochs:
                stats.append({"epoch": int(e), "layer": layer, "weight": weight, "size": int(np.prod(shape)),
                              "mean": 0.0, "std": 0.1, "min": -0.3, "max": 0.3, "l2": 5.0 + e,
                              "update_ratio": np.nan if e == -1 else 0.01 / (e + 1)})
        hists["epochs"] = record_epochs
        atomic_write_csv(path / "weights" / "stats.csv", pd.DataFrame(stats))
        atomic_write_npz(path / "weights" / "histograms.npz", hists)
        atomic_write_json(path / "weights" / "index.json",
                          [{"key": i, "layer": l, "weight": w, "shape": list(s)} for i, (l, w, s) in enumerate(layers)])
        if with_dead_relu:
            atomic_write_csv(path / "weights" / "dead_relu.csv",
                             pd.DataFrame({"epoch": np.arange(epochs), "layer": "dense", "dead_fraction": 0.05}))
    if with_probe:
        labels = np.arange(n_probe) % 10
        atomic_write_npz(path / "probe" / "probe.npz", {"images": _digits(labels, rng), "labels": labels.astype(np.int64),
                                                       "indices": np.arange(n_probe, dtype=np.int64)})
        for e in range(epochs):
            atomic_write_npz(path / "probe" / f"epoch_{e:04d}.npz",
                             {"probabilities": _probabilities(labels, 1.0 + e, rng).astype(np.float16)})
    test_metrics = None
    if with_test:
        labels = rng.integers(0, 10, n_test)
        probs = _probabilities(labels, 3.0, rng)
        arrays = {"probabilities": probs, "labels": labels.astype(np.int64)}
        if with_images:
            arrays["images"] = _digits(labels, rng)
        atomic_write_npz(path / "test_predictions.npz", arrays)
        test_metrics = {"loss": 0.3, "accuracy": float((probs.argmax(1) == labels).mean())}
    if with_features and with_test:
        f = {"first_layer_kind": np.asarray("conv" if conv else "dense"),
             "embedding": rng.normal(0, 1, (min(200, n_test), 16)).astype(np.float16),
             "embedding_indices": np.arange(min(200, n_test), dtype=np.int64),
             "activation_indices": np.arange(2, dtype=np.int64)}
        if conv:
            f["first_layer_kernel"] = rng.normal(0, 0.2, (3, 3, 1, 8)).astype(np.float32)
            f["activations__conv1"] = rng.random((2, 26, 26, 8)).astype(np.float16)
            f["activations__pool1"] = rng.random((2, 13, 13, 8)).astype(np.float16)
            f["layer_names"] = np.asarray(["conv1", "pool1"])
        else:
            f["first_layer_kernel"] = rng.normal(0, 0.05, (784, 32)).astype(np.float32)
            f["layer_names"] = np.asarray([], dtype=str)
        atomic_write_npz(path / "features.npz", f)
    info = {
        "format_version": 1, "name": name or path.name, "status": status,
        "pid": 999999999, "hostname": "elsewhere.example",
        "started": "2026-01-01T00:00:00+00:00", "updated": "2026-01-01T00:01:00+00:00",
        "finished": None if status != "complete" else "2026-01-01T00:01:00+00:00",
        "epochs_completed": epochs, "epochs_planned": planned,
        "params": {"epochs": planned, "batch_size": 128, "steps": 8, "samples": 1000},
        "model": {"name": "dense", "class_name": "Sequential", "total_params": 25450, "trainable_params": 25450,
                  "layers": [{"name": "dense", "class_name": "Dense", "output_shape": [None, 32], "params": 25120},
                             {"name": "dense_1", "class_name": "Dense", "output_shape": [None, 10], "params": 330}]},
        "metadata": {"seed": seed, "data": {"source": "synthetic", "sha256": "0" * 64, "n_train": 1000, "n_test": n_test,
                                            "class_names": CLASSES, "subset_note": "synthetic test digits",
                                            "citation": "@article{lecun1998, title={Gradient-based learning}}"},
                     "versions": {"python": "3.11", "numpy": np.__version__},
                     "hardware": {"platform": "test", "cpu_count": 2},
                     "timings": {"fit_seconds": 1.0 + seed, "total_seconds": 2.0 + seed}},
        "test_metrics": test_metrics,
    }
    if recorded is not None:
        info["recorded"] = recorded
    if relu is not None:
        first, last = info["model"]["layers"]
        first.update(activation="relu" if relu else "tanh", relu=bool(relu))
        last.update(activation="softmax", relu=False)
    info["metadata"].update(metadata or {})
    atomic_write_json(path / "run.json", info)
    return path


def write_evaluation(run_dir, name, *, n=300, seed=5, skill=2.0, with_images=True,
                     description="IDX folder official: test split only") -> dict:
    """An evaluation ``name`` of the run at ``run_dir`` as mnist_viz.evaluate writes it (files, then
    the run.json entry), without TensorFlow; returns the arrays written."""
    from mnist_viz import run_format as fmt

    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    probs = _probabilities(labels, skill, rng)
    images = _digits(labels, rng) if with_images else None
    folder = fmt.evaluation_dir(run_dir, name)
    fmt.write_test_predictions(folder, probabilities=probs, labels=labels, images=images)
    info = fmt.read_run_info(run_dir)
    accuracy = float((probs.argmax(1) == labels).mean())
    info.setdefault("evaluations", {})[name] = {
        "data": {"source": "idx", "description": description, "n_test": n, "sha256": "1" * 64,
                 "citation": "@misc{mnist}", "class_names": CLASSES},
        "metrics": {"loss": 0.5, "accuracy": accuracy}, "created": "2026-01-02T00:00:00+00:00", "n": n}
    fmt.write_run_info(run_dir, info)
    return {"probabilities": probs, "labels": labels, "images": images, "accuracy": accuracy}


XSS = "<img src=x onerror=alert(1)>"


# ----------------------------------------------------------------------------------------------
# helpers to read the page
# ----------------------------------------------------------------------------------------------
class PageParser(HTMLParser):
    """Collects ids, <img> attributes, links, <script> blocks and the CSP meta of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.imgs, self.links, self.scripts, self.metas = [], [], [], [], []
        self._script = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "img":
            self.imgs.append(a)
        if tag == "a":
            self.links.append(a)
        if tag == "meta":
            self.metas.append(a)
        if tag == "script":
            self._script = [a, []]

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        else:
            self.text.append(data)


def parse(page: str) -> PageParser:
    p = PageParser()
    p.feed(page)
    return p


def decode_data_uri(uri: str) -> bytes:
    head, _, payload = uri.partition(",")
    assert head.endswith(";base64"), head
    return base64.b64decode(payload)


def drill_json(page: str) -> dict:
    p = parse(page)
    (text,) = [body for attrs, body in p.scripts if attrs.get("id") == "drill-data"]
    return json.loads(text)


#: what the session fixtures built (the fixtures are imported into several test modules, each of
#: which would otherwise build its own copy)
_BUILT: dict = {}


def _two_runs(tmp_path_factory) -> tuple[Path, Path]:
    if "two_runs" not in _BUILT:
        base = tmp_path_factory.mktemp("runs")
        a = write_run(base / "dense", n_test=800, epochs=4, seed=0)
        b = write_run(base / "conv", n_test=800, epochs=3, seed=1, conv=True)
        _BUILT["two_runs"] = (a, b)
    return _BUILT["two_runs"]


@pytest.fixture(scope="session")
def two_runs(tmp_path_factory):
    """(dense run, conv run) directories, 800 test predictions each."""
    return _two_runs(tmp_path_factory)


@pytest.fixture(scope="session")
def two_run_report(tmp_path_factory):
    """The report of ``two_runs``, written to a file."""
    if "two_run_report" not in _BUILT:
        from mnist_viz.report import build_report

        out = tmp_path_factory.mktemp("report") / "two.html"
        _BUILT["two_run_report"] = build_report(list(_two_runs(tmp_path_factory)), out)
    return _BUILT["two_run_report"]
