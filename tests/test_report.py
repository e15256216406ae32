"""Tests of the report package as a whole (mnist_viz/report/): importing it is light, and every
module of it (sections included) has runnable docstring examples on each public function.

The report's parts are tested in the files that mirror its modules: tests/test_report_builder.py
(the whole page), tests/test_report_figures.py, tests/test_report_format.py, tests/test_report_drill.py,
tests/test_report_missing.py, tests/test_report_embed.py, tests/test_report_model.py, one
tests/test_report_sections_<name>.py per section, and tests/test_report_browser.py (the page in a
real browser). Run directories come from tests/report_runs.py (no TensorFlow).

Run: ``python -m pytest tests/test_report*.py -q`` (about a minute or two on 2 CPU cores).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _report_modules() -> list[str]:
    """Every module of mnist_viz/report/ (found on disk, so a new module is covered as it lands)."""
    root = REPO / "mnist_viz" / "report"
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


REPORT_MODULES = _report_modules()


def test_import_is_light():
    code = ("import sys, mnist_viz.report as r; assert callable(r.build_report); "
            "bad = [m for m in ('tensorflow', 'keras', 'matplotlib') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_every_report_module_is_covered():
    expected = {"mnist_viz.report", "mnist_viz.report.builder", "mnist_viz.report._figures",
                "mnist_viz.report._format", "mnist_viz.report._drill", "mnist_viz.report._missing",
                "mnist_viz.report._embed", "mnist_viz.report._model", "mnist_viz.report.sections"}
    expected |= {f"mnist_viz.report.sections.{name}" for name in (
        "summary", "curves", "weights", "confusion", "predictions", "internals", "evolution", "calibration",
        "comparison")}
    assert expected <= set(REPORT_MODULES), expected - set(REPORT_MODULES)


@pytest.mark.parametrize("name", REPORT_MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    """Every public function, class and method of the report modules has an example, and the
    examples run as written (doctest, with ``...`` for the parts that vary)."""
    import doctest
    import importlib
    import inspect
    import warnings

    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    module = importlib.import_module(name)
    lacking = []
    for attr, obj in vars(module).items():
        if attr.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            if ">>>" not in (obj.__doc__ or ""):
                lacking.append(attr)
        if inspect.isclass(obj):
            lacking += [f"{attr}.{m}" for m, f in vars(obj).items()
                        if not m.startswith("_") and inspect.isfunction(f) and ">>>" not in (f.__doc__ or "")]
    assert not lacking, f"{name}: no docstring example in {lacking}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                                 report=True, verbose=False)
    assert result.attempted > 0, f"{name} has no docstring examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see the output above)"
