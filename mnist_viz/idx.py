"""Read and write IDX files, the format of the official MNIST distribution (gzip or raw).

An IDX file is a 4-byte magic number ``00 00 TT NN`` (``TT`` = element type, ``NN`` = number of
dimensions), ``NN`` big-endian uint32 dimension sizes, then the elements, big-endian, in C order.
:func:`read_idx` detects gzip by its magic bytes (``1f 8b``), never by the file name, and checks the
header and that the data is exactly as long as the header says: a truncated file or one with bytes
left over is an error, not a silently wrong array.

Example
-------
>>> import tempfile, pathlib, numpy as np
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t10k-labels-idx1-ubyte.gz"
>>> _ = write_idx(path, np.array([7, 2, 1], dtype=np.uint8))     # gzip chosen by the .gz suffix
>>> read_idx(path)
array([7, 2, 1], dtype=uint8)
"""
from __future__ import annotations

import gzip as _gzip
import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from mnist_viz._io import atomic_write_bytes

__all__ = ["IdxFormatError", "read_idx", "write_idx", "IDX_DTYPES"]

#: IDX element-type code -> NumPy dtype (big-endian, as stored on disk).
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_TYPE_NAMES = {0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "int16", 0x0C: "int32", 0x0D: "float32", 0x0E: "float64"}
_GZIP_MAGIC = b"\x1f\x8b"


class IdxFormatError(ValueError):
    """An IDX file that cannot be read as it claims to be; the message names the file and the fault."""


def _fail(path: object, what: str) -> IdxFormatError:
    return IdxFormatError(f"{path}: {what}")


def _describe_start(head: bytes) -> str:
    return " ".join(f"{b:02x}" for b in head[:4]) or "nothing (empty file)"


def read_idx(path: str | os.PathLike[str], *, ndim: int | None = None) -> np.ndarray:
    """Read an IDX file (gzip-compressed or raw) into a native-endian NumPy array.

    Parameters
    ----------
    path : str or path-like
        The file. Compression is detected from the content (gzip magic ``1f 8b``), not the name.
    ndim : int, optional
        Number of dimensions the caller expects (3 for image files, 1 for label files); a
        different count raises :class:`IdxFormatError`.

    Returns
    -------
    numpy.ndarray
        Shape as in the header; dtype ``uint8`` for MNIST files (other IDX types come back as
        native-endian int8/int16/int32/float32/float64).

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    IdxFormatError
        Bad magic number, unknown element type, wrong dimension count, data shorter or longer
        than the header says, or a corrupt gzip stream. The message names the file.

    Example
    -------
    >>> import tempfile, pathlib, numpy as np
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "images-idx3-ubyte"
    >>> _ = write_idx(path, np.zeros((2, 28, 28), dtype=np.uint8))
    >>> read_idx(path, ndim=3).shape
    (2, 28, 28)
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"IDX file {path} does not exist")
    if path.is_dir():
        raise IsADirectoryError(f"IDX path {path} is a folder, expected a file")
    raw = path.read_bytes()
    compressed = raw[:2] == _GZIP_MAGIC
    if compressed:
        try:
            with _gzip.GzipFile(fileobj=io.BytesIO(raw)) as fh:
                data = fh.read()
        except EOFError:
            raise _fail(path, "gzip stream is truncated (the compressed file ended early)") from None
        except (OSError, zlib.error) as exc:  # BadGzipFile is an OSError
            raise _fail(path, f"gzip stream is corrupt ({exc})") from None
    else:
        data = raw
    where = "after gunzip" if compressed else "raw"
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        if compressed:
            raise _fail(path, "is gzip-compressed, but its content is not IDX: after gunzip it starts with "
                              f"{_describe_start(data)}, expected 00 00 <type> <ndim>")
        hint = ""
        if path.suffix == ".gz":
            hint = " (the name ends in .gz but the content is not gzip-compressed either)"
        raise _fail(
            path,
            f"not an IDX file: bad magic number, starts with {_describe_start(data)}, "
            f"expected 00 00 <type> <ndim>{hint}",
        )
    type_code, n_dims = data[2], data[3]
    if type_code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02x} ({n})" for c, n in _TYPE_NAMES.items())
        raise _fail(path, f"unknown IDX element type 0x{type_code:02x}; expected one of {known}")
    if n_dims == 0:
        raise _fail(path, "IDX header declares 0 dimensions; expected at least 1")
    if ndim is not None and n_dims != ndim:
        raise _fail(path, f"has {n_dims} dimension(s), expected {ndim}")
    header_len = 4 + 4 * n_dims
    if len(data) < header_len:
        raise _fail(
            path, f"truncated header: {n_dims} dimensions need {header_len} header bytes, file has {len(data)} ({where})"
        )
    shape = struct.unpack(f">{n_dims}I", data[4:header_len])
    dtype = IDX_DTYPES[type_code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    got = len(data) - header_len
    if got < expected:
        raise _fail(
            path,
            f"truncated: header says shape {shape} of {_TYPE_NAMES[type_code]} = {expected:,} data bytes, "
            f"found {got:,} ({where})",
        )
    if got > expected:
        raise _fail(
            path,
            f"{got - expected:,} trailing byte(s) after the data: header says shape {shape} of "
            f"{_TYPE_NAMES[type_code]} = {expected:,} data bytes, found {got:,} ({where})",
        )
    arr = np.frombuffer(data, dtype=dtype, offset=header_len).reshape(shape)
    return arr.astype(dtype.newbyteorder("="), copy=True)


def _type_code(dtype: np.dtype) -> int:
    for code, known in IDX_DTYPES.items():
        if known.kind == dtype.kind and known.itemsize == dtype.itemsize:
            return code
    names = ", ".join(str(d.newbyteorder("=")) for d in IDX_DTYPES.values())
    raise TypeError(f"array dtype {dtype} cannot be stored in IDX; expected one of {names}")


def write_idx(path: str | os.PathLike[str], array: ArrayLike, *, gzip: bool | None = None) -> Path:
    """Write ``array`` as an IDX file, atomically (temporary file, then rename).

    Parameters
    ----------
    path : str or path-like
        Destination; parent folders are created.
    array : array-like
        uint8, int8, int16, int32, float32 or float64 data with 1 to 255 dimensions.
    gzip : bool, optional
        Compress with gzip. ``None`` (default) compresses when the name ends in ``.gz``. The gzip
        header carries no timestamp, so the same array always gives the same bytes.

    Returns
    -------
    pathlib.Path
        The written path.

    Example
    -------
    >>> import tempfile, pathlib, numpy as np
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_idx(folder / "t10k-images-idx3-ubyte", np.full((1, 28, 28), 255, np.uint8), gzip=True)
    >>> (folder / "t10k-images-idx3-ubyte").read_bytes()[:2] == b"\\x1f\\x8b"   # gzip, whatever the name
    True
    """
    path = Path(path)
    arr = np.asarray(array)
    if arr.ndim == 0 or arr.ndim > 255:
        raise ValueError(f"array must have 1 to 255 dimensions for IDX; got shape {arr.shape}")
    if any(s >= 2**32 for s in arr.shape):
        raise ValueError(f"array dimension sizes must be < 2**32 for IDX; got shape {arr.shape}")
    code = _type_code(arr.dtype)
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    payload = header + np.ascontiguousarray(arr, dtype=IDX_DTYPES[code]).tobytes()
    if gzip is None:
        gzip = path.suffix == ".gz"
    if gzip:
        payload = _gzip.compress(payload, compresslevel=6, mtime=0)
    return atomic_write_bytes(path, payload)
