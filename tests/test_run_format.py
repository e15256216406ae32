"""mnist_viz.run_format, the one owner of the run directory format: names, readers, writers, and
the docs that list them."""
import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mnist_viz import run_format as fmt
from mnist_viz._io import atomic_write_text

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("marker", fmt.MARKERS)
def test_any_marker_makes_a_run_directory(tmp_path, marker):
    assert not fmt.is_run_dir(tmp_path)
    atomic_write_text(tmp_path / marker, "x")
    assert fmt.is_run_dir(tmp_path) and fmt.check_run_dir(tmp_path) == tmp_path
    assert not fmt.is_run_dir(tmp_path / marker)  # a file is not a folder


def test_check_run_dir_and_run_info_say_what_is_wrong(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        fmt.check_run_dir(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="expected one of run.json, history.csv, weights/stats.csv, "
                                                "probe/probe.npz, test_predictions.npz in it"):
        fmt.check_run_dir(tmp_path)
    assert fmt.check_run_info({}, tmp_path) == {}
    with pytest.raises(fmt.RunFormatError, match="run.json: key 'format_version' is 2; this mnist_viz reads version 1"):
        fmt.check_run_info({"format_version": 2}, tmp_path)
    with pytest.raises(fmt.RunFormatError, match="run.json: key 'status' is 'done'; expected one of"):
        fmt.check_run_info({"status": "done"}, tmp_path)


def test_new_run_info_knows_every_key():
    info = fmt.new_run_info("m", status="running", epochs_completed=0)
    assert list(info) == ["format_version", "name", "status", "epochs_completed"]
    with pytest.raises(ValueError, match=r"run.json has no keys \['epochs'\]"):
        fmt.new_run_info("m", epochs=3)
    assert fmt.RUN_INFO_KEYS[:3] == ("format_version", "name", "status")


def test_run_info_round_trip(tmp_path):
    assert fmt.read_run_info(tmp_path) == {}
    fmt.write_run_info(tmp_path, fmt.new_run_info("m", status="complete", metadata={"seed": np.int64(3)}))
    assert fmt.read_run_info(tmp_path) == {"format_version": 1, "name": "m", "status": "complete",
                                           "metadata": {"seed": 3}}


def test_history_and_batches_readers(tmp_path):
    assert fmt.read_history(tmp_path).empty and fmt.read_history(tmp_path).index.name == "epoch"
    assert fmt.read_batches(tmp_path) is None
    atomic_write_text(tmp_path / fmt.HISTORY_CSV, "epoch,loss,val_loss\n0,0.5,NA\n1,0.25,0.3\n")
    atomic_write_text(tmp_path / fmt.BATCHES_CSV, "")
    history = fmt.read_history(tmp_path)
    assert history.index.tolist() == [0, 1] and history["val_loss"].isna().tolist() == [True, False]
    assert fmt.read_batches(tmp_path) is None  # an empty file is no records
    assert fmt.index_by_epoch(pd.DataFrame({"loss": [1.0, 2.0]})).index.tolist() == [0, 1]


def test_weight_record_writers_and_reader(tmp_path):
    assert fmt.read_weight_records(tmp_path) is None
    edges = [np.linspace(-1, 1, 5), np.linspace(-2, 2, 5)]
    counts = [[[1, 1, 1, 1], [0, 2, 2, 0]], [[4, 0, 0, 0], [0, 0, 0, 4]]]
    fmt.write_weight_histograms(tmp_path, [-1, 0], edges, counts)
    atomic_write_text(tmp_path / fmt.WEIGHT_INDEX_JSON, '[{"key": 0, "layer": "d", "weight": "d/kernel", "shape": [2, 2]},'
                                                     ' {"key": 1, "layer": "d", "weight": "d/bias", "shape": [4]}]')
    atomic_write_text(tmp_path / fmt.WEIGHT_STATS_CSV, ",".join(fmt.STATS_COLUMNS) + "\n")
    records = fmt.read_weight_records(tmp_path)
    assert set(records) == {"stats", "histograms", "dead_relu", "index"}
    assert list(records["dead_relu"].columns) == list(fmt.DEAD_RELU_COLUMNS)  # no dead_relu.csv: empty
    hist = records["histograms"]["d/bias"]
    assert hist["counts"].dtype == np.int32 and hist["counts"].tolist() == counts[1]
    np.testing.assert_array_equal(hist["edges"], edges[1])
    assert hist["epochs"].tolist() == [-1, 0]


def test_snapshots_and_stale_epoch_files(tmp_path):
    fmt.write_snapshot(tmp_path, 4, {"inner/conv/kernel": np.ones((2, 2))})
    with np.load(tmp_path / fmt.snapshot_npz(4), allow_pickle=False) as z:
        assert z.files == ["inner__conv__kernel"] and z["inner__conv__kernel"].dtype == np.float16
    fmt.write_probe_epoch(tmp_path, 0, np.eye(2))
    fmt.remove_epoch_files(tmp_path, "snapshots")
    assert not list((tmp_path / fmt.WEIGHTS_DIR).iterdir()) and (tmp_path / fmt.probe_epoch_npz(0)).exists()
    fmt.remove_epoch_files(tmp_path, "probe")
    assert not (tmp_path / fmt.probe_epoch_npz(0)).exists()


def test_probe_and_test_writers_and_readers(tmp_path):
    assert fmt.read_probe_records(tmp_path) is None and fmt.read_test_predictions(tmp_path) is None
    images = np.zeros((2, 28, 28), np.uint8)
    fmt.write_probe_set(tmp_path, labels=[1, 0], indices=[3, 8], images=images)
    probe = fmt.read_probe_records(tmp_path)
    assert probe["epochs"].tolist() == [] and probe["probabilities"].shape == (0, 2, 0)
    for epoch in (1, 0):
        fmt.write_probe_epoch(tmp_path, epoch, np.full((2, 3), 1 / 3))
    atomic_write_text(tmp_path / fmt.PROBE_DIR / "epoch_notes.npz", "not an epoch")  # skipped
    probe = fmt.read_probe_records(tmp_path)
    assert probe["epochs"].tolist() == [0, 1] and probe["probabilities"].dtype == np.float32
    assert probe["labels"].dtype == np.int64 and probe["indices"].tolist() == [3, 8]
    np.testing.assert_array_equal(probe["images"], images)
    with np.load(tmp_path / fmt.probe_epoch_npz(0), allow_pickle=False) as z:
        assert z[fmt.PROBE_PROBABILITIES].dtype == np.float16  # stored small
    fmt.write_test_predictions(tmp_path, probabilities=np.eye(2), labels=np.array([0, 1]))
    test = fmt.read_test_predictions(tmp_path)
    assert test["probabilities"].dtype == np.float32 and test["labels"].tolist() == [0, 1] and test["images"] is None


# -- the docs list the whole format ---------------------------------------------------------------
def _format_section() -> str:
    text = (REPO / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    start = text.index("## Run directory, format version 1")
    return text[start:text.index("\n## ", start + 1)]


def test_architecture_lists_every_file_key_and_column():
    section = _format_section()
    names = [fmt.RUN_JSON, fmt.HISTORY_CSV, fmt.BATCHES_CSV, fmt.WEIGHT_STATS_CSV, fmt.WEIGHT_INDEX_JSON,
             fmt.WEIGHT_HISTOGRAMS_NPZ, fmt.DEAD_RELU_CSV, fmt.PROBE_NPZ, fmt.TEST_NPZ, fmt.FEATURES_NPZ,
             fmt.MODEL_KERAS, fmt.MODEL_CONFIG_JSON, "weights/snapshot_epoch_XXXX.npz", "probe/epoch_XXXX.npz"]
    keys = [*fmt.RUN_INFO_KEYS, *fmt.STATS_COLUMNS, *fmt.DEAD_RELU_COLUMNS, fmt.HISTOGRAM_EPOCHS,
            *(k.replace("0", "{i}") for k in fmt.histogram_keys(0)), fmt.PROBE_IMAGES, fmt.PROBE_LABELS, fmt.PROBE_INDICES, fmt.PROBE_PROBABILITIES,
            fmt.TEST_PROBABILITIES, fmt.TEST_LABELS, fmt.TEST_IMAGES, fmt.FEATURE_ACTIVATIONS_PREFIX + "<layer>",
            fmt.FEATURE_LAYER_NAMES, fmt.FEATURE_ACTIVATION_INDICES, fmt.FEATURE_FIRST_LAYER_KIND,
            fmt.FEATURE_FIRST_LAYER_KERNEL, fmt.FEATURE_EMBEDDING, fmt.FEATURE_EMBEDDING_INDICES]
    missing = [k for k in names + keys if f"`{k}`" not in section and f'"{k}"' not in section]
    assert not missing, f"docs/ARCHITECTURE.md's format section does not list {missing}"


# -- nobody else spells a run file name -----------------------------------------------------------
#: the recording side of the package (the plots and the report are checked by their own tests)
RECORDING_SIDE = ["callbacks", "run.py", "training.py", "cli.py", "features.py", "models.py", "_graph.py",
                  "_process.py", "_io.py", "_tf.py", "__init__.py"]
FILE_NAME = re.compile("|".join(re.escape(Path(n).name) for n in
                                (fmt.RUN_JSON, fmt.HISTORY_CSV, fmt.BATCHES_CSV, fmt.WEIGHT_STATS_CSV,
                                 fmt.WEIGHT_INDEX_JSON, fmt.WEIGHT_HISTOGRAMS_NPZ, fmt.DEAD_RELU_CSV, fmt.PROBE_NPZ,
                                 fmt.TEST_NPZ, fmt.FEATURES_NPZ, fmt.MODEL_KERAS, fmt.MODEL_CONFIG_JSON))
                       + r"|snapshot_epoch|epoch_\*")


def _code_strings(path: Path):
    """(line, text) of every string literal in ``path`` that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_module_of_the_recording_side_spells_a_run_file_name():
    package = REPO / "mnist_viz"
    files = [p for entry in RECORDING_SIDE for p in ([package / entry] if entry.endswith(".py")
                                                     else sorted((package / entry).glob("*.py")))]
    found = [f"{p.relative_to(REPO)}:{line}: {text!r}" for p in files for line, text in _code_strings(p)
             if FILE_NAME.search(text)]
    assert not found, "spell these through mnist_viz.run_format:\n" + "\n".join(found)
