"""Who wrote a run, and is it still running: the process facts ``run.json`` records and checks.

Standard library only. The recorders store ``pid``, ``pid_start_ticks`` and ``hostname`` in
``run.json``; :meth:`mnist_viz.Run.load` asks :func:`owner_alive` whether a run that says
``running`` still has its process.

Example
-------
>>> import os, socket
>>> owner_alive({"pid": os.getpid(), "hostname": socket.gethostname()})
True
>>> owner_alive({"pid": -1, "hostname": socket.gethostname()}), owner_alive({"pid": -1, "hostname": "elsewhere"})
(False, True)
>>> now_iso()[:2]
'20'
"""
from __future__ import annotations

import datetime as _dt
import os
import socket

__all__ = ["now_iso", "process_start_ticks", "process_alive", "owner_alive"]


def now_iso() -> str:
    """The current UTC time as ISO-8601 with seconds."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def process_start_ticks(pid: int) -> int | None:
    """Start time of process ``pid`` in clock ticks since boot (Linux ``/proc``), ``-1`` for a
    zombie, else None.

    >>> process_start_ticks(os.getpid()) is None or process_start_ticks(os.getpid()) > 0
    True
    """
    try:
        with open(f"/proc/{int(pid)}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    try:
        if fields[0] == "Z":  # a zombie has finished running
            return -1
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def process_alive(pid: int, start_ticks: int | None = None) -> bool:
    """Whether process ``pid`` on this host is still running (zombies count as gone).

    With ``start_ticks`` (recorded by the writer), a reused pid belonging to a newer process counts
    as gone too.

    >>> process_alive(os.getpid())
    True
    """
    try:
        pid = int(pid)
    except (TypeError, ValueError):
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    except OSError:
        return False
    ticks = process_start_ticks(pid)
    if ticks == -1:
        return False
    if start_ticks is not None and ticks is not None and int(start_ticks) != ticks:
        return False
    return True


def owner_alive(info: dict) -> bool:
    """Whether the process that wrote ``info`` (a ``run.json`` dict) may still be running: its
    ``pid`` is alive on this host, or the run was written on another host (which cannot be told,
    so the file is trusted), or no ``pid`` was recorded."""
    host = info.get("hostname")
    if host and host != socket.gethostname():
        return True
    if "pid" not in info:
        return True
    return process_alive(info["pid"], info.get("pid_start_ticks"))
