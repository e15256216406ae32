"""Why a record is missing from a run, in one sentence the section shows instead of the record.

A run may lack a file because it was built from a training log, was interrupted before the file
was written, is still training, because its model is not a classifier (``run.json`` ``output``:
class probabilities are recorded for classifiers only), or because the recorder that writes it did
not run. File names
come from :mod:`mnist_viz.run_format`.

Example
-------
>>> from mnist_viz.run import Run
>>> from mnist_viz.report._model import Section
>>> s = Section("r0-curves", "Training curves")
>>> note_missing(s, "No per-batch records", Run.from_dict({"loss": [1.0]}), "batches.csv", "HistoryRecorder")
>>> s.blocks[0].text
'No per-batch records: this run was built from a training log (history only), which has no batches.csv.'
"""
from __future__ import annotations

from mnist_viz.run_format import PROBE_DIR, RUN_JSON, TEST_NPZ

from ._model import Section

__all__ = ["why_missing", "note_missing", "TEST_WRITER", "FEATURES_WRITER"]

#: who writes the test predictions, as the notes name it
TEST_WRITER = "RunRecorder at the end of training"
#: who writes the stored activations and embedding, as the notes name it
FEATURES_WRITER = "mnist_viz.train after fitting"


def why_missing(run, filename: str, writer: str) -> str:
    """A clause explaining why ``filename`` is absent from ``run``.

    >>> from mnist_viz.run import Run
    >>> why_missing(Run.from_dict({"loss": [1.0]}), "weights/stats.csv", "WeightRecorder")
    'this run was built from a training log (history only), which has no weights/stats.csv'
    """
    if run.path is None or not (run.path / RUN_JSON).exists():
        return f"this run was built from a training log (history only), which has no {filename}"
    output = run.info.get("output") or {}
    if output.get("classifier") is False and (TEST_NPZ in filename or filename.startswith(PROBE_DIR + "/")):
        found = ": ".join(v for v in (str(output.get("kind") or "").replace("_", "-"), output.get("description")) if v)
        return (f"the model is not a classifier ({found}), so {writer.split()[0]} records no {filename}, "
                "which holds class probabilities")
    planned = run.info.get("epochs_planned")
    done = run.info.get("epochs_completed", run.epochs_completed)
    if run.status == "interrupted":
        at = f" after {done} of {planned} epochs" if planned else ""
        return f"the run was interrupted{at}, before {filename} was written ({writer} writes it)"
    if run.status == "running":
        return f"the run is still training; {filename} is written later ({writer} writes it)"
    return f"{filename} is written by {writer}, which did not run for this run"


def note_missing(section: Section, what: str, run, filename: str, writer: str, *, kind: str = "missing") -> None:
    """Add the note "``what``: <why ``filename`` is missing>." to ``section``.

    >>> from mnist_viz.run import Run
    >>> s = Section("r0-weights", "Weights over epochs")
    >>> note_missing(s, "No weight records", Run.from_dict({"loss": [1.0]}), "weights/stats.csv", "WeightRecorder",
    ...              kind="info")
    >>> s.blocks[0].style, s.blocks[0].text[:37]
    ('info', 'No weight records: this run was built')
    """
    section.note(f"{what}: {why_missing(run, filename, writer)}.", kind=kind)
