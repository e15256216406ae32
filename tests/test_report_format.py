"""Numbers and tables as the page shows them (mnist_viz/report/_format.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd


def test_fmt_writes_numbers_one_way():
    from mnist_viz.report._format import fmt

    assert [fmt(v) for v in (0.98765, 1.0, 0.0, -0.175, 12345, np.int64(7), 1e6, 2.5e-5, np.float32(0.5))] == [
        "0.9877", "1", "0", "-0.175", "12,345", "7", "1e+06", "2.5e-05", "0.5"]
    assert [fmt(v) for v in (None, float("nan"), float("inf"), np.bool_(False), "text")] == ["—", "—", "—", "no", "text"]


def test_epochs_count_from_one_and_the_record_before_training_is_init():
    from mnist_viz.report._format import epoch_text, pivot_table

    assert [epoch_text(e) for e in (-1, 0, 9, np.int64(2))] == ["init", "1", "10", "3"]
    pivot = pd.DataFrame({"b": [0.5, np.nan], "a": [1.0, 2.0]}, index=[-1, 0])
    table = pivot_table(pivot, "Norms")
    assert table.columns == ["epoch", "b", "a"] and table.caption == "Norms"
    assert table.rows == [["init", "0.5", "1"], ["1", "—", "2"]]


def test_frame_table_formats_every_cell_and_says_how_many_rows_it_shows():
    from mnist_viz.report._format import frame_table

    frame = pd.DataFrame({"epoch": np.arange(250), "loss": np.linspace(1, 0, 250)})
    table = frame_table(frame, caption="History")
    assert len(table.rows) == 200 and table.rows[0] == ["0", "1"]
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
