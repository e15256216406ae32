"""mnist_viz.data._keras_fashion: Fashion-MNIST from the Keras cache (files the test writes, no
network), the absent files downloaded through Keras (faked, or real Keras on a file:// origin),
and "auto" failing clearly rather than passing MNIST digits off as clothes."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from data_helpers import assert_doctests_pass, digits, keras_home, no_download  # noqa: E402, F401

from mnist_viz.data import _keras_fashion as fashion_source  # noqa: E402
from mnist_viz.data import _keras_source, load_mnist  # noqa: E402
from mnist_viz.data.known import FASHION_NAMES  # noqa: E402
from mnist_viz.idx import write_idx  # noqa: E402


def write_fashion_files(folder: Path, names=fashion_source.FASHION_FILES, n_train=12, n_test=8) -> dict:
    """Small gzipped IDX files under Fashion-MNIST's (MNIST's) names; returns {file name: array}."""
    (x_train, y_train), (x_test, y_test) = digits(n_train, 3), digits(n_test, 4)
    arrays = {"train-images-idx3-ubyte.gz": x_train, "train-labels-idx1-ubyte.gz": y_train,
              "t10k-images-idx3-ubyte.gz": x_test, "t10k-labels-idx1-ubyte.gz": y_test}
    for name in names:
        write_idx(folder / name, arrays[name])
    return arrays


@pytest.mark.parametrize("source", ["keras", "auto"])
def test_cached_fashion_mnist_is_read_without_keras(keras_home, no_download, source):
    cache = keras_home / "datasets" / "fashion-mnist"
    arrays = write_fashion_files(cache)
    assert fashion_source.fashion_cache_dir() == cache
    d = load_mnist(source, dataset="fashion-mnist")
    assert d.source == "keras" and d.name == "Fashion-MNIST" and d.noun == "image"
    assert d.class_names == FASHION_NAMES and "1708.07747" in d.citation and d.missing == ()
    np.testing.assert_array_equal(d.x_train, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(d.y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    assert d.description.startswith(f"Keras Fashion-MNIST: 12 train / 8 test ({cache}, not the official file(s) ")


def test_official_files_carry_no_note(keras_home, no_download, monkeypatch):
    cache = keras_home / "datasets" / "fashion-mnist"
    write_fashion_files(cache)
    md5 = {n: hashlib.md5((cache / n).read_bytes()).hexdigest() for n in fashion_source.FASHION_FILES}
    monkeypatch.setattr(fashion_source, "FASHION_MD5", md5)
    assert load_mnist("keras", dataset="fashion_mnist").description == f"Keras Fashion-MNIST: 12 train / 8 test ({cache})"


def test_only_the_absent_files_are_downloaded(keras_home, monkeypatch):
    cache = keras_home / "datasets" / "fashion-mnist"
    arrays = write_fashion_files(cache, names=("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"))
    calls = []

    class FakeUtils:
        @staticmethod
        def get_file(fname, origin, cache_dir, cache_subdir):
            calls.append((fname, origin))
            target = Path(cache_dir) / cache_subdir / fname
            write_idx(target, arrays[fname])
            return str(target)

    class FakeKeras:
        utils = FakeUtils

    monkeypatch.setattr(_keras_source, "_import_keras", lambda: FakeKeras)
    d = load_mnist("keras", dataset="fashion-mnist")
    base = fashion_source.KERAS_FASHION_ORIGIN
    assert calls == [("t10k-images-idx3-ubyte.gz", base + "t10k-images-idx3-ubyte.gz"),
                     ("t10k-labels-idx1-ubyte.gz", base + "t10k-labels-idx1-ubyte.gz")]
    assert base == "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"  # keras.datasets.fashion_mnist's
    assert sorted(p.name for p in cache.iterdir()) == sorted(fashion_source.FASHION_FILES)  # no temporary left
    np.testing.assert_array_equal(d.x_test, arrays["t10k-images-idx3-ubyte.gz"])


def test_download_through_real_keras_get_file(keras_home, tmp_path, monkeypatch):
    """The real Keras path (import, get_file, atomic write) with a file:// origin: no network."""
    served = tmp_path / "served"
    arrays = write_fashion_files(served)
    monkeypatch.setattr(fashion_source, "KERAS_FASHION_ORIGIN", served.as_uri() + "/")
    d = load_mnist("keras", dataset="fashion-mnist")
    np.testing.assert_array_equal(d.x_train, arrays["train-images-idx3-ubyte.gz"])
    cache = keras_home / "datasets" / "fashion-mnist"
    assert all((cache / n).read_bytes() == (served / n).read_bytes() for n in fashion_source.FASHION_FILES)


def test_keras_offline_without_cache_is_a_clear_oserror(keras_home, monkeypatch):
    def fail(folder, keras):
        raise Exception("URL fetch failure: [Errno -2] Name or service not known")

    monkeypatch.setattr(_keras_source, "_import_keras", lambda: object())
    monkeypatch.setattr(fashion_source, "download_fashion", fail)
    with pytest.raises(OSError, match=r"no Keras Fashion-MNIST cache at .*fashion-mnist \(missing train-images-idx3"
                                      r"-ubyte.gz, .*\) and the download from https://storage.googleapis.com/.* failed"):
        load_mnist("keras", dataset="fashion-mnist")


def test_auto_without_cache_or_network_fails_instead_of_falling_back_to_digits(keras_home, monkeypatch):
    def no_keras():
        raise ImportError("no keras here")

    monkeypatch.setattr(_keras_source, "_import_keras", no_keras)
    with pytest.raises(OSError, match=r"no Keras Fashion-MNIST cache at .* and Keras could not be imported "
                                      r"\(ImportError: no keras here\); put the four files there, or use source='idx'"):
        load_mnist("auto", dataset="fashion-mnist", timeout=1)


def test_auto_download_is_bounded_by_the_timeout(keras_home, monkeypatch):
    import threading

    release = threading.Event()
    monkeypatch.setattr(_keras_source, "_import_keras", lambda: object())
    monkeypatch.setattr(fashion_source, "download_fashion", lambda folder, keras: release.wait(5))
    try:
        with pytest.raises(OSError, match=r"did not finish within 0.2 s"):
            load_mnist("auto", dataset="fashion-mnist", timeout=0.2)
    finally:
        release.set()


def test_corrupt_cached_file_names_the_file(keras_home, no_download):
    cache = keras_home / "datasets" / "fashion-mnist"
    write_fashion_files(cache)
    (cache / "t10k-images-idx3-ubyte.gz").write_bytes(b"half a download")
    with pytest.raises(ValueError, match="t10k-images-idx3-ubyte.gz: not an IDX file"):
        load_mnist("keras", dataset="fashion-mnist")


def test_docstring_examples_run():
    assert_doctests_pass("mnist_viz.data._keras_fashion")
