"""The evolution section (mnist_viz/report/sections/evolution.py): the epoch slider.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import re  # noqa: E402

from report_runs import two_run_report  # noqa: E402,F401 (fixtures)


def test_slider_has_one_frame_per_epoch_and_the_last_is_current(two_run_report):
    page = two_run_report.html
    frames = re.findall(r'<figure class="frame( current)?" id="r0-slider-e(\d+)"', page)
    assert [int(e) for _, e in frames] == [1, 2, 3, 4]
    assert [c for c, _ in frames] == ["", "", "", " current"]
    assert 'id="r0-slider-range"' in page and 'max="3"' in page
