"""Bytes inside the page (mnist_viz/report/_embed.py): JSON safe inside <script>, CSV safe in a spreadsheet.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import base64  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402

import pytest  # noqa: E402



def test_embedded_json_escapes_angle_brackets_and_ampersands():
    from mnist_viz.report._embed import safe_json

    text = safe_json({"a": "</script><!--&", "nan": float("nan")})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!--&", "nan": None}


@pytest.mark.parametrize("text", ["=1+2", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_csv_cells_that_a_spreadsheet_would_run_get_a_quote(text):
    from mnist_viz.report._embed import csv_cell

    assert csv_cell(text) == "'" + text


def test_csv_download_quotes_text_and_header_cells_but_keeps_numbers():
    import csv

    import pandas as pd

    from mnist_viz.report._embed import csv_data_uri

    frame = pd.DataFrame({"=metric": ["-x", "ok", None], "value": [-0.245, 1.5, -3.0], "n": [-1, 2, 3],
                          "mixed": [-2.5, "@a", "b"]})
    text = base64.b64decode(csv_data_uri(frame).split(",", 1)[1]).decode()
    assert list(csv.reader(io.StringIO(text))) == [
        ["'=metric", "value", "n", "mixed"], ["'-x", "-0.245", "-1", "-2.5"], ["ok", "1.5", "2", "'@a"],
        ["", "-3.0", "3", "b"]]
    assert frame.columns[0] == "=metric" and frame.iloc[0, 0] == "-x"  # the caller's frame is left alone
