"""Under tf.distribute.MultiWorkerMirroredStrategy — two worker processes on 127.0.0.1 — only the
chief (worker 0) writes a run directory, the other worker writes nothing, and the chief's records
equal a single-worker run of the same fit within float tolerance (about 30 s on 2 CPU cores).

Each process runs tests/scripts/multiworker_run.py: the two workers with a ``TF_CONFIG`` each
(ports chosen free by binding port 0), the single-worker run without one, all three at once.
Keras 3.15 cannot run ``fit`` under this strategy as released (keras-team/keras#20585); the script
works around its two failing reductions and says how.
"""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mnist_viz.run import Run

SCRIPT = Path(__file__).parent / "scripts" / "multiworker_run.py"
ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 240  # a worker whose peer died waits for it: never longer than this

pytestmark = [pytest.mark.slow, pytest.mark.tensorflow_only]


def free_ports(n: int) -> list[int]:
    """``n`` distinct ports that were free on 127.0.0.1 a moment ago (bound to port 0, then released)."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def tf_config(ports: list[int], index: int) -> str:
    return json.dumps({"cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
                       "task": {"type": "worker", "index": index}})


def launch(out: Path, name: str, config: str | None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    if config is not None:
        env["TF_CONFIG"] = config
    log = open(out / f"{name}.log", "w")
    return subprocess.Popen([sys.executable, str(SCRIPT), str(out / "runs"), name], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("multiworker")
    (out / "runs").mkdir()
    ports = free_ports(2)
    procs = {"single": launch(out, "single", None),
             "chief": launch(out, "chief", tf_config(ports, 0)),
             "worker1": launch(out, "worker1", tf_config(ports, 1))}
    deadline = time.monotonic() + TIMEOUT
    try:
        for name, proc in procs.items():
            rc = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            assert rc == 0, f"{name} exited {rc}:\n" + (out / f"{name}.log").read_text()[-3000:]
    except subprocess.TimeoutExpired:
        pytest.fail(f"the workers did not finish in {TIMEOUT} s:\n"
                    + "\n".join(f"--- {n}\n{(out / f'{n}.log').read_text()[-1500:]}" for n in procs))
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    runs_dir = out / "runs"
    done = {name: json.loads((runs_dir / f"{name}.done.json").read_text()) for name in procs}
    return runs_dir, done


def test_two_workers_trained_together_and_worker_0_is_the_chief(runs):
    _, done = runs
    assert done["chief"] == {"distributed": True, "is_chief": True, "replicas": 2, "recorder_writes": True}
    assert done["worker1"] == {"distributed": True, "is_chief": False, "replicas": 2, "recorder_writes": False}
    assert done["single"] == {"distributed": False, "is_chief": True, "replicas": 1, "recorder_writes": True}


def test_only_the_chief_writes_a_run_directory(runs):
    runs_dir, _ = runs
    # worker 1's recorder pointed at runs/worker1: not even the folder is made
    assert sorted(p.name for p in runs_dir.iterdir()) == [
        "chief", "chief.done.json", "single", "single.done.json", "worker1.done.json"]
    chief = Run.load(runs_dir / "chief")
    assert chief.status == "complete"
    assert chief.info["epochs_completed"] == 2
    assert chief.info["pid"] != Run.load(runs_dir / "single").info["pid"]


def test_history_and_batches_match_a_single_worker(runs):
    runs_dir, _ = runs
    single, chief = Run.load(runs_dir / "single"), Run.load(runs_dir / "chief")
    keys = ["loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"]
    np.testing.assert_allclose(chief.history[keys], single.history[keys], rtol=1e-5, atol=1e-6)
    # global batch sizes (both workers' halves), including the short last batch
    assert chief.batches["size"].tolist() == single.batches["size"].tolist() == [16, 16, 16, 16, 8] * 2
    for key in ["loss", "loss_batch", "accuracy", "accuracy_batch"]:
        np.testing.assert_allclose(chief.batches[key], single.batches[key], rtol=1e-5, atol=1e-5)
    assert chief.info["params"] == single.info["params"]
    assert chief.info["params"]["samples"] == 72


def test_weights_probe_and_test_predictions_match_a_single_worker(runs):
    runs_dir, _ = runs
    single, chief = Run.load(runs_dir / "single"), Run.load(runs_dir / "chief")
    cols = ["mean", "std", "min", "max", "l2", "update_ratio"]
    assert chief.weights.stats["weight"].tolist() == single.weights.stats["weight"].tolist()
    assert len(chief.weights.stats) == 4 * 3  # 4 weight variables, epochs -1, 0, 1
    np.testing.assert_allclose(chief.weights.stats[cols].to_numpy(), single.weights.stats[cols].to_numpy(),
                               rtol=1e-4, atol=1e-6)
    for name, hist in single.weights.histograms.items():
        other = chief.weights.histograms[name]
        np.testing.assert_allclose(other["edges"], hist["edges"], rtol=1e-6)
        assert np.abs(other["counts"] - hist["counts"]).sum() <= 2  # a value on a bin edge may move
    np.testing.assert_allclose(chief.weights.dead_relu["dead_fraction"], single.weights.dead_relu["dead_fraction"])
    assert chief.probe.probabilities.shape == single.probe.probabilities.shape == (2, 24, 10)
    np.testing.assert_allclose(chief.probe.probabilities, single.probe.probabilities, atol=2e-3)
    np.testing.assert_allclose(chief.test.probabilities, single.test.probabilities, atol=1e-5)
    assert chief.test_metrics == pytest.approx(single.test_metrics, rel=1e-5)
    assert set(chief.test_metrics) == {"loss", "accuracy"}
