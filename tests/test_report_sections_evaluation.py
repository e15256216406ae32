"""The evaluation section (mnist_viz/report/sections/evaluation.py): one per ``run.evaluations`` entry,
drawn with the helpers of the run's own sections from the evaluation's predictions. Run directories
and evaluations are written by tests/report_runs.py (no TensorFlow)."""
from __future__ import annotations

import numpy as np
from report_runs import write_evaluation, write_run


def _section(tmp_path, **kwargs):
    from mnist_viz.report.sections import evaluation_ids, evaluation_section
    from mnist_viz.run import Run

    run_dir = write_run(tmp_path / "run", n_test=200)
    written = write_evaluation(run_dir, "idx-mnist", n=300, **kwargs)
    sid, drill_id = evaluation_ids("r0", "idx-mnist")
    return (*evaluation_section(Run.load(run_dir), "idx-mnist", sid, drill_id=drill_id), written)


def test_the_evaluations_own_test_set_metrics_confusion_calibration_and_errors(tmp_path):
    s, drill, written = _section(tmp_path)
    assert s.id == "r0-eval-idx:mnist" and s.title == "Evaluation on idx-mnist"
    assert s.intro == "Test set: IDX folder official: test split only, 300 images (evaluation idx-mnist)."
    kinds = [b.kind for b in s.blocks]
    assert kinds == ["metrics", "table", "pre", "figure", "confusion", "figure", "table", "downloads",
                     "figure", "table", "figure"]
    metrics = dict(s.blocks[0].items)
    from mnist_viz.report._format import fmt

    assert metrics["test digits"] == "300" and metrics["test accuracy"] == fmt(written["accuracy"])
    dataset = dict(s.blocks[1].table.rows)
    assert dataset["description"] == "IDX folder official: test split only" and dataset["n test"] == "300"
    confusion = s.blocks[4]
    # the counts are the evaluation's 300 digits, not the run's own 200
    expected = np.zeros((10, 10), int)
    np.add.at(expected, (written["labels"], written["probabilities"].argmax(1)), 1)
    assert confusion.id == "r0-eval-idx:mnist-cm" and confusion.counts == expected.tolist()
    assert sum(cell["n"] for cell in drill["cells"].values()) == 300
    assert [name for name, _, _ in s.blocks[7].links] == ["run-idx-mnist-confusion-matrix.csv",
                                                          "run-idx-mnist-per-class-metrics.csv"]
    assert s.blocks[8].alt.lower().startswith("calibration") or "reliab" in s.blocks[8].caption.lower()
    assert s.blocks[10].caption == "The errors the model was most sure of on this test set."


def test_without_images_no_drill_down_and_no_error_grid(tmp_path):
    s, drill, _ = _section(tmp_path, with_images=False)
    assert drill is None
    assert [b.kind for b in s.blocks][-1] == "table"  # reliability table last: no error grid without images
    assert any(b.kind == "note" and "No drill-down" in b.text for b in s.blocks)


def test_a_missing_file_is_a_note(tmp_path):
    from mnist_viz import run_format as fmt
    from mnist_viz.report.sections import evaluation_section
    from mnist_viz.run import Run

    run_dir = write_run(tmp_path / "run", n_test=50)
    write_evaluation(run_dir, "keras", n=20)
    (fmt.evaluation_dir(run_dir, "keras") / fmt.TEST_NPZ).unlink()
    s, drill = evaluation_section(Run.load(run_dir), "keras", "r0-eval-keras", drill_id="r0-eval-keras-cm")
    assert drill is None and s.blocks[-1].kind == "note"
    assert s.blocks[-1].text.startswith("No test predictions: evaluations/keras/test_predictions.npz is missing")


def test_ids_are_stable_and_never_one_anothers_prefix():
    from mnist_viz.report.sections import evaluation_ids

    names = ["a", "a-cm", "a-b0", "a.b", "a_b", "x-y-z"]
    ids = [i for name in names for i in evaluation_ids("r0", name)]
    assert len(set(ids)) == len(ids)
    sections = [evaluation_ids("r0", name)[0] for name in names]
    for sid in sections:  # block ids are <section id>-b<k>: no other id starts with <section id>-
        assert not [other for other in ids if other != sid and other.startswith(sid + "-")
                    and not other == sid + "-cm"]
    assert evaluation_ids("r0", "a") == evaluation_ids("r0", "a")


def test_docstring_examples_run():
    import doctest

    from mnist_viz.report.sections import evaluation

    assert doctest.testmod(evaluation, optionflags=doctest.ELLIPSIS).failed == 0


def test_a_diverged_model_draws_every_view_from_its_finite_rows(tmp_path):
    """NaN rows in an evaluation's, a second run's and a probe epoch's probabilities: every view is
    drawn (no "Could not draw"), each leaving those rows out with a note naming the file."""
    from mnist_viz import run_format as fmt
    from mnist_viz.report import build_report

    def nan_rows(path, key, rows):
        arrays = dict(np.load(path))
        arrays[key] = arrays[key].astype(np.float32)
        arrays[key][rows] = np.nan
        fmt.atomic_write_npz(path, arrays)

    first = write_run(tmp_path / "first", epochs=3)
    second = write_run(tmp_path / "second", epochs=3)
    write_evaluation(first, "other")
    nan_rows(fmt.evaluation_dir(first, "other") / fmt.TEST_NPZ, fmt.TEST_PROBABILITIES, slice(0, 3))
    nan_rows(second / fmt.TEST_NPZ, fmt.TEST_PROBABILITIES, slice(0, 3))
    last_epoch = sorted((first / fmt.PROBE_DIR).glob(fmt.PROBE_EPOCH_GLOB))[-1]
    key = next(k for k, v in np.load(last_epoch).items() if v.ndim == 2)
    nan_rows(last_epoch, key, slice(0, 4))
    html = build_report([first, second], tmp_path / "r.html", jobs=1, quiet=True).html
    assert "Could not" not in html
    assert ("evaluations/other/test_predictions.npz: 3 of 300 digits have NaN or inf probabilities (row 0 first); "
            "they are left out of every view of this section.") in html
    assert "run second: test_predictions.npz: 3 of 600 digits have NaN or inf probabilities" in html
    assert "left out of the side-by-side confusion matrices" in html
    assert "NaN or inf values after epoch 3 (the model diverged)" in html and "the figure shows the other epochs" in html
