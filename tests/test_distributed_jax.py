"""Under keras.distribution.DataParallel on JAX (2 host CPU devices) the records match a
single-device run within float tolerance, and the one process is the chief.

JAX fixes its device count when it starts, so the training runs in a subprocess
(tests/scripts/jax_data_parallel_run.py) that sets XLA_FLAGS and KERAS_BACKEND before importing it.
"""
import json
import os
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest

from prerequisites import missing

from mnist_viz.run import Run

SCRIPT = Path(__file__).parent / "scripts" / "jax_data_parallel_run.py"
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    if find_spec("jax") is None:
        missing('jax is not installed: pip install -e ".[jax]"')
    out = tmp_path_factory.mktemp("jax-data-parallel")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, str(SCRIPT), str(out)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    done = json.loads((out / "done.json").read_text())
    return Run.load(out / "single"), Run.load(out / "parallel"), done


def test_data_parallel_really_spanned_two_devices_and_its_process_writes(runs):
    single, parallel, done = runs
    assert done["devices"] == 2 and done["kernel_devices"] == 2  # the variables live on both devices
    assert done["chief"] is True
    assert single.info["metadata"]["versions"]["keras_backend"] == parallel.info["metadata"]["versions"]["keras_backend"] == "jax"
    assert parallel.info["metadata"]["hardware"]["devices"] == "CPU, CPU"


def test_records_match_a_single_device_run(runs):
    single, parallel, _ = runs
    assert single.status == parallel.status == "complete"
    keys = ["loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"]
    np.testing.assert_allclose(parallel.history[keys], single.history[keys], rtol=1e-5, atol=1e-6)
    assert parallel.batches["size"].tolist() == single.batches["size"].tolist() == [16] * 8
    for key in ["loss", "loss_batch", "accuracy", "accuracy_batch"]:
        np.testing.assert_allclose(parallel.batches[key], single.batches[key], rtol=1e-5, atol=1e-5)
    cols = ["mean", "std", "min", "max", "l2", "update_ratio"]
    np.testing.assert_allclose(parallel.weights.stats[cols].to_numpy(), single.weights.stats[cols].to_numpy(),
                               rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(parallel.weights.dead_relu["dead_fraction"], single.weights.dead_relu["dead_fraction"])
    np.testing.assert_allclose(parallel.probe.probabilities, single.probe.probabilities, atol=2e-3)
    np.testing.assert_allclose(parallel.test.probabilities, single.test.probabilities, atol=1e-5)
    assert parallel.test_metrics == pytest.approx(single.test_metrics, rel=1e-5)
