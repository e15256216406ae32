"""mnist_viz._io: every file is written whole (temporary file + os.replace) or not at all; a reader
holding the old file, or opening it mid-write, never sees a mix of old and new (an in-place writer does)."""
from __future__ import annotations

import io
import os
import stat
import threading
import zipfile

import numpy as np
import pytest

from mnist_viz import _io, run_format


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


CHUNK = 64 * 1024


class _ChunkedFile:
    """A file whose ``write`` goes out in CHUNK-byte pieces, calling ``pause()`` after the first one:
    the moment a reader looks at the file while the new content is half written."""

    pause_hook = staticmethod(lambda: None)  # what the in-place writer pauses with (set per test)

    def __init__(self, fh, pause):
        self._fh, self._pause = fh, pause

    def write(self, data):
        for start in range(0, len(data), CHUNK):
            self._fh.write(data[start:start + CHUNK])
            self._fh.flush()
            if start == 0:
                self._pause()
        return len(data)

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._fh.__exit__(*exc)


def _in_place_write_bytes(path, data):
    """The planted bug: the old file truncated and rewritten where it is (no temporary file + replace)."""
    with open(path, "wb") as fh:
        _ChunkedFile(fh, _ChunkedFile.pause_hook).write(data)
    return path


def _write_with(kind, path, size):
    """Write content of about ``size`` bytes to ``path`` the way ``kind`` does; the file's path."""
    if kind == "bytes":
        return _io.atomic_write_bytes(path, bytes([65 + size % 26]) * size)
    if kind == "text":
        return _io.atomic_write_text(path, "ü" * (size // 2))
    if kind == "json":
        return _io.atomic_write_json(path, {"n": size, "blob": "j" * size})
    if kind == "npz":
        return _io.atomic_write_npz(path, {"x": np.random.default_rng(size).random(size // 8)}, compress=False)
    assert kind == "run_info"  # the recorders' path: run_format.write_run_info
    return run_format.write_run_info(path.parent, run_format.new_run_info("r", status="running", epochs_completed=size % 7,
                                                                          metadata={"blob": "r" * size}))


def _observe_replacement(tmp_path, kind):
    """Write old content, then hold a reader on it (an fd opened and partly read, in a thread) while
    ``kind`` replaces it with content 1,000 times larger written in chunks; the reader finishes its
    read and re-opens the file by name mid-write. Returns (old, new, held fd read, mid-write read)."""
    name = run_format.RUN_JSON if kind == "run_info" else f"f.{kind}"
    path = _write_with(kind, tmp_path / name, 4_000)
    old = path.read_bytes()
    opened, mid, observed = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def reader():
        with open(path, "rb", buffering=0) as held:  # unbuffered: each read goes to the file
            head = held.read(100)
            opened.set()
            assert mid.wait(30), "the writer never paused mid-write"
            with open(path, "rb") as fresh:  # a reader opening the file while it is half written
                seen["mid"] = fresh.read()
            seen["held"] = head + held.read()  # the held reader reads the rest slowly, mid-write
        observed.set()

    def pause():
        mid.set()
        assert observed.wait(30), "the reader never finished"

    thread = threading.Thread(target=reader)
    thread.start()
    assert opened.wait(30)
    _ChunkedFile.pause_hook = staticmethod(pause)
    real_fdopen = os.fdopen
    try:
        os.fdopen = lambda *a, **k: _ChunkedFile(real_fdopen(*a, **k), pause)
        _write_with(kind, path, 4_000_000)
    finally:
        os.fdopen = real_fdopen
        _ChunkedFile.pause_hook = staticmethod(lambda: None)
        mid.set()
        thread.join(30)
    new = path.read_bytes()
    assert len(new) > 1000 * len(old) * 0.9 and new != old
    return old, new, seen["held"], seen["mid"]


@pytest.mark.parametrize("kind", ["bytes", "text", "json", "npz", "run_info"])
def test_a_reader_holding_the_old_file_sees_old_or_new_content_never_a_mix(tmp_path, kind):
    old, new, held, mid = _observe_replacement(tmp_path, kind)
    assert held == old  # the open file is the old one, whole, even after it was replaced
    assert mid == old   # opened by name mid-write: still the whole old file
    name = run_format.RUN_JSON if kind == "run_info" else f"f.{kind}"
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left
    if kind in ("json", "run_info"):
        assert _io.read_json(tmp_path / name)["blob" if kind == "json" else "metadata"]
    if kind == "npz":
        assert zipfile.ZipFile(io.BytesIO(held)).testzip() is None


@pytest.mark.parametrize("kind", ["bytes", "run_info"])
def test_negative_control_an_in_place_writer_is_caught_mixing_old_and_new(tmp_path, kind, monkeypatch):
    """The test above can fail: with the writers rewriting the file in place, a held reader and a
    reader opening it mid-write both see something that is neither the old nor the new file."""
    monkeypatch.setattr(_io, "atomic_write_bytes", _in_place_write_bytes)
    old, new, held, mid = _observe_replacement(tmp_path, kind)
    assert held not in (old, new)  # the first 100 bytes old, the rest the new file's first chunk: a mix
    assert held[:100] == old[:100] and held[100:] == new[100:CHUNK]
    assert mid not in (old, new) and mid == new[:CHUNK]  # a half-written new file


def test_docstring_examples_run():
    import doctest

    assert doctest.testmod(_io).failed == 0
