"""The evaluation section: the run's saved model scored on another test set (:func:`mnist_viz.evaluate`,
``run.evaluations[name]``), one section per evaluation after the run's own sections: the test set,
the headline metrics, the confusion matrix (with drill-down) and per-class metrics, calibration and
the most confident errors. The blocks are drawn by the helpers the run's own sections use, given
the evaluation's :class:`~mnist_viz.run.Predictions`.

Example
-------
>>> evaluation_ids("r0", "idx-mnist")
('r0-eval-idx:mnist', 'r0-eval-idx:mnist-cm')
"""
from __future__ import annotations

from mnist_viz import plots
from mnist_viz._words import data_noun, plural
from mnist_viz.plots._inputs import class_names_for
from mnist_viz.run_format import EVALUATIONS_DIR, TEST_NPZ

from .._names import figure_names
from .._figures import add_figure
from .._format import fmt
from .._model import Section
from .._testset import evaluation_caption, finite_predictions
from .calibration import add_reliability
from .confusion import add_confusion
from .summary import add_dataset

__all__ = ["evaluation_section", "evaluation_ids"]


def evaluation_ids(rid: str, name: str) -> tuple[str, str]:
    """(section id, drill-down id) of evaluation ``name`` in run group ``rid``: stable (from the name)
    and unique in the page. Names may hold ``-``, which the ids use as their separator, so it is
    spelt ``:`` there (a name never holds one): no id can be another's with a suffix.

    >>> evaluation_ids("r1", "keras")
    ('r1-eval-keras', 'r1-eval-keras-cm')
    """
    sid = f"{rid}-eval-{name.replace('-', ':')}"
    return sid, f"{sid}-cm"


def evaluation_section(run, name: str, sid: str, *, drill_id: str) -> tuple[Section, dict | None]:
    """Evaluation ``name`` of ``run``: test set, metrics, confusion matrix, per-class metrics,
    calibration, most confident errors. Returns the section and the drill-down data (None without images).

    >>> import numpy as np
    >>> from mnist_viz.run import Evaluation, Predictions, Run
    >>> run = Run.from_dict({"loss": [0.5]}, name="demo")
    >>> ev = Evaluation("keras", data={"source": "keras", "description": "Keras MNIST"}, metrics={"accuracy": 0.5}, n=4)
    >>> ev.test = Predictions(np.eye(2)[[0, 1, 1, 0]], np.array([0, 1, 0, 1]), np.zeros((4, 28, 28), np.uint8))
    >>> run._evaluations = {"keras": ev}
    >>> sid, drill_id = evaluation_ids("r0", "keras")
    >>> s, drill = evaluation_section(run, "keras", sid, drill_id=drill_id)
    >>> s.title, s.intro
    ('Evaluation on keras', 'Test set: Keras MNIST, 4 images (evaluation keras).')
    >>> [b.kind for b in s.blocks][:4], sum(cell["n"] for cell in drill["cells"].values())
    (['metrics', 'table', 'figure', 'confusion'], 4)
    """
    ev = run.evaluations[name]
    s = Section(sid, f"Evaluation on {name}")
    s.intro = evaluation_caption(ev)
    items = [(f"test {k}", fmt(v)) for k, v in ev.metrics.items() if isinstance(v, (int, float))
             and not isinstance(v, bool)]
    names = ev.data.get("class_names") or run.class_names
    noun = data_noun(ev.data if ev.data.get("noun") else (run.metadata.get("data") or {}), names)
    s.add("metrics", items=items + [(f"test {plural(noun)}", fmt(ev.n)), ("created", str(ev.created or "—"))])
    add_dataset(s, run, ev.data)
    t = ev.test
    if t is None:
        s.note(f"No test predictions: {EVALUATIONS_DIR}/{name}/{TEST_NPZ} is missing; run mnist_viz.evaluate "
               "again with overwrite=True (--overwrite) to write it.")
        return s, None
    t, kept = finite_predictions(s, t, noun, "every view of this section",
                                 source=f"{EVALUATIONS_DIR}/{name}/{TEST_NPZ}")
    drill = add_confusion(s, t, names, stem=f"{run.name}-{name}", drill_id=drill_id, noun=noun, rows=kept)
    add_reliability(s, t, noun)
    if t.images is not None:
        shown = class_names_for(names, t.probabilities.shape[1])
        add_figure(s, lambda: plots.misclassified(t.images, t.labels, t.probabilities, n=12, class_names=figure_names(shown),
                                                  noun=noun),
                   caption="The errors the model was most sure of on this test set.", what="most confident errors")
    return s, drill
