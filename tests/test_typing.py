"""The typed public API: ``mypy --strict`` passes on the public modules, and the package says it is typed.

The modules checked are listed in ONE place, pyproject.toml's ``[tool.mypy] files``; the tests here
assert that every public module is among them, run ``python -m mypy --strict`` over them, and run
mypy over a small user script to show that the annotations reach a user's code (a wrong argument
type is reported). Without mypy installed (``pip install -e ".[test]"`` brings it) the mypy tests
skip, saying so, except under ``MNIST_VIZ_REQUIRE_BACKENDS=1`` (CI), where they fail.
"""
from __future__ import annotations

import importlib.resources
import importlib.util
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from prerequisites import missing

ROOT = Path(__file__).resolve().parents[1]

#: The public modules whose annotations are checked strictly (issue 13): the list that mypy reads is
#: pyproject's, asserted to hold these (it also holds private helpers they rely on).
PUBLIC_MODULES = (
    "mnist_viz/__init__.py", "mnist_viz/run.py", "mnist_viz/run_format.py", "mnist_viz/metrics.py",
    "mnist_viz/evaluation.py", "mnist_viz/training.py", "mnist_viz/models.py", "mnist_viz/features.py",
    "mnist_viz/idx.py", "mnist_viz/data/__init__.py", "mnist_viz/data/dataset.py", "mnist_viz/data/known.py",
    "mnist_viz/data/load.py", "mnist_viz/data/preprocess.py", "mnist_viz/callbacks/__init__.py",
    "mnist_viz/callbacks/history.py", "mnist_viz/callbacks/weights.py", "mnist_viz/callbacks/predictions.py",
    "mnist_viz/callbacks/run_recorder.py", "mnist_viz/report/__init__.py", "mnist_viz/report/builder.py",
    "mnist_viz/report/_model.py", "mnist_viz/cli.py", "mnist_viz/plots/__init__.py",
    "mnist_viz/plots/_style.py",  # holds the public alt_text
    *(f"mnist_viz/plots/{name}.py" for name in (
        "activations", "calibration", "class_metrics", "comparison", "confusion", "curves", "embedding", "errors",
        "first_layer", "prediction_evolution", "topk", "weight_evolution")),
)


def _pyproject() -> dict[str, Any]:
    tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs tomllib (Python >= 3.11)")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _mypy_config() -> dict[str, Any]:
    return _pyproject()["tool"]["mypy"]


def _require_mypy() -> None:
    if importlib.util.find_spec("mypy") is not None:
        return
    message = 'mypy is not installed (pip install -e ".[test]" installs it)'
    missing(message)


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m mypy --strict ARGS`` from the repository root (pyproject's [tool.mypy] applies),
    finding ``mnist_viz`` in this checkout."""
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_mypy_files_are_the_public_modules_and_exist():
    config = _mypy_config()
    files = config["files"]
    assert set(PUBLIC_MODULES) <= set(files), f"not type-checked: {sorted(set(PUBLIC_MODULES) - set(files))}"
    assert [f for f in files if not (ROOT / f).is_file()] == []
    assert config["strict"] is True and config["python_version"] == "3.11"


@pytest.mark.slow
def test_mypy_strict_passes_on_the_public_modules():
    _require_mypy()
    n_files = len(_mypy_config()["files"])
    result = _mypy()  # the files of [tool.mypy]
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"mypy --strict failed on the public modules:\n{output}"
    assert f"no issues found in {n_files} source files" in output, output


@pytest.mark.slow
def test_the_annotations_reach_a_users_code(tmp_path):
    """A user's script type-checks against the package: right calls pass, revealed types are the
    annotated ones, and a wrong argument is an error (the check can fail). A plot's return type
    follows ``ax=``/``fig=`` (issue 13 review): none or a Figure -> Figure, so ``.savefig`` passes;
    a SubplotSpec or SubFigure -> SubFigure; training_curves given one Axes -> that Axes."""
    _require_mypy()
    script = tmp_path / "user_script.py"
    script.write_text(textwrap.dedent("""\
        import numpy as np
        from mnist_viz.data import load_mnist, one_hot
        from mnist_viz.metrics import confusion_counts
        from mnist_viz.run import Run

        data = load_mnist("embedded")
        labels = one_hot(data.y_test[:5], data.num_classes)
        reveal_type(labels)
        reveal_type(Run.load)
        counts = confusion_counts([0, 1], [1, 1], n_classes="2")
        load_mnist("floppy")
        import matplotlib.pyplot as plt
        import mnist_viz.plots as mp
        x, y, p = np.zeros((3, 28, 28)), np.array([0, 1, 1]), np.eye(2)[[0, 1, 0]]
        mp.misclassified(x, y, p).savefig("a.png")
        user = plt.figure()
        gs = user.add_gridspec(1, 2)
        sub = mp.topk_grid(x, y, p, fig=gs[0, 1])
        reveal_type(sub)
        mp.training_curves({"loss": [1.0]}).savefig("b.png")
        reveal_type(mp.training_curves({"loss": [1.0]}, ax=user.add_subplot(gs[0, 0])))
        reveal_type(mp.confused_pairs(x, y, p, fig=user))
        sub.savefig("c.png")
        """), encoding="utf-8")
    result = _mypy(str(script))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    errors = [line for line in output.splitlines() if ": error:" in line]
    # none in the package (mypy's cache may name the script by the folder of an earlier run)
    assert all(Path(line.split(":")[0]).name == script.name for line in errors), output
    assert any(":10: error:" in line and "n_classes" in line and '"str"' in line for line in errors), output
    assert any(":11: error:" in line and "floppy" in line for line in errors), output  # Literal source names
    # the plots' return type follows ax=/fig=: a Figure saves, a SubFigure does not
    assert any(":23: error:" in line and '"SubFigure" has no attribute "savefig"' in line for line in errors), output
    assert len(errors) == 3, output
    assert ':19: note: Revealed type is "matplotlib.figure.SubFigure"' in output, output
    assert ':21: note: Revealed type is "matplotlib.axes._axes.Axes"' in output, output
    assert ':22: note: Revealed type is "matplotlib.figure.Figure"' in output, output
    # float32 arrays (numpy spells float32 as floating[_32Bit] in its stubs)
    assert re.search(r':8: note: Revealed type is "numpy\.ndarray\[.*(float32|floating\[.*32Bit\])', output), output
    assert "def (path: str | os.PathLike[str]) -> mnist_viz.run.Run" in output, output


def test_py_typed_is_in_the_installed_package():
    marker = importlib.resources.files("mnist_viz").joinpath("py.typed")
    assert marker.is_file(), f"mnist_viz/py.typed is missing from {importlib.resources.files('mnist_viz')}"

def test_py_typed_is_package_data():
    """So that a wheel, not only a checkout, carries the marker."""
    assert "py.typed" in _pyproject()["tool"]["setuptools"]["package-data"]["mnist_viz"]
