"""Shared test set-up: quiet TensorFlow, the Agg backend, and two real short runs for the report
tests (trained once per session)."""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist"


@pytest.fixture(scope="session")
def shared_mnist() -> Path:
    """The official MNIST test set next to the project (absent on users' machines: skip then)."""
    if not (SHARED_MNIST / "t10k-images-idx3-ubyte.gz").exists():
        pytest.skip(f"the official MNIST test set is not at {SHARED_MNIST} (only on the project's machines)")
    return SHARED_MNIST


@pytest.fixture(scope="session")
def trained_runs(tmp_path_factory) -> dict[str, Path]:
    """Two real, short runs on the embedded digits: {"dense": path, "convnet": path} (2 epochs each)."""
    import mnist_viz

    base = tmp_path_factory.mktemp("runs")
    data = mnist_viz.load_mnist("embedded")
    return {
        name: mnist_viz.train(name, data, epochs=2, out=base / name, quiet=True).path
        for name in ("dense", "convnet")
    }


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
