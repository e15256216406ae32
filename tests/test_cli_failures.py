"""Runtime failures of the CLI (a full disk, a permission lost): one line naming the path and the
operating system's error, exit 1, no traceback; ``--debug`` adds the traceback. What was on disk
before stays whole.

The full disk is real where the tests may mount a small tmpfs (root on Linux); elsewhere it is
``os.fsync`` failing with ENOSPC for the files a test names (what a full disk does to a write that
the page cache took), looked up through /proc/self/fd.
"""
import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mnist_viz.cli import main, os_error_line
from mnist_viz.run_format import RUN_JSON, TEST_NPZ

from report_runs import write_run

LINUX_FDS = Path("/proc/self/fd")


def _fail_fsync_for(monkeypatch, needle: str, code: int = errno.ENOSPC) -> list[str]:
    """``os.fsync`` raises OSError(code) for open files whose path contains ``needle``; returns the
    paths it failed, so a test can check the failure really happened where it meant."""
    if not LINUX_FDS.is_dir():
        pytest.skip("needs /proc/self/fd (Linux) to tell which file is being written")
    real = os.fsync
    failed: list[str] = []

    def fsync(fd):
        path = os.readlink(LINUX_FDS / str(fd))
        if needle in path:
            failed.append(path)
            raise OSError(code, os.strerror(code))  # as the kernel reports it: no file name
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return failed


@pytest.fixture
def run_dir(tmp_path) -> Path:
    return write_run(tmp_path / "run", epochs=2)


def _one_error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("mnist-viz: error:")]
    assert len(lines) == 1, err
    return lines[0]


def test_a_full_disk_while_writing_the_report_is_one_line_exit_1_and_the_old_report_stays(run_dir, tmp_path,
                                                                                           capsys, monkeypatch):
    out = tmp_path / "reports" / "r.html"
    out.parent.mkdir()
    out.write_text("<p>yesterday's report</p>")
    failed = _fail_fsync_for(monkeypatch, "r.html")
    assert main(["report", str(run_dir), "-o", str(out), "--quiet"]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert line == (f"mnist-viz: error: {out}: No space left on device (ENOSPC); free some space or write "
                    "elsewhere, then run the command again")
    assert failed and out.read_text() == "<p>yesterday's report</p>"  # replaced only once whole
    assert sorted(p.name for p in out.parent.iterdir()) == ["r.html"]  # no temporary file left


@pytest.mark.parametrize("where", ["top", "command"])
def test_debug_shows_the_traceback_before_the_same_line(run_dir, tmp_path, capsys, monkeypatch, where):
    out = tmp_path / "r.html"
    _fail_fsync_for(monkeypatch, "r.html")
    argv = ["report", str(run_dir), "-o", str(out), "--quiet"]
    argv = ["--debug", *argv] if where == "top" else [*argv, "--debug"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "in atomic_write_bytes" in err
    assert err.rstrip().splitlines()[-1].startswith(f"mnist-viz: error: {out}: No space left on device (ENOSPC)")


def test_a_permission_lost_names_the_path_and_says_what_to_check(run_dir, tmp_path, capsys, monkeypatch):
    out = tmp_path / "r.html"

    def replace(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied", str(src), None, str(dst))

    monkeypatch.setattr(os, "replace", replace)
    assert main(["report", str(run_dir), "-o", str(out), "--quiet"]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith("mnist-viz: error: ") and f" -> {out}: Permission denied (EACCES); " in line
    assert line.endswith("check the folder's permissions, then run the command again")
    assert not out.exists() and list(tmp_path.glob(".r.html.*")) == []


def test_an_error_without_a_path_or_errno_still_reads_as_one_line():
    assert os_error_line(OSError("the device went away")) == (
        "(no path given): the device went away; check the path, then run the command again")
    assert os_error_line(OSError(errno.EROFS, "Read-only file system", "/ro/x.html")) == (
        "/ro/x.html: Read-only file system (EROFS); write to another folder, then run the command again")


def test_usage_errors_stay_exit_2_with_debug(capsys):
    assert main(["--debug", "report", "does/not/exist"]) == 2
    assert capsys.readouterr().err == "mnist-viz: error: run directory 'does/not/exist' does not exist\n"


@pytest.mark.slow
def test_a_full_disk_while_training_exits_1_and_leaves_an_interrupted_run(tmp_path, capsys, monkeypatch):
    failed = _fail_fsync_for(monkeypatch, TEST_NPZ)
    out = tmp_path / "run"
    assert main(["train", "--data", "embedded", "--epochs", "1", "--out", str(out), "--quiet"]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith(f"mnist-viz: error: {out / TEST_NPZ}: No space left on device (ENOSPC); ")
    assert failed
    info = json.loads((out / RUN_JSON).read_text())
    assert info["status"] == "interrupted" and "No space left on device" in info["interrupted_reason"]
    assert info["epochs_completed"] == 1 and not (out / TEST_NPZ).exists()


def _small_tmpfs(tmp_path) -> Path:
    """A 400 KiB tmpfs (unmounted by the caller), or a skip saying why there is none."""
    mount = shutil.which("mount")
    if mount is None or os.geteuid() != 0 or not sys.platform.startswith("linux"):
        pytest.skip("a real full disk needs root on Linux to mount a small tmpfs")
    point = tmp_path / "tiny"
    point.mkdir()
    done = subprocess.run([mount, "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip() or done.returncode})")
    return point


@pytest.mark.slow
def test_a_really_full_disk_in_a_real_process(tmp_path):
    point = _small_tmpfs(tmp_path)
    try:
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
        done = subprocess.run([sys.executable, "-m", "mnist_viz", "train", "--data", "embedded", "--epochs", "1",
                               "--out", str(point / "run"), "--quiet"], capture_output=True, text=True, env=env,
                              timeout=300)
        assert done.returncode == 1, done.stderr
        line = _one_error_line(done.stderr)
        assert line.startswith(f"mnist-viz: error: {point / 'run'}/") and "No space left on device (ENOSPC)" in line
        assert json.loads((point / "run" / RUN_JSON).read_text())["status"] == "interrupted"
    finally:
        subprocess.run(["umount", str(point)], check=False)


def test_a_reader_that_leaves_the_pipe_is_no_error(run_dir, tmp_path):
    """``mnist-viz report RUN | head -0``: the path cannot be written to the closed pipe; exit 1
    with nothing on stderr (no "(no path given): Broken pipe", no traceback at exit)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = tmp_path / "r.html"
    proc = subprocess.Popen([sys.executable, "-m", "mnist_viz", "report", str(run_dir), "-o", str(out), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # the reader is gone before the path is printed
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 1 and err == "" and out.is_file()
