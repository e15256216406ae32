"""The small data objects of the report (mnist_viz/report/_model.py): ReportError and the Report result.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import html as html_lib  # noqa: E402
import re  # noqa: E402

import pytest  # noqa: E402

from report_runs import two_run_report  # noqa: E402,F401 (fixtures)


def test_report_error_is_value_error():
    from mnist_viz.report import ReportError

    assert issubclass(ReportError, ValueError)


def test_report_object_save_and_notebook_view(two_run_report, tmp_path):
    r = two_run_report
    assert r.path.exists() and r.path.read_text(encoding="utf-8") == r.html
    assert r.size_bytes == len(r.html.encode("utf-8"))
    copy = r.save(tmp_path / "copy.html")
    assert copy.read_bytes() == r.path.read_bytes()
    frame = r._repr_html_()
    assert frame.startswith("<iframe") and "sandbox=" in frame
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame).group(1)
    assert "<" not in srcdoc and html_lib.unescape(srcdoc) == r.html


def test_the_inline_view_is_window_tall_by_default_or_as_tall_as_asked():
    from mnist_viz.report import Report
    from mnist_viz.report._model import DEFAULT_HEIGHT

    def style(report):
        return re.search(r'style="([^"]*)"', report._repr_html_()).group(1)

    assert DEFAULT_HEIGHT == "max(400px, 80vh)"  # a report is taller than any window: it scrolls inside
    assert "height:max(400px, 80vh);" in style(Report("<p>x</p>"))
    tall = Report("<p>x</p>", height=3000)
    assert tall.height == 3000 and "height:3000px;" in style(tall) and "720px" not in style(tall)
    tall.height = None
    assert "height:max(400px, 80vh);" in style(tall)
    for bad in (0, -5):
        with pytest.raises(ValueError) as e:
            Report("<p>x</p>", height=bad)
        assert str(e.value) == f"height must be a positive int (CSS pixels) or None; got {bad!r}"
    for bad in (12.5, "800px", True):  # not an int at all: a TypeError
        with pytest.raises(TypeError) as e:
            Report("<p>x</p>", height=bad)
        assert str(e.value) == f"height must be a positive int (CSS pixels) or None; got {type(bad).__name__} {bad!r}"
