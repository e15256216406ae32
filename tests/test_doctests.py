"""The docstring examples of the core modules run as written (the plot and report modules run theirs
in tests/test_plots.py and tests/test_report.py)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import doctest
import importlib
import warnings

import pytest

CALLBACKS = ["history", "weights", "predictions", "run_recorder", "_base", "_writer", "_csvlog", "_probe", "_chief",
             "_stats", "_model"]
MODULES = ["mnist_viz", "mnist_viz._io", "mnist_viz._tf", "mnist_viz._process", "mnist_viz._graph", "mnist_viz.idx",
           "mnist_viz.data", "mnist_viz.run_format", "mnist_viz.run", "mnist_viz.models", "mnist_viz.features",
           "mnist_viz.cli", "mnist_viz.callbacks", *(f"mnist_viz.callbacks.{m}" for m in CALLBACKS),
           "mnist_viz.training"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    module = importlib.import_module(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                                 report=True, verbose=False)
    assert result.attempted > 0, f"{name} has no docstring examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see the output above)"
