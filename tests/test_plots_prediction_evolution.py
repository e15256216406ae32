"""Behaviour of mnist_viz.plots.prediction_evolution on seeded probe records (and on a real recorded
run): confusion matrices at chosen epochs, per-class accuracy, bad and empty input.
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

import mnist_viz.plots as mp  # noqa: E402
from test_gallery_model_views import probe_records  # noqa: E402


@pytest.fixture(scope="module")
def keras():
    from mnist_viz._tf import import_keras

    return import_keras()


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
    assert mp.alt_text(fig).startswith("Per-class accuracy on 100 probe images over 5 epochs")


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


def test_prediction_evolution_rates_and_accuracy_come_from_metrics():
    from mnist_viz import metrics

    probe = probe_records(epochs=4, n=120)
    pred = probe.probabilities.argmax(2)
    fig = mp.prediction_evolution(probe, epochs=[1, 4])
    for ax, e in zip(fig.axes, (0, 3)):
        counts = metrics.confusion_counts(probe.labels, pred[e], 10)
        with np.errstate(invalid="ignore", divide="ignore"):
            np.testing.assert_array_equal(ax.images[0].get_array(), counts / counts.sum(axis=1, keepdims=True))
        assert ax.get_title() == f"epoch {e + 1} · acc {metrics.accuracy(probe.labels, pred[e]):.0%}"
    fig = mp.prediction_evolution(probe, kind="accuracy")
    heat = fig.axes[1].images[0].get_array()
    for e in range(4):
        counts = metrics.confusion_counts(probe.labels, pred[e], 10)
        np.testing.assert_array_equal(heat[:, e], np.diag(counts) / counts.sum(axis=1))
