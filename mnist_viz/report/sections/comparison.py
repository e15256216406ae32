"""The comparison section (two or more runs): curves overlaid, metric deltas against the first run,
and the test confusion matrices side by side.

Example
-------
>>> from mnist_viz.run import Run
>>> s = comparison_section([Run.from_dict({"loss": [0.9]}, name="a"), Run.from_dict({"loss": [0.8]}, name="b")], "c")
>>> s.intro
'Deltas are relative to the first run, a.'
"""
from __future__ import annotations

import numbers

from mnist_viz import plots
from mnist_viz._words import run_noun
from mnist_viz.run_format import TEST_NPZ

from .. import _embed
from .._names import figure_names, short
from .._figures import add_figure
from .._format import column_texts
from .._model import Section, Table
from .._testset import finite_predictions
from .summary import headline_metrics

__all__ = ["comparison_section"]


def comparison_section(runs, sid: str) -> Section:
    """Curves overlaid, metric deltas vs the first run, confusion matrices side by side.

    >>> from mnist_viz.run import Run
    >>> a = Run.from_dict({"loss": [0.9, 0.5], "val_accuracy": [0.8, 0.9]}, name="a")
    >>> b = Run.from_dict({"loss": [0.8, 0.4], "val_accuracy": [0.85, 0.95]}, name="b")
    >>> s = comparison_section([a, b], "comparison")
    >>> [b.kind for b in s.blocks], s.blocks[1].table.rows[0]
    (['figure', 'table', 'downloads', 'note'], ['best val accuracy', '0.900', '0.950', '+0.050'])
    """
    s = Section(sid, "Comparison")
    names = [r.name for r in runs]
    s.intro = "Deltas are relative to the first run, " + short(names[0]) + "."
    if any(m in r.history or f"val_{m}" in r.history for r in runs for m in ("loss", "accuracy")):
        add_figure(s, lambda: plots.compare_curves(_for_figures(runs)), caption="Solid: validation; dashed: training; one colour per run.",
                   what="overlaid curves")
    else:
        s.note("No curves to overlay: none of the runs recorded loss or accuracy per epoch.")
    cols = ["metric"] + names + [f"Δ {nm}" for nm in names[1:]]
    facts = [(k, values) for k, values in _facts(runs) if not all(v is None for v in values)]
    rows = [[k] + _row(values) for k, values in facts]
    s.table(Table(cols, rows, caption="Test metrics and run facts; Δ = run minus " + short(names[0])))
    import pandas as pd

    # the download keeps the numbers as numbers (a delta of -0.008 is a number, not the text "-0.008")
    frame = pd.DataFrame([[k] + list(values) + _deltas(values) for k, values in facts], columns=cols)
    s.add("downloads", links=[("comparison.csv", _embed.csv_data_uri(frame), "comparison table (CSV)")])
    with_test = [r for r in runs if r.test is not None]
    if len(with_test) >= 2:
        drawn = _for_figures(with_test)
        for shown, run in zip(drawn, with_test):  # a diverged model's NaN rows are no class's votes
            shown.test = finite_predictions(s, run.test, run_noun(run), "the side-by-side confusion matrices",
                                            source=f"run {short(run.name)}: {TEST_NPZ}")[0]
        add_figure(s, lambda: plots.compare_confusion(drawn),
                   caption="Test confusion matrices, one per run (counts).", what="confusion matrices side by side")
    else:
        s.note("Confusion matrices side by side need test predictions from at least two runs.", kind="info")
    return s


def _for_figures(runs) -> list:
    """Shallow copies of ``runs`` named as a figure shows them (:func:`figure_names`: cut, bidi controls
    visible); the runs themselves keep their names."""
    import copy

    shown = []
    for run, name in zip(runs, figure_names([r.name for r in runs])):
        shown.append(copy.copy(run))
        shown[-1].name = name
    return shown


def _facts(runs) -> list[tuple[str, list]]:
    """(name, one value per run): every headline metric any run has, then parameters and fit time."""
    heads = [headline_metrics(r) for r in runs]
    keys = list(dict.fromkeys(k for h in heads for k in h))
    return [(k, [h.get(k) for h in heads]) for k in keys] + [
        ("parameters", [(r.model_info or {}).get("total_params") for r in runs]),
        ("fit seconds", [(r.metadata.get("timings") or {}).get("fit_seconds") for r in runs])]


def _deltas(values: list) -> list:
    """Each value after the first minus the first (None where either is not a number)."""
    def number(v):
        return isinstance(v, numbers.Real) and not isinstance(v, bool)

    return [v - values[0] if number(v) and number(values[0]) else None for v in values[1:]]


def _row(values: list) -> list[str]:
    """One quantity's cells: its values, then the signed deltas, all its numbers written alike
    (:func:`~mnist_viz.report._format.column_texts`: the columns are runs, so a row is one quantity).

    >>> _row([0.9, 0.95, 0.8919]), _row([1200, 1100]), _row(["adam", "sgd"])
    (['0.900', '0.950', '0.892', '+0.050', '-0.008'], ['1,200', '1,100', '-100'], ['adam', 'sgd', '—'])
    """
    deltas = _deltas(values)
    texts = column_texts(values + deltas)
    return texts[:len(values)] + [("+" if d is not None and d > 0 else "") + t
                                  for d, t in zip(deltas, texts[len(values):])]
