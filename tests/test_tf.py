"""mnist_viz._tf: Keras imported quietly, only when a model runs."""
from __future__ import annotations

import subprocess
import sys


def _run(code: str, **env) -> subprocess.CompletedProcess:
    import os

    environ = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "KERAS_BACKEND")}
    environ.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, check=True)


def test_import_keras_is_quiet_and_returns_keras_on_tensorflow():
    out = _run("from mnist_viz._tf import import_keras, import_tensorflow; k = import_keras(); "
               "print(k.backend.backend(), import_tensorflow().__name__, import_keras() is k)")
    assert out.stdout.split() == ["tensorflow", "tensorflow", "True"]
    # TensorFlow's absl/oneDNN/cuda start-up lines never reach the user
    noisy = [line for line in out.stderr.splitlines() if line.strip()]
    assert noisy == [], noisy


def test_importing_the_module_alone_imports_no_tensorflow():
    out = _run("import sys, mnist_viz._tf; print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    assert out.stdout.split() == ["False", "False"]
