"""The recorders against values computed by hand on tiny models (a few seconds on 2 CPU cores)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from mnist_viz._tf import import_keras

keras = import_keras()

from mnist_viz import callbacks as cb  # noqa: E402
from mnist_viz.callbacks import (  # noqa: E402
    STATS_BYTES_PER_LAYER_EPOCH,
    HistoryRecorder,
    PredictionRecorder,
    RunRecorder,
    WeightRecorder,
    is_chief,
)
from mnist_viz.run import Run  # noqa: E402


def tiny_data(n=22, d=6, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(np.float32)
    y = (np.arange(n) % classes).astype(np.int64)
    return x, y


def tiny_model(d=6, classes=3, lr=0.1, with_input=True, hidden=5, seed=0):
    keras.utils.set_random_seed(seed)
    layers = [keras.layers.Dense(hidden, activation="relu", name="hidden"),
              keras.layers.Dense(classes, activation="softmax", name="out")]
    if with_input:
        layers = [keras.Input((d,))] + layers
    model = keras.Sequential(layers, name="tiny")
    model.compile(keras.optimizers.SGD(lr), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def xent(probs, labels):
    return float(np.mean(-np.log(probs[np.arange(len(labels)), labels])))


class BatchTruth(keras.callbacks.Callback):
    """Computes each batch's loss and accuracy by hand with the weights the train step will use."""

    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y, self.batch_size, self.rows = x, y, batch_size, []

    def on_train_batch_begin(self, batch, logs=None):
        sl = slice(batch * self.batch_size, (batch + 1) * self.batch_size)
        xb, yb = self.x[sl], self.y[sl]
        probs = np.asarray(self.model(xb, training=False))
        self.rows.append({"size": len(yb), "loss": xent(probs, yb),
                          "accuracy": float(np.mean(probs.argmax(1) == yb))})


# ------------------------------------------------------------------------------------------------
# HistoryRecorder
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("one_hot", [False, True])
def test_batch_values_are_deaveraged_against_hand_computation(tmp_path, one_hot):
    x, y = tiny_data(n=22)
    model = tiny_model(lr=0.2)
    labels = y
    if one_hot:
        model.compile(keras.optimizers.SGD(0.2), "categorical_crossentropy", metrics=["accuracy"])
        labels = np.eye(3, dtype=np.float32)[y]
    truth = BatchTruth(x, y, 8)
    rec = HistoryRecorder(tmp_path)
    model.fit(x, labels, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[truth, rec])

    batches = pd.read_csv(tmp_path / "batches.csv")
    assert batches["size"].tolist() == [8, 8, 6] * 2  # the short last batch is counted exactly
    assert batches["epoch"].tolist() == [0, 0, 0, 1, 1, 1]
    assert batches["batch"].tolist() == [0, 1, 2] * 2
    assert batches["step"].tolist() == list(range(6))
    expected = pd.DataFrame(truth.rows)
    np.testing.assert_allclose(batches["loss_batch"], expected["loss"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(batches["accuracy_batch"], expected["accuracy"], atol=1e-5)
    # the running mean Keras logs is kept as is, and differs from the true value after batch 0
    weights = expected["size"].to_numpy()
    running = [np.average(expected["loss"][i:j + 1], weights=weights[i:j + 1]) for i, j in
               [(0, 0), (0, 1), (0, 2), (3, 3), (3, 4), (3, 5)]]
    np.testing.assert_allclose(batches["loss"], running, rtol=1e-4)
    assert not np.allclose(batches["loss"], batches["loss_batch"])


class UnevenBatches(keras.utils.PyDataset):
    """Batches of 4, 2 and 5 samples: sizes that no 'all equal but the last' rule can guess."""

    def __init__(self, x, y):
        super().__init__()
        self.x, self.y, self.bounds = x, y, [0, 4, 6, 11]

    def __len__(self):
        return 3

    def __getitem__(self, i):
        sl = slice(self.bounds[i], self.bounds[i + 1])
        return self.x[sl], self.y[sl]


def test_uneven_batches_are_counted_exactly():
    x, y = tiny_data(n=11)
    model = tiny_model(lr=0.0)
    rec = HistoryRecorder()
    model.fit(UnevenBatches(x, y), epochs=2, verbose=0, shuffle=False, callbacks=[rec])
    batches = rec.batches
    assert batches["size"].tolist() == [4, 2, 5] * 2
    probs = np.asarray(model(x, training=False))
    expected = [xent(probs[a:b], y[a:b]) for a, b in [(0, 4), (4, 6), (6, 11)]] * 2
    np.testing.assert_allclose(batches["loss_batch"], expected, rtol=1e-4)
    assert rec.last_epoch_samples == 11


def test_history_csv_matches_keras_history_and_lr_schedule(tmp_path):
    x, y = tiny_data(n=30)
    model = tiny_model()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    model.compile(keras.optimizers.SGD(schedule), "sparse_categorical_crossentropy", metrics=["accuracy"])
    rec = HistoryRecorder(tmp_path)
    hist = model.fit(x, y, batch_size=10, epochs=3, verbose=0, validation_data=(x[:9], y[:9]), callbacks=[rec])

    frame = pd.read_csv(tmp_path / "history.csv")
    assert frame["epoch"].tolist() == [0, 1, 2]
    for key, values in hist.history.items():
        np.testing.assert_allclose(frame[key], values, rtol=1e-6)
    assert {"val_loss", "val_accuracy", "learning_rate", "epoch_time", "samples_per_sec"} <= set(frame.columns)
    # 3 steps per epoch: after epoch e the optimizer has run 3(e+1) steps
    np.testing.assert_allclose(frame["learning_rate"], [0.1 * 0.5 ** (3 * (e + 1)) for e in range(3)], rtol=1e-5)
    assert (frame["epoch_time"] > 0).all()
    assert (frame["samples_per_sec"] > 0).all() and np.isfinite(frame["samples_per_sec"]).all()


def test_non_mean_metric_gets_no_batch_column():
    x, y = tiny_data(n=20, classes=2)
    keras.utils.set_random_seed(0)
    binary = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1, activation="sigmoid")])
    binary.compile("sgd", "binary_crossentropy", metrics=[keras.metrics.Precision(name="precision")])
    rec = HistoryRecorder()
    binary.fit(x, y.astype("float32"), batch_size=8, epochs=1, verbose=0, callbacks=[rec])
    assert "loss_batch" in rec.batches.columns
    assert "precision" in rec.batches.columns and "precision_batch" not in rec.batches.columns


# ------------------------------------------------------------------------------------------------
# WeightRecorder
# ------------------------------------------------------------------------------------------------
class WeightsAtEpochEnd(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.snapshots = {}

    def on_train_begin(self, logs=None):
        self.snapshots[-1] = {v.path: v.numpy().copy() for v in self.model.weights}

    def on_epoch_end(self, epoch, logs=None):
        self.snapshots[epoch] = {v.path: v.numpy().copy() for v in self.model.weights}


def test_weight_stats_histograms_and_update_ratio_by_hand(tmp_path):
    x, y = tiny_data(n=24)
    model = tiny_model(lr=0.5)
    truth = WeightsAtEpochEnd()
    rec = WeightRecorder(tmp_path, probe_x=x)
    model.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[truth, rec])

    run = Run.load(tmp_path)
    stats = run.weights.stats
    assert sorted(stats["weight"].unique()) == ["hidden/bias", "hidden/kernel", "out/bias", "out/kernel"]
    assert sorted(stats["epoch"].unique()) == [-1, 0, 1, 2]
    edges_by_weight = {}
    for epoch in (-1, 0, 1, 2):
        for path, w in truth.snapshots[epoch].items():
            name = path.split("/", 1)[1]
            row = stats[(stats["epoch"] == epoch) & (stats["weight"] == name)].iloc[0]
            assert row["layer"] == name.split("/")[0]
            assert row["size"] == w.size
            np.testing.assert_allclose(
                [row["mean"], row["std"], row["min"], row["max"], row["l2"]],
                [w.mean(), w.std(), w.min(), w.max(), np.sqrt((w.astype(np.float64) ** 2).sum())],
                rtol=1e-5, atol=1e-7,
            )
            if epoch == -1:
                assert np.isnan(row["update_ratio"])
            else:
                prev = truth.snapshots[epoch - 1][path]
                np.testing.assert_allclose(row["update_ratio"], np.linalg.norm(w - prev) / np.linalg.norm(w), rtol=1e-5)
            hist = run.weights.histograms[name]
            edges = hist["edges"]
            edges_by_weight.setdefault(name, edges)
            np.testing.assert_array_equal(edges, edges_by_weight[name])  # fixed at train begin
            counts = hist["counts"][list(hist["epochs"]).index(epoch)]
            clipped = np.clip(w.ravel(), edges[0], edges[-1])
            np.testing.assert_array_equal(counts, np.histogram(clipped, bins=edges)[0])
            assert counts.sum() == w.size
    # kernels: ±3·max|W0|; zero-initialised biases borrow their layer's kernel range
    w0 = truth.snapshots[-1]
    half = 3 * np.abs(w0["tiny/hidden/kernel"]).max()
    np.testing.assert_allclose(run.weights.histograms["hidden/kernel"]["edges"][[0, -1]], [-half, half])
    np.testing.assert_allclose(run.weights.histograms["hidden/bias"]["edges"][[0, -1]], [-half, half])
    assert [e["weight"] for e in run.weights.index] == ["hidden/kernel", "hidden/bias", "out/kernel", "out/bias"]


def _set_dead(layer, dead_units):
    kernel, bias = layer.get_weights()
    kernel = np.abs(kernel) + 0.1
    bias = np.ones_like(bias)
    kernel[..., dead_units] = 0.0
    bias[dead_units] = -1.0
    layer.set_weights([kernel, bias])


def _fit_zero_lr(model, x, y, rec, epochs=1):
    model.compile(keras.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=8, epochs=epochs, verbose=0, callbacks=[rec])


def test_dead_relu_sequential_without_input():
    x, y = tiny_data(n=16)
    x = np.abs(x)
    model = tiny_model(with_input=False, hidden=4)
    model.build((None, 6))
    _set_dead(model.get_layer("hidden"), [0, 2, 3])
    rec = WeightRecorder(probe_x=x)
    _fit_zero_lr(model, x, y, rec)
    dead = rec.dead_relu
    assert dead["layer"].tolist() == ["hidden", "hidden"]
    np.testing.assert_allclose(dead["dead_fraction"], [0.75, 0.75])


def test_unbuilt_sequential_is_built_from_probe_and_recorded_before_training(tmp_path):
    x, y = tiny_data(n=16)
    model = tiny_model(with_input=False)
    assert not model.built
    rec = RunRecorder(tmp_path, validation_data=(x, y), save_model=False)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[rec])
    run = Run.load(tmp_path)
    assert sorted(run.weights.stats["epoch"].unique()) == [-1, 0]
    layers = run.model_info["layers"]
    assert [l["name"] for l in layers] == ["hidden", "out"]
    assert layers[0]["output_shape"] == [None, 5] and layers[0]["params"] == 6 * 5 + 5
    assert run.model_info["total_params"] == 6 * 5 + 5 + 5 * 3 + 3


def test_dead_relu_functional_nested_conv_and_relu_layer():
    keras.utils.set_random_seed(0)
    inner = keras.Sequential([keras.layers.Conv2D(4, 3, activation="relu", name="conv")], name="inner")
    inp = keras.Input((6, 6, 1))
    h = inner(inp)
    h = keras.layers.Flatten()(h)
    h = keras.layers.Dense(5, name="pre")(h)
    h = keras.layers.ReLU(name="act")(h)
    out = keras.layers.Dense(3, activation="softmax", name="out")(h)
    model = keras.Model(inp, out, name="outer")
    _set_dead(inner.get_layer("conv"), [1])
    rng = np.random.default_rng(0)
    x = np.abs(rng.normal(size=(16, 6, 6, 1))).astype(np.float32)
    y = np.arange(16) % 3
    pre = model.get_layer("pre")
    kernel, bias = pre.get_weights()
    kernel[:, [0, 4]] = 0.0
    bias[:] = 0.5
    bias[[0, 4]] = -2.0
    pre.set_weights([kernel, bias])
    rec = WeightRecorder(probe_x=x)
    _fit_zero_lr(model, x, y, rec)
    dead = rec.dead_relu[rec.dead_relu["epoch"] == 0].set_index("layer")["dead_fraction"]
    assert dead["conv"] == pytest.approx(0.25)  # a conv unit is dead only if dead at every position
    assert dead["act"] >= 0.4 - 1e-9  # units 0 and 4 of 5 can never fire; others may or may not
    act = keras.Model(inp, model.get_layer("act").output)(x)  # the symbolic way, by hand
    manual = (np.asarray(act) > 0).any(axis=0)
    assert dead["act"] == pytest.approx(1 - manual.mean())
    stats_weights = set(rec.stats["weight"])
    assert {"inner/conv/kernel", "pre/kernel", "out/bias"} <= stats_weights
    assert "layer" in rec.stats and "inner/conv" in set(rec.stats["layer"])


def test_dead_relu_without_probe_warns_once():
    x, y = tiny_data(n=16)
    rec = WeightRecorder()
    with pytest.warns(UserWarning, match="no probe batch"):
        _fit_zero_lr(tiny_model(), x, y, rec, epochs=2)
    assert rec.dead_relu.empty and len(rec.stats) > 0


def test_statistics_storage_is_bounded_per_layer_per_epoch(tmp_path):
    x, y = tiny_data(n=32, d=784, classes=10)
    model = tiny_model(d=784, classes=10, hidden=64)
    sizes = []

    class Measure(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            rec.flush()  # writes happen on a background thread
            sizes.append(sum(f.stat().st_size for f in (tmp_path / "weights").iterdir() if f.name != "index.json"))

    rec = WeightRecorder(tmp_path, probe_x=x)
    model.fit(x, y, batch_size=16, epochs=6, verbose=0, callbacks=[rec, Measure()])
    n_layers = 2
    per_layer_epoch = (sizes[-1] - sizes[1]) / (len(sizes) - 2) / n_layers
    assert 0 < per_layer_epoch <= STATS_BYTES_PER_LAYER_EPOCH, per_layer_epoch
    assert sizes[-1] / n_layers / 7 <= STATS_BYTES_PER_LAYER_EPOCH  # 7 records: epoch -1 and 0..5


def test_snapshots_are_float16_every_n_epochs(tmp_path):
    x, y = tiny_data(n=16)
    model = tiny_model()
    truth = WeightsAtEpochEnd()
    rec = WeightRecorder(tmp_path, probe_x=x, snapshot_every=2)
    model.fit(x, y, batch_size=8, epochs=4, verbose=0, callbacks=[truth, rec])
    files = sorted(p.name for p in (tmp_path / "weights").glob("snapshot_epoch_*.npz"))
    assert files == ["snapshot_epoch_0001.npz", "snapshot_epoch_0003.npz"]
    with np.load(tmp_path / "weights" / files[-1], allow_pickle=False) as snap:
        assert sorted(snap.files) == ["hidden__bias", "hidden__kernel", "out__bias", "out__kernel"]
        assert snap["hidden__kernel"].dtype == np.float16
        np.testing.assert_allclose(snap["hidden__kernel"], truth.snapshots[3]["tiny/hidden/kernel"], rtol=1e-3, atol=1e-3)


def test_weight_recorder_argument_errors():
    with pytest.raises(ValueError, match="bins must be an integer >= 2; got 1"):
        WeightRecorder(bins=1)
    with pytest.raises(ValueError, match="snapshot_every"):
        WeightRecorder(snapshot_every=0)


# ------------------------------------------------------------------------------------------------
# PredictionRecorder
# ------------------------------------------------------------------------------------------------
class ProbsAtEpochEnd(keras.callbacks.Callback):
    def __init__(self, x):
        super().__init__()
        self.x, self.probs = x, []

    def on_epoch_end(self, epoch, logs=None):
        self.probs.append(np.asarray(self.model(self.x, training=False)))


def test_probe_predictions_match_model_and_images_are_uint8(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random((40, 784)).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[np.arange(40) % 10]  # one-hot labels
    model = tiny_model(d=784, classes=10)
    model.compile("adam", "categorical_crossentropy")
    rec = PredictionRecorder(tmp_path, validation_data=(x, y), probe_size=25, seed=3)
    truth = ProbsAtEpochEnd(x[rec.indices])
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[rec, truth])

    run = Run.load(tmp_path)
    assert len(rec.indices) == 25 and len(set(rec.indices)) == 25
    assert list(run.probe.indices) == sorted(run.probe.indices)
    assert run.probe.images.dtype == np.uint8 and run.probe.images.shape == (25, 28, 28)
    np.testing.assert_array_equal(run.probe.images, np.rint(x[run.probe.indices] * 255).reshape(-1, 28, 28))
    np.testing.assert_array_equal(run.probe.labels, np.arange(40)[run.probe.indices] % 10)
    assert run.probe.epochs.tolist() == [0, 1]
    assert run.probe.probabilities.shape == (2, 25, 10)
    np.testing.assert_allclose(run.probe.probabilities, np.stack(truth.probs), atol=2e-3)  # float16 on disk


def test_probe_applies_softmax_to_logits():
    x, y = tiny_data(n=12)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rec = PredictionRecorder(validation_data=(x, y))
    model.fit(x, y, epochs=1, verbose=0, callbacks=[rec])
    logits = np.asarray(model(x))
    expected = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(rec.probabilities[0], expected, rtol=1e-5)


def test_probe_of_a_binary_sigmoid_model_has_two_columns():
    assert cb._to_probabilities(np.array([[0.25], [1.0]])).tolist() == [[0.75, 0.25], [0.0, 1.0]]
    np.testing.assert_allclose(cb._to_probabilities(np.array([[0.0], [-50.0]])), [[0.5, 0.5], [1.0, 0.0]], atol=1e-6)


def test_prediction_recorder_without_validation_data_says_what_is_missing():
    x, y = tiny_data(n=20)
    rec = PredictionRecorder()
    with pytest.warns(UserWarning, match="validation_split data"):
        tiny_model().fit(x, y, epochs=1, verbose=0, validation_split=0.2, callbacks=[rec])
    assert rec.probabilities.shape[0] == 0
    with pytest.raises(ValueError, match="validation_data has 20 inputs but 3 labels"):
        PredictionRecorder(validation_data=(x, y[:3]))


# ------------------------------------------------------------------------------------------------
# RunRecorder
# ------------------------------------------------------------------------------------------------
def test_run_recorder_writes_a_complete_run_directory(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random((48, 28, 28)).astype(np.float32)
    y = np.arange(48) % 10
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(name="flat"),
                              keras.layers.Dense(8, activation="relu", name="image"),
                              keras.layers.Dense(10, activation="softmax", name="prediction")], name="dense")
    model.compile("rmsprop", "sparse_categorical_crossentropy", metrics=["accuracy"])
    out = tmp_path / "run"
    rec = RunRecorder(out, name="mine", validation_data=(x[:16], y[:16]), test_data=(x[16:], y[16:]),
                      metadata={"seed": 7, "note": "hi"}, class_names=list("abcdefghij"))
    model.fit(x[16:], y[16:], batch_size=10, epochs=2, verbose=0, validation_data=(x[:16], y[:16]), callbacks=[rec])

    info = json.loads((out / "run.json").read_text())
    assert info["format_version"] == 1 and info["status"] == "complete"
    assert info["pid"] == os.getpid() and info["finished"] and info["started"]
    assert info["epochs_completed"] == 2 and info["epochs_planned"] == 2
    assert info["params"] == {"epochs": 2, "steps": 4, "batch_size": 10, "samples": 32}
    assert info["metadata"] == {"seed": 7, "note": "hi"}
    assert info["model"]["total_params"] == model.count_params()
    assert info["model"]["layers"][1] == {"name": "image", "class_name": "Dense", "output_shape": [None, 8],
                                          "params": 784 * 8 + 8}
    run = Run.load(out)
    assert run.name == "mine" and run.class_names == list("abcdefghij")
    assert list(run.history.index) == [0, 1]
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(run.history.columns)
    assert run.batches is not None and len(run.batches) == 8
    assert run.test.probabilities.shape == (32, 10) and run.test.images.dtype == np.uint8
    np.testing.assert_array_equal(run.test.labels, y[16:])
    expected = model.evaluate(x[16:], y[16:], verbose=0, return_dict=True)
    assert run.test_metrics == pytest.approx(expected)
    assert run.test.accuracy == pytest.approx(expected["accuracy"])
    assert run.probe.probabilities.shape == (2, 16, 10)
    assert (out / "model_config.json").exists()
    reloaded = keras.saving.load_model(out / "model.keras")
    np.testing.assert_allclose(reloaded.predict(x[:4], verbose=0), model.predict(x[:4], verbose=0), rtol=1e-5)
    assert not list(out.glob(".*tmp*"))  # no temporary files left behind


def test_run_recorder_with_validation_split_and_no_validation_data(tmp_path):
    x, y = tiny_data(n=30)
    rec = RunRecorder(tmp_path, save_model=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tiny_model().fit(x, y, batch_size=8, epochs=1, verbose=0, validation_split=0.2, callbacks=[rec])
    messages = " ".join(str(w.message) for w in caught)
    assert "validation_data=(x_val, y_val)" in messages
    run = Run.load(tmp_path)
    assert run.status == "complete" and "val_loss" in run.history
    assert run.probe is None and run.weights.dead_relu.empty and run.test is None


def test_non_chief_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(cb, "is_chief", lambda strategy=None: False)
    x, y = tiny_data(n=16)
    rec = RunRecorder(tmp_path / "run", validation_data=(x, y), test_data=(x, y))
    tiny_model().fit(x, y, epochs=1, verbose=0, callbacks=[rec])
    assert not (tmp_path / "run").exists()
    assert len(rec.history_recorder.history) == 1  # it still computed its records


class FakeExtended:
    def __init__(self, should_checkpoint):
        self.should_checkpoint = should_checkpoint


class FakeStrategy:
    def __init__(self, should_checkpoint):
        self.extended = FakeExtended(should_checkpoint)


@pytest.mark.parametrize(
    "tf_config, expected",
    [
        (None, True),
        ({"cluster": {"chief": ["c:1"], "worker": ["w:1"]}, "task": {"type": "chief", "index": 0}}, True),
        ({"cluster": {"chief": ["c:1"], "worker": ["w:1"]}, "task": {"type": "worker", "index": 0}}, False),
        ({"cluster": {"worker": ["w:1", "w:2"]}, "task": {"type": "worker", "index": 0}}, True),
        ({"cluster": {"worker": ["w:1", "w:2"]}, "task": {"type": "worker", "index": 1}}, False),
        ({"cluster": {"worker": ["w:1"], "evaluator": ["e:1"]}, "task": {"type": "evaluator", "index": 0}}, False),
        ({"cluster": {"worker": ["w:1"], "ps": ["p:1"]}, "task": {"type": "ps", "index": 0}}, False),
        ({"cluster": {"worker": ["w:1"]}}, True),
    ],
)
def test_is_chief_from_tf_config(monkeypatch, tf_config, expected):
    if tf_config is None:
        monkeypatch.delenv("TF_CONFIG", raising=False)
    else:
        monkeypatch.setenv("TF_CONFIG", json.dumps(tf_config))
    assert is_chief() is expected


def test_is_chief_prefers_the_strategy(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["a", "b"]}, "task": {"type": "worker", "index": 1}}))
    assert is_chief(FakeStrategy(True)) is True
    monkeypatch.delenv("TF_CONFIG")
    assert is_chief(FakeStrategy(False)) is False
    import tensorflow as tf

    assert is_chief(tf.distribute.get_strategy()) is True  # the default strategy defers to TF_CONFIG


def test_is_chief_bad_tf_config(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(ValueError, match="TF_CONFIG must be JSON"):
        is_chief()


def test_run_recorder_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="run_dir must be a folder path"):
        RunRecorder(None)
    with pytest.raises(ValueError, match="test_data has 3 inputs but 2 labels"):
        RunRecorder(tmp_path, test_data=(np.zeros((3, 4)), np.zeros(2)))
    with pytest.raises(TypeError, match="metadata must be a dict"):
        RunRecorder(tmp_path, metadata=[1])


def test_run_recorder_nested_model_without_input_and_options(tmp_path):
    x, y = tiny_data(n=24)
    keras.utils.set_random_seed(0)
    inner = keras.Sequential([keras.layers.Dense(5, activation="relu", name="hidden")], name="block")
    model = keras.Sequential([inner, keras.layers.Dense(3, activation="softmax", name="out")], name="outer")
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    rec = RunRecorder(tmp_path, validation_data=(x, y), snapshot_every=1, predictions=False)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[rec])
    run = Run.load(tmp_path)
    assert run.status == "complete" and run.probe is None
    assert set(run.weights.stats["weight"]) == {"block/hidden/kernel", "block/hidden/bias", "out/kernel", "out/bias"}
    assert set(run.weights.stats["layer"]) == {"block/hidden", "out"}
    assert run.weights.dead_relu["layer"].tolist() == ["hidden"] * 3  # epochs -1, 0, 1
    assert [l["name"] for l in run.model_info["layers"]] == ["block", "out"]
    assert run.model_info["layers"][0]["output_shape"] == [None, 5]
    assert len(list((tmp_path / "weights").glob("snapshot_epoch_*.npz"))) == 2


def test_run_recorder_history_only(tmp_path):
    x, y = tiny_data(n=16)
    rec = RunRecorder(tmp_path, weights=False, predictions=False, save_model=False)
    tiny_model().fit(x, y, epochs=1, verbose=0, callbacks=[rec])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batches.csv", "history.csv", "run.json"]
    assert Run.load(tmp_path).weights is None


def test_a_failed_background_write_is_raised_in_the_training_thread(tmp_path):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the run directory should go")
    x, y = tiny_data(n=16)
    rec = HistoryRecorder(blocker / "run")
    with pytest.raises(OSError):
        tiny_model().fit(x, y, epochs=2, verbose=0, callbacks=[rec])


@pytest.mark.filterwarnings("ignore:.*(no probe batch|no validation_data).*:UserWarning")
def test_writer_threads_do_not_pile_up(tmp_path):
    import threading

    def writers():
        return len([t for t in threading.enumerate() if t.name == "mnist_viz-writer"])

    before = writers()
    x, y = tiny_data(n=16)
    for i in range(3):
        tiny_model().fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(tmp_path / str(i), save_model=False)])
    assert writers() == before


def test_a_second_fit_starts_the_records_over(tmp_path):
    x, y = tiny_data(n=16)
    model = tiny_model()
    model.fit(x, y, epochs=3, verbose=0, callbacks=[RunRecorder(tmp_path, validation_data=(x, y), snapshot_every=1)])
    model.fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(tmp_path, validation_data=(x, y), snapshot_every=1)])
    run = Run.load(tmp_path)
    assert len(run.history) == 1 and run.probe.epochs.tolist() == [0]
    assert [p.name for p in (tmp_path / "weights").glob("snapshot_epoch_*.npz")] == ["snapshot_epoch_0000.npz"]
