"""WeightRecorder against values computed by hand on tiny models: statistics, histograms, update
ratios, dead ReLUs, snapshots and the storage bound."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from callback_helpers import keras, tiny_data, tiny_model  # noqa: E402
from mnist_viz.callbacks import STATS_BYTES_PER_LAYER_EPOCH, WeightRecorder  # noqa: E402
from mnist_viz.run import Run  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


class WeightsAtEpochEnd(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.snapshots = {}

    def on_train_begin(self, logs=None):
        self.snapshots[-1] = {v.path: np.array(keras.ops.convert_to_numpy(v.value)) for v in self.model.weights}

    def on_epoch_end(self, epoch, logs=None):
        self.snapshots[epoch] = {v.path: np.array(keras.ops.convert_to_numpy(v.value)) for v in self.model.weights}


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
    manual = (keras.ops.convert_to_numpy(act) > 0).any(axis=0)
    assert dead["act"] == pytest.approx(1 - manual.mean())
    stats_weights = set(rec.stats["weight"])
    assert {"inner/conv/kernel", "pre/kernel", "out/bias"} <= stats_weights
    assert "layer" in rec.stats and "inner/conv" in set(rec.stats["layer"])


def test_dead_relu_without_probe_warns_once():
    x, y = tiny_data(n=16)
    rec = WeightRecorder()
    with pytest.warns(UserWarning, match="no probe batch") as caught:
        _fit_zero_lr(tiny_model(), x, y, rec, epochs=2)
    ours = [w for w in caught if "WeightRecorder" in str(w.message)]
    assert len(ours) == 1 and ours[0].filename == __file__  # once, at _fit_zero_lr's fit
    assert "fit with `validation_split=` or `validation_data=` arrays, or pass `validation_data=(x_val, y_val)` to " \
           "RunRecorder, or `test_data=(x_test, y_test)`" in str(ours[0].message)
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
