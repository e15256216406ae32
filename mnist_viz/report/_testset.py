"""Which test set a section draws, in one line (a section's intro): the run's own test set, or one
of its evaluations (:func:`mnist_viz.evaluate`).

Example
-------
>>> from mnist_viz.run import Run
>>> run = Run.from_dict({"loss": [0.5]}, metadata={"data": {"description": "Keras MNIST: 60,000 train / "
...                                                          "10,000 test", "n_test": 10000}})
>>> test_set_caption(run)
'Test set: the test split of Keras MNIST: 60,000 train / 10,000 test, 10,000 images.'
"""
from __future__ import annotations

__all__ = ["test_set_caption", "features_caption", "evaluation_caption", "finite_predictions"]


def finite_predictions(s, t, noun: str, views: str, *, source: str | None = None):
    """``t.finite_rows()`` with an error note in section ``s`` when rows were left out: how many of
    the test set's samples (``noun``: the word for one) hold NaN or inf probabilities (a diverged
    model's), the first one, and which ``views`` leave them out; ``source`` names the file
    (default ``test_predictions.npz``; an evaluation's is under ``evaluations/NAME/``).

    >>> import numpy as np
    >>> from mnist_viz.report._model import Section
    >>> from mnist_viz.run import Predictions
    >>> s = Section("r0-x", "x")
    >>> t, kept = finite_predictions(s, Predictions(np.array([[np.nan, np.nan], [0.2, 0.8]]), np.array([0, 1])),
    ...                              "digit", "the confusion matrix")
    >>> kept.tolist(), s.blocks[0].text
    ([1], 'test_predictions.npz: 1 of 2 digits has NaN or inf probabilities (row 0 first); it is left out of the confusion matrix.')
    """
    import numpy as np

    from mnist_viz._words import count
    from mnist_viz.run_format import TEST_NPZ

    kept_t, kept = t.finite_rows()
    if kept is not None:
        bad = len(t.labels) - len(kept)
        first = int(np.setdiff1d(np.arange(len(t.labels)), kept)[0])
        s.note(f"{source or TEST_NPZ}: {bad} of {count(len(t.labels), noun)} {'has' if bad == 1 else 'have'} NaN or inf "
               f"probabilities (row {first} first); {'it is' if bad == 1 else 'they are'} left out of {views}.",
               kind="error")
    return kept_t, kept


def _count(n) -> str:
    return f", {int(n):,} images" if n is not None else ""


def test_set_caption(run) -> str:
    """``"Test set: <what>, N images."`` for the run's own test set: the dataset ``run.json``
    describes (``metadata.data``), else the ``test_data`` given to the recorder.

    >>> import numpy as np
    >>> from mnist_viz.run import Run, Predictions
    >>> run = Run.from_dict({"loss": [0.5]})
    >>> run.test = Predictions(np.eye(2)[[0, 1, 1]], np.array([0, 1, 1]))
    >>> test_set_caption(run)
    'Test set: test_data given to the recorder, 3 images.'
    """
    data = run.metadata.get("data") or {}
    what = f"the test split of {data['description']}" if data.get("description") else "test_data given to the recorder"
    n = len(run.test.labels) if run.test is not None else data.get("n_test")
    return f"Test set: {what}{_count(n)}."


def features_caption(run) -> str:
    """Which digits the stored activations come from: the test set (:func:`test_set_caption`), or
    the validation data when the run had no test data (``run.json`` "recorded" ``features_from``).

    >>> from mnist_viz.run import Run
    >>> run = Run.from_dict({"loss": [0.5]})
    >>> run.info["recorded"] = {"features_from": "validation_data"}
    >>> features_caption(run)
    'Digits from the validation data given to the recorder (the run has no test set).'
    """
    if (run.info.get("recorded") or {}).get("features_from") == "validation_data":
        return "Digits from the validation data given to the recorder (the run has no test set)."
    return test_set_caption(run)


def evaluation_caption(ev) -> str:
    """``"Test set: <description>, N images (evaluation NAME)."`` for an :class:`~mnist_viz.run.Evaluation`.

    >>> from mnist_viz.run import Evaluation
    >>> evaluation_caption(Evaluation("idx-mnist", data={"description": "IDX folder m: test split only"}, n=10000))
    'Test set: IDX folder m: test split only, 10,000 images (evaluation idx-mnist).'
    """
    n = len(ev.test.labels) if ev.test is not None else ev.n
    return f"Test set: {ev.description or 'not described'}{_count(n)} (evaluation {ev.name})."
