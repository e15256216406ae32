"""mnist_viz._cli_args: the values the options take, and the messages when they are wrong
(tests/test_cli.py checks the same messages through mnist_viz.cli.main)."""
import argparse
import doctest

import pytest

from mnist_viz import _cli_args
from mnist_viz._cli_args import (batch_size, class_names, data_source, dataset_key, epochs, int_at_least, path,
                                  positive_int, seed)


def test_docstring_examples_run():
    result = doctest.testmod(_cli_args, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4 and result.failed == 0


@pytest.mark.parametrize("value", ["auto", "embedded", "keras", "idx:data/mnist"])
def test_data_sources(value):
    assert data_source(value) == value


@pytest.mark.parametrize("value", ["mnist", "idx:", ""])
def test_bad_data_sources_say_what_is_expected(value):
    with pytest.raises(argparse.ArgumentTypeError, match=rf"invalid data source {value!r}; expected auto \| embedded"):
        data_source(value)


def test_integers_in_range():
    assert positive_int("7") == 7 and seed("4294967295") == 4294967295
    between = int_at_least(2, "2 to 4", maximum=4)
    assert between("4") == 4
    for bad in ("1", "5", "x", "2.5"):
        with pytest.raises(argparse.ArgumentTypeError, match=rf"expected 2 to 4, got {bad!r}"):
            between(bad)


def test_epochs_and_batch_size_have_caps():
    assert epochs("100000") == 100_000 and batch_size("1000000") == 1_000_000
    for parse, bad, cap in ((epochs, "100001", "100,000"), (epochs, "99999999999999999999", "100,000"),
                            (batch_size, "1000001", "1,000,000"), (epochs, "0", "100,000"), (batch_size, "-5", "1,000,000")):
        with pytest.raises(argparse.ArgumentTypeError, match=rf"^expected an integer from 1 to {cap}, got {bad!r}$"):
            parse(bad)


def test_paths_must_not_be_empty():
    assert path("a.html") == "a.html"
    for bad in ("", "  "):
        with pytest.raises(argparse.ArgumentTypeError, match="expected a file or folder path, got an empty string"):
            path(bad)


def test_class_names_from_a_list_and_a_file(tmp_path):
    assert class_names(" a ,b") == ("a", "b")
    names = tmp_path / "names.txt"
    names.write_text("\ufeffcat\n dog \n\n", encoding="utf-8")  # a BOM and blank lines at the end are fine
    assert class_names(f"@{names}") == ("cat", "dog")
    with pytest.raises(argparse.ArgumentTypeError, match="class name 'a' is given more than once"):
        class_names("a,b,a")


def test_dataset_key_normalises_known_spellings_and_leaves_others():
    assert dataset_key("Fashion-MNIST") == "fashion-mnist"
    assert dataset_key("cifar10") == "cifar10"  # argparse's choices then list the known ones
