"""mnist_viz.data.load: load_mnist's argument checks and the "auto" source (Keras cache, bounded
download, embedded fallback), all offline."""
from __future__ import annotations

import os
import threading
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402
from data_helpers import assert_doctests_pass, keras_home, no_download, write_fake_keras_cache  # noqa: E402, F401

from mnist_viz.data import _keras_source as keras_source  # noqa: E402
from mnist_viz.data import load_mnist  # noqa: E402


def test_auto_prefers_the_keras_cache(keras_home, no_download):
    write_fake_keras_cache(keras_home / "datasets" / "mnist.npz")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = load_mnist("auto")
    assert d.source == "keras"


def test_auto_falls_back_to_embedded_when_download_fails(keras_home, monkeypatch):
    def fail(dest, keras):
        raise OSError("URL fetch failure: network unreachable")

    monkeypatch.setattr(keras_source, "_import_keras", lambda: object())
    monkeypatch.setattr(keras_source, "_download_keras_mnist", fail)
    with pytest.warns(UserWarning, match="using the embedded 5,000-digit subset") as rec:
        d = load_mnist("auto")
    assert d.source == "embedded" and d.n_train == 4000
    assert "network unreachable" in str(rec[0].message)


def test_auto_never_hangs_on_a_slow_download(keras_home, monkeypatch):
    load_mnist("embedded")  # warm the embedded cache so the timing measures the wait only
    release = threading.Event()

    def slow(dest, keras):
        release.wait(30)
        raise OSError("gave up")

    monkeypatch.setattr(keras_source, "_import_keras", lambda: object())
    monkeypatch.setattr(keras_source, "_download_keras_mnist", slow)
    start = time.perf_counter()
    try:
        with pytest.warns(UserWarning, match=r"did not finish within 0\.5 s; using the embedded 5,000-digit subset"):
            d = load_mnist("auto", timeout=0.5)
    finally:
        release.set()
    elapsed = time.perf_counter() - start
    assert d.source == "embedded"
    assert elapsed < 0.5 + 2.0, f"auto took {elapsed:.1f} s with timeout=0.5"


def test_auto_uses_a_quick_download(keras_home, monkeypatch):
    def quick(dest, keras):
        write_fake_keras_cache(dest, n_train=6, n_test=4)
        return dest

    monkeypatch.setattr(keras_source, "_import_keras", lambda: object())
    monkeypatch.setattr(keras_source, "_download_keras_mnist", quick)
    d = load_mnist("auto", timeout=5)
    assert d.source == "keras" and d.n_train == 6


def test_auto_falls_back_on_a_corrupt_cache(keras_home, no_download):
    cache = keras_home / "datasets" / "mnist.npz"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="embedded 5,000-digit subset"):
        assert load_mnist("auto").source == "embedded"


def test_unknown_source_lists_accepted_values():
    with pytest.raises(ValueError, match=r"source must be one of 'auto', 'embedded', 'keras', 'idx'; got 'mnist'"):
        load_mnist("mnist")


def test_idx_without_path():
    with pytest.raises(ValueError, match="source='idx' needs path"):
        load_mnist("idx")


def test_path_with_another_source(tmp_path):
    with pytest.raises(ValueError, match="path is only used with source='idx'"):
        load_mnist("embedded", tmp_path)


@pytest.mark.parametrize("kwargs, match", [
    ({"seed": -1}, "seed must be an integer"),
    ({"seed": 1.5}, "seed must be an integer"),
    ({"timeout": 0}, "timeout must be a positive number"),
    ({"class_names": "0123456789"}, "class_names must be a sequence of strings"),
    ({"class_names": ["a", "a"]}, "must be unique"),
    ({"class_names": ["a"]}, "at least 2"),
    ({"class_names": list("01234")}, r"label 9 is out of range for 5 class_names"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        load_mnist("embedded", **kwargs)


@pytest.mark.parametrize("source, dataset, match", [
    ("embedded", "fashion-mnist", "source='embedded' holds MNIST digits only; got dataset='fashion-mnist' "
                                  r"\(use source='keras' or source='idx'\)"),
    ("embedded", "emnist-letters", "source='embedded' holds MNIST digits only; got dataset='emnist-letters'"),
    ("keras", "kmnist", "source='keras' holds MNIST and Fashion-MNIST only; got dataset='kmnist' "
                        r"\(use source='idx' with a folder of its files\)"),
    ("auto", "emnist-balanced", "source='auto' holds MNIST and Fashion-MNIST only"),
    ("embedded", "cifar10", "dataset must be one of 'mnist', 'fashion-mnist', 'kmnist', .*; got 'cifar10'"),
])
def test_dataset_a_source_does_not_serve(source, dataset, match, no_download):
    with pytest.raises(ValueError, match=match):
        load_mnist(source, dataset=dataset)


def test_dataset_mnist_on_the_mnist_sources(no_download):
    d = load_mnist("embedded", dataset="MNIST")
    assert d.name == "MNIST" and d.class_names == tuple("0123456789")
    with pytest.raises(ValueError, match="class_names has 2 names but MNIST has 10 classes"):
        load_mnist("embedded", dataset="mnist", class_names=["a", "b"])


def test_docstring_examples_run():
    assert_doctests_pass("mnist_viz.data.load")
