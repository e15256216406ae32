"""mnist_viz._progress: a bar only on a terminal, plain lines elsewhere, nothing when quiet; always on stderr."""
import contextlib
import doctest
import io
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest

from mnist_viz import _progress
from mnist_viz._progress import ReportProgress, Stages, bar_wanted, epoch_line, fit_progress, log


class Terminal(io.StringIO):
    """A stream that says it is a terminal (what tqdm and bar_wanted ask)."""

    def isatty(self):
        if self.closed:
            raise ValueError("I/O operation on closed file")
        return True


def test_docstring_examples_run():
    result = doctest.testmod(_progress, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 6 and result.failed == 0


def test_bar_only_on_a_terminal_and_never_when_quiet():
    assert bar_wanted(False, Terminal()) is True
    assert bar_wanted(True, Terminal()) is False
    assert bar_wanted(False, io.StringIO()) is False
    closed = Terminal()
    closed.close()
    assert bar_wanted(False, closed) is False  # isatty on a closed stream raises: no bar
    assert bar_wanted(False, object()) is False  # no isatty at all


def test_log_writes_stderr_not_stdout(capsys):
    log("a line")
    log("hidden", quiet=True)
    assert capsys.readouterr() == ("", "a line\n")


def _drive(callback, epochs=2, steps=3):
    """What Keras calls on a fit callback, without a model."""
    callback.set_params({"epochs": epochs, "steps": steps, "verbose": 0})
    callback.on_train_begin()
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch)
        for batch in range(steps):
            callback.on_train_batch_end(batch, {"loss": 1.0 / (batch + 1), "accuracy": 0.5})
        callback.on_epoch_end(epoch, {"loss": 0.25, "accuracy": 0.75, "val_loss": 0.5})
    callback.on_train_end()


def test_fit_progress_off_a_terminal_is_one_line_per_epoch():
    stream = io.StringIO()
    _drive(fit_progress("dense", stream=stream))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in stream.getvalue()
    assert lines[0].startswith("dense: epoch 1/2 - ") and lines[1].startswith("dense: epoch 2/2 - ")
    assert lines[1].endswith(" s - loss 0.2500 - accuracy 0.7500 - val_loss 0.5000")


def test_fit_progress_on_a_terminal_draws_a_bar_over_all_batches():
    stream = Terminal()
    callback = fit_progress("convnet", stream=stream)
    _drive(callback)
    text = stream.getvalue()
    assert "\r" in text and "6/6" in text and "100%" in text and "batch" in text
    assert "convnet: epoch 2/2:" in text  # the bar's description follows the epoch
    assert "loss=0.333" in text  # the running loss (and accuracy, where the terminal is wide enough)
    assert text.count("convnet: epoch 1/2 - ") == 1 and text.count("convnet: epoch 2/2 - ") == 1  # above the bar
    assert callback.bar is None  # closed at train end; close() again is harmless
    callback.close()


def test_fit_progress_when_quiet_is_none():
    assert fit_progress("dense", quiet=True, stream=Terminal()) is None


def test_fit_progress_in_a_real_fit_goes_to_its_stream_only(capsys):
    import numpy as np

    from mnist_viz._tf import import_keras

    keras = import_keras()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    stream = Terminal()
    model.fit(np.ones((20, 4)), np.arange(20) % 2, batch_size=5, epochs=2, verbose=0,
              callbacks=[fit_progress("tiny", stream=stream)])
    text = stream.getvalue()
    assert "8/8" in text and "tiny: epoch 2/2 - " in text  # Keras gave it epochs and steps (4 a epoch)
    assert capsys.readouterr() == ("", "")


def test_epoch_line_skips_what_is_not_a_number():
    assert epoch_line("m", 0, None, {"loss": 0.5, "note": "x", "lr": None}, 2.0) == "m: epoch 1 - 2.0 s - loss 0.5000"
    assert epoch_line("m", 2, 3, {}, 0.04) == "m: epoch 3/3 - 0.0 s"


def test_report_progress_off_a_terminal_passes_every_line_on():
    stream = io.StringIO()
    progress = ReportProgress(stream=stream)
    progress.start(2)
    progress.tick("b")
    progress.tick("a")
    for line in ("report: a (0.1 s)", "report: b (0.2 s)", "report: done"):
        progress(line)
    assert stream.getvalue() == "report: a (0.1 s)\nreport: b (0.2 s)\nreport: done\n"


def test_report_progress_on_a_terminal_shows_a_bar_instead_of_the_section_lines():
    stream = Terminal()
    progress = ReportProgress(stream=stream)
    progress.start(3)
    for label in ("[1/1] r: weights", "[1/1] r: summary", "[1/1] r: curves"):
        progress.tick(label)
        progress(f"report: {label} (0.10 s)")
    progress("report: done in 1.00 s")
    text = stream.getvalue()
    assert "3/3" in text and "100%" in text and "section" in text
    assert "report: [1/1] r: summary (0.10 s)" not in text
    assert text.endswith("report: done in 1.00 s\n") and progress.bar is None


@pytest.mark.parametrize("stream, drawn", [(Terminal(), True), (io.StringIO(), False)])
def test_stages_draw_on_a_terminal_only(stream, drawn):
    with Stages("evaluate", ["load model", "score", "write"], stream=stream) as stages:
        stages.next()
        stages.next()
        stages.next()
    assert stages.done == 3 and stages.bar is None
    text = stream.getvalue()
    assert ("3/3" in text and "load model" in text and "evaluate" in text) if drawn else text == ""


def test_stages_when_quiet_draw_nothing():
    stream = Terminal()
    with Stages("evaluate", ["a"], quiet=True, stream=stream) as stages:
        stages.next()
    assert stream.getvalue() == ""


def test_the_default_stream_is_stderr_at_the_time_of_use():
    err = Terminal()
    with contextlib.redirect_stderr(err):
        ReportProgress()("report: done")
        with Stages("evaluate", ["x"]) as stages:
            stages.next()
    assert err.getvalue().startswith("report: done\n") and "1/1" in err.getvalue()
