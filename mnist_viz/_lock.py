"""One writer per run directory: an advisory lock held for the whole fit.

A recorder takes the lock at train begin and gives it back at train end. The operating system
drops it when the process dies (``fcntl.flock`` on a lock file in the run directory), so a killed
run never leaves the folder locked. A second process that tries to write into the same folder
fails at once, with an error naming the holder (pid, host, since when). Within one process a new
lock on the same folder takes over from an older one (a notebook re-running a ``fit`` whose earlier
attempt raised). Where ``fcntl`` does not exist (Windows) nothing is locked.

Example
-------
>>> import tempfile
>>> d = tempfile.mkdtemp()
>>> first = RunLock(d).acquire()
>>> holder(d)["pid"] == os.getpid()
True
>>> first.release()
>>> holder(d) is None
True
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import socket
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

from mnist_viz.run_format import LOCK_FILE

__all__ = ["RunLock", "RunLockedError", "holder", "release_held"]

#: absolute run directory -> the RunLock of this process holding it
_HELD: dict[str, "RunLock"] = {}
_HELD_LOCK = threading.RLock()  # re-entrant: acquire releases an older lock of this process while holding it


class RunLockedError(RuntimeError):
    """Another process is writing into this run directory."""


class RunLock:
    """The write lock of ``run_dir`` (``acquire`` / ``release``; also a context manager)."""

    def __init__(self, run_dir: str | os.PathLike):
        self.run_dir = Path(run_dir)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock now."""
        return self._fd is not None

    def acquire(self) -> "RunLock":
        """Take the lock (creating the folder), or raise :class:`RunLockedError` naming the holder."""
        if fcntl is None or self.held:
            return self
        key = os.path.abspath(self.run_dir)
        with _HELD_LOCK:
            older = _HELD.pop(key, None)
            if older is not None:  # this process held it: a newer fit takes over
                older.release()
            self.run_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.run_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                who = holder(self.run_dir) or {}
                raise RunLockedError(
                    f"run_dir {str(self.run_dir)!r} is being written by pid {who.get('pid', '?')} on host "
                    f"{who.get('host', '?')} (since {who.get('since', '?')}); wait for that fit to end or "
                    "choose another folder") from None
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                     "since": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
                                    ).encode())
            self._fd = fd
            _HELD[key] = self
        return self

    def release(self) -> None:
        """Give the lock back (the lock file stays, empty)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        with _HELD_LOCK:
            if _HELD.get(os.path.abspath(self.run_dir)) is self:
                del _HELD[os.path.abspath(self.run_dir)]

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def release_held(run_dir: str | os.PathLike) -> None:
    """Give back this process's lock on ``run_dir``, if it holds one (a fit that raised never reached
    its train end; :func:`mnist_viz.run.mark_interrupted` calls this).

    >>> import tempfile
    >>> d = tempfile.mkdtemp(); lock = RunLock(d).acquire(); release_held(d); lock.held
    False
    """
    with _HELD_LOCK:
        lock = _HELD.get(os.path.abspath(run_dir))
    if lock is not None:
        lock.release()


def holder(run_dir: str | os.PathLike) -> dict | None:
    """``{"pid", "host", "since"}`` of the process writing into ``run_dir``, or None when no one is.

    >>> import tempfile
    >>> holder(tempfile.mkdtemp()) is None
    True
    """
    path = Path(run_dir) / LOCK_FILE
    if fcntl is None or not path.exists():
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:  # held: read who holds it
            text = path.read_text(encoding="utf-8", errors="replace")
            try:
                return json.loads(text) if text.strip() else {}
            except ValueError:
                return {}
        fcntl.flock(fd, fcntl.LOCK_UN)  # nobody holds it
        return None
    finally:
        os.close(fd)
