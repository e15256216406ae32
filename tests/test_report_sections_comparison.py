"""The comparison section (mnist_viz/report/sections/comparison.py): overlaid curves, deltas against
the first run, confusion matrices side by side.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

from report_runs import two_run_report  # noqa: E402,F401 (fixtures)


def test_comparison_has_deltas_and_side_by_side_matrices(two_run_report):
    page = two_run_report.html
    sec = page[page.index('id="comparison"'):page.index('id="r0"')]
    assert "Δ conv" in sec
    assert "test accuracy" in sec
    assert sec.count("<img") == 2  # overlaid curves + confusion matrices side by side


def test_deltas_skip_what_no_run_has_and_dash_what_one_lacks():
    from mnist_viz.report.sections import comparison_section
    from mnist_viz.run import Run

    a = Run.from_dict({"loss": [0.9, 0.5], "val_accuracy": [0.8, 0.9]}, name="a")
    b = Run.from_dict({"loss": [0.8, 0.4, 0.3]}, name="b")
    s = comparison_section([a, b], "comparison")
    table = s.blocks[1].table
    assert table.columns == ["metric", "a", "b", "Δ b"]
    assert table.rows == [["best val accuracy", "0.900", "—", "—"], ["best epoch", "2", "—", "—"],
                          ["epochs", "2", "3", "+1"]]  # parameters and fit seconds: no run has them
    assert s.blocks[-1].text == "Confusion matrices side by side need test predictions from at least two runs."


def test_no_overlay_without_loss_or_accuracy():
    from mnist_viz.report.sections import comparison_section
    from mnist_viz.run import Run

    runs = [Run.from_dict({"lr": [0.1, 0.05]}, name=n) for n in ("a", "b")]
    s = comparison_section(runs, "comparison")
    assert s.blocks[0].text == "No curves to overlay: none of the runs recorded loss or accuracy per epoch."


def test_side_by_side_matrices_are_drawn_by_compare_confusion(monkeypatch):
    """The section arranges: the figure is plots.compare_confusion's, called with the runs that have
    test predictions, and its alt text is the plot's."""
    import gallery_data as gd
    from mnist_viz import plots
    from mnist_viz.report.sections import comparison_section
    from mnist_viz.run import Run

    calls = []
    real = plots.compare_confusion

    def spy(runs, **kw):
        calls.append([r.name for r in runs])
        return real(runs, **kw)

    monkeypatch.setattr(plots, "compare_confusion", spy)
    runs = gd.compared_test_runs(200) + [Run.from_dict({"loss": [0.5]}, name="untested")]
    s = comparison_section(runs, "comparison")
    assert calls == [["dense", "convnet"]] * 2  # drawn light and dark
    figure = [b for b in s.blocks if b.kind == "figure"][-1]
    assert figure.alt == "Test confusion matrices side by side for dense, convnet."
    assert figure.caption == "Test confusion matrices, one per run (counts)."


def test_a_row_is_one_quantity_written_alike_with_signed_deltas():
    from mnist_viz.report.sections import comparison_section
    from mnist_viz.run import Run

    a = Run.from_dict({"loss": [0.9, 0.5], "val_accuracy": [0.8, 0.99]}, name="a")
    b = Run.from_dict({"loss": [0.8, 0.4], "val_accuracy": [0.85, 0.8919]}, name="b")
    c = Run.from_dict({"loss": [0.8, 0.4], "val_accuracy": [0.85, 1.0]}, name="c")
    rows = {r[0]: r[1:] for r in comparison_section([a, b, c], "comparison").blocks[1].table.rows}
    assert rows["best val accuracy"] == ["0.990", "0.892", "1.000", "-0.098", "+0.010"]


def test_figures_show_run_names_cut_and_the_runs_keep_theirs(monkeypatch):
    from mnist_viz import plots
    from mnist_viz.report._names import FIGURE_NAME_LIMIT
    from mnist_viz.report.sections.comparison import comparison_section
    from mnist_viz.run import Run

    seen = []
    monkeypatch.setattr(plots, "compare_curves", lambda runs: seen.append([r.name for r in runs]) or 1 / 0)
    a = Run.from_dict({"loss": [0.9, 0.5]}, name="\u202eevil" + "a" * 100)
    b = Run.from_dict({"loss": [0.8, 0.4]}, name="b")
    comparison_section([a, b], "comparison")
    assert seen == [["<U+202E>evil" + "a" * (FIGURE_NAME_LIMIT - 13) + "…", "b"]]
    assert a.name == "\u202eevil" + "a" * 100
