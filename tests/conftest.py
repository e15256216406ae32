"""Shared test set-up: quiet TensorFlow, the Agg backend, and two real short runs for the report
tests (trained once per session).

Under pytest-xdist (the README's test command runs ``-n 2 --dist loadgroup``) each worker computes
with one thread (TensorFlow intra-/inter-op, OpenMP, BLAS), so that the workers share the cores
instead of each oversubscribing them, and the tests are grouped for the workers: those that use the
session's ``trained_runs`` in one group (trained once, on one worker), every other test with the
rest of its file (a module's fixtures, some of which train models, are made once).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
#: set to "1" in each xdist worker before NumPy, TensorFlow, JAX or torch is imported
WORKER_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                      "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
if os.environ.get("PYTEST_XDIST_WORKER"):
    for _var in WORKER_THREAD_VARS:
        os.environ.setdefault(_var, "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from prerequisites import missing, required  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist"
#: the packages whose versions decide the pixels of gallery/ baselines (pinned in the [test] extra)
PIXEL_PACKAGES = ("matplotlib", "seaborn", "numpy", "pillow")


def pixel_pins() -> dict[str, str]:
    """``{package: version}`` pinned with ``==`` in pyproject's [test] extra for PIXEL_PACKAGES."""
    import re

    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    return {name: version for name, version in re.findall(r'"([A-Za-z0-9_.-]+)==([^";\s]+)', text)
            if name in PIXEL_PACKAGES}


def pixel_version_mismatches() -> list[str]:
    """``["matplotlib 3.8.0 (baselines: 3.11.2)", ...]`` for installed versions that differ from the pins."""
    from importlib import metadata

    out = []
    for name, pinned in pixel_pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "not installed"
        if installed != pinned:
            out.append(f"{name} {installed} (baselines: {pinned})")
    return out


def xdist_group(item) -> str:
    """The pytest-xdist group of a test without an ``xdist_group`` marker of its own: "trained_runs"
    for the users of that session fixture, else its file's name."""
    return "trained_runs" if "trained_runs" in getattr(item, "fixturenames", ()) else item.path.name


def keras_backend() -> str:
    """The Keras backend these tests run on (the user's choice: KERAS_BACKEND, keras.json, Keras' default)."""
    from mnist_viz._tf import backend

    return backend()


def _skip_tensorflow_only(items) -> None:
    """Tests marked ``tensorflow_only`` skip, saying why, when Keras runs on another backend."""
    marked = [item for item in items if item.get_closest_marker("tensorflow_only") is not None]
    if not marked or keras_backend() == "tensorflow":
        return
    skip = pytest.mark.skip(reason=f"TensorFlow only (tf.data, tf.distribute, TF determinism); Keras backend here is "
                                   f"{keras_backend()!r}")
    for item in marked:
        item.add_marker(skip)


def _has_pytest_mpl() -> bool:
    import importlib.util

    return importlib.util.find_spec("pytest_mpl") is not None


def pytest_addoption(parser):
    """``--mpl`` is in pyproject's addopts: without pytest-mpl (outside the [test] extra) it is still
    a known option, and the image comparisons skip, saying so (fail, in CI)."""
    if not _has_pytest_mpl():
        parser.addoption("--mpl", action="store_true", help="pytest-mpl is not installed: image comparisons skip")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (--dist loadgroup)
def pytest_collection_modifyitems(config, items):
    """Groups the tests for xdist (:func:`xdist_group`). TensorFlow-only tests skip on the other Keras
    backends. Image comparisons against gallery/ are only meaningful on the pinned stack: elsewhere
    (e.g. Python 3.10, where those releases do not install) they skip with the reason, instead of
    failing on anti-aliasing differences."""
    if getattr(config.option, "dist", "no") == "loadgroup":
        for item in items:
            if item.get_closest_marker("xdist_group") is None:
                item.add_marker(pytest.mark.xdist_group(xdist_group(item)))
    _skip_tensorflow_only(items)
    mismatches = pixel_version_mismatches()
    if _has_pytest_mpl() and not mismatches:
        return
    reason = ("gallery baselines were drawn on the pinned stack; installed: " + ", ".join(mismatches)
              + ' (pip install -e ".[test]" on Python >= 3.11)') if mismatches else \
        'pytest-mpl is not installed, so the images are not compared (pip install -e ".[test]")'
    for item in items:
        if item.get_closest_marker("mpl_image_compare") is not None or item.get_closest_marker("pixels") is not None:
            # in CI (prerequisites.required) the pixels must be compared: pytest_runtest_setup fails these
            item.add_marker(pytest.mark.off_the_pins(reason) if required() else pytest.mark.skip(reason=reason))


def pytest_runtest_setup(item):
    """A pixel test off the pinned stack in CI fails, saying which versions differ."""
    marker = item.get_closest_marker("off_the_pins")
    if marker is not None:
        missing(marker.args[0])


@pytest.fixture(scope="session")
def shared_mnist() -> Path:
    """The official MNIST test set next to the project (absent on users' machines: skip then).

    On the project's machines (a ``../shared`` folder beside the repository) it must be there in CI:
    a missing or renamed file fails the tests that need it instead of skipping them unnoticed."""
    wanted = [SHARED_MNIST / name for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")]
    absent = [path.name for path in wanted if not path.is_file()]
    if absent:
        reason = f"the official MNIST test set is not at {SHARED_MNIST} ({', '.join(absent)} missing)"
        if SHARED_MNIST.parents[1].is_dir():  # ../shared: a project machine, where CI must have it
            missing(reason)
        pytest.skip(reason + "; it is only on the project's machines")
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


@pytest.fixture(scope="module")
def preds():
    """``(images, y_true, probabilities)`` of 300 seeded digits (tests/gallery_data.py), fresh for each
    plot test module (tests/test_gallery.py overrides it with its 1,000)."""
    import gallery_data

    return gallery_data.predictions(300)
