"""mnist_viz.data._keras_source: the Keras cache read offline (a cache file the test writes), the
download through Keras (faked, or real Keras on a file:// origin), and a corrupt cache."""
from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from data_helpers import assert_doctests_pass, keras_home, no_download, write_fake_keras_cache  # noqa: E402, F401

from mnist_viz.data import _keras_source as keras_source  # noqa: E402
from mnist_viz.data import keras_cache_path, load_mnist  # noqa: E402


def test_keras_source_loads_cached_file_from_keras_home(keras_home, no_download):
    arrays = write_fake_keras_cache(keras_home / "datasets" / "mnist.npz")
    assert keras_cache_path() == keras_home / "datasets" / "mnist.npz"
    d = load_mnist("keras")
    assert d.source == "keras" and not d.is_subset and d.missing == () and d.subset_note == ""
    for got, want in zip((d.x_train, d.y_train, d.x_test, d.y_test), arrays):
        np.testing.assert_array_equal(got, want)
    assert d.y_train.dtype == np.int64
    assert "12 train / 8 test" in d.description and "not the official Keras file" in d.description


def test_keras_cache_under_temporary_home_without_keras_home(tmp_path, monkeypatch, no_download):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    write_fake_keras_cache(tmp_path / ".keras" / "datasets" / "mnist.npz", n_train=4, n_test=3)
    d = load_mnist("keras")
    assert d.n_train == 4 and d.n_test == 3


def test_keras_source_downloads_when_cache_absent(keras_home, monkeypatch):
    calls = []

    class FakeUtils:
        @staticmethod
        def get_file(fname, origin, file_hash, cache_dir, cache_subdir):
            calls.append((fname, origin, file_hash))
            target = Path(cache_dir) / cache_subdir / fname
            write_fake_keras_cache(target, n_train=5, n_test=5)
            return str(target)

    class FakeKeras:
        utils = FakeUtils

    monkeypatch.setattr(keras_source, "_import_keras", lambda: FakeKeras)
    assert not keras_home.exists()
    assert keras_cache_path() == keras_home / "datasets" / "mnist.npz"  # created on demand, as Keras does
    d = load_mnist("keras")
    assert d.n_train == 5
    assert calls == [("mnist.npz", keras_source.KERAS_MNIST_ORIGIN, keras_source.KERAS_MNIST_SHA256)]
    cache = keras_home / "datasets"
    assert sorted(p.name for p in cache.iterdir()) == ["mnist.npz"]  # atomic: no temporary left


def test_keras_download_through_real_keras_get_file(keras_home, tmp_path, monkeypatch):
    """The real Keras path (import, get_file, hash check, atomic move) with a file:// origin: no network."""
    import hashlib

    served = tmp_path / "served" / "mnist.npz"
    arrays = write_fake_keras_cache(served, n_train=7, n_test=3)
    monkeypatch.setattr(keras_source, "KERAS_MNIST_ORIGIN", served.as_uri())
    monkeypatch.setattr(keras_source, "KERAS_MNIST_SHA256", hashlib.sha256(served.read_bytes()).hexdigest())
    d = load_mnist("keras")
    np.testing.assert_array_equal(d.x_train, arrays[0])
    assert (keras_home / "datasets" / "mnist.npz").read_bytes() == served.read_bytes()
    assert "not the official" not in d.description  # the hash it was fetched with matches
    # a second call reads the cache and never asks Keras again
    monkeypatch.setattr(keras_source, "_download_keras_mnist", lambda *a: pytest.fail("downloaded twice"))
    assert load_mnist("keras").sha256 == d.sha256


def test_keras_source_offline_without_cache_is_a_clear_oserror(keras_home, monkeypatch):
    def fail(dest, keras):
        raise Exception("URL fetch failure on https://...: None -- [Errno -2] Name or service not known")

    monkeypatch.setattr(keras_source, "_import_keras", lambda: object())
    monkeypatch.setattr(keras_source, "_download_keras_mnist", fail)
    with pytest.raises(OSError, match="no Keras MNIST cache at .*mnist.npz and the download .* failed .*Name or service"):
        load_mnist("keras")


def test_keras_corrupt_cache_is_an_error_naming_the_file(keras_home, no_download):
    cache = keras_home / "datasets" / "mnist.npz"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"half a download")
    with pytest.raises(ValueError, match="not a readable .npz") as exc:
        load_mnist("keras")
    assert str(cache) in str(exc.value)


def test_keras_cache_with_wrong_keys(keras_home, no_download):
    cache = keras_home / "datasets" / "mnist.npz"
    cache.parent.mkdir(parents=True)
    np.savez(cache, images=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(ValueError, match=r"lacks array\(s\)"):
        load_mnist("keras")


def test_docstring_examples_run():
    assert_doctests_pass("mnist_viz.data._keras_source")
