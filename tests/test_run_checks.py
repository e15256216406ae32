"""mnist_viz/run_checks.py: each check passes a well-formed value through and names what is wrong otherwise."""
from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from mnist_viz import run_checks
from mnist_viz.run_checks import RunFormatError, array_of, check_info_types, checked_frame, checked_index


def test_info_types_are_checked_key_by_key():
    assert check_info_types({"name": "m", "metadata": {}, "class_names": None}, "r.json")["name"] == "m"
    with pytest.raises(RunFormatError, match=r"r\.json: key 'metadata' is a JSON list .*expected a JSON object"):
        check_info_types({"metadata": [1]}, "r.json")
    with pytest.raises(RunFormatError, match="key 'epochs_completed' is true/false"):
        check_info_types({"epochs_completed": True}, "r.json")


def test_nested_info_values_are_checked_by_dotted_path():
    good = {"metadata": {"data": {"class_names": ["a"]}, "timings": {}}, "model": {"layers": [{"name": "d"}],
                                                                                  "total_params": 3}}
    assert check_info_types(good, "r.json") is good
    assert check_info_types({"metadata": {"data": None}, "model": {"layers": [None]}}, "r.json")  # None: absent
    for info, message in [({"metadata": {"hardware": [1]}}, "key 'metadata.hardware' is a JSON list"),
                          ({"metadata": {"data": {"class_names": "ab"}}}, "key 'metadata.data.class_names' is a string"),
                          ({"model": {"layers": [{}, {}, "x"]}}, "key 'model.layers.2' is a string"),
                          ({"model": {"total_params": 1.5}}, "key 'model.total_params' is a number"),
                          ({"output": True}, "key 'output' is true/false")]:
        with pytest.raises(RunFormatError, match=rf"r\.json: {message}"):
            check_info_types(info, "r.json")


def test_frames_must_hold_numbers_and_whole_epochs():
    frame = checked_frame(pd.DataFrame({"epoch": [0, 1], "loss": ["0.5", "NaN"]}), "h.csv")
    assert frame["loss"].iloc[0] == 0.5 and np.isnan(frame["loss"].iloc[1])
    with pytest.raises(RunFormatError, match=r"h\.csv: column 'epoch' holds \[0\.5\]; expected whole numbers"):
        checked_frame(pd.DataFrame({"epoch": [0.5]}), "h.csv")
    kept = checked_frame(pd.DataFrame({"epoch": [0], "layer": ["d"]}), "s.csv", text=["layer"])
    assert kept["layer"].tolist() == ["d"]


def test_arrays_are_checked_for_presence_shape_kind_and_length():
    arrays = {"p": np.zeros((3, 2)), "l": np.arange(3), "s": np.array(["a"])}
    assert array_of(arrays, "t.npz", "p", ndim=2, length=3).shape == (3, 2)
    with pytest.raises(RunFormatError, match=r"array 'p' has shape \(3, 2\); expected 1 dimension"):
        array_of(arrays, "t.npz", "p", ndim=1)
    with pytest.raises(RunFormatError, match="array 'p' has dtype float64; expected integers"):
        array_of(arrays, "t.npz", "p", kind="integer")
    with pytest.raises(RunFormatError, match="array 's' has dtype <U1; expected numbers"):
        array_of(arrays, "t.npz", "s")
    with pytest.raises(RunFormatError, match=r"array 'l' has 3 rows; expected 10 \(one per label\)"):
        array_of(arrays, "t.npz", "l", length=10, length_of="label")


def test_weight_index_entries_need_key_and_weight():
    with pytest.raises(RunFormatError, match="entry 1 is .*expected an object with an integer 'key'"):
        checked_index([{"key": 0, "weight": "a"}, {"key": "0", "weight": "b"}], "index.json")


def test_docstring_examples_run():
    assert doctest.testmod(run_checks, optionflags=doctest.ELLIPSIS).failed == 0


def test_negative_epoch_counts_and_histories_that_go_back_are_refused(tmp_path):
    from mnist_viz.run_checks import check_epochs_increase

    with pytest.raises(RunFormatError, match=r"run\.json: key 'epochs_planned' is -1; expected an integer >= 0"):
        check_info_types({"epochs_completed": 0, "epochs_planned": -1}, tmp_path / "run.json")
    check_epochs_increase(pd.DataFrame({"epoch": [0, 1, 3]}), "history.csv")  # a gap is fine
    check_epochs_increase(pd.DataFrame({"loss": [0.5, 0.4]}), "history.csv")  # no epoch column: row numbers
    with pytest.raises(RunFormatError, match=r"history\.csv: column 'epoch' starts at -1"):
        check_epochs_increase(pd.DataFrame({"epoch": [-1, 0]}), "history.csv")
    with pytest.raises(RunFormatError, match=r"row 3 is 0 after 1"):
        check_epochs_increase(pd.DataFrame({"epoch": [0, 1, 0]}), "history.csv")
