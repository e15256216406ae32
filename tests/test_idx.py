"""IDX reader/writer: round trips, gzip detection by content, and every kind of corrupt file."""
from __future__ import annotations

import gzip
import os
import struct

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest

from mnist_viz.idx import IdxFormatError, read_idx, write_idx


def _header(type_code: int, shape: tuple[int, ...]) -> bytes:
    return bytes([0, 0, type_code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "float32", "float64"])
@pytest.mark.parametrize("compress", [False, True])
def test_round_trip_every_dtype(tmp_path, dtype, compress):
    arr = (np.arange(2 * 3 * 4) - 5).astype(dtype).reshape(2, 3, 4)
    if dtype == "uint8":
        arr = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    path = write_idx(tmp_path / f"a-{dtype}", arr, gzip=compress)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype)  # native byte order, same kind
    assert back.shape == (2, 3, 4)
    np.testing.assert_array_equal(back, arr)
    assert back.flags.writeable


def test_layout_matches_the_official_format(tmp_path):
    labels = np.array([7, 2, 1], dtype=np.uint8)
    path = write_idx(tmp_path / "labels-idx1-ubyte", labels)
    assert path.read_bytes() == b"\x00\x00\x08\x01" + b"\x00\x00\x00\x03" + bytes([7, 2, 1])
    ints = write_idx(tmp_path / "ints", np.array([1, 256], dtype=np.int32))
    assert ints.read_bytes()[8:] == b"\x00\x00\x00\x01\x00\x00\x01\x00"  # big-endian on disk


def test_gzip_chosen_by_suffix_and_detected_by_content(tmp_path):
    arr = np.arange(28 * 28, dtype=np.uint8).reshape(1, 28, 28)
    gz = write_idx(tmp_path / "x-idx3-ubyte.gz", arr)
    assert gz.read_bytes()[:2] == b"\x1f\x8b"
    raw = write_idx(tmp_path / "y-idx3-ubyte", arr)
    assert raw.read_bytes()[:2] == b"\x00\x00"
    # content decides, not the name: gzip under a raw name, raw under a .gz name
    gz_no_suffix = write_idx(tmp_path / "z-idx3-ubyte", arr, gzip=True)
    raw_gz_suffix = write_idx(tmp_path / "w-idx3-ubyte.gz", arr, gzip=False)
    for path in (gz, raw, gz_no_suffix, raw_gz_suffix):
        np.testing.assert_array_equal(read_idx(path), arr)


def test_gzip_output_is_deterministic(tmp_path):
    arr = np.arange(100, dtype=np.uint8)
    a = write_idx(tmp_path / "a.gz", arr).read_bytes()
    b = write_idx(tmp_path / "b.gz", arr).read_bytes()
    assert a == b


def test_write_is_atomic_and_leaves_no_temporary_files(tmp_path):
    path = write_idx(tmp_path / "sub" / "labels-idx1-ubyte", np.zeros(5, np.uint8))
    assert sorted(p.name for p in path.parent.iterdir()) == ["labels-idx1-ubyte"]


def test_write_refuses_unstorable_arrays(tmp_path):
    with pytest.raises(TypeError, match="uint8"):
        write_idx(tmp_path / "a", np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="1 to 255 dimensions"):
        write_idx(tmp_path / "b", np.uint8(3))


def test_ndim_check(tmp_path):
    path = write_idx(tmp_path / "labels-idx1-ubyte", np.zeros(5, np.uint8))
    assert read_idx(path, ndim=1).shape == (5,)
    with pytest.raises(IdxFormatError, match=r"labels-idx1-ubyte: has 1 dimension\(s\), expected 3"):
        read_idx(path, ndim=3)


# --- corrupt files -----------------------------------------------------------------------------


def _assert_names_file(excinfo, path):
    assert str(path) in str(excinfo.value)
    assert isinstance(excinfo.value, ValueError)


def test_bad_magic(tmp_path):
    path = tmp_path / "bad-idx1-ubyte"
    path.write_bytes(b"\x12\x34\x08\x01" + b"\x00\x00\x00\x01" + b"\x05")
    with pytest.raises(IdxFormatError, match="bad magic number, starts with 12 34 08 01") as exc:
        read_idx(path)
    _assert_names_file(exc, path)


def test_unknown_type_code(tmp_path):
    path = tmp_path / "type-idx1-ubyte"
    path.write_bytes(_header(0x0A, (1,)) + b"\x00")
    with pytest.raises(IdxFormatError, match="unknown IDX element type 0x0a") as exc:
        read_idx(path)
    _assert_names_file(exc, path)


def test_zero_dimensions(tmp_path):
    path = tmp_path / "zero"
    path.write_bytes(b"\x00\x00\x08\x00")
    with pytest.raises(IdxFormatError, match="0 dimensions"):
        read_idx(path)


def test_truncated_header(tmp_path):
    path = tmp_path / "short-idx3-ubyte"
    path.write_bytes(b"\x00\x00\x08\x03" + b"\x00\x00\x00\x02")  # 3 dims declared, 1 size given
    with pytest.raises(IdxFormatError, match="truncated header") as exc:
        read_idx(path)
    _assert_names_file(exc, path)


@pytest.mark.parametrize("compress", [False, True])
def test_truncated_data(tmp_path, compress):
    payload = _header(0x08, (2, 28, 28)) + bytes(2 * 784 - 10)
    path = tmp_path / ("trunc-idx3-ubyte" + (".gz" if compress else ""))
    path.write_bytes(gzip.compress(payload) if compress else payload)
    with pytest.raises(IdxFormatError, match=r"truncated: header says shape \(2, 28, 28\).*1,568 data bytes, found 1,558") as exc:
        read_idx(path)
    _assert_names_file(exc, path)


@pytest.mark.parametrize("compress", [False, True])
def test_trailing_bytes(tmp_path, compress):
    payload = _header(0x08, (3,)) + bytes([1, 2, 3]) + b"junk"
    path = tmp_path / ("trail-idx1-ubyte" + (".gz" if compress else ""))
    path.write_bytes(gzip.compress(payload) if compress else payload)
    with pytest.raises(IdxFormatError, match="4 trailing byte") as exc:
        read_idx(path)
    _assert_names_file(exc, path)


def test_truncated_gzip_stream(tmp_path):
    good = gzip.compress(_header(0x08, (1000,)) + np.arange(1000, dtype=np.uint16).astype(np.uint8).tobytes())
    path = tmp_path / "cut-idx1-ubyte.gz"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(IdxFormatError, match="gzip stream is truncated") as exc:
        read_idx(path)
    _assert_names_file(exc, path)


def test_corrupt_gzip_stream(tmp_path):
    good = bytearray(gzip.compress(_header(0x08, (100,)) + bytes(range(100))))
    good[-8] ^= 0xFF  # break the CRC32 in the trailer
    path = tmp_path / "crc-idx1-ubyte.gz"
    path.write_bytes(bytes(good))
    with pytest.raises(IdxFormatError, match="gzip stream is corrupt") as exc:
        read_idx(path)
    _assert_names_file(exc, path)


def test_not_gzip_but_gz_name(tmp_path):
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_text("<html>404 Not Found</html>")
    with pytest.raises(IdxFormatError, match="name ends in .gz but the content is not gzip") as exc:
        read_idx(path)
    _assert_names_file(exc, path)


@pytest.mark.parametrize("name", ["t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"])
def test_gzip_whose_content_is_not_idx_says_so(tmp_path, name):
    """A gzipped HTML page (a download that went wrong) is gzip, whatever its name: the message says
    its content is not IDX, and never that it is not gzip-compressed."""
    path = tmp_path / name
    path.write_bytes(gzip.compress(b"<html>404 Not Found</html>"))
    with pytest.raises(IdxFormatError) as exc:
        read_idx(path)
    message = str(exc.value)
    assert message == (f"{path}: is gzip-compressed, but its content is not IDX: after gunzip it starts with "
                       "3c 68 74 6d, expected 00 00 <type> <ndim>")
    assert "not gzip-compressed" not in message


def test_empty_file(tmp_path):
    path = tmp_path / "empty-idx1-ubyte"
    path.write_bytes(b"")
    with pytest.raises(IdxFormatError, match="empty file"):
        read_idx(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope-idx1-ubyte"):
        read_idx(tmp_path / "nope-idx1-ubyte")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        read_idx(tmp_path)
