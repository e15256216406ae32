"""The recorders' file writes: one background thread per run directory, and who may write.

Plain Python (no TensorFlow until a chief is decided). The epoch's summaries and writes run while
the training thread does the rest of the epoch's recording (the probe pass); the recorders then
wait for them at the end of every epoch, so a process killed outright at any moment leaves every
completed epoch on disk and loses at most the epoch in flight, never a file's integrity. Each task
is one atomic write (``mnist_viz._io``), given data that nobody mutates afterwards. First-in,
first-out order keeps the format's promise that ``run.json`` is written after the records it
counts. A failed write is raised again in the training thread at the next ``submit``/``flush``.
Every queue is flushed at interpreter exit.

:class:`RunWriter` is a recorder's handle on all this: the run directory, whether this process
writes there (:func:`~mnist_viz.callbacks.is_chief`), the queue. A recorder makes its own unless it
is given one (``writer=``): then the writer's owner — a composing callback such as ``RunRecorder``
— decides the chief, waits for the queue after each epoch and closes it at train end.

Example
-------
>>> import tempfile, pathlib
>>> from mnist_viz._io import atomic_write_text
>>> writer = RunWriter(pathlib.Path(tempfile.mkdtemp()) / "run")
>>> writer.submit(atomic_write_text, writer.run_dir / "notes.txt", "hello")
>>> writer.flush(); (writer.run_dir / "notes.txt").read_text()
'hello'
>>> writer.close(); RunWriter(None).writes
False
"""
from __future__ import annotations

import atexit
import os
import queue
import threading
from pathlib import Path

from mnist_viz.callbacks import _chief

__all__ = ["RunWriter", "flush_writes"]


class _BackgroundWriter:
    """Runs submitted tasks on one daemon thread, in submission order."""

    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self._error: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="mnist_viz-writer", daemon=True)
        self.thread.start()

    def _work(self):
        while True:
            task = self._queue.get()
            try:
                if task is None:
                    return
                func, args, kwargs = task
                if self._error is None:
                    func(*args, **kwargs)
            except BaseException as exc:  # surfaced in the training thread
                self._error = exc
            finally:
                self._queue.task_done()

    def _raise(self):
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, func, *args, **kwargs):
        self._raise()
        self._queue.put((func, args, kwargs))

    def flush(self):
        self._queue.join()
        self._raise()

    def stop(self):
        self._queue.put(None)
        self.thread.join(timeout=10)


_WRITERS: dict[str, _BackgroundWriter] = {}
_WRITERS_LOCK = threading.Lock()


def _writer_for(run_dir: Path) -> _BackgroundWriter:
    key = os.path.abspath(run_dir)
    with _WRITERS_LOCK:
        writer = _WRITERS.get(key)
        if writer is None or not writer.thread.is_alive():
            writer = _WRITERS[key] = _BackgroundWriter()
        return writer


def _close_writer(run_dir) -> None:
    """Flush and stop the writer thread of ``run_dir`` (a later write starts a new one)."""
    with _WRITERS_LOCK:
        writer = _WRITERS.pop(os.path.abspath(run_dir), None)
    if writer is not None:
        try:
            writer.flush()
        finally:
            writer.stop()


def flush_writes(run_dir=None) -> None:
    """Wait until every queued record (of ``run_dir``, or of all runs) is on disk.

    >>> flush_writes()  # nothing queued: returns at once
    """
    with _WRITERS_LOCK:
        items = list(_WRITERS.items())
    wanted = None if run_dir is None else os.path.abspath(run_dir)
    for key, writer in items:
        if wanted is None or key == wanted:
            writer.flush()


@atexit.register
def _flush_at_exit():  # pragma: no cover - runs at interpreter exit
    try:
        flush_writes()
    except Exception:
        pass


class RunWriter:
    """Where a recorder's files go, whether this process writes them, and their write queue.

    ``run_dir=None`` records in memory only. ``chief`` is True until :meth:`decide_chief` asks
    :func:`~mnist_viz.callbacks.is_chief` (at train begin, by whoever owns the writer).
    """

    def __init__(self, run_dir=None):
        self.run_dir = None if run_dir is None else Path(run_dir)
        self.chief = True

    @property
    def writes(self) -> bool:
        """Whether files are written in this process (a run directory, and the chief)."""
        return self.run_dir is not None and self.chief

    def decide_chief(self, model) -> bool:
        """Decide (and return) whether this process writes, from ``model``'s distribution strategy."""
        self.chief = _chief.is_chief(getattr(model, "distribute_strategy", None))
        return self.chief

    def submit(self, func, *args, **kwargs) -> None:
        """Queue ``func(*args, **kwargs)`` (one atomic write) on this run directory's thread."""
        _writer_for(self.run_dir).submit(func, *args, **kwargs)

    def flush(self) -> None:
        """Wait until every queued write of this run directory is on disk."""
        if self.run_dir is not None:
            flush_writes(self.run_dir)

    def close(self) -> None:
        """Flush, then stop this run directory's thread (a later write starts a new one)."""
        if self.run_dir is not None:
            _close_writer(self.run_dir)
