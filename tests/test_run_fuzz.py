"""Hypothesis fuzz of ``Run.load`` over corrupted run directories: only RunFormatError ever escapes.

A complete run directory (every file kind: run.json, history.csv, batches.csv, weights/stats.csv,
index.json, histograms.npz, dead_relu.csv, a snapshot, probe/, test_predictions.npz, features.npz and
evaluations/NAME/...) is written once per session without training (tests/report_runs.py), then
copied per example and corrupted: a file truncated, deleted, garbled, replaced by random bytes or by
a symbolic link (to a file outside the run, /dev/zero, a folder, nowhere), a JSON value replaced by
one of another type, a CSV cell by random text, an npz member by a random array, or several of
these at once. ``Run.load`` and every record it exposes (the lazy evaluations too) must then either
work or raise :class:`RunFormatError`; any other exception fails, and so does a RuntimeWarning (a
NaN silently cast to an integer index). Deterministic (``derandomize``, no example database); about
15 s on 2 CPU cores.
"""
from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from mnist_viz import run_format as fmt
from mnist_viz._io import atomic_write_json
from mnist_viz.run import Run, RunFormatError
from report_runs import write_evaluation, write_run

EVALUATION = "other"
_EVAL_DIR = f"{fmt.EVALUATIONS_DIR}/{EVALUATION}"
#: every file of the pristine run (the fixture checks that this is all of them)
FILES = [fmt.RUN_JSON, fmt.HISTORY_CSV, fmt.BATCHES_CSV, fmt.WEIGHT_STATS_CSV, fmt.WEIGHT_INDEX_JSON,
         fmt.WEIGHT_HISTOGRAMS_NPZ, fmt.DEAD_RELU_CSV, fmt.snapshot_npz(1), fmt.PROBE_NPZ, fmt.probe_epoch_npz(0),
         fmt.probe_epoch_npz(1), fmt.TEST_NPZ, fmt.FEATURES_NPZ, fmt.MODEL_CONFIG_JSON,
         f"{_EVAL_DIR}/{fmt.TEST_NPZ}", f"{_EVAL_DIR}/{fmt.FEATURES_NPZ}"]
FOLDERS = [fmt.WEIGHTS_DIR, fmt.PROBE_DIR, fmt.EVALUATIONS_DIR, _EVAL_DIR]
TARGETS = FILES + FOLDERS

SETTINGS = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="session")
def pristine(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    run_dir = write_run(root / "run", epochs=2, n_test=30, n_probe=6)
    write_evaluation(run_dir, EVALUATION, n=12)
    folder = fmt.evaluation_dir(run_dir, EVALUATION)
    fmt.write_features(folder, fmt.Features(first_layer_kind="dense", first_layer_kernel=np.zeros((784, 4)),
                                            embedding=np.ones((12, 3)),
                                            activations={"dense": np.zeros((2, 1, 1, 4))}, activation_indices=[3, 7]))
    fmt.write_snapshot(run_dir, 1, {"dense/kernel": np.ones((784, 4)), "dense/bias": np.zeros(4)})
    atomic_write_json(run_dir / fmt.MODEL_CONFIG_JSON, {"class_name": "Sequential", "config": {"layers": []}})
    on_disk = sorted(p.relative_to(run_dir).as_posix() for p in run_dir.rglob("*") if p.is_file())
    assert on_disk == sorted(FILES), on_disk
    return run_dir


@pytest.fixture(scope="session")
def outside(tmp_path_factory) -> Path:
    """A file and a folder outside every run: what a link out of a run points at."""
    root = tmp_path_factory.mktemp("outside")
    (root / "secret.csv").write_text("epoch,loss\n0,0.123456789\n")
    (root / "folder").mkdir()
    return root


def _touch_everything(run: Run) -> None:
    """Read every record ``run`` exposes, the lazy ones too (what the report reads)."""
    repr(run), run.class_names, run.metadata, run.model_info, run.test_metrics, run.epochs_completed
    run.history.to_numpy()
    if run.batches is not None:
        run.batches.to_numpy()
    if run.weights is not None:
        run.weights.weight_names, run.weights.stats.to_numpy(), run.weights.dead_relu.to_numpy()
        for hist in run.weights.histograms.values():
            hist["counts"].sum(), hist["edges"].sum(), hist["epochs"].tolist()
    if run.probe is not None:
        run.probe.accuracy()
    if run.test is not None:
        run.test.accuracy, run.test.predicted
    if run.features is not None and run.features.activation_indices.size and run.features.activations:
        run.features.maps_of(0)
    for evaluation in run.evaluations.values():
        repr(evaluation), evaluation.accuracy, evaluation.description
        if evaluation.test is not None:
            evaluation.test.accuracy
        evaluation.features


def _load_or_run_format_error(run_dir: Path) -> None:
    try:
        _touch_everything(Run.load(run_dir))
    except RunFormatError as exc:
        assert str(exc).startswith(str(exc.path)) and "\n" not in str(exc), repr(str(exc))


# -- corruptions: each draws what it needs, then changes the run in place ---------------------------
_JSON_LEAVES = st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=8)
JSON_VALUES = st.recursive(_JSON_LEAVES, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)
ARRAYS = hnp.arrays(dtype=st.sampled_from([np.int8, np.int64, np.uint8, np.float16, np.float64, np.bool_,
                                           np.complex64, np.dtype("<U3"), np.dtype("S2"), np.dtype("<M8[s]")]),
                    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))


def _json_slots(value, path=()):
    """Every (path, value) inside a parsed JSON document, the document itself first."""
    yield path, value
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _json_slots(child, path + (key,))


def _replace_at(document, path, new):
    if not path:
        return new
    holder = document
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = new
    return document


def _corrupt(draw, target: Path, outside: Path) -> str:
    """Corrupt ``target`` one way drawn with ``draw``; returns what was done (for the failure message)."""
    if not os.path.lexists(target):
        return "already gone"
    is_file = target.is_file() and not target.is_symlink()
    kinds = ["delete", "symlink"] + (["truncate", "garble", "random bytes"] if is_file else [])
    # the corruptions that know the format reach further into the readers: drawn 4 times as often
    structured = {".json": "json value", ".csv": "csv cell", ".npz": "npz member"}.get(target.suffix)
    if is_file and structured:
        kinds += [structured] * 4
    kind = draw(st.sampled_from(kinds))
    if kind == "delete":
        shutil.rmtree(target) if target.is_dir() and not target.is_symlink() else target.unlink()
        return kind
    if kind == "symlink":
        to = draw(st.sampled_from([outside / "secret.csv", Path("/dev/zero"), outside / "folder", target.parent,
                                   outside / "nowhere", Path("relative/nowhere")]))
        shutil.rmtree(target) if target.is_dir() and not target.is_symlink() else target.unlink()
        target.symlink_to(to)
        return f"symlink to {to}"
    data = target.read_bytes()
    if kind == "truncate":
        at = draw(st.sampled_from(range(max(len(data), 1))))
        target.write_bytes(data[:at])
        return f"truncate at {at} of {len(data)}"
    if kind == "garble":
        changes = draw(st.lists(st.tuples(st.integers(0, max(len(data) - 1, 0)), st.integers(0, 255)),
                                min_size=1, max_size=8))
        garbled = bytearray(data)
        for at, byte in changes:
            if garbled:
                garbled[at] = byte
        target.write_bytes(bytes(garbled))
        return f"garble {changes}"
    if kind == "random bytes":
        target.write_bytes(draw(st.binary(max_size=600)))
        return "random bytes"
    if kind == "json value":
        try:
            document = json.loads(data)
        except ValueError:  # an earlier corruption of the same file broke it already
            return "json value: not JSON any more"
        where, old = draw(st.sampled_from(list(_json_slots(document))))
        new = draw(JSON_VALUES.filter(lambda v: type(v) is not type(old)))
        target.write_text(json.dumps(_replace_at(document, where, new)))
        return f"json {list(where)}: {old!r:.30} -> {new!r:.30}"
    if kind == "csv cell":
        lines = data.decode(errors="replace").splitlines() or [""]
        row = draw(st.sampled_from(range(len(lines))))
        cells = lines[row].split(",")
        col = draw(st.sampled_from(range(len(cells))))
        cells[col] = draw(st.text(max_size=12))
        lines[row] = ",".join(cells)
        target.write_text("\n".join(lines) + "\n")
        return f"csv row {row} col {col} -> {cells[col]!r}"
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except Exception:  # an earlier corruption of the same file broke it already
        return "npz member: not an npz any more"
    key = draw(st.sampled_from(sorted(arrays) + ["(dropped)"]))
    if key == "(dropped)" and arrays:
        arrays.pop(draw(st.sampled_from(sorted(arrays))))
    elif key != "(dropped)":
        arrays[key] = draw(ARRAYS)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    target.write_bytes(buf.getvalue())
    return f"npz member {key}"


@st.composite
def corruptions(draw):
    """1 to 3 (target, how) corruptions, applied in order by the test."""
    return draw(st.lists(st.sampled_from(TARGETS), min_size=1, max_size=3))


@pytest.mark.filterwarnings("error::RuntimeWarning")  # a silent cast (NaN to integer...) fails too
@SETTINGS
@given(data=st.data(), targets=corruptions())
def test_a_corrupted_run_loads_or_raises_run_format_error_only(pristine, outside, tmp_path, data, targets):
    run_dir = tmp_path / "run"
    if run_dir.exists():
        shutil.rmtree(run_dir)
    shutil.copytree(pristine, run_dir, symlinks=True)
    done = [f"{target}: {_corrupt(data.draw, run_dir / target, outside)}" for target in targets]
    data.draw(st.just(done), label="corruptions")  # shown with a failing example
    _load_or_run_format_error(run_dir)


JSON_FILES = [fmt.RUN_JSON, fmt.WEIGHT_INDEX_JSON]


@pytest.mark.filterwarnings("error::RuntimeWarning")
@settings(SETTINGS, max_examples=300)
@given(data=st.data(), targets=st.lists(st.sampled_from(JSON_FILES), min_size=1, max_size=4))
def test_json_values_of_another_type_load_or_raise_run_format_error_only(pristine, outside, tmp_path, data, targets):
    """The JSON files' every value (a run.json has about 70) replaced by one of another type, 1 to 4 at once."""
    run_dir = tmp_path / "run"
    if not run_dir.exists():
        shutil.copytree(pristine, run_dir, symlinks=True)
    for name in JSON_FILES:  # back to the pristine files
        shutil.copyfile(pristine / name, run_dir / name)
    done = []
    for target in targets:
        document = json.loads((run_dir / target).read_text())
        slots = list(_json_slots(document))[1:]  # not the whole document: the other test replaces that
        where, old = data.draw(st.sampled_from(slots))  # (st.integers would draw index 0 far more often)
        new = data.draw(JSON_VALUES.filter(lambda v: type(v) is not type(old)))
        (run_dir / target).write_text(json.dumps(_replace_at(document, where, new)))
        done.append(f"{target} {list(where)}: {old!r:.30} -> {new!r:.30}")
    data.draw(st.just(done), label="corruptions")
    _load_or_run_format_error(run_dir)


def test_the_pristine_run_loads_with_every_record(pristine):  # so the fuzz starts from a complete run
    run = Run.load(pristine)
    _touch_everything(run)
    assert len(run.history) == 2 and run.batches is not None and run.weights.histograms and len(run.weights.index) == 4
    assert run.probe.probabilities.shape == (2, 6, 10) and run.test.labels.shape == (30,)
    assert run.features.first_layer_kernel.shape == (784, 32)
    assert run.evaluations[EVALUATION].test.labels.shape == (12,)
    assert run.evaluations[EVALUATION].features.activations["dense"].shape == (2, 1, 1, 4)


#: files of a run that Run.load, its records and the report never read (what the recorders keep for you)
NOT_READ_BY_RUN_LOAD = {fmt.MODEL_CONFIG_JSON, fmt.snapshot_npz(1)}


@pytest.mark.parametrize("target, to", [(f, to) for f in FILES for to in ("secret.csv", "/dev/zero", "folder")]
                         + [(folder, "moved out") for folder in FOLDERS])
def test_a_link_out_of_the_run_is_always_refused(pristine, outside, tmp_path, target, to):
    """What the fuzz cannot tell (a link out that loads "fine" is a leak, not an exception): every
    file a run's records come from, linked out of the run (or its folder moved out and linked to),
    is a RunFormatError."""
    run_dir = tmp_path / "run"
    shutil.copytree(pristine, run_dir, symlinks=True)
    path = run_dir / target
    if to == "moved out":
        shutil.move(path, tmp_path / "moved")
        path.symlink_to(tmp_path / "moved", target_is_directory=True)
    else:
        path.unlink()
        path.symlink_to(Path(to) if to.startswith("/") else outside / to)
    if target in NOT_READ_BY_RUN_LOAD:
        _touch_everything(Run.load(run_dir))  # never opened
        return
    with pytest.raises(RunFormatError, match=r"symbolic link|outside the run|not a regular file"):
        _touch_everything(Run.load(run_dir))
