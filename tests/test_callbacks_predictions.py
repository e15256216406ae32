"""PredictionRecorder: probe-set predictions against the model's own outputs."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from callback_helpers import keras, tiny_data, tiny_model  # noqa: E402
from mnist_viz.callbacks import PredictionRecorder  # noqa: E402
from mnist_viz.run import Run  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


class ProbsAtEpochEnd(keras.callbacks.Callback):
    def __init__(self, x):
        super().__init__()
        self.x, self.probs = x, []

    def on_epoch_end(self, epoch, logs=None):
        self.probs.append(keras.ops.convert_to_numpy(self.model(self.x, training=False)))


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


@pytest.mark.parametrize("seeds", [(3, 11)])
def test_probe_indices_on_disk_are_the_documented_seeded_draw_and_differ_across_seeds(tmp_path, seeds):
    """The documented rule, computed here independently: with more than ``probe_size`` validation
    samples, the probe set is ``sort(default_rng(seed).choice(n, probe_size, replace=False))``."""
    x, y = tiny_data(n=40, d=6, classes=3)
    recorded = {}
    for seed in seeds:
        model = tiny_model(d=6, classes=3)
        run_dir = tmp_path / f"seed{seed}"
        rec = PredictionRecorder(run_dir, validation_data=(x, y), probe_size=25, seed=seed)
        model.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[rec])
        expected = np.sort(np.random.default_rng(seed).choice(40, size=25, replace=False))
        run = Run.load(run_dir)
        assert run.probe.indices.dtype == np.int64
        np.testing.assert_array_equal(run.probe.indices, expected)
        np.testing.assert_array_equal(run.probe.labels, y[expected])
        recorded[seed] = run.probe.indices
    first, second = (recorded[s] for s in seeds)
    assert not np.array_equal(first, second)  # a recorder ignoring its seed draws the same subset twice
    # all of a small validation set, in order, whatever the seed
    small = PredictionRecorder(validation_data=(x[:10], y[:10]), probe_size=25, seed=seeds[0])
    np.testing.assert_array_equal(small.indices, np.arange(10))


def test_probe_applies_softmax_to_logits():
    x, y = tiny_data(n=12)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rec = PredictionRecorder(validation_data=(x, y))
    model.fit(x, y, epochs=1, verbose=0, callbacks=[rec])
    logits = keras.ops.convert_to_numpy(model(x))
    expected = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(rec.probabilities[0], expected, rtol=1e-5)


def test_prediction_recorder_without_validation_data_says_what_is_missing():
    x, y = tiny_data(n=20)
    rec = PredictionRecorder()
    with pytest.warns(UserWarning, match="no probe predictions are recorded") as caught:
        tiny_model().fit(x, y, epochs=2, verbose=0, callbacks=[rec])
    ours = [w for w in caught if "PredictionRecorder" in str(w.message)]
    assert len(ours) == 1 and ours[0].filename == __file__  # once, at this fit
    assert "fit with `validation_split=` or `validation_data=` arrays, or pass `validation_data=(x_val, y_val)` " \
           "to RunRecorder (or PredictionRecorder)" in str(ours[0].message)
    assert rec.probabilities.shape[0] == 0
    with pytest.raises(ValueError, match="validation_data has 20 inputs but 3 labels"):
        PredictionRecorder(validation_data=(x, y[:3]))


def test_prediction_recorder_alone_probes_what_fit_holds_out():
    x, y = tiny_data(n=20)
    rec = PredictionRecorder()
    tiny_model().fit(x, y, epochs=2, verbose=0, validation_split=0.2, callbacks=[rec])
    assert rec.probabilities.shape == (2, 4, 3)
    np.testing.assert_array_equal(rec.labels, y[16:])  # Keras' hold-out: the last 20 %


def test_prediction_recorder_alone_skips_a_regression_model_with_one_warning(tmp_path):
    import warnings

    x, y = tiny_data(n=12)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    rec = PredictionRecorder(tmp_path, validation_data=(x, y))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y.astype("float32"), epochs=2, verbose=0, callbacks=[rec])
    ours = [w for w in caught if "PredictionRecorder" in str(w.message)]
    assert [str(w.message) for w in ours] == [
        "PredictionRecorder: the model has 1 linear output and loss 'mse' (a regression): probe predictions, "
        "which need a classifier, are not recorded"]
    assert ours[0].filename == __file__
    assert rec.output.kind == "regression" and not rec.records
    assert rec.probabilities.shape[0] == 0 and not (tmp_path / "probe").exists()
