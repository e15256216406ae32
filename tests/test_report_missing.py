"""Why a record is missing (mnist_viz/report/_missing.py): the notes of a partial run, which name
the files through mnist_viz.run_format (no file name is spelled in the report's code).

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import ast  # noqa: E402
from pathlib import Path  # noqa: E402

from report_runs import write_run  # noqa: E402


def test_interrupted_run_without_records_says_what_is_missing(tmp_path):
    from mnist_viz.report import build_report

    run = write_run(tmp_path / "cut", epochs=2, planned=5, status="interrupted", with_test=False,
                    with_weights=False, with_probe=False, with_batches=False)
    page = build_report(run).html
    assert "interrupted after 2 of 5 epochs" in page
    for missing in ("test_predictions.npz", "weights/stats.csv", "probe/epoch_XXXX.npz", "features.npz", "batches.csv"):
        assert missing in page, missing
    assert 'id="r0-curves"' in page and page.count("<img") >= 1  # the curves still render


def _run_file_names() -> set[str]:
    from mnist_viz import run_format

    names = {v for k, v in vars(run_format).items() if k.isupper() and isinstance(v, str) and "." in v}
    return names | {run_format.PROBE_DIR + "/", run_format.WEIGHTS_DIR + "/", "epoch_XXXX.npz"}


def test_the_report_code_spells_no_run_file_name():
    """String literals in mnist_viz/report/ (docstrings aside) hold no run file name: notes and
    captions build them from mnist_viz.run_format."""
    names = _run_file_names()
    assert {"run.json", "history.csv", "features.npz", "test_predictions.npz", "weights/stats.csv"} <= names
    found = []
    for path in sorted((Path(__file__).resolve().parents[1] / "mnist_viz" / "report").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                found += [f"{path.name}:{node.lineno}: {name}" for name in names if name in node.value]
    assert not found, found


def test_notes_name_the_files_of_run_format(tmp_path):
    from mnist_viz import run_format
    from mnist_viz.report.sections import curves_section, internals_section, weights_section
    from mnist_viz.run import Run

    run = Run.load(write_run(tmp_path / "bare", with_test=False, with_weights=False, with_probe=False,
                             with_batches=False, status="running"))
    notes = [b.text for section in (curves_section(run, "c"), weights_section(run, "w"), internals_section(run, "i"))
             for b in section.blocks if b.kind == "note"]
    assert notes[0] == (f"No per-batch records: the run is still training; {run_format.BATCHES_CSV} is written "
                        "later (HistoryRecorder writes it).")
    assert notes[1] == (f"No weight records: the run is still training; {run_format.WEIGHT_STATS_CSV} is written "
                        "later (WeightRecorder writes it).")
    assert notes[2].startswith(f"No stored activations: the run is still training; {run_format.FEATURES_NPZ}")


def test_notes_of_a_run_whose_model_is_not_a_classifier_say_why(tmp_path):
    import json

    from mnist_viz import run_format
    from mnist_viz.report import build_report
    from mnist_viz.report.sections import confusion_section, evolution_section
    from mnist_viz.run import Run

    path = write_run(tmp_path / "reg", with_test=False, with_probe=False)
    info = json.loads((path / run_format.RUN_JSON).read_text())
    info["output"] = {"kind": "multi_label", "classifier": False, "outputs": 1, "width": 10, "activation": "sigmoid",
                      "loss": "binary_crossentropy", "from_logits": None,
                      "description": "10 sigmoid outputs and loss 'binary_crossentropy'"}
    (path / run_format.RUN_JSON).write_text(json.dumps(info))
    run = Run.load(path)
    notes = [b.text for section in (confusion_section(run, "c", drill_id="d")[0],
                                                  evolution_section(run, "e", slider_id="s"))
             for b in section.blocks if b.kind == "note"]
    why = "the model is not a classifier (multi-label: 10 sigmoid outputs and loss 'binary_crossentropy')"
    assert notes == [f"No test predictions: {why}, so RunRecorder records no {run_format.TEST_NPZ}, which holds "
                     "class probabilities.",
                     f"No probe records: {why}, so PredictionRecorder records no {run_format.PROBE_DIR}/"
                     f"{run_format.PROBE_EPOCH_GLOB.replace('*', 'XXXX')}, which holds class probabilities."]
    assert build_report(path).html.count("the model is not a classifier") >= 3


# -- run.json "recorded": the note names the argument that adds the record ---------------------------
_VAL = ("fit with `validation_split=` or `validation_data=` arrays, or pass `validation_data=(x_val, y_val)` to "
        "RunRecorder")
_NOTE_CASES = {
    "no test data": (
        dict(with_test=False, recorded=dict(test_data=False, features_from="validation_data")),
        [("confusion", "No test predictions: RunRecorder was given no test data; to record the test predictions, "
                       "pass `test_data=(x_test, y_test)` to RunRecorder."),
         ("calibration", "No calibration: RunRecorder was given no test data; to record the test predictions, "
                         "pass `test_data=(x_test, y_test)` to RunRecorder.")]),
    "no test data, interrupted": (  # the argument, not "interrupted before it was written": it never would be
        dict(with_test=False, status="interrupted", planned=5, recorded=dict(test_data=False)),
        [("predictions", "No test predictions: RunRecorder was given no test data; to record the test "
                         "predictions, pass `test_data=(x_test, y_test)` to RunRecorder.")]),
    "no validation data": (
        dict(with_probe=False, recorded=dict(validation=None)),
        [("evolution", f"No probe records: RunRecorder was given no validation data; to record the probe "
                       f"predictions, {_VAL}.")]),
    "record_predictions=False": (
        dict(with_probe=False, recorded=dict(record_predictions=False)),
        [("evolution", "No probe records: RunRecorder was built with record_predictions=False; leave it at True "
                       "(the default) to record the probe predictions.")]),
    "record_weights=False": (
        dict(with_weights=False, recorded=dict(record_weights=False)),
        [("weights", "No weight records: RunRecorder was built with record_weights=False; leave it at True "
                     "(the default) to record the weight statistics.")]),
    "record_features=False": (
        dict(with_features=False, recorded=dict(record_features=False, features_from=None)),
        [("internals", "No stored activations: RunRecorder was built with record_features=False; leave it at "
                       "True (the default) to record the activations and the embedding. Call "
                       "mnist_viz.plots.activations(image, model) with the live model instead."),
         ("calibration", "No embedding view: RunRecorder was built with record_features=False; leave it at True "
                         "(the default) to record the activations and the embedding.")]),
    "no data for the features": (
        dict(with_test=False, with_features=False,
             recorded=dict(test_data=False, validation=None, features_from=None)),
        [("internals", "No stored activations: RunRecorder was given neither test nor validation data (it takes "
                       "them from the test data, else the validation data, at the end of training); to record the "
                       "activations and the embedding, pass `test_data=(x_test, y_test)` (or "
                       "`validation_data=(x_val, y_val)`) to RunRecorder. Call mnist_viz.plots.activations(image, "
                       "model) with the live model instead.")]),
    "ReLU model without a probe batch": (
        dict(with_dead_relu=False, relu=True, recorded=dict(test_data=False, validation=None)),
        [("weights", f"No dead-ReLU records: RunRecorder was given neither validation nor test data, so it had no "
                     f"probe batch; to record the dead-ReLU fractions, {_VAL}, or `test_data=(x_test, y_test)`.")]),
    "model without ReLU": (
        dict(with_dead_relu=False, relu=False, recorded=dict()),
        [("weights", "No dead-ReLU records: the model has no ReLU layer (a ReLU layer, or a layer with "
                     "activation=\"relu\"), so there are no dead units to count.")]),
    "no dataset": (
        dict(metadata={"data": None}, recorded=dict()),
        [("summary", "No dataset description: RunRecorder was given no dataset; to record the dataset "
                     "description, pass `dataset=` (an MnistData, a name or a dict of fields) to RunRecorder.")]),
    "test data given, file gone": (
        dict(with_test=False, recorded=dict()),
        [("confusion", "No test predictions: test_predictions.npz is absent although RunRecorder was asked to "
                       "record the test predictions (it could not be written: the fit's warnings say why).")]),
    # runs from before "recorded": the note says what the record needs, not that a recorder did not run
    "older run without test data": (
        dict(with_test=False),
        [("confusion", "No test predictions: RunRecorder writes test_predictions.npz at the end of training only "
                       "when it is given `test_data=(x_test, y_test)`.")]),
    "older run without probe records": (
        dict(with_probe=False),
        [("evolution", "No probe records: PredictionRecorder writes probe/epoch_XXXX.npz only when RunRecorder is "
                       "given `validation_data=(x_val, y_val)`, or `training_data=(x_train, y_train)` when fit "
                       "holds out `validation_split`.")]),
    "older run without dead ReLUs": (
        dict(with_dead_relu=False),
        [("weights", "No dead-ReLU records: the model has no ReLU layer, or WeightRecorder writes "
                     "weights/dead_relu.csv only when RunRecorder is given validation or test data "
                     "(`validation_data=(x_val, y_val)`, or `training_data=(x_train, y_train)` with "
                     "`validation_split`, or `test_data=(x_test, y_test)`).")]),
}


def _section_notes(run) -> dict[str, list[str]]:
    """The notes of every section of ``run`` that can say a record is missing, by section."""
    from mnist_viz.report import sections as sec

    built = {"summary": sec.summary_section(run, "s"), "curves": sec.curves_section(run, "c"),
             "weights": sec.weights_section(run, "w"), "confusion": sec.confusion_section(run, "x", drill_id="d")[0],
             "predictions": sec.predictions_section(run, "p"), "internals": sec.internals_section(run, "i"),
             "evolution": sec.evolution_section(run, "e", slider_id="sl"), "calibration": sec.calibration_section(run, "k")}
    return {name: [b.text for b in s.blocks if b.kind == "note"] for name, s in built.items()}


def _notes_only(**pieces):
    """A run whose sections are notes only (no figures drawn): nothing but the history."""
    return dict(dict(with_test=False, with_weights=False, with_probe=False, with_features=False,
                     with_batches=False), **pieces)


import pytest  # noqa: E402


@pytest.mark.parametrize("case", list(_NOTE_CASES))
def test_each_missing_record_names_the_argument_that_adds_it(tmp_path, case, monkeypatch):
    from mnist_viz.report import _figures
    from mnist_viz.run import Run
    from report_runs import recorded

    monkeypatch.setattr(_figures, "add_figure", lambda *a, **k: None)  # notes only: no figure is drawn
    for module in ("summary", "curves", "weights", "confusion", "predictions", "internals", "evolution",
                   "calibration"):
        monkeypatch.setattr(f"mnist_viz.report.sections.{module}.add_figure", lambda *a, **k: None, raising=False)
    pieces, expected = _NOTE_CASES[case]
    pieces = dict(pieces)
    if "recorded" in pieces:
        pieces["recorded"] = recorded(**pieces["recorded"])
    notes = _section_notes(Run.load(write_run(tmp_path / "r", **pieces)))
    for section, note in expected:
        assert note in notes[section], (section, notes[section])


_RECORDED_RUNS = {
    "everything off, no data": dict(recorded=dict(test_data=False, validation=None, record_weights=False,
                                                  record_predictions=False, record_features=False, save_model=False,
                                                  features_from=None), metadata={"data": None}, relu=True),
    "no data": dict(recorded=dict(test_data=False, validation=None, features_from=None), relu=True),
    "all given, records gone": dict(recorded=dict(), relu=True),
    "interrupted": dict(recorded=dict(test_data=False), status="interrupted", planned=9, relu=True),
    "running": dict(recorded=dict(validation=None), status="running", relu=False),
}


@pytest.mark.parametrize("case", list(_RECORDED_RUNS))
def test_no_note_of_a_run_recorder_run_says_a_recorder_did_not_run(tmp_path, case):
    from mnist_viz.run import Run
    from report_runs import recorded

    pieces = dict(_RECORDED_RUNS[case])
    pieces["recorded"] = recorded(**pieces["recorded"])
    for with_weights in (False, True):  # the weights section's notes with and without its figure
        path = write_run(tmp_path / f"{case}-{with_weights}", **_notes_only(with_weights=with_weights,
                                                                           with_dead_relu=False, **pieces))
        notes = [n for ns in _section_notes(Run.load(path)).values() for n in ns]
        assert notes and not [n for n in notes if "did not run" in n], notes
        if case == "everything off, no data":
            assert sum("RunRecorder was built with record_" in n for n in notes) == 3, notes  # weights, probe, features
            assert any("RunRecorder was given no test data" in n for n in notes), notes


def test_every_record_is_named_by_one_table():
    from mnist_viz.report import _missing

    assert {r.flag for r in _missing.RECORDS.values()} - {None} <= set(_missing.FLAGS)
    assert {r.needs for r in _missing.RECORDS.values()} - {None} <= set(_missing.NEEDS)
    with pytest.raises(ValueError, match="record must be one of .*; got 'weight'"):
        _missing.why_missing(None, "weight")
