"""mnist_viz.callbacks._base: the recorders' shared base (run directory, shared writer, warnings once)."""
from __future__ import annotations

import doctest
import os
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mnist_viz.callbacks import _base  # noqa: E402
from mnist_viz.callbacks._writer import RunWriter  # noqa: E402

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


def test_in_memory_recorder_writes_nothing():
    rec = _base.Recorder()
    assert rec.run_dir is None and rec.writes is False and rec.owns_writer


def test_a_shared_writer_is_used_as_is_and_not_owned(tmp_path):
    shared = RunWriter(tmp_path / "run")
    child = _base.Recorder(writer=shared)
    assert child.writer is shared and not child.owns_writer and child.run_dir == tmp_path / "run"
    assert _base.Recorder(tmp_path / "run", writer=shared).writer is shared  # the same folder twice is fine


def test_bad_writer_arguments_are_clear_errors(tmp_path):
    with pytest.raises(TypeError, match="writer must be a RunWriter .*; got str"):
        _base.Recorder(writer="runs/x")
    with pytest.raises(ValueError, match="differs from the writer's run_dir"):
        _base.Recorder(tmp_path / "a", writer=RunWriter(tmp_path / "b"))


def test_warnings_are_given_once_per_key():
    rec = _base.Recorder()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            rec._warn_once("k", "only once")
        rec._warn_once("other", "another")
    assert [str(w.message) for w in caught] == ["only once", "another"]
    assert {w.filename for w in caught} == {__file__}  # the caller's line, not _base.py's


def test_warnings_start_over_with_each_fit():
    rec = _base.Recorder()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec._warn_once("k", "first fit")
        rec._decide_chief()  # what every recorder's on_train_begin does first
        rec._warn_once("k", "second fit")
        rec._warn_once("k", "second fit")
    assert [str(w.message) for w in caught] == ["first fit", "second fit"]


def test_variable_numpy_is_a_fresh_copy():
    from mnist_viz._tf import import_keras

    keras = import_keras()
    v = keras.Variable(np.ones((2, 2), np.float32))
    copy = _base.variable_numpy(v)
    v.assign(np.zeros((2, 2), np.float32))
    assert copy.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_docstring_examples_run():
    assert doctest.testmod(_base).failed == 0


def test_the_same_folder_spelled_relative_or_absolute_is_the_same_run_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shared = RunWriter(tmp_path / "run")
    assert _base.Recorder("run", writer=shared).writer is shared
