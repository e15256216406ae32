"""Atomic file writes: every file in a run directory or a report is written whole or not at all.

Each helper writes to a temporary file in the destination folder, flushes and fsyncs it, then
``os.replace``-s it over the final name, so a reader (or a crash) never sees a half-written file.

Example
-------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write_json(d / "run.json", {"status": "running"}).name
'run.json'
>>> read_json(d / "run.json")
{'status': 'running'}
"""
from __future__ import annotations

import io
import json
import os
import stat
import struct
import tempfile
import tokenize
import zipfile
import zlib
from pathlib import Path
from typing import Any, Mapping

import numpy as np

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_json",
    "atomic_write_npz",
    "read_json",
    "load_npz",
    "RunFormatError",
    "check_readable",
    "MAX_JSON_BYTES",
    "MAX_CSV_BYTES",
    "MAX_NPZ_BYTES",
    "MAX_NPZ_MEMBER_BYTES",
]

#: size limits of what a reader accepts (a run directory may come from someone else)
MAX_JSON_BYTES = 64 * 2**20
MAX_CSV_BYTES = 256 * 2**20
MAX_NPZ_BYTES = 2 * 2**30
#: the most one npz member (one array) may hold once decompressed, and all members together
MAX_NPZ_MEMBER_BYTES = 1 * 2**30
MAX_NPZ_TOTAL_BYTES = 2 * 2**30


class RunFormatError(ValueError):
    """A file of a run directory that cannot be read: ``path`` names the file, ``reason`` what was
    expected and what came (one line).

    >>> str(RunFormatError("runs/a/run.json", "expected a JSON object, got a list"))
    'runs/a/run.json: expected a JSON object, got a list'
    """

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path = Path(path)
        self.reason = " ".join(str(reason).split())
        super().__init__(f"{self.path}: {self.reason}")


def check_readable(path: str | os.PathLike, *, root: str | os.PathLike | None = None,
                   limit: int | None = None) -> Path:
    """``path`` when it is a plain file (inside ``root`` once symlinks are resolved, at most ``limit``
    bytes), else :class:`RunFormatError`: links that leave ``root``, FIFOs and devices are refused.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.csv").write_text("x")
    >>> check_readable(d / "a.csv", root=d, limit=10).name
    'a.csv'
    >>> (d / "b.csv").symlink_to("/etc/hostname")
    >>> try:
    ...     check_readable(d / "b.csv", root=d)
    ... except RunFormatError as exc:
    ...     print(exc.path.name, exc.reason[:54])
    b.csv is a symbolic link to a file outside the run directory
    """
    path = Path(path)
    if root is not None:
        real, real_root = os.path.realpath(path), os.path.realpath(root)
        if os.path.commonpath([real, real_root]) != real_root:
            raise RunFormatError(path, f"is a symbolic link to a file outside the run directory ({real}); "
                                       "expected a file inside it")
    try:
        info = os.stat(path)
    except OSError as exc:
        raise RunFormatError(path, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    if not stat.S_ISREG(info.st_mode):
        raise RunFormatError(path, "is not a regular file (a FIFO, device or folder); expected a plain file")
    if limit is not None and info.st_size > limit:
        raise RunFormatError(path, f"is {info.st_size:,} bytes; expected at most {limit:,}")
    return path


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: the process umask at import (reading it means setting it, so it is read once)
_UMASK = _current_umask()


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + ``os.replace``).

    The file gets the mode a plain ``open(path, "w")`` would give (``0o666`` less the umask), not
    the owner-only mode of the temporary file, so a report can be shared like any other file.

    >>> import tempfile, pathlib, stat
    >>> p = atomic_write_bytes(pathlib.Path(tempfile.mkdtemp()) / "a.bin", b"abc")
    >>> p.read_bytes(), oct(stat.S_IMODE(p.stat().st_mode)) == oct(0o666 & ~_UMASK)
    (b'abc', True)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise naming(exc, path)
        raise
    return path


def naming(exc: OSError, path: str | os.PathLike) -> OSError:
    """``exc`` with ``path`` as its file name when the system's error named none (a failed ``write``
    or ``fsync`` does not), chained to it; else ``exc`` itself (one without an errno included).

    >>> import errno
    >>> str(naming(OSError(errno.ENOSPC, "No space left on device"), "runs/a/run.json"))
    "[Errno 28] No space left on device: 'runs/a/run.json'"
    >>> naming(OSError("odd"), "x").filename is None
    True
    """
    if exc.filename is not None or exc.errno is None:
        return exc
    named = OSError(exc.errno, exc.strerror, str(path))
    named.__cause__ = exc
    return named


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot write {type(obj).__name__} to JSON")


def atomic_write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as indented JSON atomically (NumPy scalars and arrays become plain JSON)."""
    text = json.dumps(obj, indent=2, sort_keys=False, default=_json_default, allow_nan=True)
    return atomic_write_text(path, text + "\n")


def atomic_write_npz(path: str | os.PathLike, arrays: Mapping[str, np.ndarray], *, compress: bool = True) -> Path:
    """Write arrays as an ``.npz`` atomically. Object arrays are refused (no pickle, ever)."""
    for key, value in arrays.items():
        if np.asarray(value).dtype == object:
            raise TypeError(f"array {key!r} has dtype object; run files never hold pickled data")
    buf = io.BytesIO()
    (np.savez_compressed if compress else np.savez)(buf, **{k: np.asarray(v) for k, v in arrays.items()})
    return atomic_write_bytes(path, buf.getvalue())



def read_json(path: str | os.PathLike, *, root: str | os.PathLike | None = None,
              limit: int = MAX_JSON_BYTES) -> Any:
    """Read a JSON file (checked by :func:`check_readable`); broken JSON is a :class:`RunFormatError`."""
    path = check_readable(path, root=root, limit=limit)
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RunFormatError(path, f"is not valid JSON ({exc})") from None


def _check_members(path: Path, zf: zipfile.ZipFile, member_limit: int) -> None:
    """Refuse an npz whose members (by their zip header and ``.npy`` header) decompress to too much."""
    total = 0
    for member in zf.infolist():
        if member.file_size > member_limit:
            raise RunFormatError(path, f"member {member.filename!r} decompresses to {member.file_size:,} bytes; "
                                       f"expected at most {member_limit:,}")
        total += member.file_size
        with zf.open(member) as fh:
            version = np.lib.format.read_magic(fh)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, _, dtype = read_header(fh)
        if dtype.hasobject:
            raise RunFormatError(path, f"member {member.filename!r} holds Python objects; expected plain arrays")
        if int(np.prod(shape, dtype=np.float64)) * dtype.itemsize > member.file_size:
            raise RunFormatError(path, f"member {member.filename!r} claims shape {shape} but holds only "
                                       f"{member.file_size:,} bytes")
    if total > MAX_NPZ_TOTAL_BYTES:
        raise RunFormatError(path, f"decompresses to {total:,} bytes; expected at most {MAX_NPZ_TOTAL_BYTES:,}")


def load_npz(path: str | os.PathLike, *, root: str | os.PathLike | None = None,
             limit: int = MAX_NPZ_BYTES, member_limit: int = MAX_NPZ_MEMBER_BYTES) -> dict[str, np.ndarray]:
    """Load every array of an ``.npz`` into a dict, with ``allow_pickle=False``; each member's size
    is checked from its header before it is read (a zip bomb fails at once), and a broken file is a
    :class:`RunFormatError`.

    >>> import tempfile, pathlib
    >>> p = atomic_write_npz(pathlib.Path(tempfile.mkdtemp()) / "a.npz", {"x": np.zeros(100)})
    >>> load_npz(p)["x"].shape
    (100,)
    >>> try:
    ...     load_npz(p, member_limit=100)
    ... except RunFormatError as exc:
    ...     print(exc.reason)
    member 'x.npy' decompresses to 928 bytes; expected at most 100
    """
    path = check_readable(path, root=root, limit=limit)
    try:
        with zipfile.ZipFile(path) as zf:
            _check_members(path, zf, member_limit)
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except RunFormatError:
        raise
    except (zipfile.BadZipFile, zlib.error, struct.error, ValueError, TypeError, OSError, EOFError, KeyError,
            NotImplementedError, RuntimeError,  # RuntimeError, NotImplementedError: encrypted, odd method
            SyntaxError, tokenize.TokenError) as exc:  # an .npy header that is not a Python literal
        raise RunFormatError(path, f"is not a readable .npz ({type(exc).__name__}: {exc})") from None
