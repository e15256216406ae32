"""Run: loading run directories (also half-written and crashed ones) and building from History/dict/CSV."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from mnist_viz._io import atomic_write_json, atomic_write_npz
from report_runs import atomic_write_csv
from mnist_viz.run import FORMAT_VERSION, Run, RunFormatError, mark_interrupted, process_alive

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


def write_minimal_run(path, *, status="running", pid=None, epochs=2, hostname=None):
    import socket

    info = {"format_version": 1, "name": "m", "status": status, "pid": pid if pid is not None else os.getpid(),
            "hostname": hostname or socket.gethostname(), "epochs_completed": epochs,
            "metadata": {"data": {"class_names": ["zero", "one", "two"]}}, "model": {"name": "m"},
            "test_metrics": {"loss": 0.5, "accuracy": 0.75}}
    atomic_write_json(path / "run.json", info)
    atomic_write_csv(path / "history.csv", pd.DataFrame({"epoch": range(epochs), "loss": np.linspace(1, 0.5, epochs),
                                                        "val_loss": np.linspace(1.1, 0.6, epochs)}))
    return info


def dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_load_minimal_run_and_derived_fields(tmp_path):
    write_minimal_run(tmp_path)
    run = Run.load(tmp_path)
    assert run.status == "running"  # this very process wrote it and is alive
    assert run.path == tmp_path and run.name == "m"
    assert run.history.index.name == "epoch" and list(run.history.index) == [0, 1]
    assert list(run.history.columns) == ["loss", "val_loss"]
    assert run.class_names == ["zero", "one", "two"]
    assert run.test_metrics == {"loss": 0.5, "accuracy": 0.75}
    assert run.model_info == {"name": "m"}
    assert run.batches is None and run.weights is None and run.probe is None and run.test is None
    assert run.features is None
    assert "running" in repr(run)


def test_running_run_whose_process_is_gone_reads_as_interrupted(tmp_path):
    write_minimal_run(tmp_path, pid=dead_pid())
    assert Run.load(tmp_path).status == "interrupted"
    assert json.loads((tmp_path / "run.json").read_text())["status"] == "running"  # loading never writes


def test_running_run_on_another_host_is_trusted(tmp_path):
    write_minimal_run(tmp_path, pid=dead_pid(), hostname="some-other-host.invalid")
    assert Run.load(tmp_path).status == "running"


def test_reused_pid_counts_as_gone(tmp_path):
    info = write_minimal_run(tmp_path)
    info["pid_start_ticks"] = 1  # this pid now belongs to a process that started later
    atomic_write_json(tmp_path / "run.json", info)
    assert Run.load(tmp_path).status == "interrupted"
    assert process_alive(os.getpid()) and not process_alive(dead_pid()) and not process_alive(-3)


def test_mark_interrupted(tmp_path):
    write_minimal_run(tmp_path)
    mark_interrupted(tmp_path, "KeyboardInterrupt: ")
    run = Run.load(tmp_path)
    assert run.status == "interrupted"
    assert run.info["interrupted_reason"] == "KeyboardInterrupt: " and run.info["finished"]
    with pytest.raises(FileNotFoundError, match="has no run.json"):
        mark_interrupted(tmp_path / "nope", "x")


def test_load_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        Run.load(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="expected one of run.json"):
        Run.load(tmp_path)
    atomic_write_json(tmp_path / "run.json", {"format_version": 99})
    with pytest.raises(RunFormatError, match=r"run\.json: key 'format_version' is 99; this mnist_viz reads version 1"):
        Run.load(tmp_path)
    atomic_write_json(tmp_path / "run.json", {"format_version": 1, "status": "done"})
    with pytest.raises(RunFormatError, match=r"run\.json: key 'status' is 'done'; expected one of"):
        Run.load(tmp_path)


def test_load_reads_weights_probe_and_test_arrays(tmp_path):
    write_minimal_run(tmp_path, status="complete")
    w = tmp_path / "weights"
    atomic_write_json(w / "index.json", [{"key": 0, "layer": "d", "weight": "d/kernel", "shape": [2, 2]}])
    atomic_write_csv(w / "stats.csv", pd.DataFrame({"epoch": [-1, 0], "layer": "d", "weight": "d/kernel", "size": 4,
                                                    "mean": [0.0, 0.1], "std": 1.0, "min": -1.0, "max": 1.0,
                                                    "l2": 2.0, "update_ratio": [np.nan, 0.1]}))
    atomic_write_npz(w / "histograms.npz", {"epochs": np.array([-1, 0]), "edges_0": np.linspace(-1, 1, 5),
                                            "counts_0": np.array([[1, 1, 1, 1], [0, 2, 2, 0]], np.int32)})
    atomic_write_csv(w / "dead_relu.csv", pd.DataFrame({"epoch": [0], "layer": ["d"], "dead_fraction": [0.5]}))
    labels = np.array([0, 1, 2], np.int64)
    atomic_write_npz(tmp_path / "probe" / "probe.npz", {"labels": labels, "indices": np.array([4, 5, 9]),
                                                         "images": np.zeros((3, 28, 28), np.uint8)})
    for epoch in (0, 1):
        probs = np.eye(3, dtype=np.float16)[[0, 1, 1 + epoch]]
        atomic_write_npz(tmp_path / "probe" / f"epoch_{epoch:04d}.npz", {"probabilities": probs})
    atomic_write_npz(tmp_path / "test_predictions.npz", {"probabilities": np.eye(3, dtype=np.float32),
                                                          "labels": labels, "images": np.zeros((3, 28, 28), np.uint8)})
    atomic_write_npz(tmp_path / "features.npz", {"embedding": np.ones((3, 2), np.float16)})

    run = Run.load(tmp_path)
    assert run.status == "complete"
    assert run.weights.weight_names == ["d/kernel"]
    hist = run.weights.histograms["d/kernel"]
    assert hist["counts"].shape == (2, 4) and hist["epochs"].tolist() == [-1, 0]
    assert run.weights.dead_relu["dead_fraction"].tolist() == [0.5]
    assert np.isnan(run.weights.stats["update_ratio"][0])
    assert run.probe.epochs.tolist() == [0, 1] and run.probe.probabilities.shape == (2, 3, 3)
    assert run.probe.probabilities.dtype == np.float32
    assert run.probe.accuracy().tolist() == pytest.approx([2 / 3, 1.0])
    assert run.probe.indices.tolist() == [4, 5, 9]
    assert run.test.accuracy == 1.0 and run.test.images.shape == (3, 28, 28)
    assert run.features.embedding.shape == (3, 2) and run.features.embedding_indices.tolist() == [0, 1, 2]


def test_pickled_arrays_are_refused(tmp_path):
    write_minimal_run(tmp_path, status="complete")
    np.savez(tmp_path / "test_predictions.npz", probabilities=np.array([{"a": 1}], dtype=object),
             labels=np.zeros(1))
    with pytest.raises(RunFormatError, match=r"test_predictions\.npz: member 'probabilities\.npy' holds Python objects"):
        Run.load(tmp_path)


def test_from_dict():
    run = Run.from_dict({"loss": [1.0, 0.5, None], "accuracy": [0.5, 0.7, 0.8]}, name="d", metadata={"k": 1})
    assert run.status == "complete" and run.name == "d" and run.path is None
    assert run.history.index.tolist() == [0, 1, 2] and np.isnan(run.history["loss"][2])
    assert run.metadata == {"k": 1} and run.info["format_version"] == FORMAT_VERSION
    with pytest.raises(ValueError, match="lengths"):
        Run.from_dict({"loss": [1.0], "val_loss": [1.0, 2.0]})
    with pytest.raises(TypeError, match="dict of per-epoch lists; got list"):
        Run.from_dict([1, 2])
    with pytest.raises(TypeError, match=r"history\['loss'\] must be a list with one value per epoch; got float 0.5"):
        Run.from_dict({"loss": 0.5})
    with pytest.raises(TypeError, match=r"history\['loss'\] must hold numbers \(or None\); got \['a'"):
        Run.from_dict({"loss": ["a", "b"]})


def test_from_dict_with_epoch_key_uses_it_as_index():
    run = Run.from_dict({"epoch": [3, 4], "loss": [0.2, 0.1]})
    assert run.history.index.tolist() == [3, 4] and list(run.history.columns) == ["loss"]


def _fit_tiny(callbacks, epochs=2):
    from mnist_viz._tf import import_keras

    keras = import_keras()
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).random((20, 4)).astype("float32")
    y = np.arange(20) % 2
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")], name="tinyfit")
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(x, y, epochs=epochs, verbose=0, validation_split=0.25, callbacks=callbacks)


def test_from_real_keras_history():
    history = _fit_tiny([])
    run = Run.from_history(history)
    assert run.name == "tinyfit" and run.status == "complete"
    assert run.history.index.tolist() == [0, 1]
    for key, values in history.history.items():
        np.testing.assert_allclose(run.history[key], values)
    with pytest.raises(TypeError, match="keras.callbacks.History"):
        Run.from_history({"loss": [1]})


def test_from_real_csvlogger_file(tmp_path):
    from mnist_viz._tf import import_keras

    keras = import_keras()
    log = tmp_path / "log.csv"
    history = _fit_tiny([keras.callbacks.CSVLogger(str(log))], epochs=3)
    run = Run.from_csv(log)
    assert run.name == "log" and run.status == "complete"
    assert run.history.index.tolist() == [0, 1, 2]
    for key, values in history.history.items():
        np.testing.assert_allclose(run.history[key], values, rtol=1e-6)


def test_from_csv_reads_NA_as_nan(tmp_path):
    log = tmp_path / "training.log"
    log.write_text("epoch,accuracy,loss,val_loss\n0,0.5,1.0,NA\n1,0.6,0.8,0.9\n")
    run = Run.from_csv(log, name="x")
    assert run.history["val_loss"].isna().tolist() == [True, False]
    assert run.history["loss"].tolist() == [1.0, 0.8]
    with pytest.raises(FileNotFoundError, match="CSVLogger"):
        Run.from_csv(tmp_path / "nope.csv")


def test_nan_prediction_rows_count_as_wrong_never_as_class_0():
    from mnist_viz.run import Predictions, ProbeRecords

    probs = np.array([[0.9, 0.1], [np.nan, np.nan], [0.2, 0.8], [np.inf, 0.0]])
    t = Predictions(probabilities=probs, labels=np.array([0, 0, 1, 0]))
    assert t.accuracy == 0.5  # argmax would make rows 1 and 3 class 0: right, and 1.0
    kept, rows = t.finite_rows()
    assert rows.tolist() == [0, 2] and kept.labels.tolist() == [0, 1] and kept.probabilities.shape == (2, 2)
    assert Predictions(probabilities=probs[[0, 2]], labels=np.array([0, 1])).finite_rows()[1] is None
    p = ProbeRecords(images=None, labels=np.array([0, 0, 1, 0]), indices=np.arange(4), epochs=np.arange(2),
                     probabilities=np.stack([np.nan_to_num(probs, nan=0.5, posinf=1.0), probs]))
    assert p.accuracy().tolist() == [1.0, 0.5]
