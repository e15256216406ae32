"""The predictions section: a top-k grid, the most confident errors and the most confused pairs.

Example
-------
>>> from mnist_viz.run import Run
>>> predictions_section(Run.from_dict({"loss": [0.9]}), "r0-predictions").blocks[0].text[:20]
'No test predictions:'
"""
from __future__ import annotations

from mnist_viz import plots
from mnist_viz._words import plural, run_noun
from mnist_viz.plots._inputs import class_names_for
from mnist_viz.run_format import TEST_NPZ

from .._names import figure_names
from .._figures import add_figure
from .._missing import note_missing
from .._model import Section
from .._testset import finite_predictions, test_set_caption

__all__ = ["predictions_section"]


def predictions_section(run, sid: str) -> Section:
    """Top-k grid, most confident errors, most confused pairs.

    >>> import numpy as np
    >>> from mnist_viz.run import Run, Predictions
    >>> y = np.arange(30) % 10  # every third sample is taken for the next class
    >>> probs = np.eye(10)[(y + (np.arange(30) % 3 == 0)) % 10] * 0.5 + 0.05
    >>> run = Run.from_dict({"loss": [0.9]}, name="demo")
    >>> run.test = Predictions(probabilities=probs, labels=y, images=np.zeros((30, 28, 28), np.uint8))
    >>> [b.kind for b in predictions_section(run, "r0-predictions").blocks]
    ['figure', 'figure', 'figure']
    """
    s = Section(sid, "Predictions: top-k, errors, confused pairs")
    t = run.test
    if t is None:
        note_missing(s, "No test predictions", run, "test")
        return s
    s.intro = test_set_caption(run)
    if t.images is None:
        s.note(f"No test images: {TEST_NPZ} of this run holds probabilities and labels only.")
        return s
    names, noun = class_names_for(run.class_names, t.probabilities.shape[1]), run_noun(run)
    t, _kept = finite_predictions(s, t, noun, "the top-k grid and the error views")
    wide = max(len(c) for c in names) > 6  # long names widen each cell: fewer a row keeps the text legible
    add_figure(s, lambda: plots.topk_grid(t.images, t.labels, t.probabilities, k=3, n=9 if wide else 10,
                                          ncols=3 if wide else 5, class_names=figure_names(names), noun=noun),
               caption=f"First test {plural(noun)} with their three most probable classes (green: correct).",
               what="top-k grid")
    add_figure(s, lambda: plots.misclassified(t.images, t.labels, t.probabilities, n=12, class_names=figure_names(names), noun=noun),
               caption="The errors the model was most sure of.", what="most confident errors")
    add_figure(s, lambda: plots.confused_pairs(t.images, t.labels, t.probabilities, n_pairs=4, n_examples=5,
                                               class_names=figure_names(names), noun=noun),
               caption="The class pairs mistaken for each other most often, with examples.", what="most confused pairs")
    return s
