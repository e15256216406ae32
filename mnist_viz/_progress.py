"""Progress on stderr: a tqdm bar when stderr is a terminal, plain log lines otherwise, nothing when quiet.

Every piece here writes to ``sys.stderr`` (looked up when it is made, so a redirected stderr is
honoured); stdout is left to what a command writes (the ``mnist-viz`` commands print only the
path(s) they wrote there). A bar is drawn only where a person watches: ``quiet`` turns
everything off, and a stderr that is not a terminal (a pipe, a file, a CI log, a notebook) gets
the same information as plain lines, one per epoch of a fit and one per report section, with no
carriage returns.

- :func:`log`: one line on stderr unless quiet.
- :func:`fit_progress`: a Keras callback for ``model.fit`` (a bar over all the fit's batches, and
  one line per epoch).
- :class:`ReportProgress`: what :func:`mnist_viz.report.build_report` reports to when not quiet
  (a bar over the sections, else the report's own lines).
- :class:`Stages`: a bar over a few named steps (``evaluate``); silent when not on a terminal.

Keras is imported only when :func:`fit_progress` makes its callback.

Example
-------
>>> import io, contextlib
>>> err = io.StringIO()
>>> with contextlib.redirect_stderr(err):
...     log("hello", quiet=False)
...     log("not shown", quiet=True)
>>> err.getvalue()
'hello\\n'
"""
from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

__all__ = ["bar_wanted", "log", "fit_progress", "ReportProgress", "Stages", "epoch_line"]


def bar_wanted(quiet: bool, stream: TextIO | None = None) -> bool:
    """Whether to draw a bar: not ``quiet`` and ``stream`` (default ``sys.stderr``) is a terminal.

    >>> import io
    >>> bar_wanted(False, io.StringIO()), bar_wanted(True, io.StringIO())
    (False, False)
    """
    stream = sys.stderr if stream is None else stream
    if quiet or stream is None:
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def log(line: str, *, quiet: bool = False) -> None:
    """Print ``line`` on stderr (flushed), unless ``quiet``.

    >>> log("nothing", quiet=True)
    """
    if not quiet:
        print(line, file=sys.stderr, flush=True)


def _bar(total: int | None, desc: str, unit: str, stream: TextIO) -> Any:
    """A tqdm bar on ``stream``, as wide as the terminal (80 x 24 where it says 0 x 0: a bare pty,
    on which tqdm would draw nothing)."""
    from tqdm import tqdm

    try:
        columns, lines = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):  # a stream without a file descriptor (tests)
        columns = lines = 0
    size: dict[str, Any] = ({"dynamic_ncols": True} if columns > 0 and lines > 0
                            else {"ncols": columns or 80, "nrows": lines or 24})
    return tqdm(total=total, desc=desc, unit=unit, file=stream, leave=True, **size)


def epoch_line(name: str, epoch: int, epochs: int | None, logs: Mapping[str, Any] | None, seconds: float) -> str:
    """The line a fit prints after each epoch: ``"dense: epoch 2/5 - 1.3 s - loss 0.2718 - accuracy 0.9210"``.

    >>> epoch_line("dense", 1, 5, {"loss": 0.27181, "val_accuracy": 0.9}, 1.31)
    'dense: epoch 2/5 - 1.3 s - loss 0.2718 - val_accuracy 0.9000'
    """
    shown = " - ".join(f"{k} {float(v):.4f}" for k, v in (logs or {}).items() if _scalar(v))
    of = f"/{epochs}" if epochs else ""
    return f"{name}: epoch {epoch + 1}{of} - {seconds:.1f} s" + (f" - {shown}" if shown else "")


def _scalar(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _short(logs: Mapping[str, Any] | None) -> dict[str, str]:
    """The loss and accuracy of ``logs`` (else its first two numbers) at 3 decimals, for a bar's postfix.

    >>> _short({"accuracy": 0.91234, "loss": 0.3, "lr": 0.001})
    {'loss': '0.300', 'accuracy': '0.912'}
    """
    numbers = {k: float(v) for k, v in (logs or {}).items() if _scalar(v)}
    keys = [k for k in ("loss", "accuracy") if k in numbers] or list(numbers)[:2]
    return {k: f"{numbers[k]:.3f}" for k in keys}


def fit_progress(name: str, *, quiet: bool = False, stream: TextIO | None = None) -> Any:
    """A Keras callback reporting ``model.fit`` on stderr (``stream``), or None when ``quiet``.

    On a terminal: a tqdm bar over all the fit's batches (its description says the epoch, its
    postfix the running loss and accuracy), with one :func:`epoch_line` written above it after each
    epoch. Elsewhere only the epoch lines. Pass it with ``verbose=0`` so that Keras prints nothing
    itself; call its ``close()`` when the fit ends (also after an error) to end the bar.

    >>> fit_progress("dense", quiet=True) is None
    True
    """
    if quiet:
        return None
    return _callback_class()(name, sys.stderr if stream is None else stream)


@functools.lru_cache(maxsize=1)
def _callback_class() -> Any:
    from mnist_viz._tf import import_keras

    callback: Any = import_keras().callbacks.Callback

    class FitProgress(callback):  # type: ignore[misc]  # Keras is untyped: its Callback is Any
        """Bar and epoch lines of one fit (see :func:`fit_progress`)."""

        def __init__(self, name: str, stream: TextIO) -> None:
            super().__init__()
            self.name, self.stream = name, stream
            self.bar: Any = None
            self._epoch_started = time.perf_counter()

        def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
            epochs, steps = self.params.get("epochs"), self.params.get("steps")
            if bar_wanted(False, self.stream):
                total = epochs * steps if epochs and steps else None
                self.bar = _bar(total, f"{self.name}: epoch 1/{epochs}", "batch", self.stream)

        def on_epoch_begin(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
            self._epoch_started = time.perf_counter()
            if self.bar is not None:
                self.bar.set_description(f"{self.name}: epoch {epoch + 1}/{self.params.get('epochs')}", refresh=False)

        def on_train_batch_end(self, batch: int, logs: Mapping[str, Any] | None = None) -> None:
            if self.bar is not None:
                self.bar.set_postfix(_short(logs), refresh=False)
                self.bar.update(1)

        def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
            line = epoch_line(self.name, epoch, self.params.get("epochs"), logs or {},
                              time.perf_counter() - self._epoch_started)
            if self.bar is not None:
                self.bar.write(line, file=self.stream)
            else:
                print(line, file=self.stream, flush=True)

        def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
            self.close()

        def close(self) -> None:
            """End the bar (idempotent)."""
            if self.bar is not None:
                self.bar.close()
                self.bar = None

    return FitProgress


class ReportProgress:
    """Progress of a report build: call it with each line; ``start(n)`` and ``tick(label)`` drive a bar.

    :func:`~mnist_viz.report.build_report` calls ``start`` with the number of sections, ``tick``
    as each section is drawn (in whatever order the workers finish), and the object itself with
    one line per section in page order, then a last ``"report: done ..."`` line. On a terminal the
    bar stands for the section lines (only the last line is printed, under the bar); elsewhere
    every line is printed.

    >>> import io
    >>> out = io.StringIO()
    >>> p = ReportProgress(stream=out)
    >>> p.start(2); p.tick("a"); p("report: a (0.10 s)"); p.tick("b"); p("report: b (0.20 s)"); p("report: done")
    >>> out.getvalue().splitlines()
    ['report: a (0.10 s)', 'report: b (0.20 s)', 'report: done']
    """

    def __init__(self, *, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.bar: Any = None
        self._pending = 0  # section lines still to come, which the bar stands for

    def start(self, n_sections: int) -> None:
        """A bar over ``n_sections`` sections (on a terminal)."""
        if bar_wanted(False, self.stream):
            self.bar = _bar(n_sections, "report", "section", self.stream)
            self._pending = n_sections

    def tick(self, label: str) -> None:
        """One more section drawn."""
        if self.bar is not None:
            self.bar.set_postfix_str(label, refresh=False)
            self.bar.update(1)

    def __call__(self, line: str) -> None:
        if self._pending:
            self._pending -= 1
            return
        self.close()
        print(line, file=self.stream, flush=True)

    def close(self) -> None:
        """End the bar (idempotent)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Stages:
    """A bar over named steps, on a terminal only (silent elsewhere and when ``quiet``).

    >>> import io
    >>> with Stages("evaluate", ["load", "score"], quiet=False, stream=io.StringIO()) as stages:
    ...     stages.next()
    ...     stages.next()
    >>> stages.done
    2
    """

    def __init__(self, desc: str, names: Iterable[str], *, quiet: bool = False, stream: TextIO | None = None) -> None:
        stream = sys.stderr if stream is None else stream
        self.names, self.done = list(names), 0
        self.bar: Any = _bar(len(self.names), desc, "step", stream) if bar_wanted(quiet, stream) else None
        self._show()

    def _show(self) -> None:
        if self.bar is not None and self.done < len(self.names):
            self.bar.set_postfix_str(self.names[self.done])

    def next(self) -> None:
        """The current step is done; the bar names the next one."""
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        self._show()

    def close(self) -> None:
        """End the bar (idempotent)."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> Stages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
