"""The calibration section: the reliability diagram with its table (bins from
:func:`mnist_viz.metrics.reliability_bins`, the figure's bins), and the 2-D embedding of the
penultimate layer's activations of test images.

Example
-------
>>> rows, ece = reliability_table([0, 1], [[0.5, 0.5], [0.3, 0.7]], n_bins=10)
>>> [row[:2] for row in rows], round(ece, 4)
([['0.4–0.5', '1'], ['0.6–0.7', '1']], 0.4)
"""
from __future__ import annotations

import warnings

import numpy as np

from mnist_viz import metrics, plots
from mnist_viz._words import DEFAULT_NOUN, count, plural, run_noun
from mnist_viz.plots._inputs import class_names_for
from mnist_viz.run_format import FEATURES_NPZ

from .._names import figure_names
from .._figures import add_figure, one_line
from .._format import rows_by_column
from .._missing import note_missing
from .._model import Section, Table
from .._testset import finite_predictions, test_set_caption

__all__ = ["calibration_section", "add_reliability", "reliability_table", "N_BINS"]

#: confidence bins of the reliability diagram and table
N_BINS = 10


def reliability_table(y_true, probabilities, *, n_bins: int = N_BINS) -> tuple[list[list[str]], float]:
    """(rows, ECE) of :func:`mnist_viz.metrics.reliability_bins`: per non-empty bin ``(lo, hi]`` of
    top-class confidence, its count, mean confidence, accuracy and gap (accuracy minus confidence).

    >>> rows, ece = reliability_table([0, 1, 0], [[0.9, 0.1], [0.3, 0.7], [0.35, 0.65]], n_bins=5)
    >>> rows  # bin, samples, mean confidence, accuracy, gap
    [['0.6–0.8', '2', '0.675', '0.500', '-0.175'], ['0.8–1.0', '1', '0.900', '1.000', '0.100']]
    >>> round(ece, 4)
    0.15
    """
    with warnings.catch_warnings():  # logits are softmaxed, as in the figure (whose warning is hidden too)
        warnings.simplefilter("ignore")
        bins = metrics.reliability_bins(y_true, probabilities, n_bins=n_bins)
    rows = []
    for b in np.flatnonzero(bins.used):
        c, a = float(bins.mean_confidence[b]), float(bins.accuracy[b])
        rows.append([f"{bins.edges[b]:.1f}–{bins.edges[b + 1]:.1f}", int(bins.count[b]), c, a, a - c])
    return rows_by_column(rows), bins.ece


def calibration_section(run, sid: str) -> Section:
    """Reliability diagram and 2-D embedding of penultimate activations.

    >>> import numpy as np
    >>> from mnist_viz.run import Run, Predictions
    >>> y = np.arange(40) % 4
    >>> probs = np.full((40, 4), 0.1); probs[np.arange(40), (y + (y == 3)) % 4] = 0.7
    >>> run = Run.from_dict({"loss": [0.9]}, name="demo")
    >>> run.test = Predictions(probabilities=probs, labels=y)
    >>> s = calibration_section(run, "r0-calibration")
    >>> [b.kind for b in s.blocks]  # the note: no features.npz, so no embedding
    ['figure', 'table', 'note']
    """
    s = Section(sid, "Calibration and embedding")
    t = run.test
    if t is None:
        note_missing(s, "No calibration", run, "test")
    else:
        s.intro = test_set_caption(run)
        add_reliability(s, t, run_noun(run))
    _embedding(s, run)
    return s


def add_reliability(s: Section, t, noun: str = DEFAULT_NOUN) -> None:
    """The reliability diagram and table of predictions ``t`` (a :class:`~mnist_viz.run.Predictions`) into ``s``
    (``noun``: the word for one sample in its texts).

    >>> import numpy as np
    >>> from mnist_viz.report._model import Section
    >>> from mnist_viz.run import Predictions
    >>> s = Section("r0-eval-x", "Evaluation on x")
    >>> add_reliability(s, Predictions(np.array([[0.9, 0.1], [0.3, 0.7]]), np.array([0, 0])))
    >>> [b.kind for b in s.blocks]
    ['figure', 'table']
    """
    t, _kept = finite_predictions(s, t, noun, "the reliability diagram and table")
    add_figure(s, lambda: plots.calibration(t.labels, t.probabilities, n_bins=N_BINS),
               caption=f"Reliability: accuracy vs confidence per bin; bars show how many {plural(noun)} fall in each bin.",
               what="calibration diagram")
    try:
        rows, ece = reliability_table(t.labels, t.probabilities, n_bins=N_BINS)
    except ValueError as exc:  # e.g. NaN probabilities of a diverged model: the rest of the report goes on
        s.note(f"Could not tabulate the reliability bins: {type(exc).__name__}: {one_line(exc)}", kind="error")
    else:
        s.table(Table(["confidence bin", plural(noun), "mean confidence", "accuracy", "gap"], rows,
                      caption=f"Reliability per bin of top-class confidence; expected calibration error {ece:.4f}"),
                details="Table: reliability bins")


def _embedding(s: Section, run) -> None:
    t, f = run.test, run.features
    emb = None if f is None else f.embedding
    if emb is None or t is None:
        if t is None:
            s.note("No embedding view: it needs the test predictions, which this run lacks.")
        else:
            missing = FEATURES_NPZ if f is None else f"the embedding in {FEATURES_NPZ}"
            note_missing(s, "No embedding view", run, "features", filename=missing)
        return
    emb = np.asarray(emb, dtype=np.float32)
    idx = np.asarray(f.embedding_indices, dtype=np.int64)
    ok = idx < len(t.labels)
    ok[ok] &= np.isfinite(t.probabilities[idx[ok]]).all(axis=1)  # a NaN row has no predicted class to colour
    names, noun = class_names_for(run.class_names, t.probabilities.shape[1]), run_noun(run)
    add_figure(s, lambda: plots.embedding(emb[ok], t.labels[idx[ok]], y_pred=t.predicted[idx[ok]], method="pca",
                                          class_names=figure_names(names), noun=noun),
               caption=f"Penultimate-layer activations of {count(int(ok.sum()), 'test ' + noun)} projected to 2-D (PCA).",
               what="embedding")
