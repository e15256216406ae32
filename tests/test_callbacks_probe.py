"""The probe pass: probabilities from model outputs, ReLU layers, one pass shared per epoch."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mnist_viz._arrays import outputs_to_probabilities  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


def test_probe_of_a_binary_sigmoid_model_has_two_columns():
    assert outputs_to_probabilities(np.array([[0.25], [1.0]])).tolist() == [[0.75, 0.25], [0.0, 1.0]]
    np.testing.assert_allclose(outputs_to_probabilities(np.array([[0.0], [-50.0]])), [[0.5, 0.5], [1.0, 0.0]], atol=1e-6)


def test_relu_layers_are_found_in_nested_models_in_every_spelling():
    from callback_helpers import keras
    from mnist_viz.callbacks._probe import ProbePass, is_relu_layer

    L = keras.layers
    inner = keras.Sequential([L.Dense(4, activation="relu", name="a")], name="inner")
    model = keras.Sequential([keras.Input((3,)), inner, L.Dense(4, name="pre"), L.ReLU(name="b"),
                              L.Activation("relu", name="c"), L.Dense(2, activation="softmax", name="out")])
    probe = ProbePass(model, np.ones((5, 3), "float32"), batch_size=2)
    assert [layer.name for layer in probe.relu_layers()] == ["a", "b", "c"]
    assert not is_relu_layer(model.get_layer("out"))
    probs, maxima = probe.run(key=0)
    assert probs.shape == (5, 2) and set(maxima) == {id(layer) for layer in probe.relu_layers()}
    x = np.ones((5, 3), "float32")
    expected = keras.ops.convert_to_numpy(inner(x)).max(axis=0)  # unit maxima over every chunk of the probe set
    np.testing.assert_allclose(maxima[id(inner.layers[0])], expected, rtol=1e-6)


def test_one_probe_pass_per_epoch_serves_both_recorders_of_a_run_recorder(tmp_path, monkeypatch):
    from callback_helpers import tiny_data, tiny_model
    from mnist_viz.callbacks import RunRecorder
    from mnist_viz.callbacks._probe import ProbePass

    passes = []
    run = ProbePass.run

    def counted(self, key=None):
        if not (self._cached is not None and self._cached[0] == key):
            passes.append(key)
        return run(self, key)

    monkeypatch.setattr(ProbePass, "run", counted)
    x, y = tiny_data(n=16)
    rec = RunRecorder(tmp_path, validation_data=(x, y), save_model=False)
    assert rec.weight_recorder.probe is rec.prediction_recorder  # composed through the public argument
    tiny_model().fit(x, y, epochs=2, verbose=0, callbacks=[rec])
    assert passes == [-1, 0, 1]  # the initial weights, then one pass per epoch for both recorders
    assert len(rec.prediction_recorder.probabilities) == 2 and len(rec.weight_recorder.dead_relu) == 3


def test_the_probe_pass_is_traced_on_tensorflow_and_runs_keras_ops_elsewhere():
    from callback_helpers import keras, tiny_model
    from mnist_viz.callbacks._probe import ProbePass

    model = tiny_model()
    x = np.random.default_rng(1).normal(size=(7, 6)).astype("float32")
    probe = ProbePass(model, x, batch_size=4)
    probs, maxima = probe.run()
    hidden = model.get_layer("hidden")
    np.testing.assert_allclose(probs, keras.ops.convert_to_numpy(model(x, training=False)), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(maxima[id(hidden)], keras.ops.convert_to_numpy(hidden(x)).max(axis=0), rtol=1e-5)
    if keras.backend.backend() == "tensorflow":
        assert probe._function.__class__.__name__ == "Function"  # the fast path: one traced tf.function
    else:
        assert probe._function is False  # no tf.function outside TensorFlow


def test_predictions_inside_a_fit_leave_the_torch_modules_training_flag_as_it_was():
    """On torch ``model.predict`` puts every module in eval mode; a recorder that predicts during fit
    (PredictionRecorder.predict, the probe pass, the stored features) must leave the flag as it was."""
    from callback_helpers import keras, tiny_data, tiny_model
    from mnist_viz.callbacks import PredictionRecorder
    from mnist_viz.callbacks._features import model_features

    if keras.backend.backend() != "torch":
        pytest.skip(f"torch backend only (modules with a training flag); Keras backend here is {keras.backend.backend()!r}")
    x, y = tiny_data(n=16)
    rec = PredictionRecorder(validation_data=(x, y))
    seen = []

    class PredictMidEpoch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            before = [m.training for m in self.model.modules()]
            rec.predict(x)                      # model.predict_on_batch
            rec.forward.run()                   # the probe pass with ReLU maxima
            model_features(self.model, x, None)
            seen.append((before, [m.training for m in self.model.modules()]))

    model = tiny_model()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[rec, PredictMidEpoch()])
    assert len(seen) == 4
    for before, after in seen:
        assert all(before) and after == before  # fit trains in training mode, and still does
    model.eval()  # and eval mode stays eval mode
    rec.predict(x)
    assert not any(m.training for m in model.modules())
