"""What RunRecorder stores about the model: the run.json summary and the saved files."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from callback_helpers import keras  # noqa: E402
from mnist_viz.callbacks._model import model_summary, save_model  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


def test_summary_of_an_unbuilt_and_a_nested_model():
    unbuilt = keras.Sequential([keras.layers.Dense(3, name="d")], name="lazy")
    assert model_summary(unbuilt) == {"name": "lazy", "class_name": "Sequential", "built": False, "layers": []}
    inner = keras.Sequential([keras.layers.Dense(4, name="h")], name="block")
    model = keras.Sequential([keras.Input((2,)), inner, keras.layers.Dense(3, name="o")], name="outer")
    summary = model_summary(model)
    assert summary["total_params"] == summary["trainable_params"] == 2 * 4 + 4 + 4 * 3 + 3
    assert summary["layers"] == [
        {"name": "block", "class_name": "Sequential", "output_shape": [None, 4], "params": 12, "relu": False},
        {"name": "o", "class_name": "Dense", "output_shape": [None, 3], "params": 15, "activation": "linear",
         "relu": False},
    ]


def test_summary_says_which_layers_are_relu_layers_nested_ones_included():
    inner = keras.Sequential([keras.layers.Dense(4, name="h"), keras.layers.ReLU(name="r")], name="block")
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(2, 3, activation="relu", name="c"),
                              keras.layers.MaxPooling2D(name="p"), keras.layers.Flatten(name="f"), inner,
                              keras.layers.Activation("relu", name="a"),
                              keras.layers.Dense(3, activation="softmax", name="o")], name="outer")
    layers = {layer["name"]: layer for layer in model_summary(model)["layers"]}
    assert {name: layer.get("activation") for name, layer in layers.items()} == {
        "c": "relu", "p": None, "f": None, "block": None, "a": "relu", "o": "softmax"}
    assert [name for name, layer in layers.items() if layer["relu"]] == ["c", "block", "a"]


def test_save_model_writes_both_files_and_reports_what_it_cannot(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    assert save_model(model, tmp_path) == []
    assert (tmp_path / "model.keras").is_file() and (tmp_path / "model_config.json").is_file()
    reloaded = keras.saving.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(reloaded.predict(np.ones((1, 2)), verbose=0), model.predict(np.ones((1, 2)), verbose=0))

    class Broken:
        def save(self, path):
            raise RuntimeError("no get_config")

        def to_json(self):
            raise RuntimeError("not serializable")

    (tmp_path / "b").mkdir()
    problems = save_model(Broken(), tmp_path / "b")
    assert problems == ["could not save model.keras (RuntimeError: no get_config)",
                        "could not write model_config.json (RuntimeError: not serializable)"]
    assert list((tmp_path / "b").iterdir()) == []  # nothing half-written left behind
