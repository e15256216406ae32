"""Every recorder, train, evaluate, the CLI and the features code on each Keras backend (issue 11).

The test modules that must pass on every backend carry ``pytestmark = pytest.mark.backends``
(TensorFlow-only tests inside them are marked ``tensorflow_only`` and skip elsewhere, saying why).
This module runs them again, for JAX and torch, each in a fresh Python process with
``KERAS_BACKEND`` set (a process's Keras backend is fixed when Keras is first imported). Without
jax or torch installed those runs skip, saying what to install, unless
``MNIST_VIZ_REQUIRE_BACKENDS=1`` (CI sets it): then they fail.

A backend chosen in ``keras.json`` (no ``KERAS_BACKEND``) is respected too: a run trained that way
records JAX and its version, and the report's reproducibility table shows them.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prerequisites import missing

REPO = Path(__file__).resolve().parents[1]
#: the pip extra that installs each backend
EXTRAS = {"jax": "jax", "torch": "torch"}

pytestmark = pytest.mark.slow


def require(backend: str) -> None:
    """Skip (or, with MNIST_VIZ_REQUIRE_BACKENDS=1, fail) when ``backend``'s package is not importable."""
    if importlib.util.find_spec(backend) is not None:
        return
    message = f"{backend} is not installed: pip install -e \".[{EXTRAS[backend]}]\" to test the {backend} backend"
    missing(message)


def backend_env(backend: str | None, **extra) -> dict:
    """This process's environment with Keras on ``backend`` (None: no KERAS_BACKEND, Keras decides)."""
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    if backend is not None:
        env["KERAS_BACKEND"] = backend
    env.update(extra)
    return env


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_the_backend_tests_pass(backend):
    require(backend)
    command = [sys.executable, "-m", "pytest", "-m", "backends", "-q", "-p", "no:cacheprovider", "-x"]
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=REPO, env=backend_env(backend), capture_output=True, text=True,
                          timeout=3600)
    took = time.perf_counter() - started
    tail = (proc.stdout + proc.stderr)[-6000:]
    assert proc.returncode == 0, f"KERAS_BACKEND={backend} {' '.join(command[1:])} failed after {took:.0f} s:\n{tail}"
    summary = proc.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary, tail


def test_a_backend_chosen_in_keras_json_is_respected(tmp_path):
    require("jax")
    home = tmp_path / "keras_home"
    home.mkdir()
    (home / "keras.json").write_text(json.dumps({"backend": "jax", "floatx": "float32", "epsilon": 1e-07,
                                                 "image_data_format": "channels_last"}))
    out = tmp_path / "run"
    code = ("import os, mnist_viz\n"
            f"mnist_viz.train('dense', 'embedded', epochs=1, out={str(out)!r}, quiet=True)\n"
            "print('KERAS_BACKEND' in os.environ)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=backend_env(None, KERAS_HOME=str(home)),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.split()[-1] == "False"  # mnist_viz never sets the backend
    from importlib import metadata

    from mnist_viz.report.sections import summary_section
    from mnist_viz.run import Run

    run = Run.load(out)
    versions, hardware = run.info["metadata"]["versions"], run.info["metadata"]["hardware"]
    assert versions["keras_backend"] == "jax" and versions["jax"] == metadata.version("jax")
    assert "tensorflow" not in versions and "CPU" in hardware["devices"]
    # the report's reproducibility table says so
    rows = dict(summary_section(run, "r0-summary").blocks[-1].table.rows)
    assert rows["Keras backend"] == "jax" and rows["jax"] == metadata.version("jax")
    assert "CPU" in rows["hardware devices"]


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_recording_a_fit_on_the_backend_never_imports_tensorflow(backend, tmp_path):
    """No ``tf.*`` anywhere on the way: importing the recorders, a fit with RunRecorder (probe
    pass, weights, test predictions, features) and the report's loading of it. (Keras' own
    ``model.save`` imports TensorFlow when it is installed, whatever the backend, so the model
    is not saved here.)"""
    require(backend)
    code = f"""
import sys, numpy as np, keras
from mnist_viz.callbacks import RunRecorder
from mnist_viz.run import Run
rng = np.random.default_rng(0)
x, y = rng.random((48, 28, 28, 1), dtype="float32"), np.arange(48) % 10
model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                          keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, epochs=2, batch_size=16, verbose=0, validation_split=0.25,
          callbacks=[RunRecorder({str(tmp_path / 'run')!r}, test_data=(x, y), save_model=False)])
run = Run.load({str(tmp_path / 'run')!r})
print(keras.backend.backend(), run.status, run.probe.probabilities.shape[0], len(run.weights.dead_relu),
      run.features.activations["conv2d"].shape[-1], "tensorflow" in sys.modules)
"""
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=backend_env(backend), capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.split() == [backend, "complete", "2", "3", "4", "False"], proc.stdout
