"""mnist_viz._io: every file is written whole (temporary file + os.replace) or not at all."""
from __future__ import annotations

import os
import stat

import numpy as np
import pytest

from mnist_viz import _io


def test_each_writer_round_trips(tmp_path):
    assert _io.atomic_write_bytes(tmp_path / "a" / "b.bin", b"\x00\x01").read_bytes() == b"\x00\x01"  # folders made
    assert _io.atomic_write_text(tmp_path / "t.txt", "ünïcode\n").read_text(encoding="utf-8") == "ünïcode\n"
    _io.atomic_write_json(tmp_path / "j.json", {"n": np.int64(3), "x": np.float32(0.5), "a": np.arange(2),
                                               "p": tmp_path, "nan": float("nan")})
    back = _io.read_json(tmp_path / "j.json")
    assert back["n"] == 3 and back["x"] == 0.5 and back["a"] == [0, 1] and back["p"] == str(tmp_path)
    assert back["nan"] != back["nan"]
    _io.atomic_write_npz(tmp_path / "z.npz", {"x": np.arange(5, dtype=np.int16)})
    loaded = _io.load_npz(tmp_path / "z.npz")
    assert loaded["x"].dtype == np.int16 and loaded["x"].tolist() == [0, 1, 2, 3, 4]


def test_json_refuses_what_it_cannot_write(tmp_path):
    with pytest.raises(TypeError, match="cannot write object to JSON"):
        _io.atomic_write_json(tmp_path / "bad.json", {"x": object()})
    assert not list(tmp_path.iterdir())  # nothing half-written, no temporary file left


def test_npz_refuses_object_arrays_and_load_refuses_pickles(tmp_path):
    with pytest.raises(TypeError, match="array 'x' has dtype object; run files never hold pickled data"):
        _io.atomic_write_npz(tmp_path / "o.npz", {"x": np.array([{"a": 1}], dtype=object)})
    np.savez(tmp_path / "p.npz", x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(_io.RunFormatError, match=r"p\.npz: member 'x\.npy' holds Python objects"):
        _io.load_npz(tmp_path / "p.npz")


def test_a_failed_replace_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = _io.atomic_write_text(tmp_path / "run.txt", "old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        _io.atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["run.txt"]


def test_files_get_the_umask_mode_not_the_temporary_files(tmp_path):
    path = _io.atomic_write_bytes(tmp_path / "m.bin", b"x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_io._UMASK


def test_docstring_examples_run():
    import doctest

    assert doctest.testmod(_io).failed == 0
