"""mnist_viz._process: is the process that wrote a run still running?"""
import os
import socket
import subprocess
import sys
import time

from mnist_viz._process import now_iso, owner_alive, process_alive, process_start_ticks


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_this_process_is_alive_and_a_finished_one_is_not():
    assert process_alive(os.getpid()) and process_alive(os.getpid(), process_start_ticks(os.getpid()))
    assert not process_alive(_dead_pid()) and not process_alive(0) and not process_alive("nope")


def test_a_zombie_counts_as_gone():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        for _ in range(200):  # wait until it has exited (not reaped: a zombie)
            if process_start_ticks(proc.pid) in (-1, None):
                break
            time.sleep(0.01)
        if process_start_ticks(proc.pid) == -1:
            assert not process_alive(proc.pid)
    finally:
        proc.wait()


def test_owner_alive_trusts_other_hosts_and_runs_without_a_pid():
    here = socket.gethostname()
    assert owner_alive({"pid": os.getpid(), "hostname": here})
    assert not owner_alive({"pid": _dead_pid(), "hostname": here})
    assert owner_alive({"pid": _dead_pid(), "hostname": "another-host.invalid"})
    assert owner_alive({}) and owner_alive({"hostname": here})
    assert not owner_alive({"pid": os.getpid(), "hostname": here, "pid_start_ticks": 1})  # a reused pid


def test_now_iso_is_utc_with_seconds():
    stamp = now_iso()
    assert stamp.endswith("+00:00") and len(stamp) == len("2024-01-01T00:00:00+00:00")
