"""A run's saved model scored on another test set: the :class:`Evaluation` record (``run.evaluations``).

:func:`mnist_viz.evaluate` writes an evaluation named NAME into ``RUN_DIR/evaluations/NAME/`` (the
same ``test_predictions.npz`` and ``features.npz`` a run has for its own test set) and lists it in
``run.json`` "evaluations". This module reads it back: the entry's data description and metrics at
once, the arrays only when ``.test`` or ``.features`` is first read. NumPy only, no TensorFlow.

Example
-------
>>> import tempfile
>>> from mnist_viz import run_format as fmt
>>> d = tempfile.mkdtemp()
>>> _ = fmt.write_test_predictions(fmt.evaluation_dir(d, "idx-mnist"), probabilities=[[0.2, 0.8]], labels=[1])
>>> info = {"evaluations": {"idx-mnist": {"data": {"description": "IDX folder x"}, "metrics": {"accuracy": 1.0},
...                                       "created": "2025-01-01T00:00:00+00:00", "n": 1}}}
>>> ev = evaluations_of(d, info)["idx-mnist"]
>>> ev.accuracy, ev.test.predicted.tolist(), ev.features is None
(1.0, [1], True)
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from mnist_viz import run_format as fmt

__all__ = ["Evaluation", "evaluations_of"]


@dataclass(eq=False)
class Evaluation:
    """One evaluation of a run (``run.evaluations[name]``).

    Attributes
    ----------
    name : str
    data : dict
        What the test set was: ``source``, ``description``, ``n_test``, ``sha256``, ``citation``,
        ``class_names`` (from its :class:`~mnist_viz.data.MnistData`).
    metrics : dict
        Keras ``evaluate`` on it (``loss``, ``accuracy``, ...).
    created : str or None
        ISO time it was written.
    n : int or None
        Number of test digits.
    path : Path or None
        Its folder, ``RUN_DIR/evaluations/NAME``.

    >>> ev = Evaluation("keras", data={"description": "Keras MNIST"}, metrics={"loss": 0.1, "accuracy": 0.97})
    >>> ev.accuracy, ev.description, ev.test is None
    (0.97, 'Keras MNIST', True)
    """

    name: str
    data: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    created: str | None = None
    n: int | None = None
    path: Path | None = None

    @property
    def accuracy(self) -> float | None:
        """``metrics["accuracy"]``, or None."""
        value = self.metrics.get("accuracy")
        return None if value is None else float(value)

    @property
    def description(self) -> str:
        """The test set's one-line description (``data["description"]``, else its source)."""
        return str(self.data.get("description") or self.data.get("source") or "")

    @functools.cached_property
    def test(self):
        """Its :class:`~mnist_viz.run.Predictions` (like ``run.test``), read on first use; None without the file."""
        from mnist_viz.run import Predictions  # run.py imports this module

        arrays = None if self.path is None else fmt.read_test_predictions(self.path, root=self.path.parent.parent)
        return None if arrays is None else Predictions(**arrays)

    @functools.cached_property
    def features(self):
        """Its :class:`~mnist_viz.run_format.Features` (like ``run.features``), read on first use, or None."""
        return None if self.path is None else fmt.read_features(self.path, root=self.path.parent.parent)

    def __repr__(self) -> str:
        acc = f", accuracy {self.accuracy:.4f}" if self.accuracy is not None else ""
        return f"<Evaluation {self.name!r}{acc} on {self.n if self.n is not None else '?'} digits>"


def evaluations_of(run_dir: str | os.PathLike | None, info: dict) -> dict[str, Evaluation]:
    """The evaluations ``run.json`` (``info``) lists, by name (sorted); entries whose name is not a
    valid evaluation name are skipped. Without ``run_dir`` their arrays read as None. An entry
    whose ``data``, ``metrics``, ``metrics.accuracy`` or ``n`` has the wrong type is a
    :class:`~mnist_viz.run_format.RunFormatError`.

    >>> evaluations_of(None, {"evaluations": {"a": {"metrics": {"accuracy": 0.5}}, "../b": {}}})
    {'a': <Evaluation 'a', accuracy 0.5000 on ? digits>}
    """
    out = {}
    for name, entry in sorted((info.get("evaluations") or {}).items()):
        if not isinstance(entry, dict) or fmt.EVALUATION_NAME.fullmatch(str(name)) is None:
            continue
        n = entry.get("n")
        where = fmt.RUN_JSON if run_dir is None else Path(run_dir) / fmt.RUN_JSON
        for key, kind in (("data", dict), ("metrics", dict), ("created", str), ("n", int)):
            value = entry.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
                raise fmt.RunFormatError(where, f"key 'evaluations.{name}.{key}' is {type(value).__name__} "
                                                f"({value!r:.40}); expected {kind.__name__}")
        accuracy = (entry.get("metrics") or {}).get("accuracy")
        if accuracy is not None and (isinstance(accuracy, bool) or not isinstance(accuracy, (int, float))):
            raise fmt.RunFormatError(where, f"key 'evaluations.{name}.metrics.accuracy' is {type(accuracy).__name__} "
                                            f"({accuracy!r:.40}); expected a number")
        out[name] = Evaluation(name, data=dict(entry.get("data") or {}), metrics=dict(entry.get("metrics") or {}),
                               created=entry.get("created"), n=None if n is None else int(n),
                               path=None if run_dir is None else fmt.evaluation_dir(run_dir, name))
    return out
