"""The report's build plan (mnist_viz/report/_tasks.py): a run's own sections in page order, then one
section per evaluation, each confusion matrix's drill-down under its own id."""
from __future__ import annotations

from report_runs import write_evaluation, write_run


def test_own_sections_then_one_per_evaluation_in_name_order(tmp_path):
    from mnist_viz.report._tasks import run_tasks
    from mnist_viz.run import Run

    run_dir = write_run(tmp_path / "run", n_test=60, name="dense")
    for name in ("keras", "idx-mnist"):
        write_evaluation(run_dir, name, n=30)
    tasks = run_tasks(Run.load(run_dir), 1, 2)
    labels = [label for label, _ in tasks]
    assert labels == [f"[2/2] dense: {what}" for what in (
        "summary", "training curves", "weights", "confusion matrix", "predictions", "model internals", "evolution",
        "calibration and embedding", "evaluation idx-mnist", "evaluation keras")]
    own, drills = tasks[3][1]()
    assert own.id == "r1-confusion" and list(drills) == ["r1-cm"]
    section, drills = tasks[8][1]()
    assert section.id == "r1-eval-idx:mnist" and list(drills) == ["r1-eval-idx:mnist-cm"]
    assert sum(cell["n"] for cell in drills["r1-eval-idx:mnist-cm"]["cells"].values()) == 30


def test_docstring_examples_run():
    import doctest

    from mnist_viz.report import _tasks

    assert doctest.testmod(_tasks).failed == 0
