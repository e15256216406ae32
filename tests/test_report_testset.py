"""Which test set a section draws (mnist_viz/report/_testset.py), and the sections that say it."""
from __future__ import annotations

from report_runs import write_run


def test_the_runs_own_sections_name_their_test_set(tmp_path):
    from mnist_viz.report import sections as S
    from mnist_viz.run import Run

    run = Run.load(write_run(tmp_path / "run", n_test=120))
    run.info["metadata"]["data"]["description"] = "embedded subset: 4,000 train / 1,000 test"
    line = "Test set: the test split of embedded subset: 4,000 train / 1,000 test, 120 images."
    assert S.confusion_section(run, "r0-confusion", drill_id="r0-cm")[0].intro == line
    assert S.predictions_section(run, "r0-predictions").intro == line
    assert S.calibration_section(run, "r0-calibration").intro == line
    assert S.internals_section(run, "r0-internals").intro == line


def test_without_a_dataset_description_the_recorders_test_data(tmp_path):
    from mnist_viz.report._testset import features_caption, test_set_caption
    from mnist_viz.run import Run

    run = Run.load(write_run(tmp_path / "run", n_test=40))  # metadata.data has no description
    assert test_set_caption(run) == "Test set: test_data given to the recorder, 40 images."
    run.info["recorded"] = {"features_from": "validation_data", "test_data": False}
    assert features_caption(run).startswith("Digits from the validation data")


def test_no_caption_where_nothing_is_drawn(tmp_path):
    from mnist_viz.report import sections as S
    from mnist_viz.run import Run

    run = Run.load(write_run(tmp_path / "run", with_test=False))
    assert S.confusion_section(run, "r0-confusion", drill_id="r0-cm")[0].intro == ""
    assert S.predictions_section(run, "r0-predictions").intro == ""


def test_docstring_examples_run():
    import doctest

    from mnist_viz.report import _testset

    assert doctest.testmod(_testset).failed == 0
