"""CsvLog: the CSV row logs the recorders rewrite after every epoch."""
import io

import numpy as np
import pandas as pd
import pytest

from mnist_viz.callbacks._csvlog import CsvLog

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


def test_floats_read_back_bit_identical_and_missing_cells_are_nan():
    log = CsvLog(["epoch"])
    values = [0.1, 1 / 3, 1e-300, np.float32(0.7), float("nan")]
    for i, v in enumerate(values):
        log.add({"epoch": i, "value": v})
    frame = pd.read_csv(io.StringIO(log.text()))
    assert frame["epoch"].tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_array_equal(frame["value"].to_numpy()[:4], [0.1, 1 / 3, 1e-300, float(np.float32(0.7))])
    assert np.isnan(frame["value"][4])


def test_a_new_key_becomes_a_column_for_every_row():
    log = CsvLog()
    log.add({"a": 1})
    log.add({"a": 2, "b": True})
    assert log.text() == "a,b\n1,\n2,True\n"
    assert list(log.frame().columns) == ["a", "b"] and len(log) == 2


def test_text_cells_are_quoted():
    log = CsvLog()
    log.add({"layer": 'inner/conv, "x"\nnext'})
    frame = pd.read_csv(io.StringIO(log.text()))
    assert frame["layer"][0] == 'inner/conv, "x"\nnext'
