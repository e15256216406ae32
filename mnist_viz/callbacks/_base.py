"""What every recorder shares: a :class:`~keras.callbacks.Callback` with a run directory, a
:class:`~mnist_viz.callbacks._writer.RunWriter`, and warnings given once.

A recorder built with ``writer=`` writes through that writer and leaves deciding the chief,
waiting for the queue after each epoch and closing it at train end to the writer's owner (how
:class:`~mnist_viz.callbacks.RunRecorder` composes its children). Built without one, it owns its
own writer and does all three itself.

Example
-------
>>> from mnist_viz.callbacks._writer import RunWriter
>>> shared = RunWriter("runs/x")
>>> child = Recorder(writer=shared)
>>> child.run_dir, child.writer is shared, child.owns_writer, Recorder("runs/y").owns_writer
(PosixPath('runs/x'), True, False, True)
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from mnist_viz._tf import import_keras, to_numpy
from mnist_viz._warn import warn_at_caller
from mnist_viz.callbacks._writer import RunWriter

keras = import_keras()
_ON_TENSORFLOW = keras.backend.backend() == "tensorflow"  # fixed once Keras is imported

__all__ = ["Recorder", "variable_numpy"]


def variable_numpy(variable) -> np.ndarray:
    """A fresh NumPy copy of a Keras variable's value (never a view of a backend buffer that the
    next train step may reuse: the copy goes to the writer thread)."""
    if _ON_TENSORFLOW:
        try:
            return np.asarray(variable.numpy())  # a copy already; works under tf.distribute too
        except Exception:
            pass
    return np.array(to_numpy(getattr(variable, "value", variable)), copy=True)


class Recorder(keras.callbacks.Callback):
    """Base of the recorders: ``run_dir`` (None: in memory only) or a shared ``writer``."""

    #: Keras runs the batch-end hooks of ``async_safe`` callbacks on a thread pool (JAX, torch)
    #: while the next step trains. No recorder claims it: the ones with batch hooks
    #: (:class:`~mnist_viz.callbacks.HistoryRecorder`, and RunRecorder passing them on) read the
    #: loss tracker through ``self.model`` after each batch, which on JAX writes the training state
    #: back into the variables; off the training thread that races with the next step (a step's
    #: update can be lost). Recorders without batch hooks do not hold async dispatch back anyway.
    async_safe = False

    def __init__(self, run_dir=None, *, writer: RunWriter | None = None):
        super().__init__()
        if writer is not None and not isinstance(writer, RunWriter):
            raise TypeError(f"writer must be a RunWriter (shared by a composing recorder); got {type(writer).__name__}")
        if writer is not None and run_dir is not None and (
                writer.run_dir is None or os.path.abspath(run_dir) != os.path.abspath(writer.run_dir)):
            raise ValueError(f"run_dir {str(run_dir)!r} differs from the writer's run_dir {str(writer.run_dir)!r}; "
                             "pass one of them")
        self.owns_writer = writer is None
        self.writer = RunWriter(run_dir) if writer is None else writer
        self._warned: set[str] = set()

    @property
    def run_dir(self) -> Path | None:
        """The run directory (None: records are kept in memory only)."""
        return self.writer.run_dir

    @property
    def writes(self) -> bool:
        """Whether this recorder writes files in this process (a run directory and the chief)."""
        return self.writer.writes

    def flush(self) -> None:
        """Wait until this recorder's queued writes are on disk (they are after every epoch)."""
        self.writer.flush()

    def _decide_chief(self) -> None:
        """Start of ``on_train_begin``: an owned writer asks whether this process writes; the
        warnings of this fit start over (each is given once per fit)."""
        self._warned.clear()
        if self.owns_writer:
            self.writer.decide_chief(self.model)

    def _submit(self, func, *args, **kwargs) -> None:
        """Queue one atomic write on the run directory's background writer."""
        self.writer.submit(func, *args, **kwargs)

    def _epoch_written(self) -> None:
        """End of ``on_epoch_end``: wait until the epoch's records are on disk, so that a process
        killed at any later moment leaves every completed epoch behind (the owner of a shared
        writer waits once, after everything it writes)."""
        if self.writes and self.owns_writer:
            self.writer.flush()

    def on_train_end(self, logs=None):
        if self.owns_writer:
            self.writer.close()  # flushes: every record is on disk when fit returns

    def _warn_once(self, key: str, message: str):
        """One UserWarning per ``key`` and fit, at the user's own line (:mod:`mnist_viz._warn`)."""
        if key not in self._warned:
            self._warned.add(key)
            warn_at_caller(message)
