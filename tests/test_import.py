"""Importing the package, the plots and the report must not import TensorFlow or Keras."""
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "module", ["mnist_viz", "mnist_viz.plots", "mnist_viz.report", "mnist_viz.run", "mnist_viz.data", "mnist_viz.cli",
               "mnist_viz.run_format", "mnist_viz._process", "mnist_viz._graph", "mnist_viz.callbacks",
               "mnist_viz.callbacks._stats", "mnist_viz.callbacks._chief", "mnist_viz.callbacks._writer",
               "mnist_viz.callbacks._csvlog"]
)
def test_import_does_not_load_tensorflow(module):
    _assert_no_tensorflow(f"import sys, {module}\n", f"import {module}")


def test_star_import_does_not_load_tensorflow():
    _assert_no_tensorflow("import sys\nfrom mnist_viz import *\nassert callable(load_mnist) and callable(build_report)\n",
                          "from mnist_viz import *")


def _assert_no_tensorflow(prelude: str, what: str):
    code = (
        prelude +
        "heavy = sorted(m for m in ('tensorflow', 'keras') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{what} pulled in {out.stdout.strip()}"


def test_lazy_attributes_resolve():
    import mnist_viz

    assert callable(mnist_viz.load_mnist)
    assert mnist_viz.Run.__name__ == "Run"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        mnist_viz.nope  # noqa: B018
