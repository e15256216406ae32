"""RunRecorder: the whole run directory, composed from the three recorders."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import json  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from callback_helpers import keras, tiny_data, tiny_model  # noqa: E402
from mnist_viz.callbacks import RunRecorder, _chief  # noqa: E402
from mnist_viz.run import Run  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


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
    meta = info["metadata"]
    assert {k: meta[k] for k in ("seed", "note")} == {"seed": 7, "note": "hi"}  # yours, beside the recorder's
    assert set(meta) == {"seed", "note", "versions", "hardware", "timings"}  # no dataset= given: no "data"
    assert meta["versions"]["keras_backend"] == keras.backend.backend() and meta["versions"]["keras"] == keras.__version__
    assert meta["hardware"]["cpu_count"] == os.cpu_count() and meta["timings"]["fit_seconds"] > 0
    assert info["recorded"] == {"by": "RunRecorder", "validation": "validation_data", "test_data": True,
                                "record_weights": True, "record_predictions": True, "record_features": True,
                                "save_model": True, "features_from": "test_data"}
    assert info["model"]["total_params"] == model.count_params()
    assert info["model"]["layers"][1] == {"name": "image", "class_name": "Dense", "output_shape": [None, 8],
                                          "params": 784 * 8 + 8, "activation": "relu", "relu": True}
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


def test_without_any_validation_nothing_is_claimed(tmp_path):
    x, y = tiny_data(n=30)
    rec = RunRecorder(tmp_path, save_model=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tiny_model().fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[rec])
    messages = " ".join(str(w.message) for w in caught)
    assert "validation_data=(x_val, y_val)" in messages
    run = Run.load(tmp_path)
    assert run.status == "complete" and "val_loss" not in run.history
    assert run.probe is None and run.weights.dead_relu.empty and run.test is None
    assert run.info["recorded"]["validation"] is None and run.info["recorded"]["features_from"] is None


def test_dataset_and_reserved_metadata(tmp_path):
    import mnist_viz

    data = mnist_viz.load_mnist("embedded")
    x, y = tiny_data(n=16)
    rec = RunRecorder(tmp_path, dataset=data, metadata={"note": "mine"}, save_model=False, record_features=False)
    tiny_model().fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[rec])
    meta = Run.load(tmp_path).metadata
    assert meta["data"]["source"] == "embedded" and meta["data"]["sha256"] == data.sha256
    assert meta["data"]["n_train"] == 16  # what fit trained on, not the dataset's 4,000
    assert "LeCun" in meta["data"]["citation"] and meta["note"] == "mine"
    assert Run.load(tmp_path).class_names == [str(d) for d in range(10)]
    rec = RunRecorder(tmp_path / "b", dataset={"name": "in-house v2", "citation": "Me (2026)"})
    assert rec.dataset == {"name": "in-house v2", "citation": "Me (2026)"}
    with pytest.raises(ValueError, match=r"metadata key\(s\) \['versions'\] are filled by RunRecorder"):
        RunRecorder(tmp_path / "c", metadata={"versions": "x"})
    assert RunRecorder(tmp_path / "c", metadata={"data": {"name": "d"}}).dataset == {"name": "d"}  # = dataset=
    with pytest.raises(ValueError, match="both describe the dataset"):
        RunRecorder(tmp_path / "c", metadata={"data": {"name": "d"}}, dataset="e")
    with pytest.raises(TypeError, match="dataset must be an MnistData, a name or a dict"):
        RunRecorder(tmp_path / "c", dataset=3)
    with pytest.raises(ValueError, match="validation_split needs training_data"):
        RunRecorder(tmp_path / "c", validation_split=0.1)
    with pytest.raises(ValueError, match="holds out all of them"):
        RunRecorder(tmp_path / "c", training_data=(x[:3], y[:3]), validation_split=0.9)
    with pytest.raises(ValueError, match="feature_indices must be non-negative"):
        RunRecorder(tmp_path / "c", feature_indices=[-1])


def test_non_chief_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(_chief, "is_chief", lambda strategy=None: False)
    x, y = tiny_data(n=16)
    rec = RunRecorder(tmp_path / "run", validation_data=(x, y), test_data=(x, y))
    tiny_model().fit(x, y, epochs=1, verbose=0, callbacks=[rec])
    assert not (tmp_path / "run").exists()
    assert len(rec.history_recorder.history) == 1  # it still computed its records


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
    rec = RunRecorder(tmp_path, validation_data=(x, y), snapshot_every=1, record_predictions=False)
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
    rec = RunRecorder(tmp_path, record_weights=False, record_predictions=False, save_model=False)
    tiny_model().fit(x, y, epochs=1, verbose=0, callbacks=[rec])
    # and the lock file, empty once the fit is over (mnist_viz._lock: one writer per run directory)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "batches.csv", "history.csv", "run.json"]
    assert (tmp_path / ".lock").read_text() == ""
    assert Run.load(tmp_path).weights is None


def test_a_second_fit_starts_the_records_over(tmp_path):
    x, y = tiny_data(n=16)
    model = tiny_model()
    model.fit(x, y, epochs=3, verbose=0, callbacks=[RunRecorder(tmp_path, validation_data=(x, y), snapshot_every=1)])
    model.fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(tmp_path, validation_data=(x, y), snapshot_every=1)])
    run = Run.load(tmp_path)
    assert len(run.history) == 1 and run.probe.epochs.tolist() == [0]
    assert [p.name for p in (tmp_path / "weights").glob("snapshot_epoch_*.npz")] == ["snapshot_epoch_0000.npz"]


def test_children_share_the_run_recorders_writer_through_public_arguments(tmp_path):
    from mnist_viz.callbacks import HistoryRecorder, PredictionRecorder, RunWriter, WeightRecorder

    x, y = tiny_data(n=16)
    rec = RunRecorder(tmp_path, validation_data=(x, y))
    assert rec.owns_writer and rec.run_dir == tmp_path
    for child, kind in zip(rec.recorders, (HistoryRecorder, WeightRecorder, PredictionRecorder)):
        assert isinstance(child, kind) and child.writer is rec.writer and not child.owns_writer
        assert child.run_dir == tmp_path
    assert rec.weight_recorder.probe is rec.prediction_recorder
    with pytest.raises(ValueError, match="differs from the writer's run_dir"):
        HistoryRecorder(tmp_path / "other", writer=RunWriter(tmp_path))
    with pytest.raises(TypeError, match="writer must be a RunWriter"):
        HistoryRecorder(writer=str(tmp_path))
    with pytest.raises(TypeError, match="probe must be a PredictionRecorder"):
        WeightRecorder(probe=x)


def test_the_booleans_are_named_record_weights_and_record_predictions(tmp_path):
    with pytest.raises(TypeError, match="weights"):
        RunRecorder(tmp_path, weights=False)
    rec = RunRecorder(tmp_path, record_weights=False, record_predictions=False)
    assert rec.weight_recorder is None and rec.prediction_recorder is None and rec.recorders == [rec.history_recorder]


def test_params_batch_size_and_samples_come_from_the_history_recorder(tmp_path):
    x, y = tiny_data(n=22)
    rec = RunRecorder(tmp_path, record_weights=False, record_predictions=False, save_model=False)
    tiny_model().fit(x, y, batch_size=8, epochs=1, verbose=0, callbacks=[rec])
    assert rec.history_recorder.batch_size == 8 and rec.history_recorder.last_epoch_samples == 22
    params = json.loads((tmp_path / "run.json").read_text())["params"]
    assert params["batch_size"] == 8 and params["samples"] == 22


def test_bad_test_labels_are_refused_before_training(tmp_path):
    from mnist_viz.callbacks import RunRecorder

    x = np.zeros((4, 784), np.float32)
    model = _digit_model()
    # a classifier's test labels are checked at train begin, before the first batch (a regression's
    # targets are not labels: they may be negative or real)
    with pytest.raises(ValueError, match="test_data\\[1\\] holds a negative label"):
        model.fit(x, np.arange(4), epochs=3, verbose=0,
                  callbacks=[RunRecorder(tmp_path / "r", test_data=(x, np.array([0, 1, -1, 2])))])
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations.value)) == 0  # not one batch was trained
    with pytest.raises(ValueError, match="test_data has 4 inputs but 3 labels"):
        RunRecorder(tmp_path / "r", test_data=(x, np.eye(10)[:3]))
    assert RunRecorder(tmp_path / "r", test_data=(x, np.eye(10)[:4])).test_labels.tolist() == [0, 1, 2, 3]


def _digit_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(8, activation="relu", name="image"),
                              keras.layers.Dense(10, activation="softmax", name="prediction")], name="dense")
    model.compile("rmsprop", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _digits(n=40):
    x = np.random.default_rng(0).random((n, 784)).astype(np.float32)
    return x, np.arange(n) % 10


def test_a_fit_into_an_old_run_folder_leaves_no_old_record(tmp_path):
    """An earlier, longer run (test predictions, model, features, snapshots, 3 probe epochs) is
    replaced whole by a 1-epoch fit without test data: nothing of it can be read as the new run's."""
    x, y = _digits()
    _digit_model().fit(x, y, epochs=3, verbose=0, callbacks=[RunRecorder(
        tmp_path, validation_data=(x[:20], y[:20]), test_data=(x[20:], y[20:]), snapshot_every=1)])
    old = Run.load(tmp_path)
    assert old.test is not None and old.features is not None and len(old.probe.epochs) == 3
    (tmp_path / ".history.csv.zz.tmp").write_text("a killed write")
    (tmp_path / "notes.txt").write_text("the user's own file")
    _digit_model().fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(
        tmp_path, validation_data=(x[:20], y[:20]), save_model=False)])
    new = Run.load(tmp_path)
    assert new.status == "complete" and len(new.history) == 1 and new.probe.epochs.tolist() == [0]
    assert new.test is None and new.test_metrics is None
    assert not (tmp_path / "model.keras").exists() and not list((tmp_path / "weights").glob("snapshot_*"))
    assert not (tmp_path / ".history.csv.zz.tmp").exists() and (tmp_path / "notes.txt").exists()
    # features come from the validation images when there is no test set
    assert new.features.embedding.shape == (20, 8)


def test_a_second_writer_of_the_same_run_fails_at_once_naming_the_holder(tmp_path):
    import subprocess
    import sys

    hold = ("import sys; from mnist_viz._lock import RunLock; RunLock(sys.argv[1]).acquire(); "
            "print('held', flush=True); sys.stdin.readline()")
    proc = subprocess.Popen([sys.executable, "-c", hold, str(tmp_path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        x, y = tiny_data()
        with pytest.raises(RuntimeError, match=rf"is being written by pid {proc.pid} on host"):
            tiny_model().fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(tmp_path)])
        assert not (tmp_path / "run.json").exists()  # it wrote nothing
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def test_complete_only_once_every_end_of_training_record_is_on_disk(tmp_path, monkeypatch):
    from mnist_viz import run_format

    x, y = _digits()
    statuses = []
    real = run_format.write_run_info

    def spy(run_dir, info):
        if info["status"] == "complete":  # what is on disk when the run says complete
            statuses.append(sorted(p.name for p in tmp_path.iterdir()))
        return real(run_dir, info)

    monkeypatch.setattr(run_format, "write_run_info", spy)
    _digit_model().fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(
        tmp_path, validation_data=(x[:20], y[:20]), test_data=(x[20:], y[20:]))])
    assert len(statuses) == 1
    assert {"features.npz", "test_predictions.npz", "model.keras", "model_config.json"} <= set(statuses[0])


def test_a_disk_full_model_save_does_not_read_complete(tmp_path, monkeypatch):
    x, y = _digits()
    model = _digit_model()

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(model, "save", full)
    with pytest.raises(OSError, match="No space left"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(tmp_path, test_data=(x, y))])
    assert json.loads((tmp_path / "run.json").read_text())["status"] == "running"  # interrupted once we exit
    assert not (tmp_path / "model.keras").exists() and not list(tmp_path.glob(".model.*"))


# -- only classifiers are read as classifiers (callbacks/_output_kind.py) ---------------------------
def _fit_recorded(model, out, x, y, *, y_fit=None, **kwargs):
    """Fit ``model`` with a RunRecorder into ``out``; the warnings mnist_viz gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y if y_fit is None else y_fit, batch_size=8, epochs=2, verbose=0,
                  callbacks=[RunRecorder(out, validation_data=(x, y), save_model=False, **kwargs)])
    return [w for w in caught if "the model has" in str(w.message)]


def _assert_no_classification_records(out, kind):
    assert not (out / "probe").exists() and not (out / "test_predictions.npz").exists()
    run = Run.load(out)
    assert run.probe is None and run.test is None
    assert run.epochs_completed == 2 and run.weights is not None and len(run.weights.stats)
    assert run.info["output"]["kind"] == kind and run.info["output"]["classifier"] is False
    return run


def test_regression_model_warns_once_records_history_and_weights_and_the_report_builds(tmp_path):
    from mnist_viz.report import build_report

    rng = np.random.default_rng(0)
    x = rng.random((40, 784), dtype="float32")
    y = np.arange(40) % 10
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    model.compile("adam", "mse", metrics=["mae"])
    out = tmp_path / "regression"
    caught = _fit_recorded(model, out, x[:24], y[:24], test_data=(x[24:], y[24:]))
    assert [str(w.message) for w in caught] == [
        "RunRecorder: the model has 1 linear output and loss 'mse' (a regression): history and weights are "
        "recorded; probe and test predictions, which need a classifier, are not"]
    assert caught[0].filename == __file__  # the user's fit, not a library line
    run = _assert_no_classification_records(out, "regression")
    assert sorted(run.test_metrics) == ["loss", "mae"]  # evaluate still scores the test data
    page = build_report([out], tmp_path / "report.html", quiet=True).html
    assert "out of range" not in page
    assert page.count("the model is not a classifier (regression: 1 linear output and loss &#39;mse&#39;)") >= 3
    assert "RunRecorder at the end of training, which did not run" not in page
    assert "PredictionRecorder, which did not run" not in page


def test_multi_output_model_gets_no_classification_records(tmp_path):
    x, y = tiny_data(n=16)
    keras.utils.set_random_seed(0)
    inputs = keras.Input((6,))
    hidden = keras.layers.Dense(4, activation="relu")(inputs)
    model = keras.Model(inputs, [keras.layers.Dense(3, activation="softmax")(hidden), keras.layers.Dense(1)(hidden)])
    model.compile("sgd", ["sparse_categorical_crossentropy", "mse"])
    caught = _fit_recorded(model, tmp_path, x, y, y_fit=(y, y.astype("float32")))
    assert len(caught) == 1 and "has 2 outputs" in str(caught[0].message)
    _assert_no_classification_records(tmp_path, "multi_output")


def test_multi_label_model_gets_no_classification_records(tmp_path):
    x, y = tiny_data(n=16)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy")
    targets = np.eye(3, dtype="float32")[y]
    caught = _fit_recorded(model, tmp_path, x, y, y_fit=targets, test_data=(x, targets))
    assert len(caught) == 1 and "3 sigmoid outputs and loss 'binary_crossentropy' (a multi-label model)" in str(
        caught[0].message)
    _assert_no_classification_records(tmp_path, "multi_label")


def test_binary_sigmoid_classifier_is_still_recorded_with_two_columns(tmp_path):
    x, y = tiny_data(n=16, classes=2)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy")
    assert _fit_recorded(model, tmp_path, x, y, test_data=(x, y)) == []
    run = Run.load(tmp_path)
    assert run.info["output"]["kind"] == "binary" and run.info["output"]["classifier"] is True
    assert run.probe.probabilities.shape == (2, 16, 2) and run.test.probabilities.shape == (16, 2)
    p = np.asarray(model.predict(x, verbose=0))[:, 0]
    np.testing.assert_allclose(run.test.probabilities, np.stack([1 - p, p], axis=1), atol=1e-5)


def test_logits_multiclass_is_still_softmaxed(tmp_path):
    x, y = tiny_data(n=16)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    assert _fit_recorded(model, tmp_path, x, y, test_data=(x, y)) == []
    run = Run.load(tmp_path)
    assert run.info["output"] == {"kind": "multiclass", "classifier": True, "outputs": 1, "width": 3,
                                  "activation": "linear", "loss": "sparse_categorical_crossentropy",
                                  "from_logits": True, "description": "3 linear outputs and loss "
                                                                      "'sparse_categorical_crossentropy'"}
    logits = np.asarray(model.predict(x, verbose=0))
    expected = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(run.test.probabilities, expected, rtol=1e-5)
    np.testing.assert_allclose(run.probe.probabilities.sum(-1), 1.0, atol=2e-3)


def test_a_regression_with_float_targets_and_test_data_records_history_and_features(tmp_path):
    x = np.random.default_rng(0).random((30, 784)).astype(np.float32)
    y = x.mean(axis=1)  # real-valued targets: not class labels
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    with pytest.warns(UserWarning, match="regression"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(tmp_path, test_data=(x, y))])
    run = Run.load(tmp_path)
    assert run.status == "complete" and run.test is None and run.features.embedding.shape == (30, 4)
    with pytest.raises(TypeError, match="test_data\\[1\\] must hold integer class labels"):
        _digit_model().fit(x, np.arange(30) % 10, epochs=1, verbose=0,
                           callbacks=[RunRecorder(tmp_path / "c", test_data=(x, y))])


def test_refused_test_labels_leave_an_earlier_run_untouched(tmp_path):
    x, y = _digits()
    _digit_model().fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(tmp_path, test_data=(x, y))])
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ValueError, match="negative label"):
        _digit_model().fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(tmp_path, test_data=(x, y - 1))])
    assert sorted(p.name for p in tmp_path.iterdir()) == before and Run.load(tmp_path).status == "complete"


def test_a_regression_with_only_validation_data_records_its_features(tmp_path):
    x = np.random.default_rng(1).random((24, 784)).astype(np.float32)
    y = x.mean(axis=1)  # real-valued targets
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    with pytest.warns(UserWarning, match="regression"):
        model.fit(x, y, epochs=1, verbose=0, validation_data=(x[:8], y[:8]),
                  callbacks=[RunRecorder(tmp_path, validation_data=(x[:8], y[:8]))])
    run = Run.load(tmp_path)
    assert run.status == "complete" and run.probe is None and run.features.embedding.shape == (8, 4)


def test_a_classifiers_bad_validation_labels_fail_before_the_folder_is_touched(tmp_path):
    x, y = _digits()
    with pytest.raises(TypeError, match="validation_data\\[1\\] must hold integer class labels"):
        _digit_model().fit(x, y, epochs=1, verbose=0, callbacks=[RunRecorder(
            tmp_path / "r", validation_data=(x[:8], x[:8, 0]))])
    assert not (tmp_path / "r").exists()


def test_probe_seed_reaches_the_probe_draw_and_train_passes_its_seed(tmp_path, monkeypatch):
    """RunRecorder(probe_seed=) is the PredictionRecorder's seed; mnist_viz.train draws the probe
    subset with the run's own seed (it was always 0); a bad seed names the argument."""
    import mnist_viz.callbacks
    from mnist_viz import load_mnist, train
    from mnist_viz.callbacks import RunRecorder

    assert RunRecorder(tmp_path / "a", probe_seed=7).prediction_recorder.seed == 7
    assert RunRecorder(tmp_path / "b").prediction_recorder.seed == 0
    with pytest.raises(ValueError, match=r"^probe_seed must be an integer >= 0; got -1$"):
        RunRecorder(tmp_path / "c", probe_seed=-1)
    with pytest.raises(ValueError, match=r"^probe_seed must be an integer >= 0; got 'x'$"):
        RunRecorder(tmp_path / "d", probe_seed="x", record_predictions=False)  # checked without a probe too
    from mnist_viz.callbacks import PredictionRecorder

    assert PredictionRecorder(seed=2**40).seed == 2**40  # numpy takes any seed >= 0
    seen = {}

    class Stop(Exception):
        pass

    def recorder(*args, **kwargs):
        seen.update(kwargs)
        raise Stop

    monkeypatch.setattr(mnist_viz.callbacks, "RunRecorder", recorder)
    with pytest.raises(Stop):
        train("dense", load_mnist("embedded"), epochs=1, seed=5, out=tmp_path / "run", quiet=True)
    assert seen["probe_seed"] == 5
