"""Figures into the page (mnist_viz/report/_figures.py): every figure is drawn by a public plot
function called directly, embedded with its alt text and closed; a plot that fails becomes a note.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import ast  # noqa: E402
from pathlib import Path  # noqa: E402

from report_runs import two_runs  # noqa: E402,F401 (fixtures)


def test_a_failing_plot_function_becomes_a_note(two_runs, monkeypatch):
    import mnist_viz.plots
    from mnist_viz.report import build_report

    def boom(*a, **k):
        raise RuntimeError("kaput <b>")

    monkeypatch.setattr(mnist_viz.plots, "misclassified", boom)
    monkeypatch.delattr(mnist_viz.plots, "calibration")
    page = build_report(two_runs[0]).html
    assert "Could not draw the most confident errors: RuntimeError: kaput &lt;b&gt;" in page
    assert "Could not draw the calibration" in page
    calibration = page.split('id="r0-calibration"')[1].split("</section>")[0]
    assert "Reliability: accuracy vs confidence" not in calibration
    assert 'id="r0-internals"' in page  # the sections after a failed plot are still there


REPORT = Path(__file__).resolve().parents[1] / "mnist_viz" / "report"
#: every public plot function the report draws with
DRAWN = {"training_curves", "weight_evolution", "confusion_matrix", "class_metrics", "topk_grid", "misclassified",
         "confused_pairs", "activations", "filters", "dense_weights", "prediction_evolution", "calibration",
         "embedding", "compare_curves"}


def _calls(tree, name):
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)
            and getattr(n.func, "id", getattr(n.func, "attr", None)) == name]


def test_every_figure_is_drawn_by_a_plot_function_called_by_name_in_the_code():
    """No plot is looked up by a string (getattr(mnist_viz.plots, name)); each add_figure gets a
    callable, and the sections call mnist_viz.plots.<function> directly, each one the report uses."""
    called = set()
    for path in sorted(REPORT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree, "getattr"):
            assert "plots" not in ast.unparse(call.args[0]), f"{path.name}: {ast.unparse(call)}"
        for call in _calls(tree, "add_figure"):
            draw = call.args[1]
            assert isinstance(draw, (ast.Lambda, ast.Name)), f"{path.name}:{call.lineno}: {ast.unparse(draw)}"
            assert not isinstance(draw, ast.Constant)
        called |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                   and isinstance(n.value, ast.Name) and n.value.id == "plots"}
    assert DRAWN <= called, DRAWN - called
    import mnist_viz.plots

    assert called - {"alt_text"} <= set(mnist_viz.plots.__all__), called - set(mnist_viz.plots.__all__)


def test_alt_replaces_the_plots_alt_text_and_what_stands_in_when_there_is_none():
    import matplotlib.figure

    from mnist_viz import plots
    from mnist_viz.report._figures import add_figure
    from mnist_viz.report._model import Section

    s = Section("r0-x", "X")
    assert add_figure(s, lambda: plots.confusion_matrix([0, 1], [0, 1]), what="counts")
    assert add_figure(s, lambda: plots.confusion_matrix([0, 1], [0, 1]), what="counts", alt="Two digits.")
    bare = matplotlib.figure.Figure(figsize=(1, 1))
    assert add_figure(s, lambda: bare, what="an empty figure")
    alts = [b.alt for b in s.blocks]
    assert alts[0].startswith("Confusion matrix") and alts[1:] == ["Two digits.", "an empty figure"]


def test_an_embedded_figure_is_closed_and_a_draw_that_returns_no_figure_is_a_note():
    import matplotlib.pyplot as plt

    from mnist_viz.report._figures import add_figure
    from mnist_viz.report._model import Section

    plt.close("all")
    s = Section("r0-x", "X")
    assert add_figure(s, lambda: plt.figure().add_subplot(), what="axes")
    assert not plt.get_fignums()  # embedded, then closed
    assert not add_figure(s, lambda: plt.figure().add_subplot().plot([0, 1]), what="lines")  # a list of lines
    assert [b.kind for b in s.blocks] == ["figure", "note"]
    assert s.blocks[1].text.startswith("Could not draw the lines: AttributeError")


def _png(uri: str):
    import base64
    import io

    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB")) / 255.0


def _luminance(px) -> float:
    return float(px[0] * 0.2126 + px[1] * 0.7152 + px[2] * 0.0722)


def test_each_figure_is_drawn_light_and_dark_and_the_page_swaps_them(two_runs):
    import re

    from mnist_viz.report import build_report

    page = build_report(two_runs[0]).html
    figures = re.findall(r'<figure class="fig".*?</figure>', page, flags=re.S)
    pictures = [f for f in figures if "<picture" in f]
    assert len(figures) >= 8 and len(pictures) == len(figures)
    for fig in pictures:
        source = re.search(r'<source media="screen and \(prefers-color-scheme: dark\)" srcset="([^"]+)" '
                           r'width="(\d+)" height="(\d+)">', fig)
        img = re.search(r'<img src="([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]+)">', fig)
        assert source and img and source.group(2, 3) == img.group(2, 3) and img.group(4)
        dark, light = _png(source.group(1)), _png(img.group(1))
        assert dark.shape == light.shape
        assert _luminance(dark[0, 0]) < 0.3 < 0.9 < _luminance(light[0, 0])


def test_without_dark_figures_the_page_has_plain_images(two_runs, monkeypatch):
    from mnist_viz.report import _figures, build_report

    monkeypatch.setattr(_figures, "DARK_FIGURES", False)
    page = build_report(two_runs[0]).html
    assert '<figure class="fig"' in page and "<picture" not in page and "prefers-color-scheme: dark)\" srcset" not in page


def test_a_dark_drawing_that_fails_leaves_the_light_figure(monkeypatch):
    from mnist_viz import plots
    from mnist_viz.plots._theme import current_theme
    from mnist_viz.report._figures import add_figure
    from mnist_viz.report._model import Section

    def draw():
        if current_theme() == "dark":
            raise RuntimeError("no dark")
        return plots.confusion_matrix([0, 1, 1], [0, 1, 0])

    s = Section("r0-x", "X")
    assert add_figure(s, draw, what="confusion matrix")
    assert s.blocks[0].uri.startswith("data:image/png;base64,") and s.blocks[0].uri_dark is None


def test_the_dark_drawing_takes_the_light_ones_layout_and_matches_a_laid_out_one():
    """The dark pass places the Axes (and suptitle) where the light pass's layout engine put them
    instead of running the engine again: the PNG is the same as with the engine, and a figure with
    other Axes is laid out by its own engine."""
    import numpy as np

    from mnist_viz import plots
    from mnist_viz.report import _figures
    from mnist_viz.run import Run

    run = Run.from_dict({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.5], "accuracy": [0.6, 0.8, 0.9]})
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 300)
    y_pred = np.where(rng.random(300) < .8, y, 0)
    for draw in (lambda: plots.training_curves(run), lambda: plots.class_metrics(y, y_pred)):
        _png, _w, _h, _alt, layout, _missing = _figures._draw(draw, 60)
        assert layout is not None and len(layout[0]) >= 1
        own = _figures._draw(draw, 60, "dark")
        placed = _figures._draw(draw, 60, "dark", layout)
        assert own[0] == placed[0] and placed[4] is None  # placed: no engine left to measure
    other = plots.training_curves(Run.from_dict({"loss": [0.9, 0.5]}))
    fig = other if hasattr(other, "savefig") else other.figure
    assert not _figures._place(fig, ([(0, 0, 1, 1)] * (len(fig.axes) + 1), [None, None, None]))
    assert fig.get_layout_engine() is not None  # untouched


def test_matplotlib_warnings_stay_inside_and_a_missing_glyph_becomes_a_note(tmp_path):
    """A metric name with a carriage return: matplotlib warns "Glyph 13 (\\r) missing" while drawing
    the training curves; build_report lets no warning out and says so in the section instead."""
    import warnings

    from mnist_viz.report import build_report
    from mnist_viz.run import Run

    run = Run.from_dict({"loss": [0.9, 0.5], "acc\rx": [0.1, 0.2]}, name="glyphs")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = build_report(run, tmp_path / "r.html", jobs=1)
    assert not caught, [str(w.message) for w in caught]
    curves = report.html[report.html.index('id="r0-curves"'):]
    curves = curves[:curves.index("</section>")]
    assert ('<p class="note note-info" id="r0-curves-b1">Some characters in the training curves have no glyph in '
            "the figure&#39;s font and show as boxes: Glyph 13 (\\r) missing from font(s)") in curves


def test_missing_glyphs_picks_the_glyph_warnings_once():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for message in ("Glyph 9 (\t) missing from font(s) DejaVu Sans.", "constrained_layout not applied",
                        "Glyph 9 (\t) missing from font(s) DejaVu Sans."):
            warnings.warn(message)
    from mnist_viz.report import _figures

    assert _figures.missing_glyphs(caught) == ["Glyph 9 (\\t) missing from font(s) DejaVu Sans."]
