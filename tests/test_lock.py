"""mnist_viz._lock: one writer per run directory; the holder is named; a dead holder frees the folder."""
from __future__ import annotations

import doctest
import os
import subprocess
import sys
import textwrap

import pytest

from mnist_viz import _lock

HOLD = textwrap.dedent("""
    import sys, time
    from mnist_viz._lock import RunLock
    RunLock(sys.argv[1]).acquire()
    print("held", flush=True)
    sys.stdin.readline()  # hold until told to go
""")


@pytest.fixture
def other_process(tmp_path):
    """A second process holding the lock of tmp_path/run until the test ends."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "run")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield proc
    proc.stdin.close()
    proc.wait(timeout=30)


def test_a_second_process_is_refused_with_the_holder_named(tmp_path, other_process):
    who = _lock.holder(tmp_path / "run")
    assert who["pid"] == other_process.pid and who["host"] and who["since"]
    with pytest.raises(_lock.RunLockedError, match=rf"is being written by pid {other_process.pid} on host"):
        _lock.RunLock(tmp_path / "run").acquire()


def test_the_folder_is_free_once_the_holder_is_gone(tmp_path, other_process):
    other_process.kill()
    other_process.wait(timeout=30)
    assert _lock.holder(tmp_path / "run") is None  # the OS dropped the lock with the process
    with _lock.RunLock(tmp_path / "run") as lock:
        assert lock.held and _lock.holder(tmp_path / "run")["pid"] == os.getpid()
    assert not lock.held and _lock.holder(tmp_path / "run") is None


def test_a_newer_lock_in_the_same_process_takes_over(tmp_path):
    first = _lock.RunLock(tmp_path).acquire()
    second = _lock.RunLock(tmp_path).acquire()  # a notebook re-running a fit whose first attempt raised
    assert second.held and not first.held
    _lock.release_held(tmp_path)
    assert not second.held and _lock.holder(tmp_path) is None


def test_docstring_examples_run():
    assert doctest.testmod(_lock).failed == 0
