"""HistoryRecorder against values computed by hand on tiny models (a few seconds on 2 CPU cores)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from callback_helpers import keras, tiny_data, tiny_model, xent  # noqa: E402
from mnist_viz.callbacks import HistoryRecorder  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


class BatchTruth(keras.callbacks.Callback):
    """Computes each batch's loss and accuracy by hand with the weights the train step will use."""

    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y, self.batch_size, self.rows = x, y, batch_size, []

    def on_train_batch_begin(self, batch, logs=None):
        sl = slice(batch * self.batch_size, (batch + 1) * self.batch_size)
        xb, yb = self.x[sl], self.y[sl]
        probs = keras.ops.convert_to_numpy(self.model(xb, training=False))
        self.rows.append({"size": len(yb), "loss": xent(probs, yb),
                          "accuracy": float(np.mean(probs.argmax(1) == yb))})


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
    probs = keras.ops.convert_to_numpy(model(x, training=False))
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


def test_every_batch_is_recorded_exactly_and_no_update_is_lost_on_any_backend():
    """On JAX, reading the loss tracker through ``self.model`` after each batch writes the training
    state back into the variables; the recorder's batch hooks run on the training thread
    (``async_safe`` stays False), so the fit trains exactly as without it and every batch's true
    loss is recorded (truth: the same steps one ``train_on_batch`` at a time)."""
    x, y = tiny_data(n=22)
    truth_model, model = tiny_model(lr=0.2), tiny_model(lr=0.2)  # the same seed: the same initial weights
    truth = [truth_model.train_on_batch(x[i:i + 8], y[i:i + 8], return_dict=True)["loss"]
             for _ in range(2) for i in range(0, 22, 8)]
    rec = HistoryRecorder()
    assert rec.async_safe is False
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[rec])
    batches = rec.batches
    assert batches["size"].tolist() == [8, 8, 6] * 2 and batches["step"].tolist() == list(range(6))
    np.testing.assert_allclose(batches["loss_batch"], truth, rtol=1e-4, atol=1e-6)
    for ours, theirs in zip(model.weights, truth_model.weights):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(ours.value), keras.ops.convert_to_numpy(theirs.value),
                                   rtol=1e-5, atol=1e-6, err_msg=ours.path)
