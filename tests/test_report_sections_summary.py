"""The summary section (mnist_viz/report/sections/summary.py): headline metrics, dataset, model,
reproducibility. Run directories are written by tests/report_runs.py (no TensorFlow)."""
from __future__ import annotations

import numpy as np

from report_runs import write_run


def test_a_complete_run_has_headline_dataset_model_and_reproducibility(tmp_path):
    from mnist_viz.report.sections import summary_section
    from mnist_viz.run import Run

    run = Run.load(write_run(tmp_path / "full", epochs=3, seed=4))
    s = summary_section(run, "r0-summary")
    kinds = [b.kind for b in s.blocks]
    assert kinds == ["metrics", "table", "note", "pre", "table", "table"]
    items = dict(s.blocks[0].items)
    assert items["status"] == "complete" and items["test loss"] == "0.300" and items["best epoch"] == "3"
    assert s.blocks[1].table.caption == "Dataset" and ["classes", ", ".join(map(str, range(10)))] in s.blocks[1].table.rows
    model = s.blocks[4].table
    assert model.caption == "Model dense (Sequential): 25,450 parameters, 25,450 trainable"
    assert model.rows[0] == ["dense", "Dense", "(None, 32)", "25,120"]
    assert s.blocks[5].details.startswith("Reproducibility") and ["seed", "4"] in s.blocks[5].table.rows


def test_headline_falls_back_to_the_accuracy_of_the_test_predictions():
    from mnist_viz.report.sections import headline_metrics, summary_section
    from mnist_viz.run import Predictions, Run

    run = Run.from_dict({"loss": [0.9, 0.5]}, name="a")
    run.test = Predictions(probabilities=np.eye(2)[[0, 1, 1, 1]], labels=np.array([0, 1, 0, 1]))
    assert headline_metrics(run) == {"test accuracy": 0.75, "test digits": 4, "epochs": 2}
    run.status = "interrupted"
    run.info.update(status="interrupted", epochs_planned=5, interrupted_reason="KeyboardInterrupt")
    s = summary_section(run, "r0-summary")
    assert dict(s.blocks[0].items)["status"] == "interrupted (2 of 5 epochs)"
    assert "Interrupted: KeyboardInterrupt" in [b.text for b in s.blocks if b.kind == "note"]


def test_the_users_metadata_is_a_table_of_its_own(tmp_path):
    from mnist_viz.report.sections import summary_section
    from mnist_viz.report.sections.summary import MAX_METADATA_CHARS
    from mnist_viz.run import Run

    mine = {"optimizer": "adam", "lr": 0.001, "tuned": True, "layers": {"units": [512, 256], "dropout": 0.2},
            "notes": "x" * 500, "command": "python train.py --lr 0.001", "model_name": "dense"}
    run = Run.load(write_run(tmp_path / "m", seed=2, metadata=mine))
    s = summary_section(run, "r0-summary")
    (meta,) = [b.table for b in s.blocks if b.kind == "table" and b.table.caption.startswith("Metadata")]
    assert meta.kv and meta.columns == ["metadata", "value"]
    rows = dict(meta.rows)
    # the recorder's keys (data, versions, hardware, timings) and those shown elsewhere are not repeated
    assert list(rows) == ["optimizer", "lr", "tuned", "layers", "notes"]
    assert rows["optimizer"] == "adam" and rows["lr"] == "0.001" and rows["tuned"] == "yes"
    assert rows["layers"] == '{"units": [512, 256], "dropout": 0.2}'
    assert len(rows["notes"]) == MAX_METADATA_CHARS and rows["notes"].endswith("…")
    repro = dict(s.blocks[-1].table.rows)
    assert repro["seed"] == "2" and repro["command"] == "python train.py --lr 0.001"


def test_without_metadata_of_the_users_there_is_no_metadata_table(tmp_path):
    from mnist_viz.report.sections import summary_section
    from mnist_viz.run import Run

    s = summary_section(Run.load(write_run(tmp_path / "plain")), "r0-summary")
    assert not [b for b in s.blocks if b.kind == "table" and b.table.caption.startswith("Metadata")]


def test_the_keras_backend_and_its_version_are_reproducibility_rows(tmp_path):
    import json

    from mnist_viz.report.sections import summary_section
    from mnist_viz.run import Run

    path = write_run(tmp_path / "b")
    info = json.loads((path / "run.json").read_text())
    info["metadata"]["versions"] = {"python": "3.11.7", "keras_backend": "jax", "jax": "0.4.30", "keras": "3.15.0"}
    info["metadata"]["hardware"]["devices"] = ["CPU", "GPU"]
    (path / "run.json").write_text(json.dumps(info))
    rows = dict(summary_section(Run.load(path), "r0-summary").blocks[-1].table.rows)
    assert rows["Keras backend"] == "jax" and rows["jax"] == "0.4.30" and rows["keras"] == "3.15.0"
    assert rows["hardware devices"] == "CPU, GPU" and rows["timing fit seconds"] == "1"  # a list as text
    assert rows["hardware cpu count"] == "2" and not [label for label in rows if "_" in label]  # labels as words


def test_metadata_is_escaped_on_the_page(tmp_path):
    from mnist_viz.report import build_report
    from report_runs import XSS, parse

    path = write_run(tmp_path / "x", with_test=False, with_weights=False, with_probe=False, with_features=False,
                     with_batches=False, metadata={"comment": XSS, XSS: {"nested": XSS}})
    page = build_report(path).html
    assert XSS not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert XSS in "".join(parse(page).text)  # shown as text
