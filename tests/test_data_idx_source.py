"""mnist_viz.data._idx_source: IDX folders (gzip or raw, dashed or dotted names, one split only),
every missing or mismatched file named, MNIST-like sets, and the official test set."""
from __future__ import annotations

import os
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from data_helpers import assert_doctests_pass, digits, write_idx_folder  # noqa: E402

from mnist_viz.data import load_mnist  # noqa: E402
from mnist_viz.idx import IdxFormatError, write_idx  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
REAL_MNIST = REPO.parent / "shared" / "data" / "mnist"


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize("dotted", [False, True])
def test_idx_full_folder(tmp_path, gz, dotted):
    arrays = write_idx_folder(tmp_path, gz=gz, dotted=dotted)
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
    write_idx_folder(tmp_path)
    assert load_mnist("idx", str(tmp_path)).n_test == 20


def test_idx_test_only_folder_warns_and_marks_train_missing(tmp_path):
    write_idx_folder(tmp_path, train=False)
    with pytest.warns(UserWarning, match="the train split is absent"):
        d = load_mnist("idx", tmp_path)
    assert d.missing == ("train",) and d.is_subset
    assert d.subset_note == "Only part of the IDX dataset was found: the train split is absent."
    assert d.x_train.shape == (0, 28, 28) and d.y_train.shape == (0,)
    assert d.n_test == 20
    assert "train split absent" in d.description


def test_idx_train_only_folder(tmp_path):
    write_idx_folder(tmp_path, test=False)
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
    x, _ = digits(5, 0)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", x)
    with pytest.raises(FileNotFoundError, match="has t10k-images-idx3-ubyte.gz but no matching labels file"):
        load_mnist("idx", tmp_path)


def test_idx_mismatched_counts_name_both_files_and_counts(tmp_path):
    x, y = digits(20, 0)
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
    write_idx_folder(tmp_path, train=False)
    bad = tmp_path / "t10k-images-idx3-ubyte.gz"
    bad.write_bytes(bad.read_bytes()[:-30])
    with pytest.raises(IdxFormatError, match="t10k-images-idx3-ubyte.gz: gzip stream is truncated"):
        load_mnist("idx", tmp_path)


def test_idx_labels_out_of_range(tmp_path):
    x, _ = digits(4, 0)
    write_idx(tmp_path / "t10k-images-idx3-ubyte", x)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.array([0, 1, 10, 2], np.uint8))
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte: label 10 is out of range for 10 class_names"):
        load_mnist("idx", tmp_path)


def test_idx_mnist_like_set_with_class_names(tmp_path):
    fashion = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
    write_idx_folder(tmp_path)
    d = load_mnist("idx", tmp_path, class_names=fashion)
    assert d.class_names == fashion and d.num_classes == 10
    # a 12-class set needs 12 names
    x, _ = digits(12, 3)
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


def test_docstring_examples_run():
    assert_doctests_pass("mnist_viz.data._idx_source")
