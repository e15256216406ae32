"""Numbers and tables as the page shows them (mnist_viz/report/_format.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def test_fmt_writes_numbers_one_way():
    from mnist_viz.report._format import fmt

    assert [fmt(v) for v in (0.98765, 1.0, 0.0, -0.175, 12345, np.int64(7), 1e6, 2.5e-5, np.float32(0.5))] == [
        "0.9877", "1", "0", "-0.175", "12,345", "7", "1,000,000", "2.5e-05", "0.5"]
    # samples per second and other large floats: thousands separators, never 1.648e+04
    assert [fmt(v) for v in (16480.4, -2500.0, 999.5)] == ["16,480", "-2,500", "999.5"]
    assert [fmt(v) for v in (["CPU"], ("CPU", "GPU:0"), [512, 256], [])] == ["CPU", "CPU, GPU:0", "512, 256", ""]
    assert [fmt(v) for v in (None, float("nan"), float("inf"), np.bool_(False), "text")] == ["—", "—", "—", "no", "text"]


def test_epochs_count_from_one_and_the_record_before_training_is_init():
    from mnist_viz.report._format import epoch_text, pivot_table

    assert [epoch_text(e) for e in (-1, 0, 9, np.int64(2))] == ["init", "1", "10", "3"]
    pivot = pd.DataFrame({"b": [0.5, np.nan], "a": [1.0, 2.0]}, index=[-1, 0])
    table = pivot_table(pivot, "Norms")
    assert table.columns == ["epoch", "b", "a"] and table.caption == "Norms"
    assert table.rows == [["init", "0.500", "1.000"], ["1", "—", "2.000"]]


def test_frame_table_formats_every_cell_and_says_how_many_rows_it_shows():
    from mnist_viz.report._format import frame_table

    frame = pd.DataFrame({"epoch": np.arange(250), "loss": np.linspace(1, 0, 250)})
    table = frame_table(frame, caption="History")
    assert len(table.rows) == 200 and table.rows[0] == ["0", "1.000"] and table.rows[-1] == ["199", "0.201"]
    assert table.caption == "History (first 200 of 250 rows; the CSV has all)"
    assert frame_table(frame.head(3), caption="History").caption == "History"


def test_shapes():
    from mnist_viz.report._format import shape_text

    assert shape_text((None, 10)) == "(None, 10)" and shape_text([]) == "()"


def test_history_frame_keeps_a_0_based_epoch_column():
    from mnist_viz.report._format import history_frame
    from mnist_viz.run import Run

    frame = history_frame(Run.from_dict({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.5]}))
    assert frame.columns.tolist() == ["epoch", "loss", "val_loss"]
    assert frame["epoch"].tolist() == [0, 1, 2]


def test_a_column_is_written_with_the_same_decimals_in_every_cell():
    from mnist_viz.report._format import column_texts

    assert column_texts([0.99, 0.8919, 0.949, 1]) == ["0.990", "0.892", "0.949", "1.000"]
    assert column_texts([np.float32(0.5), np.float64(0.25), None, float("nan")]) == ["0.500", "0.250", "—", "—"]
    assert column_texts([2.302585, 0.1234]) == ["2.303", "0.123"]  # below 10: 3 decimals
    assert column_texts([12.5, 3.25]) == ["12.50", "3.25"]
    assert column_texts([123.45, 7.0]) == ["123.5", "7.0"]
    assert column_texts([16480.4, 9876.5]) == ["16,480", "9,876"]  # samples/s
    assert column_texts([0.001, 0.0005]) == ["0.00100", "0.00050"]  # small values keep two significant digits
    assert column_texts([0.0012, 0.0034, 0.0009]) == ["0.00120", "0.00340", "0.00090"]  # update ratios
    assert column_texts([0.95, 0.004]) == ["0.950", "0.004"]  # beside a large value, a small one keeps a digit
    assert column_texts([1e-9, 0.5, 0.0]) == ["1.0e-09", "5.0e-01", "0.0e+00"]  # too small: scientific
    assert column_texts([980, np.int64(1135), 10000]) == ["980", "1,135", "10,000"]  # integers stay integers
    assert column_texts(["a", True, None]) == ["a", "yes", "—"]


def test_tables_are_formatted_column_by_column():
    from mnist_viz.report._format import frame_table, rows_by_column

    frame = pd.DataFrame({"class": ["0", "1"], "precision": [0.99, 1.0], "recall": [0.8919, 0.949],
                          "support": [980, 1135]})
    assert frame_table(frame).rows == [["0", "0.990", "0.892", "980"], ["1", "1.000", "0.949", "1,135"]]
    assert rows_by_column([]) == []
    decimals = {cell.split(".")[1].__len__() for row in frame_table(frame).rows for cell in row[1:3]}
    assert decimals == {3}
