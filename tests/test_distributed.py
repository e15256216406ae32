"""Under tf.distribute.MirroredStrategy (2 logical CPU devices) the records match a single-device
run within float tolerance (about 15 s on 2 CPU cores).

Logical devices must be configured before TensorFlow initializes its devices, so the training runs
in a subprocess (tests/scripts/mirrored_run.py) that writes both run directories.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mnist_viz.run import Run

SCRIPT = Path(__file__).parent / "scripts" / "mirrored_run.py"
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("mirrored")
    proc = subprocess.run([sys.executable, str(SCRIPT), str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    done = json.loads((out / "done.json").read_text())
    return Run.load(out / "single"), Run.load(out / "mirrored"), done


def test_mirrored_strategy_really_used_two_replicas(runs):
    _, _, done = runs
    assert done["replicas"] == 2
    assert done["chief_in_mirrored"] is True  # single-worker strategies always write


def test_history_and_batches_match_single_device(runs):
    single, mirrored, _ = runs
    assert single.status == mirrored.status == "complete"
    keys = ["loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"]
    np.testing.assert_allclose(mirrored.history[keys], single.history[keys], rtol=1e-5, atol=1e-6)
    # global batch sizes (summed over replicas), including the short last batch
    assert mirrored.batches["size"].tolist() == single.batches["size"].tolist() == [16, 16, 16, 16, 8] * 2
    for key in ["loss", "loss_batch", "accuracy", "accuracy_batch"]:
        np.testing.assert_allclose(mirrored.batches[key], single.batches[key], rtol=1e-5, atol=1e-5)
    assert mirrored.info["params"]["samples"] == single.info["params"]["samples"] == 72


def test_weights_probe_and_test_match_single_device(runs):
    single, mirrored, _ = runs
    cols = ["mean", "std", "min", "max", "l2", "update_ratio"]
    assert mirrored.weights.stats["weight"].tolist() == single.weights.stats["weight"].tolist()
    np.testing.assert_allclose(mirrored.weights.stats[cols].to_numpy(), single.weights.stats[cols].to_numpy(),
                               rtol=1e-4, atol=1e-6)
    for name, hist in single.weights.histograms.items():
        other = mirrored.weights.histograms[name]
        np.testing.assert_allclose(other["edges"], hist["edges"], rtol=1e-6)
        assert np.abs(other["counts"] - hist["counts"]).sum() <= 2  # a value on a bin edge may move
    np.testing.assert_allclose(mirrored.weights.dead_relu["dead_fraction"], single.weights.dead_relu["dead_fraction"])
    np.testing.assert_allclose(mirrored.probe.probabilities, single.probe.probabilities, atol=2e-3)
    np.testing.assert_allclose(mirrored.test.probabilities, single.test.probabilities, atol=1e-5)
    assert mirrored.test_metrics == pytest.approx(single.test_metrics, rel=1e-5)
