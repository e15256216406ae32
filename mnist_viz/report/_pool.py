"""Running a report's drawing tasks: serially, or in forked worker processes, with results in page
order. :func:`mnist_viz.report.build_report` hands its (label, callable) tasks to :func:`run_in_order`;
progress lines go out in page order, each once the sections before it are drawn.

Example
-------
>>> timings = {}
>>> run_in_order([("a", lambda: 1), ("b", lambda: 2)], jobs=1, say=None, timings=timings)
[1, 2]
>>> sorted(timings)
['a', 'b']
"""
from __future__ import annotations

import contextlib
import os
import sys
import time
from typing import Any, Callable, Iterator

__all__ = ["default_jobs", "drawing_conditions", "run_in_order", "warm_imports"]

#: tasks of the build in progress, read by forked workers (set just before the pool starts)
_TASKS: list[tuple[str, Callable[[], Any]]] = []
#: the sections that draw the most, started first so two workers finish together
_HEAVY = ("evaluation", "calibration", "predictions", "weights", "confusion", "internals", "evolution", "comparison",
          "curves")


def default_jobs() -> int:
    """Worker processes :func:`build_report` uses by default (1 = serial).

    Parallel only where ``fork`` exists and is safe here: not with TensorFlow or an IPython
    kernel (threads that a fork would copy in an unknown state) loaded in this process.

    >>> default_jobs() >= 1
    True
    """
    import multiprocessing

    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 1  # macOS system frameworks are not fork-safe; Windows has no fork
    if any(m in sys.modules for m in ("tensorflow", "keras", "ipykernel", "torch", "jax")):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


@contextlib.contextmanager
def drawing_conditions() -> Iterator[None]:
    """What a build runs under (forked workers inherit it): one BLAS/OpenMP thread, and a garbage
    collector that leaves the objects that existed before the build alone. Both are restored.

    Drawing is single-threaded Python; a multi-threaded BLAS call in it (the embedding's PCA)
    only fights for the cores with the caller's own threads (TensorFlow's pools after training,
    other processes), which made a 0.1 s SVD take 1-3 s. Matplotlib allocates millions of small
    objects, so the collector runs full collections during a build, and each one walks every
    object already in the process (some 400,000 once TensorFlow is imported): about a quarter
    of a serial build's time. Freezing them (``gc.freeze``) keeps them out of those walks;
    figures made and closed during the build are still collected.

    >>> import gc
    >>> with drawing_conditions():
    ...     frozen = gc.get_freeze_count() > 0
    >>> frozen, gc.get_freeze_count()
    (True, 0)
    """
    import gc

    with contextlib.ExitStack() as stack:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
            pass
        else:
            stack.enter_context(threadpool_limits(1))
        freeze = gc.isenabled() and gc.get_freeze_count() == 0  # never thaw a caller's own freeze
        if freeze:
            gc.freeze()
            stack.callback(gc.unfreeze)
        yield


def _in_worker() -> None:
    """A forked worker draws off-screen (Agg), whatever backend the caller's process has or will pick:
    the caller's own backend setting is never touched."""
    import matplotlib

    matplotlib.use("Agg", force=True)


def _task(i: int) -> tuple[int, Any, float]:
    t0 = time.perf_counter()
    with drawing_conditions():  # inherited from the parent (a no-op), unless a caller forks itself
        result = _TASKS[i][1]()
    return i, result, time.perf_counter() - t0


def run_in_order(tasks: list[tuple[str, Callable[[], Any]]], *, jobs: int | None, say: Callable[[str], None] | None,
               timings: dict[str, float]) -> list[Any]:
    """Results of ``tasks`` in order; in ``jobs`` forked workers when more than 1. ``say`` gets one
    line per task in page order; one with ``start(n)``/``tick(label)`` hears of each task as it ends.

    >>> lines = []
    >>> run_in_order([("a", lambda: 1), ("b", lambda: 2)], jobs=1, say=lines.append, timings={})
    [1, 2]
    >>> [line.split(" (")[0] for line in lines]
    ['report: a', 'report: b']
    """
    global _TASKS
    jobs = default_jobs() if jobs is None else int(jobs)
    if jobs < 1:
        raise ValueError(f"jobs must be >= 1; got {jobs}")
    results: list[Any] = [None] * len(tasks)
    seconds: list[float | None] = [None] * len(tasks)  # lines go out in page order, each once the sections before it are drawn
    shown = 0
    if hasattr(say, "start"):  # a bar (mnist_viz._progress.ReportProgress) hears of each section as it is drawn
        say.start(len(tasks))

    def done(i: int, result: Any, dt: float) -> None:
        nonlocal shown
        results[i], seconds[i], timings[tasks[i][0]] = result, dt, dt
        if hasattr(say, "tick"):
            say.tick(tasks[i][0])
        while say and shown < len(tasks) and seconds[shown] is not None:
            say(f"report: {tasks[shown][0]} ({seconds[shown]:.2f} s)")
            shown += 1

    if jobs == 1 or len(tasks) < 3:
        for i in range(len(tasks)):
            done(*_task_local(tasks, i))
        return results
    import multiprocessing

    warm_imports()  # once here, not once per worker and build
    order = sorted(range(len(tasks)), key=lambda i: _cost_rank(tasks[i][0]))
    _TASKS = tasks
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(tasks)), initializer=_in_worker) as pool:
            for i, result, dt in pool.imap_unordered(_task, order, chunksize=1):
                done(i, result, dt)
    finally:
        _TASKS = []
    return results


#: modules the plot functions import lazily; a parallel build imports them before forking
_DRAWING_MODULES = ("matplotlib.pyplot", "mnist_viz.plots", "seaborn", "sklearn.metrics", "sklearn.decomposition")


def warm_imports() -> float:
    """Import what drawing a report needs (Matplotlib, the plots, seaborn, scikit-learn parts);
    returns the seconds it took. Forked workers then start with them loaded.

    >>> warm_imports() >= 0.0
    True
    """
    import importlib

    t0 = time.perf_counter()
    for name in _DRAWING_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # a missing optional piece shows up as a note in its section
            pass
    return time.perf_counter() - t0


def _task_local(tasks: list[tuple[str, Callable[[], Any]]], i: int) -> tuple[int, Any, float]:
    t0 = time.perf_counter()
    result = tasks[i][1]()
    return i, result, time.perf_counter() - t0


def _cost_rank(label: str) -> int:
    for rank, word in enumerate(_HEAVY):
        if word in label:
            return rank
    return len(_HEAVY)
