"""The data fit holds out, found by RunRecorder without being handed it: read from the running fit
(validation_split or validation_data), or reproduced from training_data exactly as Keras splits."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from callback_helpers import keras, tiny_data, tiny_model  # noqa: E402
from mnist_viz.callbacks import RunRecorder, _held_out  # noqa: E402
from mnist_viz.callbacks._held_out import keras_split  # noqa: E402
from mnist_viz.run import Run  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


@pytest.mark.parametrize("n, split", [(30, 0.2), (31, 0.1), (1000, 0.1), (7, 0.5), (10, 0.33)])
def test_keras_split_is_keras_own_split(n, split):
    from keras.src.trainers.data_adapters.array_slicing import train_validation_split

    x, y = np.arange(n * 2).reshape(n, 2), np.arange(n)
    (_, _), (x_val, y_val) = train_validation_split((x, y), validation_split=split)
    ours = keras_split((x, y), split)
    np.testing.assert_array_equal(ours[0], x_val)
    np.testing.assert_array_equal(ours[1], y_val)


def _fit_with_split(out, recorder_kwargs, epochs=2):
    x, y = tiny_data(n=40)
    model = tiny_model()
    rec = RunRecorder(out, save_model=False, **recorder_kwargs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y, batch_size=8, epochs=epochs, verbose=0, validation_split=0.25, callbacks=[rec])
    return model, (x, y), Run.load(out), [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def test_validation_split_is_read_from_the_running_fit(tmp_path):
    model, (x, y), run, messages = _fit_with_split(tmp_path / "r", {})
    assert not [m for m in messages if "validation" in m], messages  # nothing is missing, nothing to warn about
    assert run.info["recorded"]["validation"] == "validation_split"
    # the probe set is the last quarter, Keras' hold-out: its labels and images are those samples'
    np.testing.assert_array_equal(run.probe.labels, y[30:][run.probe.indices])
    assert run.probe.probabilities.shape == (2, 10, 3)
    np.testing.assert_allclose(run.probe.probabilities[-1], model.predict(x[30:], verbose=0), atol=2e-3)  # float16
    assert not run.weights.dead_relu.empty  # the dead-ReLU batch comes from the same hold-out
    # and the validation loss Keras logged is the loss on exactly those samples
    val = model.evaluate(x[30:], y[30:], verbose=0, return_dict=True)
    assert run.history["val_loss"].iloc[-1] == pytest.approx(val["loss"], rel=1e-5)
    assert run.features is not None and run.features.embedding.shape == (10, 5)  # from the validation images
    assert run.info["recorded"]["features_from"] == "validation_data"


def test_training_data_reproduces_the_split_when_the_fit_cannot_be_read(tmp_path, monkeypatch):
    from mnist_viz.callbacks import run_recorder

    monkeypatch.setattr(run_recorder, "fit_call", lambda model: None)  # no fit frame to read
    monkeypatch.setattr(run_recorder, "fit_validation", lambda model: (None, None))
    x, y = tiny_data(n=40)
    _, _, run, messages = _fit_with_split(tmp_path / "r", {"training_data": (x, y), "validation_split": 0.25})
    assert run.info["recorded"]["validation"] == "validation_split"
    np.testing.assert_array_equal(run.probe.labels, y[30:][run.probe.indices])
    # without validation_split= and without the fit to read it from, the recorder says what to pass
    _, _, run, messages = _fit_with_split(tmp_path / "s", {"training_data": (x, y)})
    assert any("pass validation_split= to RunRecorder" in m for m in messages), messages
    assert run.probe is None


def test_fit_validation_data_is_used_when_the_recorder_was_not_given_it(tmp_path):
    x, y = tiny_data(n=40)
    model = tiny_model()
    rec = RunRecorder(tmp_path, save_model=False)
    model.fit(x[:30], y[:30], batch_size=8, epochs=1, verbose=0, validation_data=(x[30:], y[30:]), callbacks=[rec])
    run = Run.load(tmp_path)
    assert run.info["recorded"]["validation"] == "validation_data"
    np.testing.assert_array_equal(run.probe.labels, y[30:])


@pytest.mark.tensorflow_only  # a tf.data.Dataset
def test_a_validation_dataset_that_is_not_in_memory_gets_one_clear_warning(tmp_path):
    import tensorflow as tf

    x, y = tiny_data(n=40)
    val = tf.data.Dataset.from_tensor_slices((x[30:], y[30:])).batch(5)
    rec = RunRecorder(tmp_path, save_model=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tiny_model().fit(x[:30], y[:30], epochs=1, verbose=0, validation_data=val, callbacks=[rec])
    stream = [str(w.message) for w in caught if "not in memory" in str(w.message)]
    assert len(stream) == 1 and "validation_data=(x_val, y_val)" in stream[0]
    assert Run.load(tmp_path).probe is None


def test_fit_call_finds_only_this_models_fit():
    model, other = tiny_model(), tiny_model()
    seen = {}

    class Peek(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen["mine"] = _held_out.fit_call(self.model)
            seen["other"] = _held_out.fit_call(other)

    x, y = tiny_data(n=20)
    model.fit(x, y, epochs=1, verbose=0, validation_split=0.5, callbacks=[Peek()])
    assert seen["mine"].validation_split == 0.5 and seen["other"] is None
    x_val, y_val = _held_out.as_arrays(seen["mine"].validation_data)
    np.testing.assert_array_equal(y_val, y[10:])
