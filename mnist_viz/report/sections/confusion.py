"""The confusion section: the confusion matrix (a figure, and a table whose cells open their test
images), per-class precision, recall and F1, and both as CSV downloads.

Example
-------
>>> from mnist_viz.run import Run
>>> s, drill = confusion_section(Run.from_dict({"loss": [0.9]}), "r0-confusion", drill_id="r0-cm")
>>> s.blocks[0].text[:20], drill
('No test predictions:', None)
"""
from __future__ import annotations

from mnist_viz import metrics, plots
from mnist_viz._words import count, noun_for, plural, run_noun
from mnist_viz.plots._inputs import class_names_for
from mnist_viz.run_format import TEST_NPZ

from .. import _embed
from .._drill import drill_data
from .._names import figure_names
from .._figures import add_figure
from .._format import rows_by_column
from .._missing import note_missing
from .._model import Section, Table
from .._testset import finite_predictions, test_set_caption

__all__ = ["confusion_section", "add_confusion"]


def confusion_section(run, sid: str, *, drill_id: str) -> tuple[Section, dict | None]:
    """Confusion matrix (figure + clickable table with drill-down) and per-class metrics.

    Returns the section and the drill-down data (None without test images).

    >>> import numpy as np
    >>> from mnist_viz.run import Run, Predictions
    >>> rng = np.random.default_rng(0)
    >>> run = Run.from_dict({"loss": [0.9, 0.5]}, name="demo")
    >>> run.test = Predictions(probabilities=rng.dirichlet(np.ones(10), 60), labels=np.arange(60) % 10,
    ...                        images=rng.integers(0, 256, (60, 28, 28), dtype=np.uint8))
    >>> s, drill = confusion_section(run, "r0-confusion", drill_id="r0-cm")
    >>> [b.kind for b in s.blocks], sum(map(sum, s.blocks[1].counts))
    (['figure', 'confusion', 'figure', 'table', 'downloads'], 60)
    >>> sum(cell["n"] for cell in drill["cells"].values())
    60
    """
    s = Section(sid, "Confusion matrix and per-class metrics")
    t = run.test
    if t is None:
        note_missing(s, "No test predictions", run, "test")
        return s, None
    s.intro = test_set_caption(run)
    return s, add_confusion(s, t, run.class_names, stem=run.name, drill_id=drill_id, noun=run_noun(run))


def add_confusion(s: Section, t, class_names, *, stem: str, drill_id: str, noun: str | None = None,
                  rows=None) -> dict | None:
    """The confusion blocks of predictions ``t`` (a :class:`~mnist_viz.run.Predictions`) into ``s``:
    the figure, the clickable table ``drill_id``, per-class metrics and the CSV downloads (named
    ``<stem>-...csv``); returns the drill-down data (None without images). ``noun`` is the word for
    one sample in the texts (default: from the class names, :func:`mnist_viz._words.noun_for`).
    Rows of NaN or inf are left out with a note; ``rows``: ``t`` was filtered so already (by
    :func:`~mnist_viz.report._testset.finite_predictions`) and these are its rows in the whole set.

    >>> import numpy as np
    >>> from mnist_viz.report._model import Section
    >>> from mnist_viz.run import Predictions
    >>> s = Section("r0-eval-x", "Evaluation on x")
    >>> add_confusion(s, Predictions(np.eye(3)[[0, 1, 2, 1]], np.array([0, 1, 2, 2])), ["a", "b", "c"],
    ...               stem="x", drill_id="r0-eval-x-cm") is None
    True
    >>> s.blocks[1].counts
    [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    """
    n = max(len(class_names), int(t.probabilities.shape[1]))
    names = class_names_for(class_names, n)
    noun = noun_for(names, noun)
    if rows is None:
        t, kept = finite_predictions(s, t, noun, "the confusion matrix, the per-class metrics and the drill-down")
    else:
        kept = rows
    y_true, y_pred = t.labels, t.predicted
    cm = metrics.confusion_counts(y_true, y_pred, n)
    # confusion_matrix's own figure: laid out by hand (no layout engine), with room measured for
    # the class names
    add_figure(s, lambda: plots.confusion_matrix(y_true, y_pred, class_names=figure_names(names)),
               caption=f"Test set, {count(len(y_true), noun)}: rows are the true class, columns the prediction; "
                       "margins show recall (right) and precision (bottom).", what="confusion matrix")
    drill = None
    if t.images is not None and len(t.images) == len(y_true):
        drill = drill_data(t.images, y_true, y_pred, t.probabilities, n)
        if kept is not None:  # the drill-down names each digit by its row in the whole test set
            for cell in drill["cells"].values():
                cell["idx"] = kept[cell["idx"]].tolist()
    s.add("confusion", id=drill_id, classes=names, counts=cm.tolist(), max=int(cm.max(initial=1)),
          drill=drill is not None, nouns=(noun, plural(noun)), caption="Counts (rows: true class, columns: predicted). "
          + (f"Select a cell to see its test {plural(noun)}." if drill else ""))
    if drill is None:
        s.note(f"No drill-down: {TEST_NPZ} holds no images for this run.", kind="info")
    per_class = metrics.per_class_metrics(y_true, y_pred, n)
    per_class.insert(0, "class", names)
    add_figure(s, lambda: plots.class_metrics(y_true, y_pred, class_names=figure_names(names)),
               caption="Precision, recall and F1 per class; support under each class name.", what="per-class metrics")
    s.table(Table(["class", "precision", "recall", "F1", "support"],
                  rows_by_column(per_class.itertuples(index=False)),
                  caption="Per-class metrics on the test set"))
    import pandas as pd

    cm_frame = pd.DataFrame(cm, columns=[f"pred_{c}" for c in names])
    cm_frame.insert(0, "true", names)
    s.add("downloads", links=[
        (f"{stem}-confusion-matrix.csv", _embed.csv_data_uri(cm_frame), "confusion matrix (CSV)"),
        (f"{stem}-per-class-metrics.csv", _embed.csv_data_uri(per_class), "per-class metrics (CSV)")])
    return drill
