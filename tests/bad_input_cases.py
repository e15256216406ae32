"""The bad-input matrix of issue 14: bad inputs over the public API and the CLI, each with the error it
must give (a helper module, no tests; tests/test_bad_inputs.py and benchmarks/bad_input_matrix.py run it).

A :class:`Case` is an id, a callable (no argument, or ``tmp_path`` when it needs files), the exception
expected (by dotted name, resolved only when the case runs, so the list runs against older code where
a class may not exist) and a regex its message must match, naming the argument or the file. A CLI case's
callable returns the argv for ``mnist_viz.cli.main``; it expects an exit code and a one-line stderr
matching the regex, without a traceback. :func:`outcome` runs a case and says what happened:

- ``"clear"``: the expected exception (or exit code), its message matching;
- ``"unclear"``: another exception, a message not matching, a traceback or a multi-line CLI output,
  an API this mnist_viz does not have, or no answer within :data:`CASE_SECONDS` (a blocked read);
- ``"silent"``: no exception / exit 0: a result produced quietly from a bad input.

A few inputs are answered with a result that says what is wrong instead of an exception (a report
goes on past a diverged model's NaN predictions, with a note): such a case has ``shows``, which finds
that statement in the result ("clear") or not ("silent").

No case trains: the CLI's ``train``/``evaluate`` are replaced by stubs that raise :class:`WouldRun`
(counted ``"silent"``: the bad argument would have been used), and run directories are written by
tests/report_runs.py without TensorFlow. Only the recorder cases (constructors) and
``evaluate-broken-model`` import Keras. ``test-zip-bomb`` builds its bomb with
tests/test_run_format_errors.py's builder, which imports today's mnist_viz._io: against an older
checkout that case fails in its set-up (counted unclear, and the detail says so).
"""
from __future__ import annotations

import builtins
import contextlib
import importlib
import inspect
import io
import json
import os
import re
import signal
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from report_runs import write_run

RUN_ERROR = "mnist_viz.run_format.RunFormatError"
#: seconds a case may take; one that takes longer (a reader blocked on a FIFO) is stopped, "unclear"
CASE_SECONDS = 30


@dataclass(frozen=True)
class Case:
    """One bad input: ``call()`` or ``call(tmp_path)``; for a CLI case (``cli=True``) it returns the argv."""

    id: str
    call: Callable[..., Any]
    raises: str  # dotted exception name ("ValueError", RUN_ERROR); for a CLI case unused
    match: str  # regex on the message (a CLI case: on its one stderr line)
    cli: bool = False
    exit_code: int = 2
    #: a known bug in a module this work may not change: the case stays, expected to fail (strict)
    xfail: str | None = None
    #: for an API that answers a bad input with a result saying so (a report's note) instead of an
    #: exception: ``shows(result)`` is the text that says so, or None (the result is "silent")
    shows: Callable[[Any], str | None] | None = None
    #: for a CLI runtime failure (a full disk, a permission lost): a context manager that makes the
    #: machine fail while the command runs
    failing: Callable[[], Any] | None = None


class TimedOut(BaseException):
    """Raised in a case that ran past :data:`CASE_SECONDS` (by SIGALRM, which also ends a blocking
    ``open`` of a FIFO)."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    if not hasattr(signal, "setitimer") or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield  # no timers here, or someone else's alarm is set: leave it alone
        return

    def stop(signum, frame):
        raise TimedOut(f"no answer within {seconds:g} s (it blocks or reads without end)")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class WouldRun(BaseException):
    """Raised by the stubbed ``train``/``evaluate``: the CLI accepted the bad input and went on to run
    (a BaseException, so no ``except Exception`` of the code under test hides it)."""


def _resolve(dotted: str) -> type[BaseException] | None:
    if "." not in dotted:
        return getattr(builtins, dotted)
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def _one_line(text: str, limit: int = 160) -> str:
    text = " | ".join(line for line in text.strip().splitlines() if line.strip())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _invoke(case: Case, tmp_path: Path) -> Any:
    return case.call(tmp_path) if inspect.signature(case.call).parameters else case.call()


@contextlib.contextmanager
def _no_training():
    import mnist_viz.evaluation as evaluation
    import mnist_viz.training as training

    def stub(what):
        def run(*args, **kwargs):
            raise WouldRun(f"{what} ran with the bad input")
        return run

    saved = training.train, evaluation.evaluate
    training.train, evaluation.evaluate = stub("train"), stub("evaluate")
    try:
        yield
    finally:
        training.train, evaluation.evaluate = saved


def _cli_outcome(case: Case, tmp_path: Path) -> tuple[str, str]:
    from mnist_viz import cli

    argv = [str(a) for a in _invoke(case, tmp_path)]
    err = io.StringIO()
    cwd = os.getcwd()
    os.chdir(tmp_path)  # defaults (runs/, reports/) land in tmp_path
    try:
        failing = case.failing() if case.failing is not None else contextlib.nullcontext()
        with _no_training(), failing, contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = cli.main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except WouldRun as exc:
                return "silent", f"exit 0 path: {exc}"
            except Exception as exc:  # noqa: BLE001 - escaped main: a traceback for the user
                return "unclear", f"{type(exc).__name__} escaped cli.main: {_one_line(str(exc))}"
    finally:
        os.chdir(cwd)
    text = err.getvalue()
    lines = [line for line in text.splitlines() if line.strip()]
    if code == 0:
        return "silent", f"exit 0; stderr: {_one_line(text) or '(empty)'}"
    if code != case.exit_code:
        return "unclear", f"exit {code}, expected {case.exit_code}; stderr: {_one_line(text)}"
    if "Traceback" in text or len(lines) != 1:
        return "unclear", f"exit {code} but stderr has {len(lines)} lines: {_one_line(text)}"
    if not re.search(case.match, lines[0]):
        return "unclear", f"exit {code}; stderr does not match /{case.match}/: {_one_line(text)}"
    return "clear", lines[0]


def _api_outcome(case: Case, tmp_path: Path) -> tuple[str, str]:
    expected = _resolve(case.raises)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = _invoke(case, tmp_path)
        if case.shows is not None:
            said = case.shows(result)
            return ("clear", f"no exception; the result says: {_one_line(said, 300)}") if said else (
                "silent", "no exception, and the result does not say what is wrong")
    except Exception as exc:  # noqa: BLE001 - judging what came is the point
        message = _one_line(str(exc), 300)
        name = type(exc).__name__
        if isinstance(exc, (ImportError, AttributeError)) and "mnist_viz" in str(exc):
            return "unclear", f"API missing in this mnist_viz? {name}: {message}"
        if expected is None:
            return "unclear", f"{case.raises} does not exist in this mnist_viz; got {name}: {message}"
        if not isinstance(exc, expected):
            return "unclear", f"{name} instead of {case.raises}: {message}"
        if not re.search(case.match, str(exc)):
            return "unclear", f"{name} does not match /{case.match}/: {message}"
        return "clear", f"{name}: {message}"
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
    return "silent", "no exception"  # (a case with ``shows`` returned above)


def outcome(case: Case, tmp_path: Path) -> tuple[str, str]:
    """(verdict, what happened) of ``case`` run in the empty folder ``tmp_path``."""
    tmp_path = Path(tmp_path)
    try:
        with _time_limit(CASE_SECONDS):
            return (_cli_outcome if case.cli else _api_outcome)(case, tmp_path)
    except TimedOut as exc:
        return "unclear", str(exc)
    except Exception:  # noqa: BLE001 - the case's own set-up broke (e.g. a helper missing in old code)
        return "unclear", "the case could not run: " + _one_line(traceback.format_exc().splitlines()[-1])


def classify(case: Case, tmp_path: Path) -> str:
    """``"clear"``, ``"unclear"`` or ``"silent"``: see the module docstring."""
    return outcome(case, tmp_path)[0]


# --------------------------------------------------------------------------------------------- inputs

Y = np.array([0, 1, 2, 1, 0, 2, 1, 0, 2, 1])


def _probs(y=Y, n_classes: int = 3) -> np.ndarray:
    p = np.full((len(y), n_classes), 0.1 / (n_classes - 1))
    p[np.arange(len(y)), y] = 0.9
    return p


def _images(n: int = len(Y)) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (n, 28, 28)).astype(np.uint8)


def _nan_rows(p: np.ndarray, rows=(2, 5)) -> np.ndarray:
    p = p.copy()
    p[list(rows)] = np.nan
    return p


def _history(**extra) -> dict:
    return {"loss": [0.9, 0.5, 0.3], "accuracy": [0.6, 0.8, 0.9], **extra}


def _run(tmp_path: Path, name: str = "run", **kwargs) -> Path:
    return write_run(tmp_path / name, epochs=2, n_test=50, n_probe=8, **kwargs)


def _loaded(tmp_path: Path):
    from mnist_viz.run import Run

    return Run.load(_run(tmp_path))


def _plot(name: str):
    import mnist_viz.plots as mp

    return getattr(mp, name)


def plot(case_id: str, fn: str, args: Callable[[], tuple], kwargs: dict | None = None, *, raises: str,
         match: str) -> Case:
    """A plot case: ``mnist_viz.plots.<fn>(*args(), **kwargs)``."""
    return Case(case_id, lambda: _plot(fn)(*args(), **(kwargs or {})), raises, match)


def plot_run(case_id: str, fn: str, args: Callable[[Any], tuple], kwargs: dict | None = None, *, raises: str,
             match: str) -> Case:
    """A plot case over a loaded run: ``args(run)``."""
    return Case(case_id, lambda tmp: _plot(fn)(*args(_loaded(tmp)), **(kwargs or {})), raises, match)


def _figure():
    import matplotlib.pyplot as plt

    return plt.figure()


def _axes():
    import matplotlib.pyplot as plt

    return plt.figure().subplots()


PLOT_CASES = [
    # confusion_matrix
    plot("confusion-lengths", "confusion_matrix", lambda: (Y, Y[:7]), raises="ValueError",
         match=r"y_true.*10.*y_pred.*7|y_pred.*7.*y_true.*10"),
    plot("confusion-nan-probabilities", "confusion_matrix", lambda: (Y, _nan_rows(_probs())), raises="ValueError",
         match=r"y_pred.*NaN.*row 2"),
    plot("confusion-y-pred-columns", "confusion_matrix", lambda: (Y, np.full((10, 4), 0.25)), {"n_classes": 3},
         raises="ValueError", match=r"y_pred has 4 columns.*expected 3"),
    plot("confusion-label-out-of-range", "confusion_matrix", lambda: (np.r_[Y[:-1], 5], Y), {"n_classes": 3},
         raises="ValueError", match=r"y_true.*label 5.*3 classes"),
    plot("confusion-negative-label", "confusion_matrix", lambda: (np.r_[Y[:-1], -1], Y), raises="ValueError",
         match=r"y_true.*negative label"),
    plot("confusion-text-labels", "confusion_matrix", lambda: (np.array(list("abcabcabca")), Y), raises="TypeError",
         match=r"y_true.*(integer|numbers)"),
    plot("confusion-fractional-labels", "confusion_matrix", lambda: (Y + 0.5, Y), raises="TypeError",
         match=r"y_true.*integer"),
    plot("confusion-2d-not-one-hot", "confusion_matrix", lambda: (np.ones((10, 3)), Y), raises="ValueError",
         match=r"y_true.*not one-hot"),
    plot("confusion-3d-labels", "confusion_matrix", lambda: (np.zeros((10, 3, 2), int), Y), raises="ValueError",
         match=r"y_true.*shape"),
    plot("confusion-empty-class-names", "confusion_matrix", lambda: (Y, Y), {"class_names": []}, raises="ValueError",
         match=r"class_names.*empty"),
    plot("confusion-normalize-word", "confusion_matrix", lambda: (Y, Y), {"normalize": "rows"}, raises="ValueError",
         match=r"normalize.*'rows'"),
    plot("confusion-class-names-count", "confusion_matrix", lambda: (Y, Y), {"class_names": ["a", "b"]},
         raises="ValueError", match=r"class_names has 2 names"),
    plot("confusion-n-classes-zero", "confusion_matrix", lambda: (Y, Y), {"n_classes": 0}, raises="ValueError",
         match=r"n_classes"),
    plot("confusion-values-format-number", "confusion_matrix", lambda: (Y, Y), {"values_format": 2},
         raises="TypeError", match=r"values_format.*int"),
    plot("confusion-values-format-bad", "confusion_matrix", lambda: (Y, Y), {"values_format": ".2q"},
         raises="ValueError", match=r"values_format.*'\.2q'"),
    plot("confusion-cmap-unknown", "confusion_matrix", lambda: (Y, Y), {"cmap": "nope"}, raises="ValueError",
         match=r"cmap.*'nope'"),
    plot("confusion-ax-not-axes", "confusion_matrix", lambda: (Y, Y), {"ax": "left"}, raises="TypeError",
         match=r"ax must be"),
    Case("confusion-fig-given", lambda: _plot("confusion_matrix")(Y, Y, fig=_figure()), "TypeError",
         r"confusion_matrix.*pass ax=.*instead of fig="),
    # class_metrics
    plot("class-metrics-kind", "class_metrics", lambda: (Y, Y), {"kind": "pie"}, raises="ValueError",
         match=r"kind.*'pie'"),
    plot("class-metrics-lengths", "class_metrics", lambda: (Y, Y[:3]), raises="ValueError", match=r"y_true.*y_pred"),
    plot("class-metrics-text-pred", "class_metrics", lambda: (Y, np.array(["x"] * 10)), raises="TypeError",
         match=r"y_pred"),
    plot("class-metrics-nan-probabilities", "class_metrics", lambda: (Y, _nan_rows(_probs())), raises="ValueError",
         match=r"y_pred.*NaN"),
    # calibration
    plot("calibration-nan", "calibration", lambda: (Y, _nan_rows(_probs())), raises="ValueError",
         match=r"probabilities.*NaN.*row 2"),
    plot("calibration-inf", "calibration", lambda: (Y, np.where(_probs() > 0.5, np.inf, 0.0)), raises="ValueError",
         match=r"probabilities.*(NaN or inf|inf)"),
    plot("calibration-scaled-by-0.9", "calibration", lambda: (Y, _probs() * 0.9), raises="ValueError",
         match=r"probabilities.*do not sum to 1"),
    plot("calibration-percentages", "calibration", lambda: (Y, _probs() * 100), raises="ValueError",
         match=r"probabilities.*percentages"),
    plot("calibration-n-bins-zero", "calibration", lambda: (Y, _probs()), {"n_bins": 0}, raises="ValueError",
         match=r"n_bins"),
    plot("calibration-n-bins-fraction", "calibration", lambda: (Y, _probs()), {"n_bins": 2.5}, raises="ValueError",
         match=r"n_bins"),
    plot("calibration-1d-probabilities", "calibration", lambda: (Y, np.full(10, 0.5)), raises="ValueError",
         match=r"probabilities.*2-D"),
    plot("calibration-lengths", "calibration", lambda: (Y[:4], _probs()), raises="ValueError",
         match=r"y_true.*probabilities|probabilities.*y_true"),
    plot("calibration-label-beyond-columns", "calibration", lambda: (np.r_[Y[:-1], 7], _probs()),
         raises="ValueError", match=r"y_true.*label 7"),
    plot("calibration-text-probabilities", "calibration", lambda: (Y, np.full((10, 3), "0.3")), raises="TypeError",
         match=r"probabilities.*(numbers|dtype)"),
    plot("ece-nan", "expected_calibration_error", lambda: (Y, _nan_rows(_probs())), raises="ValueError",
         match=r"probabilities.*NaN"),
    plot("ece-n-bins-negative", "expected_calibration_error", lambda: (Y, _probs()), {"n_bins": -1},
         raises="ValueError", match=r"n_bins"),
    # topk_grid
    plot("topk-images-shape", "topk_grid", lambda: (np.zeros((10, 10)), Y, _probs()), raises="ValueError",
         match=r"images must have shape"),
    plot("topk-images-nan", "topk_grid", lambda: (np.full((10, 28, 28), np.nan), Y, _probs()), raises="ValueError",
         match=r"images.*NaN"),
    plot("topk-images-huge-range", "topk_grid", lambda: (_images() * 1e4, Y, _probs()), raises="ValueError",
         match=r"images.*pixel values"),
    plot("topk-images-above-255", "topk_grid", lambda: (_images() + 300.0, Y, _probs()), raises="ValueError",
         match=r"images.*pixel values"),
    plot("topk-images-text", "topk_grid", lambda: (np.full((10, 28, 28), "x"), Y, _probs()), raises="TypeError",
         match=r"images"),
    plot("topk-images-count", "topk_grid", lambda: (_images(4), Y, _probs()), raises="ValueError",
         match=r"images.*4|4.*images"),
    plot("topk-k-zero", "topk_grid", lambda: (_images(), Y, _probs()), {"k": 0}, raises="ValueError",
         match=r"\bk\b"),
    plot("topk-n-zero", "topk_grid", lambda: (_images(), Y, _probs()), {"n": 0}, raises="ValueError",
         match=r"\bn\b"),
    plot("topk-ncols-zero", "topk_grid", lambda: (_images(), Y, _probs()), {"ncols": 0}, raises="ValueError",
         match=r"ncols"),
    plot("topk-unnormalised", "topk_grid", lambda: (_images(), Y, _probs() * 0.9), raises="ValueError",
         match=r"probabilities.*do not sum to 1"),
    plot("topk-indices-out-of-range", "topk_grid", lambda: (_images(), Y, _probs()), {"indices": [1, 99]},
         raises="ValueError", match=r"indices must be in 0\.\.9.*99"),
    plot("topk-k-above-classes", "topk_grid", lambda: (_images(), Y, _probs()), {"k": 4}, raises="ValueError",
         match=r"k must be at most.*\(3\)"),
    Case("topk-fig-is-axes", lambda: _plot("topk_grid")(_images(), Y, _probs(), fig=_axes()), "TypeError",
         r"fig must be"),
    # misclassified
    plot("misclassified-nan", "misclassified", lambda: (_images(), Y, _nan_rows(_probs())), raises="ValueError",
         match=r"probabilities.*NaN"),
    plot("misclassified-n-negative", "misclassified", lambda: (_images(), Y, _probs()), {"n": -1},
         raises="ValueError", match=r"\bn\b"),
    plot("misclassified-ncols-zero", "misclassified", lambda: (_images(), Y, _probs((Y + 1) % 3)), {"ncols": 0},
         raises="ValueError", match=r"ncols"),
    plot("misclassified-class-names", "misclassified", lambda: (_images(), Y, _probs()), {"class_names": ["a"]},
         raises="ValueError", match=r"class_names"),
    plot("misclassified-noun-number", "misclassified", lambda: (_images(), Y, _probs()), {"noun": 5},
         raises="TypeError", match=r"noun.*int"),
    plot("misclassified-labels-length", "misclassified", lambda: (_images(), Y[:5], _probs()), raises="ValueError",
         match=r"y_true"),
    # confused_pairs
    plot("confused-pairs-n-pairs-zero", "confused_pairs", lambda: (_images(), Y, _probs()), {"n_pairs": 0},
         raises="ValueError", match=r"n_pairs"),
    plot("confused-pairs-n-examples-zero", "confused_pairs", lambda: (_images(), Y, _probs()), {"n_examples": 0},
         raises="ValueError", match=r"n_examples"),
    plot("confused-pairs-unnormalised", "confused_pairs", lambda: (_images(), Y, _probs() * 0.9),
         raises="ValueError", match=r"probabilities.*do not sum to 1"),
    plot("confused-pairs-images-inf", "confused_pairs", lambda: (np.where(_images() > 9, np.inf, 0), Y, _probs()),
         raises="ValueError", match=r"images.*(NaN|inf)"),
    # training_curves
    plot("curves-unequal-lengths", "training_curves", lambda: ({"loss": [0.9, 0.5, 0.3], "val_loss": [0.2]},),
         raises="ValueError", match=r"history.*lengths"),
    plot("curves-text-cell", "training_curves", lambda: (_history(loss=[0.9, "oops", 0.3]),), raises="TypeError",
         match=r"history\['loss'\].*'oops'"),
    plot("curves-frame-text-column", "training_curves",
         lambda: (pd.DataFrame({"epoch": [0, 1, 2], "loss": ["0.9", "oops", "0.3"]}),), raises="TypeError",
         match=r"loss.*'oops'"),
    plot("curves-fractional-epoch", "training_curves",
         lambda: (pd.DataFrame({"epoch": [0, 1.5, 2], "loss": [0.9, 0.5, 0.3]}),), raises="ValueError",
         match=r"epoch.*1.5"),
    plot("curves-nan-epoch", "training_curves",
         lambda: (pd.DataFrame({"epoch": [0, np.nan, 2], "loss": [0.9, 0.5, 0.3]}),), raises="ValueError",
         match=r"epoch"),
    plot("curves-repeated-epoch", "training_curves",
         lambda: (pd.DataFrame({"epoch": [0, 1, 1], "loss": [0.9, 0.5, 0.3]}),), raises="ValueError",
         match=r"epoch.*once.*row 2"),
    plot("curves-nested-cell", "training_curves", lambda: (_history(loss=[[0.9, 0.5], [0.3, 0.2], [0.1, 0]]),),
         raises="TypeError", match=r"history\['loss'\].*\[0\.9, 0\.5\]"),
    plot("curves-unknown-metric", "training_curves", lambda: (_history(),), {"metrics": "f1"}, raises="ValueError",
         match=r"f1"),
    plot("curves-history-list", "training_curves", lambda: ([0.9, 0.5],), raises="TypeError",
         match=r"history must be.*got list"),
    plot("curves-history-number", "training_curves", lambda: (5,), raises="TypeError", match=r"history"),
    plot("curves-learning-rate-word", "training_curves", lambda: (_history(),), {"learning_rate": "yes"},
         raises="ValueError", match=r"learning_rate"),
    # compare_curves / compare_confusion (runs)
    plot("compare-curves-no-runs", "compare_curves", lambda: ([],), raises="ValueError", match=r"runs"),
    plot("compare-curves-not-runs", "compare_curves", lambda: (["a", "b"],), raises="TypeError", match=r"runs"),
    plot_run("compare-curves-unknown-metric", "compare_curves", lambda r: ([r, r],), {"metrics": "f1"},
             raises="ValueError", match=r"f1"),
    plot("compare-confusion-no-runs", "compare_confusion", lambda: ([],), raises="ValueError", match=r"runs"),
    plot_run("compare-confusion-class-names", "compare_confusion", lambda r: ([r, r],), {"class_names": ["a", "b"]},
             raises="ValueError", match=r"class_names"),
    # embedding
    plot("embedding-lengths", "embedding", lambda: (np.zeros((7, 4)), Y), raises="ValueError",
         match=r"features.*y_true|y_true.*features"),
    plot("embedding-method", "embedding", lambda: (np.random.default_rng(0).random((10, 4)), Y), {"method": "umap"},
         raises="ValueError", match=r"method.*'umap'"),
    plot("embedding-nan-features", "embedding", lambda: (np.full((10, 4), np.nan), Y), raises="ValueError",
         match=r"features.*(NaN|finite)"),
    plot("embedding-y-pred-length", "embedding", lambda: (np.random.default_rng(0).random((10, 4)), Y),
         {"y_pred": Y[:3]}, raises="ValueError", match=r"y_pred has 3 rows"),
    plot("embedding-y-pred-out-of-range", "embedding", lambda: (np.random.default_rng(0).random((10, 4)), Y),
         {"y_pred": Y + 5}, raises="ValueError", match=r"y_pred holds label 7"),
    plot("embedding-text-features", "embedding", lambda: (np.full((10, 4), "x"), Y), raises="TypeError",
         match=r"features"),
    # dense_weights / filters
    plot("dense-weights-1d", "dense_weights", lambda: (np.zeros(784),), raises="ValueError", match=r"kernel"),
    plot("dense-weights-nan", "dense_weights", lambda: (np.full((784, 4), np.nan),), raises="ValueError",
         match=r"kernel.*(NaN|finite)"),
    plot("dense-weights-n-units-zero", "dense_weights", lambda: (np.zeros((784, 4)),), {"n_units": 0},
         raises="ValueError", match=r"n_units"),
    plot("dense-weights-not-784", "dense_weights", lambda: (np.zeros((100, 4)),), raises="ValueError",
         match=r"kernel.*(784|100)"),
    plot("filters-2d", "filters", lambda: (np.zeros((3, 3)),), raises="ValueError", match=r"kernel"),
    plot("filters-ncols-zero", "filters", lambda: (np.zeros((3, 3, 1, 4)),), {"ncols": 0}, raises="ValueError",
         match=r"ncols"),
    # weight_evolution / prediction_evolution / activations / alt_text
    plot("weight-evolution-text", "weight_evolution", lambda: ("weights",), raises="TypeError", match=r"records"),
    plot("weight-evolution-missing-columns", "weight_evolution", lambda: (pd.DataFrame({"epoch": [0, 1]}),),
         raises="TypeError", match=r"records must be .*got DataFrame"),
    plot_run("weight-evolution-kind", "weight_evolution", lambda r: (r,), {"kind": "pie"}, raises="ValueError",
             match=r"kind.*'pie'"),
    plot("prediction-evolution-text", "prediction_evolution", lambda: ("probe",), raises="TypeError",
         match=r"probe"),
    plot_run("prediction-evolution-kind", "prediction_evolution", lambda r: (r,), {"kind": "pie"},
             raises="ValueError", match=r"kind.*'pie'"),
    plot_run("prediction-evolution-epoch-out-of-range", "prediction_evolution", lambda r: (r,), {"epochs": [99]},
             raises="ValueError", match=r"epochs?.*99"),
    plot("activations-model-text", "activations", lambda: (_images(1)[0], "model"), raises="TypeError",
         match=r"model"),
    plot("alt-text-number", "alt_text", lambda: (5,), raises="TypeError", match=r"alt_text|Figure|Axes"),
]


# ----------------------------------------------------------------------------------------- Run.load

def _broken(name: str, how: Callable[[Path], None]) -> Callable[[Path], Any]:
    """Run.load of a valid run with the file ``name`` (path under the run) broken by ``how``."""
    def call(tmp_path: Path):
        from mnist_viz.run import Run

        run_dir = _run(tmp_path)
        how(run_dir / name)
        return Run.load(run_dir)
    return call


def _edit_json(change):
    def how(path: Path):
        path.write_text(json.dumps(change(json.loads(path.read_text()))))
    return how


def _edit_npz(change):
    def how(path: Path):
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        path.unlink()
        np.savez_compressed(path, **change(arrays))
    return how


def _edit_csv(change):
    def how(path: Path):
        frame = pd.read_csv(path)
        path.write_text(change(frame).to_csv(index=False))
    return how


def _cell(column: str, value):
    def change(frame):
        frame[column] = frame[column].astype(object)
        frame.loc[frame.index[-1], column] = value
        return frame
    return change


def _link_out(path: Path):
    outside = path.parents[1] / ("outside" + path.suffix)
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)


def _fifo(path: Path):
    path.unlink()
    os.mkfifo(path)


def _zip_bomb(path: Path):
    from test_run_format_errors import _zip_bomb as bomb  # the 1.12 GiB bomb, built in about a second

    bomb(path, "probabilities.npy", int(1.12 * 2**30))


def run_case(case_id: str, name: str, how: Callable[[Path], None], match: str) -> Case:
    return Case(case_id, _broken(name, how), RUN_ERROR, match)


RUN_CASES = [
    run_case("run-json-garbled", "run.json", lambda p: p.write_text('{"status": "compl'),
             r"run\.json.*not valid JSON"),
    run_case("run-json-list", "run.json", lambda p: p.write_text("[1, 2]"), r"run\.json.*JSON object"),
    run_case("run-json-empty", "run.json", lambda p: p.write_text(""), r"run\.json"),
    run_case("run-json-future-version", "run.json", _edit_json(lambda i: {**i, "format_version": 2}),
             r"run\.json.*format_version.*2"),
    run_case("run-json-epochs-text", "run.json", _edit_json(lambda i: {**i, "epochs_completed": "two"}),
             r"run\.json.*epochs_completed"),
    run_case("run-json-negative-epochs", "run.json", _edit_json(lambda i: {**i, "epochs_completed": -3}),
             r"run\.json.*'epochs_completed' is -3.*>= 0"),
    run_case("run-json-metadata-text", "run.json", _edit_json(lambda i: {**i, "metadata": "x"}),
             r"run\.json.*metadata"),
    run_case("run-json-class-names-object", "run.json", _edit_json(lambda i: {**i, "class_names": {"a": 1}}),
             r"run\.json.*class_names"),
    run_case("history-text-cell", "history.csv", _edit_csv(_cell("loss", "oops")),
             r"history\.csv.*'loss'.*'oops'"),
    run_case("history-fractional-epoch", "history.csv", _edit_csv(_cell("epoch", 1.5)),
             r"history\.csv.*epoch"),
    run_case("history-not-csv", "history.csv", lambda p: p.write_bytes(b"\xff\xfe\x00garbage"), r"history\.csv"),
    run_case("history-repeated-epoch", "history.csv", _edit_csv(lambda f: f.assign(epoch=[0, 0])),
             r"history\.csv.*'epoch' row 2 is 0 after 0"),
    run_case("history-negative-epoch", "history.csv", _edit_csv(lambda f: f.assign(epoch=[-1, 0])),
             r"history\.csv.*'epoch' starts at -1"),
    run_case("history-epochs-backwards", "history.csv", _edit_csv(lambda f: f.assign(epoch=[1, 0])),
             r"history\.csv.*'epoch' row 2 is 0 after 1"),
    run_case("history-link-out", "history.csv", _link_out, r"history\.csv.*(link|outside)"),
    run_case("history-fifo", "history.csv", _fifo, r"history\.csv.*(FIFO|special|regular|not a file)"),
    run_case("batches-text-cell", "batches.csv", _edit_csv(_cell("loss", "oops")), r"batches\.csv.*'loss'"),
    run_case("stats-missing-column", "weights/stats.csv", _edit_csv(lambda f: f.drop(columns=["weight"])),
             r"stats\.csv.*'weight'"),
    run_case("index-not-a-list", "weights/index.json", lambda p: p.write_text('{"key": 0}'),
             r"index\.json.*JSON list"),
    run_case("histograms-missing-edges", "weights/histograms.npz",
             _edit_npz(lambda a: {k: v for k, v in a.items() if k != "edges_0"}), r"histograms\.npz.*'edges_0'"),
    run_case("histograms-not-a-zip", "weights/histograms.npz", lambda p: p.write_bytes(b"PK\x03\x04garbage"),
             r"histograms\.npz.*npz"),
    run_case("dead-relu-missing-column", "weights/dead_relu.csv",
             _edit_csv(lambda f: f.drop(columns=["dead_fraction"])), r"dead_relu\.csv.*'dead_fraction'"),
    run_case("probe-missing-labels", "probe/probe.npz",
             _edit_npz(lambda a: {k: v for k, v in a.items() if k != "labels"}), r"probe\.npz.*'labels'"),
    run_case("probe-epoch-wrong-length", "probe/epoch_0000.npz",
             _edit_npz(lambda a: {"probabilities": a["probabilities"][:5]}), r"epoch_0000\.npz.*5 rows"),
    run_case("test-labels-wrong-length", "test_predictions.npz",
             _edit_npz(lambda a: {**a, "labels": np.arange(10)}), r"test_predictions\.npz.*(50|10) rows"),
    run_case("test-probabilities-1d", "test_predictions.npz",
             _edit_npz(lambda a: {**a, "probabilities": np.zeros(50)}), r"test_predictions\.npz.*probabilities"),
    run_case("test-probabilities-text", "test_predictions.npz",
             _edit_npz(lambda a: {**a, "probabilities": np.full((50, 10), "x")}),
             r"test_predictions\.npz.*probabilities"),
    run_case("test-empty-file", "test_predictions.npz", lambda p: p.write_bytes(b""), r"test_predictions\.npz"),
    run_case("test-zip-bomb", "test_predictions.npz", _zip_bomb, r"test_predictions\.npz.*decompresses"),
    run_case("features-garbled", "features.npz", lambda p: p.write_bytes(b"\x00" * 100), r"features\.npz"),
    Case("run-load-missing-folder", lambda tmp: _load_run(tmp / "nowhere"), "FileNotFoundError",
         r"nowhere"),
    Case("run-load-empty-folder", lambda tmp: _load_run(tmp), "FileNotFoundError",
         r"run\.json|not a run"),
]


def _load_run(path: Path):
    from mnist_viz.run import Run

    return Run.load(path)


# ------------------------------------------------------------------------------------- build_report

def _report(runs_of: Callable[[Path], Any], **kwargs) -> Callable[[Path], Any]:
    def call(tmp_path: Path):
        from mnist_viz.report import build_report

        options = dict(kwargs)
        path = tmp_path / options.pop("path", "r.html")
        return build_report(runs_of(tmp_path), path, **options)
    return call


def _nan_rows_run(tmp_path: Path) -> list[Path]:
    """A run whose test predictions have 5 rows of NaN (a diverged model): the report goes on, saying so."""
    run_dir = _run(tmp_path)
    _edit_npz(lambda a: {**a, "probabilities": np.where(np.arange(50)[:, None] < 5, np.nan, a["probabilities"])})(
        run_dir / "test_predictions.npz")
    return [run_dir]


def _note_on(pattern: str) -> Callable[[Any], str | None]:
    def shows(report) -> str | None:
        found = re.search(pattern, getattr(report, "html", ""))
        return found.group(0) if found else None
    return shows


def _broken_dir(tmp_path: Path) -> Path:
    run_dir = _run(tmp_path)
    (run_dir / "run.json").write_text("[1, 2]")
    return run_dir


REPORT_CASES = [
    Case("report-no-runs", _report(lambda tmp: []), "ValueError", r"runs?"),
    Case("report-missing-folder", _report(lambda tmp: [tmp / "nowhere"]), "ValueError", r"nowhere"),
    Case("report-not-a-run", _report(lambda tmp: [tmp]), "ValueError", r"run\.json|not a run"),
    Case("report-runs-number", _report(lambda tmp: 5), "ValueError", r"runs must be .*got int"),
    Case("report-progress-not-callable", _report(lambda tmp: [_run(tmp)], progress=5), "TypeError",
         r"progress must be a callable.*int"),
    Case("report-path-is-folder", _report(lambda tmp: [_run(tmp)], path="."), "ValueError", r"path"),
    Case("report-jobs-zero", _report(lambda tmp: [_run(tmp)], jobs=0), "ValueError", r"jobs"),
    Case("report-nan-test-rows", _report(_nan_rows_run), "ValueError", "", shows=_note_on(
        r"test_predictions\.npz: 5 of 50 \w+ have NaN or inf probabilities[^<]*left out of the confusion matrix")),
    Case("report-broken-run", _report(lambda tmp: [_broken_dir(tmp)]), "ValueError", r"run\.json"),
]


# ------------------------------------------------------------------------------ load_mnist and data

def _data(fn: str):
    import mnist_viz.data as data

    return getattr(data, fn)


def _idx_folder(tmp_path: Path, broken: Callable[[Path], None] | None = None) -> Path:
    from data_helpers import write_idx_folder

    folder = tmp_path / "idx"
    write_idx_folder(folder, gz=False)
    if broken is not None:
        broken(folder)
    return folder


def _first(folder: Path, pattern: str) -> Path:
    return sorted(folder.glob(pattern))[0]


def _truncate(folder: Path):
    path = _first(folder, "*images*")
    path.write_bytes(path.read_bytes()[:200])


def _garble(folder: Path):
    _first(folder, "*labels*").write_bytes(b"not an idx file at all")


def _label_out_of_range(folder: Path):
    path = _first(folder, "t10k*labels*") if list(folder.glob("t10k*labels*")) else _first(folder, "*labels*")
    data = bytearray(path.read_bytes())
    data[-1] = 250
    path.write_bytes(bytes(data))


def load(case_id: str, source: str, match: str, raises: str = "ValueError", *,
         path: Callable[[Path], Path] | None = None, **kwargs) -> Case:
    """A load_mnist case: ``load_mnist(source, path(tmp_path), **kwargs)``."""
    def call(tmp_path: Path):
        return _data("load_mnist")(source, path(tmp_path) if path else None, **kwargs)
    return Case(case_id, call, raises, match)


DATA_CASES = [
    load("load-unknown-source", "nowhere", r"source.*'nowhere'"),
    load("load-idx-missing-folder", "idx", r"missing.*does not exist", raises="FileNotFoundError",
         path=lambda tmp: tmp / "missing"),
    load("load-idx-without-path", "idx", r"path"),
    load("load-idx-empty-folder", "idx", r"train-images-idx3-ubyte", raises="FileNotFoundError", path=lambda tmp: tmp),
    load("load-idx-truncated", "idx", r"images-idx3-ubyte", path=lambda tmp: _idx_folder(tmp, _truncate)),
    load("load-idx-garbled", "idx", r"labels-idx1-ubyte", path=lambda tmp: _idx_folder(tmp, _garble)),
    load("load-idx-label-out-of-range", "idx", r"label 250", path=lambda tmp: _idx_folder(tmp, _label_out_of_range)),
    load("load-unknown-dataset", "embedded", r"dataset.*'nope'", dataset="nope"),
    load("load-class-names-count", "embedded", r"class_names|class names", class_names=["a", "b"]),
    load("load-seed-text", "embedded", r"seed must be an integer.*'x'", seed="x"),
    load("load-timeout-negative", "keras", r"timeout", timeout=-1),
    Case("one-hot-label-out-of-range", lambda: _data("one_hot")([0, 5], num_classes=3), "ValueError", r"label 5"),
    Case("one-hot-num-classes-zero", lambda: _data("one_hot")([0, 1], num_classes=0), "ValueError",
         r"num_classes"),
    Case("to-sparse-text", lambda: _data("to_sparse")(["a", "b"]), "TypeError", r"\by\b|label"),
    Case("flatten-scale-shape", lambda: _data("flatten_scale")(np.zeros((3, 5))), "ValueError", r"x.*shape"),
    Case("as-image-batch-shape", lambda: _data("as_image_batch")(np.zeros((3, 5, 5))), "ValueError",
         r"x.*shape"),
    Case("flatten-scale-nan", lambda: _data("flatten_scale")(np.full((2, 28, 28), np.nan)), "ValueError",
         r"x.*(NaN|finite)"),
    Case("known-dataset-unknown", lambda: _data("known_dataset")("nope"), "ValueError", r"'nope'"),
]


# ------------------------------------------------------------------- recorders (constructors: Keras)

def _recorder(name: str):
    import mnist_viz.callbacks as callbacks

    return getattr(callbacks, name)


def _evaluate_broken_model(tmp_path: Path):
    import mnist_viz

    run_dir = _run(tmp_path)
    (run_dir / "model.keras").write_bytes(b"not a zip")
    return mnist_viz.evaluate(run_dir, mnist_viz.load_mnist("embedded"), name="x")


RECORDER_CASES = [
    Case("evaluate-broken-model", _evaluate_broken_model, "ValueError", r"model\.keras cannot be loaded"),
    Case("run-recorder-run-dir-none", lambda: _recorder("RunRecorder")(None), "ValueError", r"run_dir"),
    Case("run-recorder-metadata-list", lambda tmp: _recorder("RunRecorder")(tmp / "r", metadata=[1]), "TypeError",
         r"metadata"),
    Case("run-recorder-validation-split", lambda tmp: _recorder("RunRecorder")(tmp / "r", validation_split=1.5),
         "ValueError", r"validation_split"),
    Case("run-recorder-probe-size-zero", lambda tmp: _recorder("RunRecorder")(tmp / "r", probe_size=0),
         "ValueError", r"probe_size"),
    Case("weight-recorder-bins-one", lambda: _recorder("WeightRecorder")(bins=1), "ValueError", r"bins"),
    Case("weight-recorder-snapshot-every", lambda: _recorder("WeightRecorder")(snapshot_every=0), "ValueError",
         r"snapshot_every"),
    Case("prediction-recorder-batch-size", lambda: _recorder("PredictionRecorder")(batch_size=0), "ValueError",
         r"batch_size"),
    Case("prediction-recorder-lengths", lambda: _recorder("PredictionRecorder")(
        validation_data=(np.zeros((10, 28, 28)), np.zeros(3, int))), "ValueError", r"validation_data|rows"),
]


# ---------------------------------------------------------------------------------------------- CLI

def cli(case_id: str, argv: Callable[[Path], list] | list, match: str, exit_code: int = 2,
        xfail: str | None = None, failing: Callable[[], Any] | None = None) -> Case:
    return Case(case_id, (lambda tmp: argv(tmp)) if callable(argv) else (lambda: argv), "", match, cli=True,
                exit_code=exit_code, xfail=xfail, failing=failing)


@contextlib.contextmanager
def _disk_full_for(needle: str):
    """``os.fsync`` fails with ENOSPC (no file name, as the kernel says it) for files whose path holds
    ``needle`` (found through /proc/self/fd): a full disk under a write the page cache took."""
    import errno

    real = os.fsync

    def fsync(fd):
        if needle in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd)

    os.fsync = fsync
    try:
        yield
    finally:
        os.fsync = real


@contextlib.contextmanager
def _permission_lost():
    """``os.replace`` refused (EACCES): the folder's permissions changed while a command ran."""
    import errno

    real = os.replace

    def replace(src, dst):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(src), None, str(dst))

    os.replace = replace
    try:
        yield
    finally:
        os.replace = real


def _linked_out_run(tmp_path: Path) -> Path:
    run_dir = _run(tmp_path)
    _link_out(run_dir / "history.csv")
    return run_dir


def _mismatched_test_run(tmp_path: Path) -> Path:
    run_dir = write_run(tmp_path / "run", epochs=2, n_test=1000, n_probe=8)
    _edit_npz(lambda a: {**a, "labels": a["labels"][:10]})(run_dir / "test_predictions.npz")
    return run_dir


CLI_CASES = [
    cli("cli-no-command", [], r"command"),
    cli("cli-unknown-command", ["fly"], r"'fly'"),
    cli("cli-epochs-zero", ["train", "--epochs", "0"], r"--epochs.*'0'"),
    cli("cli-epochs-huge", ["train", "--epochs", "99999999999999999999"], r"--epochs.*99999999999999999999"),
    cli("cli-epochs-text", ["train", "--epochs", "five"], r"--epochs.*'five'"),
    cli("cli-batch-size-zero", ["train", "--batch-size", "0"], r"--batch-size.*'0'"),
    cli("cli-batch-size-huge", ["train", "--batch-size", "10000000000"], r"--batch-size.*10000000000"),
    cli("cli-seed-negative", ["train", "--seed", "-1"], r"--seed.*-1"),
    cli("cli-unknown-model", ["train", "--model", "resnet"], r"--model.*'resnet'"),
    cli("cli-unknown-data", ["train", "--data", "nowhere"], r"--data.*'nowhere'"),
    cli("cli-data-idx-missing", lambda tmp: ["train", "--data", f"idx:{tmp / 'missing'}"], r"--data.*missing"),
    cli("cli-unknown-dataset", ["train", "--dataset", "cifar"], r"--dataset.*'cifar'"),
    cli("cli-class-names-too-few", ["train", "--data", "embedded", "--class-names", "a,b"],
        r"--class-names.*2 names"),
    cli("cli-class-names-repeated", ["train", "--class-names", "a,a,b"], r"--class-names.*'a'"),
    cli("cli-class-names-missing-file", lambda tmp: ["train", "--class-names", f"@{tmp / 'names.txt'}"],
        r"--class-names.*names\.txt"),
    cli("cli-class-names-vs-dataset", ["train", "--dataset", "fashion-mnist", "--class-names", "a,b,c"],
        r"--class-names.*3 names.*fashion-mnist"),
    cli("cli-train-out-empty", ["train", "--out", ""], r"--out.*empty"),
    cli("cli-report-output-empty", lambda tmp: ["report", _run(tmp), "-o", ""], r"-o.*empty"),
    cli("cli-report-output-folder", lambda tmp: ["report", _run(tmp), "-o", tmp], r"-o.*folder"),
    cli("cli-report-output-not-html", lambda tmp: ["report", _run(tmp), "-o", tmp / "r.txt"], r"-o.*\.html"),
    cli("cli-report-output-unwritable", lambda tmp: ["report", _run(tmp), "-o", "/proc/mnist-viz/r.html"],
        r"-o /proc/mnist-viz: cannot write there"),
    cli("cli-report-missing-dir", lambda tmp: ["report", tmp / "nowhere"], r"nowhere.*does not exist"),
    cli("cli-report-not-a-run", lambda tmp: ["report", tmp], r"run\.json|not a run"),
    cli("cli-report-broken-run", lambda tmp: ["report", _broken_dir(tmp), "-o", tmp / "r.html"], r"run\.json"),
    cli("cli-report-mismatched-test-files", lambda tmp: ["report", _mismatched_test_run(tmp), "-o", tmp / "r.html"],
        r"test_predictions\.npz.*rows"),
    cli("cli-evaluate-missing-run", lambda tmp: ["evaluate", tmp / "nowhere", "--data", "embedded"], r"nowhere"),
    cli("cli-evaluate-bad-name", lambda tmp: ["evaluate", _run(tmp), "--data", "embedded", "--name", "../x"],
        r"--name.*'\.\./x'"),
    cli("cli-train-out-holds-run", lambda tmp: ["train", "--data", "embedded", "--out", _run(tmp)],
        r"--out .*already holds a run.*--overwrite"),
    cli("cli-report-link-out", lambda tmp: ["report", _linked_out_run(tmp), "-o", tmp / "r.html"],
        r"history\.csv.*outside the run"),
    cli("cli-evaluate-no-data", lambda tmp: ["evaluate", _run(tmp)], r"--data"),
    cli("cli-demo-runs-dir-empty", ["demo", "--runs-dir", ""], r"--runs-dir.*empty"),
    cli("cli-demo-epochs-zero", ["demo", "--epochs", "0"], r"--epochs.*'0'"),
    # runtime failures: not the input's fault, exit 1, one line naming the path and the system's error
    cli("cli-report-disk-full", lambda tmp: ["report", _run(tmp), "-o", tmp / "r.html", "--quiet"],
        r"r\.html: No space left on device \(ENOSPC\)", exit_code=1, failing=lambda: _disk_full_for("r.html")),
    cli("cli-report-permission-lost", lambda tmp: ["report", _run(tmp), "-o", tmp / "r.html", "--quiet"],
        r"-> .*r\.html: Permission denied \(EACCES\); check the folder's permissions", exit_code=1,
        failing=_permission_lost),
]

CASES: list[Case] = PLOT_CASES + RUN_CASES + REPORT_CASES + DATA_CASES + RECORDER_CASES + CLI_CASES
