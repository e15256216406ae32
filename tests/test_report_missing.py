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
