"""Notebooks executed in a real Jupyter kernel (nbclient, ipykernel's python3, no ``%matplotlib`` magic:
the inline backend a fresh kernel gets): mnist_viz plots leave the user's pyplot working, every figure
shows exactly once, as an image carrying its alt text, and the README's notebook example runs twice.
"""
from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest

from prerequisites import import_or_missing

nbformat = import_or_missing("nbformat")
nbclient = import_or_missing("nbclient")
import_or_missing("ipykernel")

from test_readme import readme_block  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
IMG_ALT = re.compile(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+"[^>]* alt="([^"]*)">')

pytestmark = pytest.mark.slow


def execute(cells: list[str], cwd: Path) -> list:
    """Run ``cells`` in one fresh python3 kernel started in ``cwd``; the executed cells."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernel's own default: inline
    env.update(PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")  # the kernel imports this checkout
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=True,
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute(env=env)
    return nb.cells


def errors(cells) -> list[str]:
    return [f"{c.source[:60]!r}: {o.get('ename')}: {o.get('evalue')}" for c in cells for o in c.outputs
            if o.output_type == "error"]


def images(cell) -> list[dict]:
    """The outputs of ``cell`` that hold an image (a matplotlib figure shows as one such output)."""
    return [o for o in cell.outputs if o.output_type in ("display_data", "execute_result")
            and ("image/png" in o.data or "<img" in o.data.get("text/html", ""))]


def alt_of(output) -> str:
    """The alt text of an image output (its text/html <img alt>), "" when it has none."""
    m = IMG_ALT.search(output.data.get("text/html", ""))
    return html.unescape(m.group(1)) if m else ""


def assert_one_image_with_alt(cell) -> str:
    shown = images(cell)
    assert len(shown) == 1, f"{cell.source!r} shows {len(shown)} images, expected 1"
    assert "image/png" in shown[0].data  # the plain PNG stays beside it for front ends without HTML
    alt = alt_of(shown[0])
    assert alt, f"{cell.source!r}: the image has no alt text"
    return alt


SETUP = """\
import numpy as np
import matplotlib.pyplot as plt
import mnist_viz.plots as mp
rng = np.random.default_rng(0)
y = np.repeat(np.arange(10), 30)
guess = np.where(np.arange(y.size) % 7 == 0, (y + 1) % 10, y)  # one in seven wrong
probs = rng.dirichlet(np.full(10, 0.3), y.size); probs[np.arange(y.size), guess] += 1.5; probs /= probs.sum(1, keepdims=True)
features = rng.normal(size=(y.size, 16)) + y[:, None]
"""
USER_FIGURE = "fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([3, 1, 2]);"
GRID = """\
fig, axes = plt.subplots(2, 2, figsize=(11, 9), layout="constrained")
mp.confusion_matrix(y, probs, ax=axes[0, 0])
mp.calibration(y, probs, ax=axes[0, 1])
mp.class_metrics(y, probs, ax=axes[1, 0])
mp.embedding(features, y, y_pred=probs.argmax(1), ax=axes[1, 1]);
"""


def test_plots_leave_pyplot_working_and_each_figure_shows_once_with_alt_text(tmp_path):
    cells = execute([
        SETUP,                                   # 0: no figure yet, pyplot's backend not chosen
        "mp.confusion_matrix(y, probs)",         # 1: the kernel's first figure is an mnist_viz one (Axes)
        USER_FIGURE,                             # 2: the user's own figure after it
        "mp.misclassified(np.zeros((y.size, 28, 28)), y, probs)",  # 3: a plot that returns its Figure
        "import matplotlib; matplotlib.is_interactive()",           # 4
        GRID,                                    # 5: the user's 2×2 grid of mnist_viz plots
        USER_FIGURE + "\nmp.calibration(y, probs);",  # 6: a user figure and a plot in one cell
    ], tmp_path)
    assert errors(cells) == []
    assert images(cells[0]) == []
    assert assert_one_image_with_alt(cells[1]).startswith("Confusion matrix of 300 predictions over 10 classes")
    user = images(cells[2])
    assert len(user) == 1 and "image/png" in user[0].data and alt_of(user[0]) == ""  # shows; not ours to describe
    assert assert_one_image_with_alt(cells[3]).startswith("The 16 most confident of")
    assert [o.data["text/plain"] for o in cells[4].outputs if o.output_type == "execute_result"] == ["True"]
    grid = assert_one_image_with_alt(cells[5])
    starts = [grid.find(s) for s in ("Confusion matrix of 300", "Reliability diagram of 300",
                                     "Per-class precision, recall and F1", "PCA embedding of the 16-d features")]
    assert -1 not in starts and starts == sorted(starts), grid  # one sentence per plot, in the grid's order
    both = images(cells[6])
    assert len(both) == 2 and sorted(bool(alt_of(o)) for o in both) == [False, True]


def test_the_readme_notebook_example_runs_twice_in_one_kernel(tmp_path):
    """The README's notebook example, one cell per paragraph and one per plot, run twice in the same
    kernel and folder (epochs=5 substituted by epochs=1, as tests/test_readme.py does, for time)."""
    code = readme_block("notebook-example")
    assert code.count("epochs=5") == 1
    code = code.replace("epochs=5", "epochs=1")
    paragraphs = [p.strip() for p in code.split("\n\n") if p.strip()]
    plots = next(p for p in paragraphs if p.startswith("plots."))
    cells = []
    for p in paragraphs:
        cells.extend(p.splitlines() if p is plots else [p])
    n = len(cells)
    out = execute(cells + cells, tmp_path)
    assert errors(out) == []
    for run in (out[:n], out[n:]):
        for cell in run:
            if cell.source.startswith("plots."):
                assert_one_image_with_alt(cell)
            else:
                assert images(cell) == [], cell.source  # no figure leaks out of training or the report
        report = [o for o in run[-1].outputs if o.output_type == "execute_result"]
        assert len(report) == 1 and report[0].data["text/html"].startswith("<iframe")
    assert (tmp_path / "reports" / "convnet.html").stat().st_size > 50_000
