"""What the tests of mnist_viz.data share: small digit sets, IDX folders and Keras caches written
on the fly, the fixtures that keep them offline, and the doctest runner for the data modules.

The fixtures are imported by the test modules that use them (``from data_helpers import
keras_home, no_download``), so pytest finds them there.
"""
from __future__ import annotations

import doctest
import importlib
import io
import warnings
from pathlib import Path

import numpy as np
import pytest

from mnist_viz.data import _keras_source
from mnist_viz.idx import write_idx


def digits(n: int, seed: int, n_classes: int = 10):
    """``n`` random uint8 digits and the labels 0, 1, ..., n_classes-1, 0, ... (uint8)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    y = (np.arange(n) % n_classes).astype(np.uint8)
    return x, y


def write_idx_folder(folder: Path, *, train=True, test=True, gz=True, dotted=False, n_train=30, n_test=20):
    """The four (or two) IDX files of a small MNIST in ``folder``; returns {split: (x, y)}."""
    ext = ".gz" if gz else ""
    sep = "." if dotted else "-"
    arrays = {}
    for split, n, present in (("train", n_train, train), ("t10k", n_test, test)):
        if not present:
            continue
        x, y = digits(n, seed=n)
        write_idx(folder / f"{split}-images{sep}idx3-ubyte{ext}", x)
        write_idx(folder / f"{split}-labels{sep}idx1-ubyte{ext}", y)
        arrays[split] = (x, y)
    return arrays


def write_known_folder(folder: Path, key: str, *, n_train=12, n_test=8, npz=False, splits=("train", "test")):
    """A small copy of dataset ``key`` (mnist_viz.data.known) in ``folder``, under the names it
    ships with (IDX written by mnist_viz.idx.write_idx, gzip; ``npz`` for KMNIST's NumPy files),
    its labels cycling through its own label range (EMNIST letters: 1..26). Returns
    {split: (x, y)} as stored on disk (EMNIST's images transposed)."""
    from mnist_viz.data.known import known_dataset

    d = known_dataset(key)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for split, n in (("train", n_train), ("test", n_test)):
        if split not in splits:
            continue
        x, _ = digits(n, seed=n)
        y = (np.arange(n) % d.num_classes + d.label_offset).astype(np.uint8)
        if npz:
            np.savez(folder / d.npz_names(split, "images")[0], arr_0=x)
            np.savez(folder / d.npz_names(split, "labels")[0], arr_0=y)
        else:
            write_idx(folder / d.idx_names(split, "images")[1], x)  # [1]: the .gz name each ships with
            write_idx(folder / d.idx_names(split, "labels")[1], y)
        arrays[split] = (x, y)
    return arrays


def write_fake_keras_cache(path: Path, n_train=12, n_test=8):
    """A small ``mnist.npz`` with Keras' four keys at ``path``; returns the four arrays."""
    (x_train, y_train), (x_test, y_test) = digits(n_train, 1), digits(n_test, 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return x_train, y_train, x_test, y_test


@pytest.fixture
def no_download(monkeypatch):
    """Make any network attempt fail the test loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("load_mnist tried to download")

    monkeypatch.setattr(_keras_source, "_download_keras_mnist", refuse)
    monkeypatch.setattr(_keras_source, "_import_keras", refuse)


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty, private Keras home; HOME points at a temporary folder too."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("KERAS_HOME", str(home / ".keras"))
    return home / ".keras"


def assert_doctests_pass(name: str) -> None:
    """Run the docstring examples of module ``name`` (the objects it defines, not those it imports);
    at least one must exist, and the failures' report becomes the assertion message."""
    module = importlib.import_module(name)
    tests = [t for t in doctest.DocTestFinder().find(module) if t.examples]
    assert tests, f"{name} has no docstring examples"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for test in tests:
            runner.run(test, out=report.write)
    assert runner.failures == 0, report.getvalue()
