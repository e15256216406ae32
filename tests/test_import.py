"""Importing the package, the plots and the report must not import TensorFlow or Keras."""
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "module", ["mnist_viz", "mnist_viz.plots", "mnist_viz.report", "mnist_viz.run", "mnist_viz.data", "mnist_viz.cli"]
)
def test_import_does_not_load_tensorflow(module):
    code = (
        f"import sys, {module}\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import {module} pulled in {out.stdout.strip()}"


def test_lazy_attributes_resolve():
    import mnist_viz

    assert callable(mnist_viz.load_mnist)
    assert mnist_viz.Run.__name__ == "Run"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        mnist_viz.nope  # noqa: B018
