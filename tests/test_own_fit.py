"""Your own fit gets the whole report (issue 10's "Done when"): scripts written as users write them,
each with one added RunRecorder line, run in their own process; the report built from each run has
every view and no note saying something is missing."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mnist_viz.report import build_report
from mnist_viz.run import Run
from report_notes import absences, report_notes

pytestmark = pytest.mark.slow  # TensorFlow only in CI time: the scripts train three models; the recorder tests cover
# reading the running fit's hold-out on every backend (tests/test_callbacks_held_out.py)

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "tests" / "scripts"
#: every section of a run's part of the page
SECTIONS = ("summary", "curves", "weights", "confusion", "predictions", "internals", "evolution", "calibration")


def _run_script(script: str, *args) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(SCRIPTS / script), *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _assert_whole_report(out: Path) -> tuple[Run, str]:
    run = Run.load(out)
    assert run.status == "complete"
    page = build_report([out]).html
    assert absences(page) == []
    for section in SECTIONS:
        assert f'id="r0-{section}"' in page, section
    # every view the report draws from each record is on the page
    assert run.test is not None and run.probe is not None and run.features is not None
    assert run.features.activations and run.features.embedding is not None
    assert not run.weights.dead_relu.empty
    return run, page


@pytest.fixture(scope="module")
def convnet_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("own")
    outs = {}
    for holdout in ("validation_split", "validation_data"):
        outs[holdout] = base / holdout
        _run_script("keras_convnet_example.py", outs[holdout], holdout)
    return outs


@pytest.mark.parametrize("holdout", ["validation_split", "validation_data"])
def test_the_keras_convnet_example_with_one_added_line_gets_every_view(convnet_runs, holdout):
    run, page = _assert_whole_report(convnet_runs[holdout])
    assert run.info["recorded"]["validation"] == holdout
    # Keras held out the last 10 % (400 of 4,000) or the script's 400: the probe set is those digits
    assert len(run.probe.labels) == 400 and run.probe.images.shape == (400, 28, 28)
    assert sorted(run.weights.dead_relu["layer"].unique()) == ["conv2d", "conv2d_1"]
    assert list(run.features.activations) == ["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1"]
    assert run.test_metrics["accuracy"] > 0.5 and len(run.test.labels) == 1000
    # nothing is missing; the one absence left is the dataset, which the script did not describe
    infos = [text for style, _, text in report_notes(page) if style == "info"]
    assert len(infos) == 1 and "dataset=" in infos[0], infos


def test_a_functional_two_branch_logits_model_with_a_schedule_and_sparse_labels(tmp_path):
    out = tmp_path / "two"
    _run_script("two_branch_logits.py", out)
    run, page = _assert_whole_report(out)
    assert run.info["output"]["from_logits"] is True and run.info["output"]["classifier"] is True
    assert run.info["recorded"]["validation"] == "validation_split"
    probs = run.test.probabilities
    assert abs(float(probs.sum(1).mean()) - 1.0) < 1e-3  # logits were softmaxed, not stored raw
    lr = run.history["learning_rate"].astype(float)
    assert lr.iloc[-1] < lr.iloc[0]  # the schedule's decay, recorded per epoch
    assert list(run.features.activations) == ["conv_a", "pool_a", "conv_b"]
    assert run.features.embedding.shape[1] == 32  # the penultimate layer, "features"
    assert run.metadata["data"]["source"] == "embedded" and "LeCun" in page
    assert sorted(run.weights.dead_relu["layer"].unique()) == ["conv_a", "conv_b", "dense_path", "features"]
