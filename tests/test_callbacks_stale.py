"""mnist_viz.callbacks._stale: a fit into an old run's folder removes every record of it first."""
from __future__ import annotations

import doctest

import pytest

from mnist_viz import run_format as fmt
from mnist_viz.callbacks import _stale

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)


def test_every_record_and_temporary_goes_and_nothing_else(tmp_path):
    names = list(_stale.RECORDS) + [fmt.snapshot_npz(0), fmt.probe_epoch_npz(3), "weights/.stats.csv.ab12.tmp",
                                    ".model.123.tmp.keras", "probe/.epoch_0001.npz.x.tmp"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"old")
    (tmp_path / "my_notes.md").write_text("keep")
    (tmp_path / fmt.LOCK_FILE).write_text("")
    removed = _stale.clear_records(tmp_path)
    assert sorted(removed) == sorted(names)
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert left == [fmt.LOCK_FILE, "my_notes.md"]
    assert _stale.clear_records(tmp_path) == []  # nothing left to remove


def test_docstring_examples_run():
    assert doctest.testmod(_stale).failed == 0


def test_the_old_models_evaluations_go_too(tmp_path):
    """Evaluations scored the model a new fit replaces: the whole evaluations/ folder is removed."""
    folder = fmt.evaluation_dir(tmp_path, "idx-mnist")
    folder.mkdir(parents=True)
    (folder / fmt.TEST_NPZ).write_bytes(b"old")
    (tmp_path / fmt.HISTORY_CSV).write_text("epoch,loss\n0,1\n")
    assert sorted(_stale.clear_records(tmp_path)) == [fmt.EVALUATIONS_DIR, fmt.HISTORY_CSV]
    assert not (tmp_path / fmt.EVALUATIONS_DIR).exists()
