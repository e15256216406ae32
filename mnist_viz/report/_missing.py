"""Why a record is missing from a run, in one sentence the section shows instead of the record,
naming the argument that would add it.

The reasons, in the order they are tried:

1. the run was built from a training log (no ``run.json``): it has no other records;
2. the model is not a classifier (``run.json`` "output") and the record holds class probabilities;
3. ``run.json`` "recorded" (what RunRecorder was given and asked to record) says it was built not
   to record it (``record_weights=False`` ...: :data:`FLAGS`) or was given none of the data it is
   made from (no ``test_data`` ...: :data:`NEEDS`); the note names the argument that adds it;
4. the run was interrupted before the record was written, or is still training;
5. a run without "recorded" (written before it existed) gets a note saying which argument the
   record needs, never that a recorder "did not run" when it may have run without that data.

Every record a note can name is one row of :data:`RECORDS`; file names come from
:mod:`mnist_viz.run_format`.

Example
-------
>>> from mnist_viz.run import Run
>>> from mnist_viz.report._model import Section
>>> s = Section("r0-curves", "Training curves")
>>> note_missing(s, "No per-batch records", Run.from_dict({"loss": [1.0]}), "batches")
>>> s.blocks[0].text
'No per-batch records: this run was built from a training log (history only), which has no batches.csv.'
"""
from __future__ import annotations

from dataclasses import dataclass

from mnist_viz.run_format import (BATCHES_CSV, DEAD_RELU_CSV, FEATURES_NPZ, HISTORY_CSV, MODEL_KERAS, PROBE_DIR,
                                  PROBE_EPOCH_GLOB, RUN_JSON, TEST_NPZ, WEIGHT_STATS_CSV)

from ._model import Section

__all__ = ["why_missing", "note_missing", "Record", "RECORDS", "NEEDS", "FLAGS"]


@dataclass(frozen=True)
class Record:
    """One record a note can say is missing: its file, who writes it and when, what it is called in
    "to record ...", the ``run.json`` "recorded" flag that turns it off, the data it is made from (a
    key of :data:`NEEDS`) and whether it holds class probabilities (a classifier's only).

    >>> RECORDS["probe"].filename, RECORDS["probe"].flag, RECORDS["probe"].needs
    ('probe/epoch_XXXX.npz', 'record_predictions', 'validation')
    """

    filename: str
    writer: str
    noun: str
    at: str = ""
    flag: str | None = None
    needs: str | None = None
    probabilities: bool = False


@dataclass(frozen=True)
class Need:
    """Data a record is made from: whether run.json "recorded" says it was given, what the note says
    when it was not, the argument that gives it, and (for runs without "recorded") when it is used.

    >>> NEEDS["test_data"].argument
    'pass `test_data=(x_test, y_test)` to RunRecorder'
    """

    given: tuple[str, ...]
    lacking: str
    argument: str
    when: str


_SPLIT = "`training_data=(x_train, y_train)` when fit holds out `validation_split`"
_PASS_VALIDATION = "fit with `validation_split=` or `validation_data=` arrays, or pass `validation_data=(x_val, y_val)` to RunRecorder"

#: the data records are made from; ``given``: the "recorded" entries of which one must be set
NEEDS = {
    "test_data": Need(("test_data",), "RunRecorder was given no test data",
                      "pass `test_data=(x_test, y_test)` to RunRecorder", "it is given `test_data=(x_test, y_test)`"),
    "validation": Need(("validation",), "RunRecorder was given no validation data",
                       _PASS_VALIDATION, f"RunRecorder is given `validation_data=(x_val, y_val)`, or {_SPLIT}"),
    "probe_batch": Need(("validation", "test_data"), "RunRecorder was given neither validation nor test data, "
                        "so it had no probe batch",
                        f"{_PASS_VALIDATION}, or `test_data=(x_test, y_test)`",
                        "RunRecorder is given validation or test data (`validation_data=(x_val, y_val)`, or "
                        "`training_data=(x_train, y_train)` with `validation_split`, or `test_data=(x_test, y_test)`)"),
    "features": Need(("features_from",), "RunRecorder was given neither test nor validation data (it takes them "
                     "from the test data, else the validation data, at the end of training)",
                     "pass `test_data=(x_test, y_test)` (or "
                     "`validation_data=(x_val, y_val)`) to RunRecorder",
                     "it is given `test_data=(x_test, y_test)` or validation data to take them from"),
    "dataset": Need((), "RunRecorder was given no dataset",
                    "pass `dataset=` (an MnistData, a name or a dict of fields) to RunRecorder",
                    "it is given `dataset=` (mnist_viz.train passes it)"),
}

#: the RunRecorder arguments that turn a record off (each defaults to True)
FLAGS = ("record_weights", "record_predictions", "record_features", "save_model")

_END = "at the end of training"
_PROBE_EPOCHS = f"{PROBE_DIR}/{PROBE_EPOCH_GLOB.replace('*', 'XXXX')}"

#: every record a note can name
RECORDS = {
    "history": Record(HISTORY_CSV, "HistoryRecorder", "the history", at="at the end of every epoch"),
    "batches": Record(BATCHES_CSV, "HistoryRecorder", "the per-batch values"),
    "weights": Record(WEIGHT_STATS_CSV, "WeightRecorder", "the weight statistics", flag="record_weights"),
    "dead_relu": Record(DEAD_RELU_CSV, "WeightRecorder", "the dead-ReLU fractions", flag="record_weights",
                        needs="probe_batch"),
    "probe": Record(_PROBE_EPOCHS, "PredictionRecorder", "the probe predictions", flag="record_predictions",
                    needs="validation", probabilities=True),
    "test": Record(TEST_NPZ, "RunRecorder", "the test predictions", at=_END, needs="test_data", probabilities=True),
    "test_metrics": Record(f"test_metrics / {TEST_NPZ}", "RunRecorder", "the test metrics", at=_END,
                           needs="test_data"),
    "features": Record(FEATURES_NPZ, "RunRecorder", "the activations and the embedding", at=_END,
                       flag="record_features", needs="features"),
    "model": Record(MODEL_KERAS, "RunRecorder", "the model", at=_END, flag="save_model"),
    "model_summary": Record(f"the model description in {RUN_JSON}", "RunRecorder", "the model description"),
    "dataset": Record(f"{RUN_JSON} metadata", "RunRecorder", "the dataset description", needs="dataset"),
}


def _record(record: str | Record) -> Record:
    if isinstance(record, Record):
        return record
    if record not in RECORDS:
        raise ValueError(f"record must be one of {sorted(RECORDS)}; got {record!r}")
    return RECORDS[record]


def _not_recorded(recorded: dict, rec: Record) -> str | None:
    """Why run.json "recorded" says ``rec`` was never going to be written; None when it was."""
    if rec.flag and recorded.get(rec.flag) is False:
        return (f"RunRecorder was built with {rec.flag}=False; leave it at True (the default) to record "
                f"{rec.noun}")
    need = NEEDS.get(rec.needs)
    if need is None:
        return None
    if not any(recorded.get(k) for k in need.given):  # the dataset's note: it is missing, so not given
        return f"{need.lacking}; to record {rec.noun}, {need.argument}"
    return None


def why_missing(run, record: str | Record, *, filename: str | None = None) -> str:
    """A clause explaining why ``record`` (a key of :data:`RECORDS`) is absent from ``run``;
    ``filename`` names it differently (the embedding inside ``features.npz``...).

    >>> from mnist_viz.run import Run
    >>> why_missing(Run.from_dict({"loss": [1.0]}), "weights")
    'this run was built from a training log (history only), which has no weights/stats.csv'
    """
    rec = _record(record)
    filename = filename or rec.filename
    if run.path is None or not (run.path / RUN_JSON).exists():
        return f"this run was built from a training log (history only), which has no {filename}"
    output = run.info.get("output") or {}
    if output.get("classifier") is False and rec.probabilities:
        found = ": ".join(v for v in (str(output.get("kind") or "").replace("_", "-"), output.get("description")) if v)
        return (f"the model is not a classifier ({found}), so {rec.writer.split()[0]} records no {filename}, "
                "which holds class probabilities")
    recorded = run.info.get("recorded")
    if isinstance(recorded, dict):
        reason = _not_recorded(recorded, rec)
        if reason:
            return reason
    writes_it = f"{rec.writer} writes it" + (f" {rec.at}" if rec.at else "")
    planned = run.info.get("epochs_planned")
    done = run.info.get("epochs_completed", run.epochs_completed)
    if run.status == "interrupted":
        at = f" after {done} of {planned} epochs" if planned else ""
        return f"the run was interrupted{at}, before {filename} was written ({writes_it})"
    if run.status == "running":
        return f"the run is still training; {filename} is written later ({writes_it})"
    if isinstance(recorded, dict):
        return (f"{filename} is absent although RunRecorder was asked to record {rec.noun} (it could not be "
                "written: the fit's warnings say why)")
    need = NEEDS.get(rec.needs)
    if need is not None:
        return f"{rec.writer} writes {filename}{' ' + rec.at if rec.at else ''} only when {need.when}"
    return f"{filename} is written by {rec.writer}, which did not run for this run"


def note_missing(section: Section, what: str, run, record: str | Record, *, filename: str | None = None,
                 kind: str = "missing") -> None:
    """Add the note "``what``: <why ``record`` is missing>." to ``section``.

    >>> from mnist_viz.run import Run
    >>> s = Section("r0-weights", "Weights over epochs")
    >>> note_missing(s, "No weight records", Run.from_dict({"loss": [1.0]}), "weights", kind="info")
    >>> s.blocks[0].style, s.blocks[0].text[:37]
    ('info', 'No weight records: this run was built')
    """
    section.note(f"{what}: {why_missing(run, record, filename=filename)}.", kind=kind)
