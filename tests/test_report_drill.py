"""The confusion drill-down (mnist_viz/report/_drill.py): its index and sprite.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import io  # noqa: E402
import re  # noqa: E402

from report_runs import decode_data_uri, drill_json, two_runs, two_run_report  # noqa: E402,F401 (fixtures)


def test_drill_down_index_points_at_the_right_digits(two_runs, two_run_report):
    from PIL import Image

    from mnist_viz.run import Run

    data = drill_json(two_run_report.html)
    assert set(data) == {"r0-cm", "r1-cm"}
    run = Run.load(two_runs[0])
    cells = data["r0-cm"]["cells"]
    labels, predicted = run.test.labels, run.test.predicted
    for key, cell in cells.items():
        t, p = map(int, key.split(","))
        assert cell["n"] == int(((labels == t) & (predicted == p)).sum())
        assert len(cell["idx"]) == min(cell["n"], data["r0-cm"]["per_cell"])
        assert all(labels[i] == t and predicted[i] == p for i in cell["idx"])
        conf = run.test.probabilities[cell["idx"], p]
        assert list(conf) == sorted(conf, reverse=True)  # most confident first
    with Image.open(io.BytesIO(decode_data_uri(data["r0-cm"]["sprite"]))) as sprite:
        assert sprite.size == (28 * data["r0-cm"]["per_cell"], 28 * len(cells))
    # every clickable cell of the table has an entry
    page = two_run_report.html
    table = page[page.index('id="r0-cm"'):]
    table = table[: table.index("</table>")]
    keys = set(re.findall(r'data-cell="(\d+,\d+)"', table))
    assert keys == set(cells)
