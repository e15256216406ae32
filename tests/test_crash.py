"""A run killed with SIGKILL mid-training loads as interrupted, with every completed epoch, and a
report renders from it: killed at 2 chosen moments (about 20 s each on 2 CPU cores), right after an
epoch, and at 10 seeded random moments of a 30-epoch fit with everything recorded, one of them
during the model save and one amid an epoch's writes (about 2 minutes, 2 fits at a time)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import fnmatch
import json
import signal
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mnist_viz import run_format as fmt
from mnist_viz.run import Run

SCRIPT = Path(__file__).parent / "scripts" / "train_until_killed.py"
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _epochs_completed(run_json: Path) -> int:
    """``epochs_completed`` of ``run_json``; 0 only while it is not written yet. A file that does not
    parse or lacks the key fails the test: writes are atomic, so a half-written run.json must never
    be visible (and must never pass for "0 epochs")."""
    try:
        text = run_json.read_text()
    except FileNotFoundError:
        return 0
    try:
        return int(json.loads(text)["epochs_completed"])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        pytest.fail(f"{run_json} is half-written or wrong ({type(exc).__name__}: {exc}): {text[:200]!r}")


def _train_and_kill(run_dir: Path, *, min_epochs: int, extra_delay: float) -> int:
    proc = subprocess.Popen([sys.executable, str(SCRIPT), str(run_dir)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 240
        while _epochs_completed(run_dir / "run.json") < min_epochs:
            if proc.poll() is not None:
                pytest.fail(f"training script exited early with {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail("training script did not complete an epoch within 240 s")
            time.sleep(0.02)
        # while it is training: records are readable mid-run and say "running"
        live = Run.load(run_dir)
        assert live.status == "running" and len(live.history) >= min_epochs
        time.sleep(extra_delay)  # land somewhere inside a later epoch (or inside its writes)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return _epochs_completed(run_dir / "run.json")


@pytest.mark.parametrize("extra_delay", [0.0, 0.37])
def test_sigkilled_run_loads_as_interrupted_with_every_completed_epoch(tmp_path, extra_delay):
    run_dir = tmp_path / "run"
    completed = _train_and_kill(run_dir, min_epochs=2, extra_delay=extra_delay)
    info = json.loads((run_dir / "run.json").read_text())
    assert info["status"] == "running"  # the file still says so; the loader knows better

    run = Run.load(run_dir)
    assert run.status == "interrupted"
    # run.json is written after an epoch's other records, so they hold at least its epochs
    n = len(run.history)
    assert n >= completed >= 2
    assert run.history.index.tolist() == list(range(n))
    assert np.isfinite(run.history[["loss", "accuracy", "val_loss", "val_accuracy"]].to_numpy()).all()
    assert set(run.batches["epoch"]) >= set(range(completed))
    assert run.batches.groupby("epoch")["size"].sum().loc[: completed - 1].eq(2000).all()
    assert set(run.weights.stats["epoch"]) >= set(range(-1, completed))
    assert run.probe.epochs.tolist()[:completed] == list(range(completed))
    assert run.test is None and not (run_dir / "model.keras").exists()  # train end never came
    assert not [p.name for p in run_dir.rglob("*") if p.name.endswith(".keras")]
    # no file is half-written: every npz opens without pickle
    for npz in run_dir.rglob("*.npz"):
        with np.load(npz, allow_pickle=False) as data:
            assert data.files

    if extra_delay == 0.0:
        from mnist_viz.report import build_report

        report = build_report(run_dir, tmp_path / "report.html")
        html = (tmp_path / "report.html").read_text(encoding="utf-8")
        assert report.size_bytes > 0 and html.startswith("<!doctype html>")
        assert "interrupted" in html


@pytest.mark.parametrize("hidden", [64, 2048])
def test_killed_right_after_an_epoch_every_completed_epoch_is_on_disk(tmp_path, hidden):
    """The strict case: killed at the first moment after epoch 2 ended (as epoch 3 begins), with
    the epoch's records just handed to the writer thread. All 3 epochs are there, in every file;
    the wide model makes the writes slow enough that queued-but-unwritten records would show."""
    run_dir = tmp_path / "run"
    proc = subprocess.run([sys.executable, str(SCRIPT), str(run_dir), "10", "--hidden", str(hidden),
                           "--kill-at-epoch-begin", "3"], cwd=ROOT, capture_output=True, timeout=240)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    run = Run.load(run_dir)
    assert run.status == "interrupted"
    assert run.epochs_completed == 3 and run.info["epochs_completed"] == 3
    assert run.history.index.tolist() == [0, 1, 2]
    assert sorted(set(run.batches["epoch"])) == [0, 1, 2]
    assert sorted(set(run.weights.stats["epoch"])) == [-1, 0, 1, 2]
    assert sorted(set(run.weights.dead_relu["epoch"])) == [-1, 0, 1, 2]
    assert run.weights.histograms[run.weights.weight_names[0]]["counts"].shape[0] == 4
    assert run.probe.epochs.tolist() == [0, 1, 2]
    assert (run_dir / "weights" / "snapshot_epoch_0002.npz").exists()  # snapshot_every=3: after the 3rd epoch


# -- SIGKILL at 10 seeded random moments of a 30-epoch fit ------------------------------------------
EPOCHS = 30
FIT_ARGS = [str(EPOCHS), "--n-train", "600", "--hidden", "32", "--batch-size", "64"]
SLOW_SAVE = 1.5  # seconds the model save takes when the script is told to slow it down
MOMENTS = ["model-save", "epoch-writes"] + [f"random-{i}" for i in range(8)]
#: what a run directory may hold: its records by name and glob (every other file must be a temporary)
RECORD_NAMES = {fmt.RUN_JSON, fmt.HISTORY_CSV, fmt.BATCHES_CSV, fmt.WEIGHT_STATS_CSV, fmt.WEIGHT_INDEX_JSON,
                fmt.WEIGHT_HISTOGRAMS_NPZ, fmt.DEAD_RELU_CSV, fmt.PROBE_NPZ, fmt.TEST_NPZ, fmt.FEATURES_NPZ,
                fmt.MODEL_KERAS, fmt.MODEL_CONFIG_JSON, fmt.LOCK_FILE}
RECORD_GLOBS = [f"{fmt.WEIGHTS_DIR}/{fmt.SNAPSHOT_GLOB}", f"{fmt.PROBE_DIR}/{fmt.PROBE_EPOCH_GLOB}"]


def _run_script(run_dir: Path, markers: Path, extra: list[str], wait_for: str, delay: float) -> dict:
    """Start a fit, wait for the marker ``wait_for``, sleep ``delay`` s, SIGKILL it; what happened."""
    markers.mkdir(parents=True)
    log = markers.parent / f"{markers.name}.stderr"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, str(SCRIPT), str(run_dir), *FIT_ARGS, "--markers", str(markers),
                                 *extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 240
            while not (markers / wait_for).exists():
                if proc.poll() is not None or time.monotonic() > deadline:
                    break
                time.sleep(0.005)
            seen = time.monotonic()
            if (markers / wait_for).exists():
                time.sleep(delay)
            finished = (markers / "fit_done").exists()
        finally:
            proc.kill()
            proc.wait()
    return {"run_dir": run_dir, "markers": markers, "returncode": proc.returncode, "stderr": log.read_text()[-2000:],
            "marker": (markers / wait_for).exists(), "finished_before_kill": finished, "seen": seen}


@pytest.fixture(scope="module")
def killed_runs(tmp_path_factory):
    """A full 30-epoch fit timed (the calibration), and 10 fits killed at seeded moments, 2 at a time:
    on the model save's start plus up to half its (slowed) length; amid a random epoch's (slowed)
    writes; and at 8 moments drawn uniformly over the calibrated fit's duration."""
    root = tmp_path_factory.mktemp("killed")
    rng = np.random.default_rng(14)
    # at most half-way into the slowed save: 0.75 s of slack for a loaded CI machine to send the kill
    save_delay, write_delay = rng.uniform(0, 0.5) * SLOW_SAVE, rng.uniform(0, 0.4)
    write_epoch = int(rng.integers(2, EPOCHS - 2))
    fractions = rng.uniform(0.0, 1.0, 8)
    with ThreadPoolExecutor(2) as pool:
        calibration = pool.submit(_run_script, root / "complete", root / "m-complete", [], "fit_done", 0)
        jobs = {"model-save": pool.submit(_run_script, root / "model-save", root / "m-model-save",
                                          ["--slow-save", str(SLOW_SAVE)], "save_started", save_delay),
                "epoch-writes": pool.submit(_run_script, root / "epoch-writes", root / "m-epoch-writes",
                                            ["--slow-writes-at-epoch", str(write_epoch)], "epoch_writes_started",
                                            write_delay)}
        complete = calibration.result()
        assert complete["finished_before_kill"], f"the calibration fit did not finish: {complete['stderr']}"
        markers = complete["markers"]
        duration = (markers / "fit_done").stat().st_mtime - (markers / "fit_started").stat().st_mtime
        for i, fraction in enumerate(fractions):
            jobs[f"random-{i}"] = pool.submit(_run_script, root / f"random-{i}", root / f"m-random-{i}", [],
                                              "fit_started", fraction * duration)
        results = {name: job.result() for name, job in jobs.items()}
    results["complete"] = complete
    for name, fraction in zip(MOMENTS[2:], fractions):
        results[name]["when"] = f"{fraction:.2f} of the {duration:.1f} s fit"
    results["model-save"]["when"] = f"{save_delay:.2f} s into the {SLOW_SAVE} s model save"
    results["epoch-writes"]["when"] = f"{write_delay:.2f} s into epoch {write_epoch}'s writes"
    return results


def _files_parse(run_dir: Path) -> list[str]:
    """Parse every JSON, CSV, npz and .keras the run holds (every npz member read); the temporaries."""
    temporaries = []
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(run_dir).as_posix()
        if path.name.startswith(".") and ".tmp" in path.name:  # an atomic write cut short
            temporaries.append(rel)
            continue
        assert rel in RECORD_NAMES or any(fnmatch.fnmatch(rel, g) for g in RECORD_GLOBS), f"unknown file {rel}"
        if path.suffix == ".json":
            json.loads(path.read_text())
        elif path.suffix == ".csv":
            assert len(pd.read_csv(path).columns) >= 2, rel
        elif path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as data:
                assert data.files, rel
                for key in data.files:
                    data[key]
        elif path.suffix == ".keras":
            with zipfile.ZipFile(path) as zf:
                assert zf.testzip() is None
    return temporaries


def _check_records_hold_every_epoch(run: Run, epochs: int) -> None:
    """No per-epoch record holds fewer epochs than run.json's ``epochs_completed``."""
    n = len(run.history)
    assert n >= epochs and run.history.index.tolist() == list(range(n))
    assert np.isfinite(run.history[["loss", "accuracy", "val_loss", "val_accuracy"]].to_numpy()).all()
    if epochs:
        assert set(run.batches["epoch"]) >= set(range(epochs))
    assert set(run.weights.stats["epoch"]) >= set(range(-1, epochs))
    assert set(run.weights.dead_relu["epoch"]) >= set(range(-1, epochs))
    assert len(run.weights.index) == 4 and len(run.weights.histograms) == 4
    for hist in run.weights.histograms.values():
        assert hist["counts"].shape[0] == len(hist["epochs"]) >= epochs + 1
    assert set(run.probe.epochs.tolist()) >= set(range(epochs))
    for epoch in range(2, epochs, 3):  # snapshot_every=3: after epochs 3, 6, ...
        assert (run.path / fmt.snapshot_npz(epoch)).is_file(), fmt.snapshot_npz(epoch)


@pytest.mark.parametrize("moment", MOMENTS)
def test_killed_at_a_seeded_moment_every_file_parses_and_holds_every_epoch_and_the_report_renders(
        killed_runs, moment, tmp_path):
    from mnist_viz.report import build_report

    result = killed_runs[moment]
    run_dir, when = result["run_dir"], result["when"]
    assert result["marker"], f"{moment}: the marker never came ({when}): {result['stderr']}"
    assert result["returncode"] == -signal.SIGKILL or result["finished_before_kill"], (when, result["stderr"])
    temporaries = _files_parse(run_dir)
    epochs = _epochs_completed(run_dir / fmt.RUN_JSON)  # fails on a half-written run.json
    on_disk = json.loads((run_dir / fmt.RUN_JSON).read_text())
    run = Run.load(run_dir)
    if on_disk["status"] == "complete":  # the kill came after the recorder's last write (or the fit ended)
        assert run.status == "complete" and epochs == EPOCHS and not moment.startswith(("model", "epoch")), when
        assert run.test is not None and run.features is not None and (run_dir / fmt.MODEL_KERAS).is_file()
    else:
        assert on_disk["status"] == "running" and run.status == "interrupted", when
        assert not result["finished_before_kill"]
    _check_records_hold_every_epoch(run, epochs)
    if moment == "model-save":  # killed inside the save: all epochs done, the model not (yet) there
        assert result["returncode"] == -signal.SIGKILL and not result["finished_before_kill"]
        assert epochs == EPOCHS and not (run_dir / fmt.MODEL_KERAS).exists()
        assert [t for t in temporaries if t.endswith(".keras")], temporaries  # the save had begun
    if moment == "epoch-writes":
        assert result["returncode"] == -signal.SIGKILL and not result["finished_before_kill"]
    # what a cut-short atomic write leaves is hidden and named .tmp: no reader's name or glob takes it
    for rel in temporaries:
        name = Path(rel).name
        assert name.startswith(".") and not any(fnmatch.fnmatch(rel, g) for g in RECORD_GLOBS), rel
    report = build_report(run_dir, tmp_path / "report.html", jobs=1)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert report.size_bytes > 0 and html.startswith("<!doctype html>")
    assert f'<span class="status status-{run.status}">{run.status}</span></h2>' in html  # the run's heading


def test_the_uninterrupted_30_epoch_fit_is_complete(killed_runs):  # the calibration, checked like the others
    result = killed_runs["complete"]
    assert result["finished_before_kill"] and not _files_parse(result["run_dir"])
    run = Run.load(result["run_dir"])
    assert run.status == "complete" and run.epochs_completed == EPOCHS and run.test is not None
    assert run.features is not None and (result["run_dir"] / fmt.MODEL_KERAS).is_file()
    _check_records_hold_every_epoch(run, EPOCHS)
