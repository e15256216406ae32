"""mnist_viz.report._pool: a report's drawing tasks run serially or in forked workers, results and
progress lines in page order whatever order the workers finish in."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
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


def test_results_and_lines_come_in_page_order():
    """Serially here (this process may hold TensorFlow, so no fork); the forked case runs in a fresh
    process below."""
    jobs = 1
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


def test_forked_workers_draw_in_page_order_and_leave_the_callers_backend_alone(tmp_path):
    """In a fresh process (no TensorFlow loaded, so forking is allowed) with no backend chosen: two
    workers really run the tasks, results and lines come in page order, and the caller's matplotlib
    backend is still unchosen afterwards (a later plt.show() picks the desktop's)."""
    script = textwrap.dedent("""
        import os, time
        import matplotlib
        from mnist_viz.report import _pool
        assert _pool.default_jobs() > 1 or os.cpu_count() == 1
        def chosen():
            return dict.__getitem__(matplotlib.rcParams, "backend")
        before = chosen()
        def task(seconds):
            def run():
                import matplotlib.pyplot as plt
                fig = plt.figure(); plt.close(fig)
                time.sleep(seconds)
                return os.getpid(), matplotlib.get_backend()
            return run
        lines = []
        out = _pool.run_in_order([("a", task(0.4)), ("b", task(0.0)), ("c", task(0.0))], jobs=2,
                                 say=lines.append, timings={})
        assert [l.split(" (")[0] for l in lines] == ["report: a", "report: b", "report: c"], lines
        assert all(pid != os.getpid() for pid, _ in out) and len({pid for pid, _ in out}) == 2, out
        assert all(backend.lower() == "agg" for _, backend in out), out
        assert chosen() is before, (chosen(), before)
        print("ok")
    """)
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.pop("DISPLAY", None)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-3000:]
