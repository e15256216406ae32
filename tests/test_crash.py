"""A run killed with SIGKILL mid-training loads as interrupted, with every completed epoch, and a
report renders from it (about 20 s on 2 CPU cores)."""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mnist_viz.run import Run

SCRIPT = Path(__file__).parent / "scripts" / "train_until_killed.py"
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _epochs_completed(run_json: Path) -> int:
    try:
        return int(json.loads(run_json.read_text())["epochs_completed"])
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return 0  # not written yet (a half-written file is never visible: writes are atomic)


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
