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
    assert items["status"] == "complete" and items["test loss"] == "0.3" and items["best epoch"] == "3"
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
