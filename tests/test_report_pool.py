"""mnist_viz.report._pool: a report's drawing tasks run serially or in forked workers, results and
progress lines in page order whatever order the workers finish in."""
from __future__ import annotations

import time

import pytest

from mnist_viz.report import _pool


def _slow_first(seconds):
    def task():
        time.sleep(seconds)
        return seconds
    return task


class _Bar:
    """A progress callback with the optional start/tick hooks a bar uses."""

    def __init__(self):
        self.lines, self.ticks, self.started = [], [], None

    def __call__(self, line):
        self.lines.append(line)

    def start(self, n):
        self.started = n

    def tick(self, label):
        self.ticks.append(label)


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_and_lines_come_in_page_order(jobs):
    if jobs > 1 and _pool.default_jobs() == 1:
        pytest.skip("no safe fork here (TensorFlow or torch loaded in this process, or not Linux)")
    # the first task is the slowest: in workers it finishes last, yet its line is printed first
    tasks = [("first", _slow_first(0.4)), ("second", _slow_first(0.0)), ("third", _slow_first(0.0))]
    bar, timings = _Bar(), {}
    results = _pool.run_in_order(tasks, jobs=jobs, say=bar, timings=timings)
    assert results == [0.4, 0.0, 0.0]
    assert [line.split(" (")[0] for line in bar.lines] == ["report: first", "report: second", "report: third"]
    assert bar.started == 3 and sorted(bar.ticks) == ["first", "second", "third"]
    assert set(timings) == {"first", "second", "third"} and timings["first"] >= 0.35


def test_jobs_below_one_is_refused():
    with pytest.raises(ValueError, match="jobs must be >= 1; got 0"):
        _pool.run_in_order([("a", lambda: 1)], jobs=0, say=None, timings={})


def test_drawing_conditions_restore_the_collector():
    import gc

    before = gc.get_freeze_count()
    with _pool.drawing_conditions():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == before
