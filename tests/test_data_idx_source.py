"""mnist_viz.data._idx_source: IDX folders (gzip or raw, dashed or dotted names, one split only),
every missing or mismatched file named, MNIST-like sets, and the official test set."""
from __future__ import annotations

import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from data_helpers import assert_doctests_pass, digits, write_idx_folder  # noqa: E402

from mnist_viz.data import load_mnist  # noqa: E402
from mnist_viz.idx import IdxFormatError, write_idx  # noqa: E402



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


def test_real_mnist_test_set(shared_mnist):
    with pytest.warns(UserWarning, match="train split is absent"):
        d = load_mnist("idx", shared_mnist)
    assert d.missing == ("train",)
    assert d.x_test.shape == (10000, 28, 28) and d.x_test.dtype == np.uint8
    assert d.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(d.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert d.x_test.max() == 255 and d.x_test.min() == 0


def test_docstring_examples_run():
    assert_doctests_pass("mnist_viz.data._idx_source")


# -- known datasets, recognised by the names they ship with ----------------------------------------
from data_helpers import write_known_folder  # noqa: E402

from mnist_viz.data import MnistData  # noqa: E402
from mnist_viz.data.known import DATASET_KEYS, known_dataset  # noqa: E402


@pytest.mark.parametrize("key", DATASET_KEYS)
def test_every_known_dataset_loads_from_the_files_it_ships_with(tmp_path, key):
    d = known_dataset(key)
    stored = write_known_folder(tmp_path, key, n_train=2 * d.num_classes, n_test=d.num_classes)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = load_mnist("idx", tmp_path, dataset=key)
    assert (data.name, data.noun, data.class_names, data.citation) == (d.name, d.noun, d.class_names, d.citation)
    assert data.source == "idx" and data.num_classes == d.num_classes and data.missing == ()
    for split, (x, y) in stored.items():
        got_x, got_y = getattr(data, f"x_{split}"), getattr(data, f"y_{split}")
        np.testing.assert_array_equal(got_y, y.astype(np.int64) - d.label_offset)
        np.testing.assert_array_equal(got_x, x.transpose(0, 2, 1) if d.transposed else x)
    assert sorted(set(data.y_train.tolist())) == list(range(d.num_classes))  # every class, from 0


@pytest.mark.parametrize("key", [k for k in DATASET_KEYS if k.startswith("emnist")])
def test_emnist_files_are_recognised_without_dataset(tmp_path, key):
    write_known_folder(tmp_path, key)
    data = load_mnist("idx", tmp_path)
    assert data.name == known_dataset(key).name and data.citation == known_dataset(key).citation
    assert data.description.startswith(f"{data.name} from IDX folder {tmp_path}: 12 train / 8 test")
    assert "images stored transposed, loaded upright" in data.description


def test_emnist_images_come_out_upright(tmp_path):
    """EMNIST stores each image transposed: an upright "L" (a bar down the left, a foot along the
    bottom) written transposed, as EMNIST ships it, loads as that "L" again."""
    upright = np.zeros((28, 28), np.uint8)
    upright[4:24, 6] = 255    # the vertical bar, column 6
    upright[23, 7:20] = 200   # the foot, row 23
    assert not np.array_equal(upright, upright.T)  # asymmetric: a missing transpose would show
    d = known_dataset("emnist-digits")
    for split in ("train", "test"):
        write_idx(tmp_path / d.idx_names(split, "images")[1], np.stack([upright.T, upright.T]))
        write_idx(tmp_path / d.idx_names(split, "labels")[1], np.array([1, 7], np.uint8))
    data = load_mnist("idx", tmp_path)
    np.testing.assert_array_equal(data.x_train[0], upright)
    assert data.x_test[1][4:24, 6].tolist() == [255] * 20 and data.x_test[1][23, 7:20].tolist() == [200] * 13
    assert data.x_train.flags.c_contiguous


def test_emnist_letters_labels_start_at_1(tmp_path):
    write_known_folder(tmp_path, "emnist-letters", n_train=26, n_test=26)
    data = load_mnist("idx", tmp_path)
    assert data.y_train.min() == 0 and data.y_train.max() == 25 and data.class_names[0] == "A/a"
    assert "labels 1..26 shifted to 0..25" in data.description
    d = known_dataset("emnist-letters")
    write_idx(tmp_path / d.idx_names("test", "labels")[1], np.array([0] + [1] * 25, np.uint8))
    with pytest.raises(IdxFormatError, match=r"emnist-letters-test-labels-idx1-ubyte.gz: label 0 is out of range; "
                                             r"EMNIST letters numbers its classes 1..26"):
        load_mnist("idx", tmp_path)


def test_mnist_file_names_are_mnist_unless_dataset_says_otherwise(tmp_path):
    write_idx_folder(tmp_path)
    assert (load_mnist("idx", tmp_path).name, load_mnist("idx", tmp_path).noun) == ("MNIST", "digit")
    fashion = load_mnist("idx", tmp_path, dataset="fashion-mnist")
    assert fashion.name == "Fashion-MNIST" and fashion.class_names[0] == "T-shirt/top" and fashion.noun == "image"
    assert "1708.07747" in fashion.citation
    assert fashion.description == f"Fashion-MNIST from IDX folder {tmp_path}: 30 train / 20 test"
    kmnist = load_mnist("idx", tmp_path, dataset="KMNIST")
    assert kmnist.name == "KMNIST" and kmnist.noun == "character" and "1812.01718" in kmnist.citation


def test_class_names_of_your_own_on_mnist_names_make_a_dataset_of_its_own(tmp_path):
    write_idx_folder(tmp_path)
    names = tuple(f"kind {i}" for i in range(10))
    data = load_mnist("idx", tmp_path, class_names=names)
    assert data.class_names == names and data.name == "" and data.citation == "" and data.noun == "image"
    digits_again = load_mnist("idx", tmp_path, class_names=[str(i) for i in range(10)])
    assert digits_again.name == "MNIST" and digits_again.citation == load_mnist("embedded").citation
    own = load_mnist("idx", tmp_path, dataset="fashion-mnist", class_names=names)  # your wording, its identity
    assert own.class_names == names and own.name == "Fashion-MNIST"
    with pytest.raises(ValueError, match="class_names has 3 names but Fashion-MNIST has 10 classes"):
        load_mnist("idx", tmp_path, dataset="fashion-mnist", class_names=["a", "b", "c"])


def test_kmnist_numpy_files_are_recognised(tmp_path):
    stored = write_known_folder(tmp_path, "kmnist", npz=True)
    data = load_mnist("idx", tmp_path)
    assert data.name == "KMNIST" and data.class_names[0] == "o (\u304a)" and data.noun == "character"
    assert data.description == f"KMNIST from IDX folder {tmp_path}: 12 train / 8 test (read from its NumPy .npz files)"
    np.testing.assert_array_equal(data.x_test, stored["test"][0])
    np.savez(tmp_path / "kmnist-test-labels.npz", arr_0=stored["test"][1], extra=stored["test"][1])
    with pytest.raises(IdxFormatError, match=r"kmnist-test-labels.npz: expected one array \(arr_0\), found 2"):
        load_mnist("idx", tmp_path)
    (tmp_path / "kmnist-test-labels.npz").write_bytes(b"not a zip")
    with pytest.raises(IdxFormatError, match="kmnist-test-labels.npz: not a readable NumPy .npz file"):
        load_mnist("idx", tmp_path)


def test_a_folder_with_several_datasets_needs_dataset(tmp_path):
    write_known_folder(tmp_path, "emnist-balanced")
    write_known_folder(tmp_path, "emnist-letters")
    with pytest.raises(ValueError, match=r"holds the files of 2 datasets \(EMNIST balanced, EMNIST letters\); "
                                         r"pass dataset= \(--dataset\) one of 'emnist-balanced', 'emnist-letters'"):
        load_mnist("idx", tmp_path)
    assert load_mnist("idx", tmp_path, dataset="emnist_letters").num_classes == 26
    with pytest.raises(FileNotFoundError, match=r"no EMNIST digits files in .*; expected "
                                                r"emnist-digits-train-images-idx3-ubyte\[.gz\]"):
        load_mnist("idx", tmp_path, dataset="emnist-digits")


def test_mnist_names_next_to_an_emnist_split_are_a_second_dataset(tmp_path):
    write_known_folder(tmp_path, "emnist-digits")
    write_idx_folder(tmp_path)
    with pytest.raises(ValueError, match=r"holds the files of 2 datasets \(MNIST, EMNIST digits\)|"
                                         r"holds the files of 2 datasets \(EMNIST digits, MNIST\)"):
        load_mnist("idx", tmp_path)
    assert load_mnist("idx", tmp_path, dataset="mnist").n_train == 30
    assert load_mnist("idx", tmp_path, dataset="emnist-digits").n_train == 12
    write_known_folder(tmp_path / "k", "kmnist", npz=True)
    write_idx_folder(tmp_path / "k")  # KMNIST's own IDX files carry MNIST's names: still KMNIST, read from the IDX
    kmnist = load_mnist("idx", tmp_path / "k")
    assert kmnist.name == "KMNIST" and kmnist.n_train == 30 and "NumPy" not in kmnist.description


def test_a_known_dataset_with_one_split_warns_in_its_own_names(tmp_path):
    write_known_folder(tmp_path, "emnist-balanced", splits=("test",))
    with pytest.warns(UserWarning, match=r"the train split is absent \(no emnist-balanced-train-images/"
                                         r"emnist-balanced-train-labels files\)"):
        data = load_mnist("idx", tmp_path)
    assert data.missing == ("train",) and data.n_test == 8 and isinstance(data, MnistData)


def test_gzipped_file_that_is_not_idx_is_named_as_gzip(tmp_path):
    import gzip

    write_idx_folder(tmp_path, train=False)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(b"<!doctype html><p>moved"))
    with pytest.raises(IdxFormatError, match=r"t10k-images-idx3-ubyte.gz: is gzip-compressed, but its content "
                                             r"is not IDX: after gunzip it starts with 3c 21 64 6f") as exc:
        load_mnist("idx", tmp_path)
    assert "not gzip-compressed" not in str(exc.value)
