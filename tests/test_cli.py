"""The mnist-viz command line: usage errors exit 2 with one line and no traceback; train/report work."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mnist_viz.cli import main

pytestmark = pytest.mark.backends  # runs on every Keras backend (tests/test_backends.py)

REPO = Path(__file__).resolve().parents[1]


def _run_cli(*args, cwd=REPO):
    return subprocess.run(
        [sys.executable, "-m", "mnist_viz", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--model", "resnet"], "argument --model: invalid choice: 'resnet'"),
        (["train", "--data", "mnist"], "invalid data source 'mnist'"),
        (["train", "--epochs", "0"], "argument --epochs: expected an integer from 1 to 100,000, got '0'"),
        (["train", "--epochs", "99999999999999999999"],
         "argument --epochs: expected an integer from 1 to 100,000, got '99999999999999999999'"),
        (["train", "--batch-size", "1000001"],
         "argument --batch-size: expected an integer from 1 to 1,000,000, got '1000001'"),
        (["demo", "--epochs", "100001"], "argument --epochs: expected an integer from 1 to 100,000, got '100001'"),
        (["report", "runs/x", "-o", ""], "argument -o/--output: expected a file or folder path, got an empty string ''"),
        (["train", "--out", ""], "argument --out: expected a file or folder path, got an empty string ''"),
        (["demo", "--runs-dir", " "], "argument --runs-dir: expected a file or folder path, got an empty string ' '"),
        (["train", "--seed", "-1"], "expected an integer from 0 to 2**32 - 1, got '-1'"),
        (["train", "--seed", "4294967296"], "expected an integer from 0 to 2**32 - 1, got '4294967296'"),
        (["report", "does/not/exist"], "run directory 'does/not/exist' does not exist"),
        ([], "a command is required"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("mnist-viz: error: ")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_unreadable_idx_folder_exits_2(tmp_path, capsys):
    assert main(["train", "--data", f"idx:{tmp_path / 'nowhere'}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mnist-viz: error: --data idx:{tmp_path / 'nowhere'}")
    assert "Traceback" not in err and err.count("\n") == 1


def test_corrupt_idx_folder_exits_2(tmp_path, capsys):
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03garbage")
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(b"\x00\x00\x08\x01")
    assert main(["train", "--data", f"idx:{tmp_path}"]) == 2
    err = capsys.readouterr().err
    assert "t10k-" in err and "Traceback" not in err


def test_test_only_idx_folder_exits_2_with_one_line(shared_mnist, capsys):
    assert main(["train", "--data", f"idx:{shared_mnist}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no training split found" in err


def test_report_of_a_folder_that_is_not_a_run_exits_2(tmp_path, capsys):
    assert main(["report", str(tmp_path), "-o", str(tmp_path / "r.html")]) == 2
    assert "is not a run directory" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def _unwritable(tmp_path) -> Path:
    """A path under a file: no folder can be created there, whoever runs the tests (root too)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    return blocker / "sub"


def test_unwritable_train_out_exits_2_before_training(tmp_path, capsys):
    out = _unwritable(tmp_path) / "run"
    assert main(["train", "--data", "embedded", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mnist-viz: error: --out {out}: cannot write there (") and err.count("\n") == 1


def test_unwritable_report_output_exits_2_before_building(tmp_path, capsys, monkeypatch):
    import mnist_viz.report

    run = tmp_path / "run"
    run.mkdir()
    (run / "history.csv").write_text("epoch,loss\n0,1.0\n")
    monkeypatch.setattr(mnist_viz.report, "build_report", lambda *a, **k: pytest.fail("report was built"))
    target = _unwritable(tmp_path) / "r.html"
    assert main(["report", str(run), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mnist-viz: error: -o {target.parent}: cannot write there (") and err.count("\n") == 1


def test_report_output_must_be_an_html_file_so_no_run_file_is_replaced(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    history = "epoch,loss\n0,1.0\n"
    (run / "history.csv").write_text(history)
    assert main(["report", str(run), "-o", str(run / "history.csv")]) == 2
    assert "expected a file name ending in .html, got 'history.csv'" in capsys.readouterr().err
    assert (run / "history.csv").read_text() == history


def test_demo_with_an_unwritable_runs_dir_exits_2(tmp_path, capsys):
    assert main(["demo", "--runs-dir", str(_unwritable(tmp_path)), "--quiet"]) == 2
    assert "--runs-dir" in capsys.readouterr().err


def test_usage_error_in_a_real_process_has_no_traceback():
    proc = _run_cli("train", "--model", "resnet")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mnist-viz: error: argument --model: invalid choice: 'resnet'")
    assert "Traceback" not in proc.stderr


def _not_native_logs(stderr: str) -> list[str]:
    """stderr's lines but TensorFlow's own C++ log lines. On JAX and torch Keras' set_random_seed
    imports TensorFlow (to seed tf.data too), and with the backend's absl loaded first, TensorFlow's
    start-up lines ("I0000 ... cudart_stub.cc ...") ignore TF_CPP_MIN_LOG_LEVEL."""
    native = re.compile(r"^([IWEF]\d{4} \d\d:\d\d:\d\d|WARNING: All log messages before absl::InitializeLog)")
    return [line for line in stderr.splitlines() if line.strip() and not native.match(line)]


@pytest.mark.slow
def test_train_then_report_from_the_command_line(tmp_path):
    out = tmp_path / "runs" / "d"
    proc = _run_cli("train", "--model", "dense", "--data", "embedded", "--epochs", "1", "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{out}\n" and _not_native_logs(proc.stderr) == []  # --quiet: the run's path alone
    info = json.loads((out / "run.json").read_text())
    assert info["status"] == "complete" and info["epochs_completed"] == 1
    assert (out / "model.keras").exists() and (out / "model_config.json").exists()

    again = _run_cli("train", "--data", "embedded", "--epochs", "1", "--out", str(out), "--quiet")
    assert again.returncode == 2 and "already holds a run; add --overwrite" in again.stderr

    html = tmp_path / "r.html"
    proc = _run_cli("report", str(out), "-o", str(html), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{html}\n" and proc.stderr == ""
    text = html.read_text()
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert "data:image/png;base64," in text


@pytest.mark.slow
def test_demo_trains_both_models_and_prints_the_report_path(tmp_path):
    from mnist_viz.run import Run

    proc = _run_cli("demo", "--epochs", "1", "--runs-dir", str(tmp_path / "runs"),
                    "--reports-dir", str(tmp_path / "reports"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (line,) = proc.stdout.splitlines()  # `path=$(mnist-viz demo)` captures the report's path alone
    report = Path(line)
    assert proc.stdout == f"{report}\n"
    assert report.parent == tmp_path / "reports" and report.suffix == ".html" and report.is_file()
    for progress in ("training dense on ", "dense: epoch 1/1 - ", "convnet: epoch 1/1 - ", "convnet: test accuracy ",
                     "report: [2/2] convnet: summary (", "report: done in ", "demo finished in "):
        assert progress in proc.stderr, progress  # on stderr, as plain lines: it is not a terminal
    assert "\r" not in proc.stderr
    (base,) = (tmp_path / "runs").iterdir()
    assert base.name.startswith("demo-")
    runs = {p.name: Run.load(p) for p in base.iterdir()}
    assert set(runs) == {"dense", "convnet"}
    assert all(r.status == "complete" and r.epochs_completed == 1 and r.test is not None for r in runs.values())
    page = report.read_text(encoding="utf-8")
    assert "Run: dense" in page and "Run: convnet" in page and 'id="comparison"' in page


@pytest.mark.parametrize("marker", ["probe/probe.npz", "weights/stats.csv"])
def test_report_accepts_every_folder_that_run_load_reads(tmp_path, marker, capsys):
    """The CLI accepts exactly what Run.load accepts: a folder with probe records only, or weight
    statistics only, is a run too (the markers of mnist_viz.run_format)."""
    import numpy as np

    from mnist_viz import run_format as fmt
    from mnist_viz._io import atomic_write_text
    from mnist_viz.run import Run

    run = tmp_path / "partial"
    if marker == fmt.PROBE_NPZ:
        fmt.write_probe_set(run, labels=np.arange(4) % 10, indices=np.arange(4), images=np.zeros((4, 28, 28), np.uint8))
        fmt.write_probe_epoch(run, 0, np.full((4, 10), 0.1))
    else:
        atomic_write_text(run / fmt.WEIGHT_STATS_CSV, ",".join(fmt.STATS_COLUMNS) + "\n-1,d,d/kernel,4,0,1,-1,1,2,\n")
    assert [m for m in fmt.MARKERS if (run / m).exists()] == [marker]  # no run.json, no history.csv
    Run.load(run)  # Python reads it ...
    html = tmp_path / "r.html"
    assert main(["report", str(run), "-o", str(html), "--quiet"]) == 0, capsys.readouterr().err  # ... so does the CLI
    assert html.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")


# -- evaluate ------------------------------------------------------------------------------------
@pytest.fixture
def dense_run(trained_runs, tmp_path) -> Path:
    """A copy of the session's trained dense run (conftest), for this test alone."""
    import shutil

    return Path(shutil.copytree(trained_runs["dense"], tmp_path / "dense"))


def test_evaluate_on_an_idx_test_set_from_the_command_line(dense_run, tmp_path):
    from data_helpers import write_idx_folder

    from mnist_viz import run_format as fmt
    from mnist_viz.run import Run

    folder = tmp_path / "digits"
    _, y = write_idx_folder(folder, train=False, n_test=40)["t10k"]
    proc = _run_cli("evaluate", str(dense_run), "--data", f"idx:{folder}")
    assert proc.returncode == 0, proc.stderr
    ev = Run.load(dense_run).evaluations["idx-digits"]
    assert proc.stdout == f"{dense_run / 'evaluations' / 'idx-digits'}\n"  # the written folder alone
    # the summary on stderr, and no warning that the (unneeded) train split is absent
    assert proc.stderr == (f"idx-digits: test accuracy {ev.test.accuracy:.4f} on 40 images -> "
                           f"{dense_run / 'evaluations' / 'idx-digits'}\n")
    assert ev.n == 40 and ev.test.labels.tolist() == y.tolist()
    assert (fmt.evaluation_dir(dense_run, "idx-digits") / fmt.FEATURES_NPZ).is_file()

    again = _run_cli("evaluate", str(dense_run), "--data", f"idx:{folder}")
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "Traceback" not in again.stderr
    assert "already has an evaluation named 'idx-digits'" in again.stderr
    renamed = _run_cli("evaluate", str(dense_run), "--data", f"idx:{folder}", "--name", "mine", "--overwrite",
                       "--quiet")
    assert renamed.returncode == 0 and renamed.stderr == ""
    assert renamed.stdout == f"{dense_run / 'evaluations' / 'mine'}\n"
    assert sorted(Run.load(dense_run).evaluations) == ["idx-digits", "mine"]


def test_evaluate_usage_errors_exit_2_with_one_line(dense_run, tmp_path, capsys):
    from mnist_viz import run_format as fmt
    from mnist_viz._lock import RunLock

    cases = [
        (["evaluate", str(tmp_path), "--data", "embedded"], "is not a run directory"),
        (["evaluate", str(dense_run), "--data", "mnist"], "invalid data source 'mnist'"),
        (["evaluate", str(dense_run)], "the following arguments are required: --data"),
        (["evaluate", str(dense_run), "--data", f"idx:{tmp_path / 'nowhere'}"], f"--data idx:{tmp_path / 'nowhere'}"),
        (["evaluate", str(dense_run), "--data", "embedded", "--name", "a/b"], "--name must be 1 to 64 letters"),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("mnist-viz: error: ") and message in err and err.count("\n") == 1, (argv, err)
    with RunLock(dense_run):
        assert main(["evaluate", str(dense_run), "--data", "embedded"]) == 2
    err = capsys.readouterr().err
    assert "is being written by pid" in err and err.count("\n") == 1
    (dense_run / fmt.MODEL_KERAS).unlink()
    assert main(["evaluate", str(dense_run), "--data", "embedded"]) == 2
    err = capsys.readouterr().err
    assert "has no model.keras to evaluate; RunRecorder(save_model=True)" in err and err.count("\n") == 1
    assert "evaluations" not in fmt.read_run_info(dense_run)


# -- --class-names and --dataset --------------------------------------------------------------------
HOSTILE = ("<b>T&shirt</b>", "Trouser \"wide\"", "Pull'over", "Dress & <i>", "Coat</td>", "Sandal — été",
           "Shirt <script>x</script>", "Sneaker &amp;", "Bag/sac", "Ankle boot \u304a")


@pytest.mark.slow
@pytest.mark.parametrize("form", ["list", "file"])
def test_train_with_class_names_keeps_them_intact_in_run_json(tmp_path, form):
    from data_helpers import write_idx_folder

    folder = tmp_path / "own"
    write_idx_folder(folder, n_train=120, n_test=20)  # 10% held out: at least one per class
    if form == "list":
        value = ",".join(HOSTILE)
    else:
        (tmp_path / "names.txt").write_text("\n".join(HOSTILE) + "\n\n", encoding="utf-8")
        value = f"@{tmp_path / 'names.txt'}"
    out = tmp_path / "run"
    proc = _run_cli("train", "--data", f"idx:{folder}", "--class-names", value, "--epochs", "1", "--out", str(out),
                    "--quiet")
    assert proc.returncode == 0, proc.stderr
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert info["class_names"] == list(HOSTILE)
    data = info["metadata"]["data"]
    assert data["class_names"] == list(HOSTILE)
    assert data["noun"] == "image" and "name" not in data and data["citation"] == ""  # a dataset of its own


def test_train_with_a_known_dataset_passes_its_names_and_identity_to_train(tmp_path, monkeypatch, capsys):
    """--dataset fashion-mnist on an IDX folder of MNIST's names: train gets Fashion-MNIST."""
    from data_helpers import write_idx_folder

    import mnist_viz.training

    got = {}
    monkeypatch.setattr(mnist_viz.training, "train", lambda model, dataset, **kw: got.setdefault("data", dataset))
    folder = tmp_path / "fashion"
    write_idx_folder(folder)
    assert main(["train", "--data", f"idx:{folder}", "--dataset", "Fashion-MNIST", "--out", str(tmp_path / "r"),
                 "--quiet"]) == 0, capsys.readouterr().err
    data = got["data"]
    assert data.name == "Fashion-MNIST" and data.class_names[0] == "T-shirt/top" and data.noun == "image"
    assert "Xiao" in data.citation


def test_class_names_list_reaches_train_stripped(tmp_path, monkeypatch, capsys):
    from data_helpers import write_idx_folder

    import mnist_viz.training

    got = {}
    monkeypatch.setattr(mnist_viz.training, "train", lambda model, dataset, **kw: got.setdefault("data", dataset))
    folder = tmp_path / "own"
    write_idx_folder(folder)
    names = [f" kind {i} " for i in range(10)]
    assert main(["train", "--data", f"idx:{folder}", "--class-names", ",".join(names), "--out", str(tmp_path / "r"),
                 "--quiet"]) == 0, capsys.readouterr().err
    assert got["data"].class_names == tuple(n.strip() for n in names)


@pytest.fixture
def idx_folder(tmp_path) -> Path:
    from data_helpers import write_idx_folder

    write_idx_folder(tmp_path / "own")  # labels 0..9
    return tmp_path / "own"


def _fails_with(argv, message, capsys):
    assert main(argv) == 2, argv
    err = capsys.readouterr().err
    assert err.startswith("mnist-viz: error: ") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_class_names_count_must_match_the_labels(idx_folder, tmp_path, capsys):
    data = ["train", "--data", f"idx:{idx_folder}", "--out", str(tmp_path / "r")]
    _fails_with(data + ["--class-names", "a,b,c"],
                f"--class-names: 3 names given but --data idx:{idx_folder} has label 9 (at least 10 classes); "
                "give one name per class, in label order", capsys)
    twelve = ",".join(f"c{i}" for i in range(12))
    _fails_with(data + ["--class-names", twelve],
                f"--class-names: 12 names given but the labels of --data idx:{idx_folder} hold 10 classes (0..9)",
                capsys)
    _fails_with(data + ["--dataset", "fashion-mnist", "--class-names", "a,b"],
                "--class-names: 2 names given but --dataset fashion-mnist has 10 classes", capsys)
    assert not (tmp_path / "r").exists()  # nothing trained, nothing written


@pytest.mark.parametrize("value, message", [
    ("a,,c", "argument --class-names: name 2 of the list is empty; every class needs a name"),
    ("a, ,c", "argument --class-names: name 2 of the list is empty"),
    ("", "argument --class-names: expected at least 2 class names, got ''"),
    ("a", "argument --class-names: expected at least 2 class names, got 'a'"),
    ("a,b,a", "argument --class-names: class name 'a' is given more than once"),
])
def test_bad_class_names_lists(value, message, capsys):
    _fails_with(["train", "--class-names", value], message, capsys)


def test_bad_class_names_files(tmp_path, capsys):
    missing = tmp_path / "nowhere.txt"
    _fails_with(["train", "--class-names", f"@{missing}"],
                f"argument --class-names: file '{missing}' does not exist; expected @FILE with one class name a line",
                capsys)
    holes = tmp_path / "holes.txt"
    holes.write_text("a\n\nc\n", encoding="utf-8")
    _fails_with(["train", "--class-names", f"@{holes}"], f"argument --class-names: line 2 of {holes} is empty", capsys)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("caf\xe9\nb\n".encode("latin-1"))
    _fails_with(["train", "--class-names", f"@{latin}"], f"cannot read '{latin}' (UnicodeDecodeError", capsys)
    _fails_with(["train", "--class-names", f"@{tmp_path}"], f"cannot read '{tmp_path}' (", capsys)


def test_unknown_dataset_lists_the_choices(capsys):
    err = _fails_with(["train", "--dataset", "cifar10"], "argument --dataset: invalid choice: 'cifar10'", capsys)
    assert "fashion-mnist" in err and "emnist-letters" in err


def test_help_lists_the_datasets_and_class_names(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--dataset NAME" in out and "--class-names NAMES" in out
    for key in ("mnist", "fashion-mnist", "kmnist", "emnist-balanced", "emnist-digits", "emnist-letters"):
        assert key in out
    assert "@FILE (one name a line)" in out


def test_a_folder_of_several_emnist_splits_asks_for_dataset(tmp_path, capsys):
    from data_helpers import write_known_folder

    write_known_folder(tmp_path / "gzip", "emnist-digits")
    write_known_folder(tmp_path / "gzip", "emnist-letters")
    _fails_with(["train", "--data", f"idx:{tmp_path / 'gzip'}"],
                "pass dataset= (--dataset) one of 'emnist-digits', 'emnist-letters'", capsys)
