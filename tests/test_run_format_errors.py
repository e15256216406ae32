"""Broken run directories: ``Run.load`` (and its lazy readers) raise RunFormatError naming the file and
what was expected, and read nothing from outside the run (links out, FIFOs, devices, oversize files,
zip bombs).

Each case starts from a valid run written by tests/report_runs.py's ``write_run`` and breaks one file.
"""
from __future__ import annotations

import io
import json
import os
import struct
import time
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mnist_viz import cli
from mnist_viz import run_format as fmt
from mnist_viz._io import MAX_CSV_BYTES, MAX_JSON_BYTES, atomic_write_json, atomic_write_npz, atomic_write_text
from mnist_viz.run import Run, RunFormatError
from report_runs import write_evaluation, write_run


@pytest.fixture
def run_dir(tmp_path) -> Path:
    return write_run(tmp_path / "run", epochs=2, n_test=50, n_probe=8)


def _edit_json(path: Path, change) -> None:
    atomic_write_json(path, change(json.loads(path.read_text())))


def _edit_npz(path: Path, change) -> None:
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    atomic_write_npz(path, change(arrays))


def _drop(key):
    return lambda arrays: {k: v for k, v in arrays.items() if k != key}


def _set(key, value):
    return lambda arrays: {**arrays, key: value}


def _edit_csv(path: Path, change) -> None:
    atomic_write_text(path, change(pd.read_csv(path)).to_csv(index=False))


def _cell(column, value):
    def change(frame):
        frame[column] = frame[column].astype(object)
        frame.loc[frame.index[-1], column] = value
        return frame
    return change


def _unknown_compression(path: Path) -> None:
    """Set every member's compression method to 99 (an unknown one: zipfile raises NotImplementedError)."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset:at + offset + 2] = (99).to_bytes(2, "little")
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def _npy_header_not_a_literal(path: Path) -> None:
    """An npz whose member's .npy header is not a Python literal (numpy raises SyntaxError, then
    tokenize.TokenError, neither a ValueError): found by tests/test_run_fuzz.py garbling a compressed member."""
    header = b"{" + b"'" * 3 + b" " * 11 + b"\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("embedding.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + b"\x00" * 8)
    path.write_bytes(buf.getvalue())


def _first_epoch_file(d: Path) -> Path:
    return sorted((d / fmt.PROBE_DIR).glob(fmt.PROBE_EPOCH_GLOB))[0]


#: (id, file it breaks, how, what the message must say besides the file's name)
CASES = [
    ("run-json-garbled", fmt.RUN_JSON, lambda p: p.write_text('{"status": "compl'), "not valid JSON"),
    ("run-json-list", fmt.RUN_JSON, lambda p: p.write_text("[1, 2]"), "expected a JSON object, got a JSON list"),
    ("run-json-not-utf8", fmt.RUN_JSON, lambda p: p.write_bytes(b"\xff\xfe{}"), "not valid JSON"),
    ("run-json-future-version", fmt.RUN_JSON, lambda p: _edit_json(p, lambda i: {**i, "format_version": 2}),
     "key 'format_version' is 2; this mnist_viz reads version 1"),
    ("run-json-status", fmt.RUN_JSON, lambda p: _edit_json(p, lambda i: {**i, "status": "done"}),
     "key 'status' is 'done'"),
    ("run-json-metadata-type", fmt.RUN_JSON, lambda p: _edit_json(p, lambda i: {**i, "metadata": "x"}),
     "key 'metadata' is a string .*expected a JSON object"),
    ("run-json-class-names-type", fmt.RUN_JSON, lambda p: _edit_json(p, lambda i: {**i, "class_names": {"a": 1}}),
     "key 'class_names' is a JSON object .*expected a JSON list"),
    # found by tests/test_run_fuzz.py: nested values of another type escaped as AttributeError / TypeError
    ("run-json-metadata-data-type", fmt.RUN_JSON,
     lambda p: _edit_json(p, lambda i: {**i, "metadata": {**i["metadata"], "data": True}}),
     "key 'metadata.data' is true/false .*expected a JSON object"),
    ("run-json-dataset-class-names-type", fmt.RUN_JSON,
     lambda p: _edit_json(p, lambda i: {**i, "metadata": {**i["metadata"], "data": {"class_names": 5}}}),
     "key 'metadata.data.class_names' is an integer .*expected a JSON list"),
    ("run-json-model-layer-type", fmt.RUN_JSON,
     lambda p: _edit_json(p, lambda i: {**i, "model": {**i["model"], "layers": [i["model"]["layers"][0], 7]}}),
     "key 'model.layers.1' is an integer .*expected a JSON object"),
    ("run-json-output-type", fmt.RUN_JSON, lambda p: _edit_json(p, lambda i: {**i, "output": [7]}),
     "key 'output' is a JSON list .*expected a JSON object"),
    ("history-oops-cell", fmt.HISTORY_CSV, lambda p: _edit_csv(p, _cell("loss", "oops")),
     "column 'loss' row 2 holds 'oops'; expected a number"),
    ("history-fractional-epoch", fmt.HISTORY_CSV, lambda p: _edit_csv(p, _cell("epoch", 0.5)),
     "column 'epoch' .*expected whole numbers"),
    ("history-binary", fmt.HISTORY_CSV, lambda p: p.write_bytes(b"epoch,loss\n0,\xff\xfe\x00\n"), "CSV|number"),
    ("batches-oops-cell", fmt.BATCHES_CSV, lambda p: _edit_csv(p, _cell("loss", "oops")), "column 'loss'"),
    ("stats-missing-column", fmt.WEIGHT_STATS_CSV, lambda p: _edit_csv(p, lambda f: f.drop(columns=["weight"])),
     "has no column 'weight'"),
    ("stats-oops-cell", fmt.WEIGHT_STATS_CSV, lambda p: _edit_csv(p, _cell("mean", "oops")), "column 'mean'"),
    ("index-not-a-list", fmt.WEIGHT_INDEX_JSON, lambda p: p.write_text('{"key": 0}'), "expected a JSON list"),
    ("index-entry-without-key", fmt.WEIGHT_INDEX_JSON, lambda p: p.write_text('[{"weight": "d/kernel"}]'),
     "entry 0 .*integer 'key'"),
    ("histograms-missing-edges", fmt.WEIGHT_HISTOGRAMS_NPZ, lambda p: _edit_npz(p, _drop("edges_0")),
     "has no array 'edges_0'"),
    ("histograms-wrong-epochs", fmt.WEIGHT_HISTOGRAMS_NPZ, lambda p: _edit_npz(p, _set("epochs", np.arange(7))),
     "array 'counts_0' has .* rows; expected 7"),
    ("histograms-not-a-zip", fmt.WEIGHT_HISTOGRAMS_NPZ, lambda p: p.write_bytes(b"PK\x03\x04garbage"),
     "not a readable .npz"),
    ("dead-relu-missing-column", fmt.DEAD_RELU_CSV,
     lambda p: _edit_csv(p, lambda f: f.drop(columns=["dead_fraction"])), "has no column 'dead_fraction'"),
    ("probe-missing-labels", fmt.PROBE_NPZ, lambda p: _edit_npz(p, _drop(fmt.PROBE_LABELS)),
     "has no array 'labels'"),
    ("probe-float-labels", fmt.PROBE_NPZ, lambda p: _edit_npz(p, _set(fmt.PROBE_LABELS, np.zeros(8))),
     "array 'labels' has dtype float64; expected integers"),
    ("probe-indices-wrong-length", fmt.PROBE_NPZ, lambda p: _edit_npz(p, _set(fmt.PROBE_INDICES, np.arange(3))),
     "array 'indices' has 3 rows; expected 8"),
    ("test-labels-wrong-length", fmt.TEST_NPZ, lambda p: _edit_npz(p, _set(fmt.TEST_LABELS, np.arange(10))),
     "array 'probabilities' has 50 rows; expected 10 \\(one per label\\)"),
    ("test-missing-labels", fmt.TEST_NPZ, lambda p: _edit_npz(p, _drop(fmt.TEST_LABELS)), "has no array 'labels'"),
    ("test-probabilities-1d", fmt.TEST_NPZ, lambda p: _edit_npz(p, _set(fmt.TEST_PROBABILITIES, np.zeros(50))),
     "array 'probabilities' has shape \\(50,\\); expected 2"),
    ("test-string-probabilities", fmt.TEST_NPZ,
     lambda p: _edit_npz(p, _set(fmt.TEST_PROBABILITIES, np.full((50, 10), "x"))), "expected numbers"),
    ("test-images-wrong-length", fmt.TEST_NPZ,
     lambda p: _edit_npz(p, _set(fmt.TEST_IMAGES, np.zeros((3, 28, 28), np.uint8))), "array 'images' has 3 rows"),
    ("test-empty-file", fmt.TEST_NPZ, lambda p: p.write_bytes(b""), "not a readable .npz"),
    ("features-unknown-compression", fmt.FEATURES_NPZ, _unknown_compression,
     "not a readable .npz \\(NotImplementedError"),
    ("features-npy-header-not-a-literal", fmt.FEATURES_NPZ, _npy_header_not_a_literal,
     r"not a readable \.npz \((?:SyntaxError|TokenError)"),
    # found by tests/test_run_fuzz.py: NaN indices were cast to garbage integers (a RuntimeWarning only)
    ("features-float-indices", fmt.FEATURES_NPZ,
     lambda p: _edit_npz(p, _set(fmt.FEATURE_ACTIVATION_INDICES, np.array([0.5, np.nan]))),
     "array 'activation_indices' has dtype float64; expected integers"),
    ("features-embedding-rows", fmt.FEATURES_NPZ,
     lambda p: _edit_npz(p, _set(fmt.FEATURE_EMBEDDING_INDICES, np.arange(3))),
     r"array 'embedding' has \d+ rows; expected 3 \(one per embedding index\)"),
    ("features-garbled", fmt.FEATURES_NPZ, lambda p: p.write_bytes(b"\x00" * 100), "not a readable .npz"),
    # a negative label or row index would count as the last class or take the last digit, quietly
    ("test-negative-label", fmt.TEST_NPZ,
     lambda p: _edit_npz(p, lambda a: {**a, fmt.TEST_LABELS: np.r_[a[fmt.TEST_LABELS][:-1], -1]}),
     r"array 'labels' holds -1 at 49; expected labels or row indices >= 0"),
    ("probe-negative-index", fmt.PROBE_NPZ,
     lambda p: _edit_npz(p, lambda a: {**a, fmt.PROBE_INDICES: -1 - a[fmt.PROBE_INDICES]}),
     r"array 'indices' holds -1 at 0; expected labels or row indices >= 0"),
    ("features-negative-indices", fmt.FEATURES_NPZ,
     lambda p: _edit_npz(p, lambda a: {**a, fmt.FEATURE_ACTIVATION_INDICES: -5 - a[fmt.FEATURE_ACTIVATION_INDICES]}),
     r"array 'activation_indices' holds -5 at 0; expected labels or row indices >= 0"),
]


@pytest.mark.parametrize("broken, how, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_broken_file_raises_run_format_error_naming_it(run_dir, broken, how, expected):
    how(run_dir / broken)
    with pytest.raises(RunFormatError) as caught:
        Run.load(run_dir)
    error = caught.value
    assert error.path == run_dir / broken or error.path.name == Path(broken).name, str(error)
    assert str(error).startswith(str(error.path)) and "\n" not in str(error)
    assert pd.Series([error.reason]).str.contains(expected).all(), error.reason


def test_a_probe_epoch_of_the_wrong_length_is_named(run_dir):
    epoch_file = _first_epoch_file(run_dir)
    _edit_npz(epoch_file, lambda a: {fmt.PROBE_PROBABILITIES: a[fmt.PROBE_PROBABILITIES][:5]})
    with pytest.raises(RunFormatError, match=rf"{epoch_file.name}: array 'probabilities' has 5 rows; expected 8"):
        Run.load(run_dir)


def test_the_valid_run_loads(run_dir):  # the cases above fail because of what they break, not the fixture
    run = Run.load(run_dir)
    assert run.test.labels.shape == (50,) and run.probe.labels.shape == (8,) and len(run.history) == 2


def test_lazy_evaluation_readers_raise_run_format_error(run_dir):
    write_evaluation(run_dir, "other", n=20)
    folder = fmt.evaluation_dir(run_dir, "other")
    _edit_npz(folder / fmt.TEST_NPZ, _set(fmt.TEST_LABELS, np.arange(3)))
    (folder / fmt.FEATURES_NPZ).write_bytes(b"not a zip")
    run = Run.load(run_dir)  # the evaluation's arrays are read only when asked
    with pytest.raises(RunFormatError, match=r"other/test_predictions\.npz: array 'probabilities' has 20 rows"):
        run.evaluations["other"].test
    with pytest.raises(RunFormatError, match=r"other/features\.npz: is not a readable \.npz"):
        run.evaluations["other"].features


def test_an_evaluation_entry_of_the_wrong_type_is_named(run_dir):
    write_evaluation(run_dir, "other", n=20)
    _edit_json(run_dir / fmt.RUN_JSON, lambda i: {**i, "evaluations": {"other": {**i["evaluations"]["other"],
                                                                                 "n": "many"}}})
    with pytest.raises(RunFormatError, match=r"run\.json: key 'evaluations\.other\.n' is str \('many'\); expected int"):
        Run.load(run_dir).evaluations


# -- nothing outside the run is read ------------------------------------------------------------
def test_an_evaluation_accuracy_that_is_not_a_number_is_named(run_dir):  # found by tests/test_run_fuzz.py
    write_evaluation(run_dir, "other", n=20)
    _edit_json(run_dir / fmt.RUN_JSON, lambda i: {**i, "evaluations": {"other": {
        **i["evaluations"]["other"], "metrics": {"accuracy": []}}}})
    with pytest.raises(RunFormatError, match=r"run\.json: key 'evaluations\.other\.metrics\.accuracy' is list "
                                             r"\(\[\]\); expected a number"):
        Run.load(run_dir).evaluations


def test_a_symlink_out_of_the_run_is_refused(run_dir, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("epoch,password\n0,1234\n")
    (run_dir / fmt.HISTORY_CSV).unlink()
    (run_dir / fmt.HISTORY_CSV).symlink_to(secret)
    with pytest.raises(RunFormatError, match=r"history\.csv: is a symbolic link to a file outside the run directory"):
        Run.load(run_dir)


def test_a_linked_folder_out_of_the_run_is_refused(run_dir, tmp_path):
    outside = tmp_path / "elsewhere"
    (run_dir / fmt.PROBE_DIR).rename(outside)
    (run_dir / fmt.PROBE_DIR).symlink_to(outside, target_is_directory=True)
    with pytest.raises(RunFormatError, match=r"probe\.npz: is a symbolic link to a file outside the run directory"):
        Run.load(run_dir)


def test_a_symlink_that_stays_inside_the_run_is_followed(run_dir):
    (run_dir / "copies").mkdir()
    (run_dir / fmt.HISTORY_CSV).rename(run_dir / "copies" / "h.csv")
    (run_dir / fmt.HISTORY_CSV).symlink_to(Path("copies") / "h.csv")
    assert len(Run.load(run_dir).history) == 2


def test_a_link_to_dev_zero_fails_at_once(run_dir):
    (run_dir / fmt.TEST_NPZ).unlink()
    (run_dir / fmt.TEST_NPZ).symlink_to("/dev/zero")
    start = time.perf_counter()
    with pytest.raises(RunFormatError, match=r"test_predictions\.npz: is a symbolic link .* \(/dev/zero\)"):
        Run.load(run_dir)
    assert time.perf_counter() - start < 2


def test_a_dangling_symlink_is_an_error_not_a_missing_file(run_dir):
    (run_dir / fmt.FEATURES_NPZ).unlink()
    (run_dir / fmt.FEATURES_NPZ).symlink_to(run_dir / "nowhere.npz")
    with pytest.raises(RunFormatError, match=r"features\.npz: cannot be read \(No such file"):
        Run.load(run_dir)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(run_dir):
    (run_dir / fmt.BATCHES_CSV).unlink()
    os.mkfifo(run_dir / fmt.BATCHES_CSV)  # reading it would block forever: nobody writes
    with pytest.raises(RunFormatError, match=r"batches\.csv: is not a regular file \(a FIFO, device or folder\)"):
        Run.load(run_dir)


@pytest.mark.parametrize("name, limit", [(fmt.HISTORY_CSV, MAX_CSV_BYTES), (fmt.RUN_JSON, MAX_JSON_BYTES)])
def test_an_oversize_file_is_refused_before_it_is_read(run_dir, name, limit):
    os.truncate(run_dir / name, limit + 1)  # sparse: no disk used
    start = time.perf_counter()
    with pytest.raises(RunFormatError, match=rf"{Path(name).name}: is {limit + 1:,} bytes; expected at most {limit:,}"):
        Run.load(run_dir)
    assert time.perf_counter() - start < 2


def _zip_bomb(path: Path, member: str, n_bytes: int, block: int = 2**24) -> None:
    """A valid one-member zip (zip64 sizes, correct CRC) whose ``.npy`` of zeros inflates to ``n_bytes``:
    one deflated ``block`` of zeros repeated (each ends in a full flush, so they chain)."""
    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(head, {"descr": "<f8", "fortran_order": False, "shape": (n_bytes // 8,)})
    head, chunk = head.getvalue(), bytes(block)
    k, rest = divmod(n_bytes // 8 * 8, len(chunk))
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)]
    parts += [comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)] * k
    data = b"".join(parts + [comp.compress(bytes(rest)) + comp.flush()])
    crc = zlib.crc32(head)
    for _ in range(k):
        crc = zlib.crc32(chunk, crc)
    crc, size, name = zlib.crc32(bytes(rest), crc), len(head) + n_bytes // 8 * 8, member.encode()
    extra = struct.pack("<HHQQ", 1, 16, size, len(data))  # zip64: the real sizes
    sizes = (crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra))
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 45, 0, 8, 0, 0x21, *sizes) + name + extra
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45, 45, 0, 8, 0, 0x21, *sizes, 0, 0, 0, 0, 0) + name + extra
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    path.write_bytes(local + data + central + end)


def test_the_zip_bomb_is_a_real_one(tmp_path):  # so the test below refuses what it claims to refuse
    _zip_bomb(tmp_path / "b.npz", "x.npy", 2**22 + 8, block=2**20)  # 4 chained blocks and a rest
    with zipfile.ZipFile(tmp_path / "b.npz") as zf:
        assert zf.infolist()[0].file_size == 2**22 + 8 + 128 and len(zf.read("x.npy")) == 2**22 + 136  # CRC checked
    with np.load(tmp_path / "b.npz") as data:
        assert data["x"].shape == (2**19 + 1,) and not data["x"].any()


def test_a_zip_bomb_fails_in_milliseconds(run_dir):
    """A 1.2 MB npz whose one member inflates to 1.12 GiB: refused from the zip header, nothing inflated."""
    path = run_dir / fmt.TEST_NPZ
    _zip_bomb(path, f"{fmt.TEST_PROBABILITIES}.npy", int(1.12 * 2**30))
    assert path.stat().st_size < 1.5 * 2**20
    start = time.perf_counter()
    with pytest.raises(RunFormatError, match=r"test_predictions\.npz: member 'probabilities\.npy' decompresses to "
                                             r"1,202,590,\d{3} bytes; expected at most 1,073,741,824"):
        Run.load(run_dir)
    assert time.perf_counter() - start < 0.5


def test_an_npy_header_claiming_more_than_the_member_holds_is_refused(run_dir):
    path = run_dir / fmt.TEST_NPZ
    with zipfile.ZipFile(path, "w") as zf, zf.open(f"{fmt.TEST_LABELS}.npy", "w") as member:
        np.lib.format.write_array_header_1_0(member, {"descr": "<i8", "fortran_order": False, "shape": (10**9,)})
    with pytest.raises(RunFormatError, match=r"member 'labels\.npy' claims shape \(1000000000,\) but holds only"):
        Run.load(run_dir)


# -- the CLI: one line, exit 2 ------------------------------------------------------------------
def test_the_cli_prints_a_broken_run_in_one_line(run_dir, tmp_path, capsys):
    _edit_csv(run_dir / fmt.HISTORY_CSV, _cell("loss", "oops"))
    assert cli.main(["report", str(run_dir), "-o", str(tmp_path / "r.html"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mnist-viz: error:") and "\n" not in err
    assert "history.csv: column 'loss' row 2 holds 'oops'" in err


def test_the_cli_turns_any_run_format_error_into_exit_2(monkeypatch, capsys):
    def broken(args):
        raise RunFormatError("runs/x/history.csv", "column 'loss' row 2 holds 'oops'; expected a number (or NA)")

    monkeypatch.setattr(cli, "_cmd_report", broken)
    assert cli.main(["report", "runs/x"]) == 2
    assert capsys.readouterr().err == ("mnist-viz: error: runs/x/history.csv: column 'loss' row 2 holds 'oops'; "
                                       "expected a number (or NA)\n")


# -- every file, garbled three ways: only RunFormatError escapes ---------------------------------
RUN_FILES = [fmt.RUN_JSON, fmt.HISTORY_CSV, fmt.BATCHES_CSV, fmt.WEIGHT_STATS_CSV, fmt.WEIGHT_INDEX_JSON,
             fmt.WEIGHT_HISTOGRAMS_NPZ, fmt.DEAD_RELU_CSV, fmt.PROBE_NPZ, fmt.probe_epoch_npz(1), fmt.TEST_NPZ,
             fmt.FEATURES_NPZ]
GARBLE = {"half": lambda b: b[: len(b) // 2], "empty": lambda b: b"",
          "noise": lambda b: np.random.default_rng(len(b)).integers(0, 256, max(len(b), 64), np.uint8).tobytes(),
          "flipped": lambda b: b[:40] + bytes(x ^ 0x5A for x in b[40:80]) + b[80:]}


@pytest.mark.parametrize("how", list(GARBLE))
@pytest.mark.parametrize("name", RUN_FILES)
def test_a_garbled_file_loads_or_raises_run_format_error(run_dir, name, how):
    path = run_dir / name
    path.write_bytes(GARBLE[how](path.read_bytes()))
    try:
        run = Run.load(run_dir)
    except RunFormatError as exc:
        assert Path(name).name in str(exc) and "\n" not in str(exc)
    else:  # what loads is the run's own data (a CSV cut at a row, an empty file read as absent)
        assert run.path == run_dir
