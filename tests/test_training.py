"""train(): the run directory it writes, reproducibility, safety of existing folders."""
import json

import numpy as np
import pandas as pd
import pytest

import mnist_viz
from mnist_viz._tf import backend as keras_backend
from mnist_viz.training import train

pytestmark = [pytest.mark.slow, pytest.mark.backends]


@pytest.fixture(scope="module")
def data():
    return mnist_viz.load_mnist("embedded")


def test_run_directory_contents(trained_runs):
    out = trained_runs["dense"]
    for name in ("run.json", "history.csv", "model.keras", "model_config.json", "test_predictions.npz", "features.npz"):
        assert (out / name).exists(), name
    info = json.loads((out / "run.json").read_text())
    meta = info["metadata"]
    assert info["status"] == "complete"
    assert meta["seed"] == 0
    assert meta["data"]["source"] == "embedded" and meta["data"]["is_subset"] is True
    assert "not comparable with published MNIST results" in meta["data"]["subset_note"]
    assert len(meta["data"]["sha256"]) == 64
    assert "LeCun" in meta["data"]["citation"]
    backend = keras_backend()
    assert {backend, "keras", "numpy", "python"} <= set(meta["versions"])
    assert meta["versions"]["keras_backend"] == backend and "CPU" in meta["hardware"]["devices"]
    assert meta["timings"]["fit_seconds"] > 0 and meta["timings"]["end_records_seconds"] >= 0
    # the split train made: 10 % of the 4,000 embedded training digits held out, the rest trained on
    assert (meta["data"]["n_train"], meta["data"]["n_validation"], meta["data"]["n_test"]) == (3600, 400, 1000)
    assert info["recorded"]["validation"] == "validation_data" and info["recorded"]["test_data"] is True
    assert info["model"]["total_params"] == 407_050
    config = json.loads((out / "model_config.json").read_text())
    assert config["class_name"] == "Sequential"
    with np.load(out / "test_predictions.npz", allow_pickle=False) as z:
        assert z["probabilities"].shape == (1000, 10)
        assert z["labels"].shape == (1000,)
    history = pd.read_csv(out / "history.csv")
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(history.columns)
    assert len(history) == 2


def test_features_for_the_report(trained_runs):
    with np.load(trained_runs["convnet"] / "features.npz", allow_pickle=False) as z:
        names = list(z["layer_names"])
        assert names == ["conv1", "pool1", "conv2", "pool2"]
        assert z["activations__conv1"].shape == (4, 26, 26, 32)
        assert str(z["first_layer_kind"]) == "conv"
        assert z["first_layer_kernel"].shape == (3, 3, 1, 32)
        assert z["embedding"].shape == (1000, 128)
    with np.load(trained_runs["dense"] / "features.npz", allow_pickle=False) as z:
        assert list(z["layer_names"]) == []
        assert str(z["first_layer_kind"]) == "dense"
        assert z["first_layer_kernel"].shape == (784, 512)
        assert z["embedding"].shape == (1000, 512)


def test_same_seed_same_run(tmp_path, data):
    a = train("dense", data, epochs=1, seed=3, out=tmp_path / "a", quiet=True)
    b = train("dense", data, epochs=1, seed=3, out=tmp_path / "b", quiet=True)
    pd.testing.assert_series_equal(a.history["loss"], b.history["loss"])
    np.testing.assert_array_equal(a.test.probabilities, b.test.probabilities)


def test_existing_run_is_not_replaced_without_overwrite(tmp_path, data):
    train("dense", data, epochs=1, out=tmp_path / "r", quiet=True)
    before = (tmp_path / "r" / "history.csv").read_bytes()
    with pytest.raises(FileExistsError, match="already holds a run"):
        train("dense", data, epochs=1, out=tmp_path / "r", quiet=True)
    assert (tmp_path / "r" / "history.csv").read_bytes() == before
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious")
    with pytest.raises(FileExistsError, match="not a run"):
        train("dense", data, epochs=1, out=mine, quiet=True, overwrite=True)
    assert (mine / "notes.txt").read_text() == "precious"


def test_interrupted_training_reads_as_interrupted(tmp_path, data):
    from mnist_viz._tf import import_keras

    keras = import_keras()

    class Boom(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    model = mnist_viz.models.dense()
    fit = model.fit

    def fit_with_boom(*args, callbacks=(), **kwargs):
        return fit(*args, callbacks=list(callbacks) + [Boom()], **kwargs)

    model.fit = fit_with_boom
    with pytest.raises(KeyboardInterrupt):
        train(model, data, epochs=4, out=tmp_path / "i", quiet=True)
    run = mnist_viz.Run.load(tmp_path / "i")
    assert run.status == "interrupted"
    assert len(run.history) >= 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"epochs": 0}, "epochs must be an integer >= 1; got 0"),
        ({"batch_size": "128"}, "batch_size must be an integer >= 1"),
        ({"validation_fraction": 0.9}, "validation_fraction must be between 0 and 0.5"),
        ({"seed": 2**32}, "seed must be an integer <= 4294967295; got 4294967296"),
    ],
)
def test_bad_arguments(kwargs, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        train("dense", "embedded", out=tmp_path / "x", **kwargs)


def test_unknown_model_name(tmp_path):
    with pytest.raises(ValueError, match="model must be one of"):
        train("resnet", "embedded", out=tmp_path / "x")


def test_report_states_the_subset_caveat(trained_runs, tmp_path):
    import html

    from mnist_viz.data import EMBEDDED_SUBSET_NOTE
    from mnist_viz.report import build_report

    page = build_report(trained_runs["dense"], tmp_path / "r.html", quiet=True).html
    assert EMBEDDED_SUBSET_NOTE in html.unescape(page)


def test_named_models_are_built_by_models_build(tmp_path, data, monkeypatch):
    built = []
    build = mnist_viz.models.build

    def recording_build(name, **kwargs):
        built.append((name, kwargs))
        return build(name, **kwargs)

    monkeypatch.setattr(mnist_viz.models, "build", recording_build)
    run = train("dense", data, epochs=1, out=tmp_path / "b", quiet=True)
    assert built == [("dense", {"num_classes": 10})]
    assert run.info["metadata"]["timings"]["fit_seconds"] > 0  # RunRecorder records the timings


def test_a_run_being_written_is_never_replaced_even_with_overwrite(tmp_path):
    """Two `mnist-viz train --out same` at once: the second stops before touching the first's files."""
    import subprocess
    import sys

    out = tmp_path / "busy"
    hold = ("import sys; from mnist_viz._lock import RunLock; from mnist_viz import run_format as f; "
            "RunLock(sys.argv[1]).acquire(); f.write_run_info(sys.argv[1], {'status': 'running'}); "
            "print('held', flush=True); sys.stdin.readline()")
    proc = subprocess.Popen([sys.executable, "-c", hold, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(FileExistsError, match=rf"is being written by pid {proc.pid} on host .*; wait for that fit"):
            train("dense", "embedded", epochs=1, out=out, overwrite=True, quiet=True)
        assert (out / "run.json").exists()
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def test_train_writes_through_run_recorder_only():
    """One writing path: train builds the model and the data, RunRecorder writes every record."""
    import ast
    import inspect

    import mnist_viz.training as training

    calls = {node.func.attr for node in ast.walk(ast.parse(inspect.getsource(training)))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
    assert not {c for c in calls if c.startswith("write_") or c in ("atomic_write_json", "atomic_write_npz")}


def test_resolve_data_passes_class_names_and_dataset_on(tmp_path):
    """train(data="idx:PATH", class_names=..., dataset=...) loads with them (what the CLI's
    --class-names and --dataset reach); an MnistData carries its own and refuses them."""
    from data_helpers import write_idx_folder

    from mnist_viz.training import resolve_data

    write_idx_folder(tmp_path)
    names = tuple(f"kind {i}" for i in range(10))
    assert resolve_data(f"idx:{tmp_path}", class_names=names).class_names == names
    fashion = resolve_data(f"idx:{tmp_path}", dataset="fashion-mnist")
    assert fashion.name == "Fashion-MNIST" and fashion.class_names[-1] == "Ankle boot"
    with pytest.raises(ValueError, match="class_names and dataset are for a source name or 'idx:PATH'"):
        resolve_data(fashion, class_names=names)
    with pytest.raises(ValueError, match="class_names and dataset are for a source name"):
        train("dense", fashion, dataset="kmnist", out=tmp_path / "r", quiet=True)
    assert not (tmp_path / "r").exists()


def test_a_training_set_too_small_to_stratify_still_trains(tmp_path, data):
    """Fewer images of a class than the split needs: a plain seeded split instead of a traceback."""
    from mnist_viz.data import MnistData

    small = MnistData(data.x_train[:15], data.y_train[:15], data.x_test[:10], data.y_test[:10])
    run = train("dense", small, epochs=1, out=tmp_path / "s", quiet=True)
    assert run.status == "complete"
    assert (run.metadata["data"]["n_train"], run.metadata["data"]["n_validation"]) == (13, 2)
    one = MnistData(data.x_train[:1], data.y_train[:1], data.x_test[:10], data.y_test[:10])
    with pytest.raises(ValueError, match="has 1 training image"):
        train("dense", one, epochs=1, out=tmp_path / "o", quiet=True)
