"""mnist_viz._tf: Keras imported quietly, on the backend the user chose, only when a model runs."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from prerequisites import missing
from fresh_process import loaded_by


def _run(code: str, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "KERAS_BACKEND")}
    environ.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, check=True)


def _needs(package: str) -> None:
    if importlib.util.find_spec(package) is None:
        missing(f"{package} is not installed: pip install -e \".[{package}]\"")


def _keras_home(tmp_path, backend: str | None) -> str:
    """A KERAS_HOME whose keras.json names ``backend`` (None: no keras.json, Keras' default)."""
    home = tmp_path / f"keras_home_{backend}"
    home.mkdir()
    if backend is not None:
        (home / "keras.json").write_text(json.dumps({"backend": backend}))
    return str(home)


def test_import_keras_is_quiet_and_returns_keras_on_tensorflow(tmp_path):
    out = _run("from mnist_viz._tf import import_keras, import_tensorflow, backend; k = import_keras(); "
               "print(k.backend.backend(), backend(), import_tensorflow().__name__, import_keras() is k)",
               KERAS_HOME=_keras_home(tmp_path, None))
    assert out.stdout.split() == ["tensorflow", "tensorflow", "tensorflow", "True"]
    # TensorFlow's absl/oneDNN/cuda start-up lines never reach the user
    noisy = [line for line in out.stderr.splitlines() if line.strip()]
    assert noisy == [], noisy


def test_importing_the_module_alone_imports_no_tensorflow():
    out = _run("import sys, mnist_viz._tf; print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_import_keras_respects_keras_backend_and_imports_no_tensorflow(backend, tmp_path):
    _needs(backend)
    out = _run("import os, sys; from mnist_viz._tf import import_keras, is_tensorflow; k = import_keras(); "
               "print(k.backend.backend(), is_tensorflow(), 'tensorflow' in sys.modules, os.environ['KERAS_BACKEND'])",
               KERAS_BACKEND=backend, KERAS_HOME=_keras_home(tmp_path, "tensorflow"))  # the variable wins
    assert out.stdout.split() == [backend, "False", "False", backend]


def test_import_keras_respects_keras_json_and_never_sets_the_backend(tmp_path):
    _needs("jax")
    out = _run("import os, sys; from mnist_viz._tf import import_keras; k = import_keras(); "
               "print(k.backend.backend(), 'tensorflow' in sys.modules, 'KERAS_BACKEND' in os.environ)",
               KERAS_HOME=_keras_home(tmp_path, "jax"))
    assert out.stdout.split() == ["jax", "False", "False"]


def test_the_recorders_on_jax_load_no_tensorflow(tmp_path):
    _needs("jax")
    env = {"KERAS_BACKEND": "jax", "KERAS_HOME": _keras_home(tmp_path, None)}
    assert loaded_by("import mnist_viz.callbacks", ["tensorflow", "keras"], env=env) == []
    assert loaded_by("from mnist_viz.callbacks import RunRecorder, is_chief; assert is_chief()",
                     ["jax", "keras", "tensorflow"], env=env) == ["jax", "keras"]


def test_inference_on_torch_restores_each_modules_training_flag_and_keeps_no_gradients(tmp_path):
    _needs("torch")
    out = _run("import keras, numpy as np\n"
               "from mnist_viz._tf import inference\n"
               "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dropout(0.5), "
               "keras.layers.Dense(2)])\n"
               "m.train()\n"
               "with inference(m):\n"
               "    m.predict(np.ones((2, 3), 'float32'), verbose=0)  # sets eval mode\n"
               "    inside = any(mod.training for mod in m.modules())\n"
               "    grad = m(np.ones((2, 3), 'float32'), training=False).requires_grad\n"
               "print(inside, grad, all(mod.training for mod in m.modules()))\n",
               KERAS_BACKEND="torch", KERAS_HOME=_keras_home(tmp_path, None))
    assert out.stdout.split()[-3:] == ["False", "False", "True"]
