"""The evolution section (mnist_viz/report/sections/evolution.py): the epoch slider, whose confusion
counts and top-3 lists come from mnist_viz.metrics.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import re  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from report_runs import two_run_report  # noqa: E402,F401 (fixtures)


def test_slider_has_one_frame_per_epoch_and_the_last_is_current(two_run_report):
    page = two_run_report.html
    frames = re.findall(r'<figure class="frame( current)?" id="r0-slider-e(\d+)"', page)
    assert [int(e) for _, e in frames] == [1, 2, 3, 4]
    assert [c for c, _ in frames] == ["", "", "", " current"]
    assert 'id="r0-slider-range"' in page and 'max="3"' in page


def _probe_run(epochs: int, n: int = 30, n_classes: int = 10):
    from mnist_viz.run import ProbeRecords, Run

    rng = np.random.default_rng(5)
    run = Run.from_dict({"loss": list(np.linspace(1, 0.1, epochs))}, name="probe")
    run.probe = ProbeRecords(images=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), labels=np.arange(n) % n_classes,
                             indices=np.arange(n), epochs=np.arange(epochs),
                             probabilities=rng.dirichlet(np.ones(n_classes), (epochs, n)).astype(np.float16))
    return run


def test_slider_frames_hold_the_metrics_confusion_counts_and_top_3():
    from mnist_viz import metrics
    from mnist_viz.report.sections.evolution import TOPK_PROBE_DIGITS, evolution_section

    run = _probe_run(epochs=3)
    p = run.probe
    (slider,) = [b for b in evolution_section(run, "r0-evolution", slider_id="r0-slider").blocks if b.kind == "slider"]
    assert [f["id"] for f in slider.frames] == ["r0-slider-e1", "r0-slider-e2", "r0-slider-e3"]
    for frame, probs in zip(slider.frames, p.probabilities.astype(np.float32)):
        probs = probs / probs.sum(axis=1, keepdims=True)
        counts = metrics.confusion_counts(p.labels, probs.argmax(axis=1), 10)
        assert frame["counts"] == counts.tolist() and frame["max"] == counts.max()
        assert len(frame["topk"]) == TOPK_PROBE_DIGITS
        # one probe digit of each class, in class order; top 3 as metrics.top_k ranks them
        assert [d["label"] for d in frame["topk"]] == [str(c) for c in range(10)]
        top = metrics.top_k(probs[:10], 3)
        assert [[name for name, _, _ in d["top"]] for d in frame["topk"]] == [[str(c) for c in row] for row in top]
        assert all(d["img"].startswith("data:image/png;base64,") for d in frame["topk"])


def test_a_long_run_shows_twelve_evenly_spaced_epochs_and_says_so():
    from mnist_viz.report.sections.evolution import MAX_SLIDER_FRAMES, evolution_section

    s = evolution_section(_probe_run(epochs=30, n=12), "r0-evolution", slider_id="r0-slider")
    (slider,) = [b for b in s.blocks if b.kind == "slider"]
    epochs = [f["epoch"] for f in slider.frames]
    assert len(epochs) == MAX_SLIDER_FRAMES and epochs[0] == 1 and epochs[-1] == 30
    assert s.blocks[-1].text == "12 of 30 epochs are shown (evenly spaced, always the last)."
    rows = s.blocks[1].table.rows
    assert len(rows) == 30 and [r[0] for r in rows] == [str(e) for e in range(1, 31)]  # every epoch
    assert all(len(r[1].split(".")[1]) == 3 for r in rows)  # one column, three decimals in every cell


def test_probe_labels_beyond_the_probability_columns_are_an_error_note_not_a_crash(tmp_path):
    """An older mnist_viz recorded a regression (labels 0..9) as a binary classifier (2 columns)."""
    from mnist_viz import run_format as fmt
    from mnist_viz.report import build_report
    from mnist_viz.report.sections.evolution import evolution_section
    from mnist_viz.run import Run

    rng = np.random.default_rng(0)
    fmt.write_run_info(tmp_path, fmt.new_run_info("old", status="complete", epochs_completed=1))
    fmt.write_probe_set(tmp_path, labels=np.arange(40) % 10, indices=np.arange(40))
    fmt.write_probe_epoch(tmp_path, 0, rng.dirichlet(np.ones(2), 40))
    s = evolution_section(Run.load(tmp_path), "r0-evolution", slider_id="r0-slider")
    assert [b.kind for b in s.blocks] == ["note"] and s.blocks[0].style == "error"
    assert "labels go up to 9 but the recorded probabilities have 2 columns" in s.blocks[0].text
    assert "r0-evolution" in build_report([tmp_path], jobs=1).html  # the whole page still builds


def test_a_diverged_probe_epoch_counts_its_nan_rows_as_wrong_and_out_of_the_counts():
    from mnist_viz import metrics
    from mnist_viz.report.sections.evolution import evolution_section

    run = _probe_run(epochs=3)
    p = run.probe
    p.probabilities = p.probabilities.astype(np.float32)
    p.probabilities[2, :4] = np.nan  # the last epoch diverged on four probe digits
    s = evolution_section(run, "r0-evolution", slider_id="r0-slider")
    (slider,) = [b for b in s.blocks if b.kind == "slider"]
    finite = p.probabilities[2, 4:]
    counts = metrics.confusion_counts(p.labels[4:], finite.argmax(axis=1), 10)
    assert slider.frames[2]["counts"] == counts.tolist() and counts.sum() == len(p.labels) - 4
    right = int((finite.argmax(axis=1) == p.labels[4:]).sum())
    assert slider.frames[2]["acc"] == pytest.approx(right / len(p.labels))  # NaN rows wrong, not class 0
    assert any(b.kind == "note" and "NaN or inf values after epoch 3 (the model diverged)" in b.text for b in s.blocks)
    assert not any(b.kind == "note" and "NaN" in b.text
                   for b in evolution_section(_probe_run(epochs=3), "r1", slider_id="s1").blocks)
