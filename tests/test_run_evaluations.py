"""The evaluation records (mnist_viz/run_evaluations.py): ``run.evaluations`` lists what run.json
says, and reads each one's arrays only when asked."""
from __future__ import annotations

import numpy as np
import pytest
from report_runs import write_evaluation, write_run

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


def test_run_evaluations_read_from_the_run_directory(tmp_path):
    from mnist_viz import run_format as fmt
    from mnist_viz.run import Evaluation, Run

    run_dir = write_run(tmp_path / "run", n_test=50)
    written = write_evaluation(run_dir, "idx-mnist", n=70)
    run = Run.load(run_dir)
    (ev,) = run.evaluations.values()
    assert isinstance(ev, Evaluation) and ev.name == "idx-mnist" and ev.n == 70
    assert ev.path == fmt.evaluation_dir(run_dir, "idx-mnist")
    assert ev.description == "IDX folder official: test split only" and ev.accuracy == written["accuracy"]
    assert "test" not in vars(ev)  # not read yet
    np.testing.assert_array_equal(ev.test.labels, written["labels"])
    np.testing.assert_array_equal(ev.test.images, written["images"])
    assert ev.test.accuracy == written["accuracy"] and ev.features is None
    assert len(run.test.labels) == 50  # the run's own test set is untouched


def test_a_run_without_evaluations_and_entries_that_are_not_valid(tmp_path):
    from mnist_viz.run import Run
    from mnist_viz.run_evaluations import evaluations_of

    assert Run.load(write_run(tmp_path / "run")).evaluations == {}
    found = evaluations_of(tmp_path, {"evaluations": {"../escape": {}, "ok": {"n": 3}, "bad": "not a dict"}})
    assert list(found) == ["ok"] and found["ok"].test is None  # no file: None, not an error


def test_docstring_examples_run():
    import doctest

    from mnist_viz import run_evaluations

    assert doctest.testmod(run_evaluations, optionflags=doctest.ELLIPSIS).failed == 0
