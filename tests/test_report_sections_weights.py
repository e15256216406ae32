"""The weights section (mnist_viz/report/sections/weights.py): the histograms figure, tables of norms,
update ratios and dead ReLUs per epoch, and the statistics as CSV. Run directories are written by
tests/report_runs.py (no TensorFlow)."""
from __future__ import annotations

from report_runs import write_run


def test_weight_tables_per_epoch_start_at_init(tmp_path):
    from mnist_viz.report.sections import weights_section
    from mnist_viz.run import Run

    run = Run.load(write_run(tmp_path / "w", epochs=3))
    s = weights_section(run, "r0-weights")
    assert [b.kind for b in s.blocks] == ["figure", "table", "table", "table", "downloads"]
    norms, ratios, dead = (b.table for b in s.blocks[1:4])
    assert norms.columns == ["epoch", "dense/bias", "dense/kernel", "dense_1/bias", "dense_1/kernel"]
    assert [r[0] for r in norms.rows] == ["init", "1", "2", "3"] and norms.rows[0][1:] == ["4.000"] * 4
    assert [r[0] for r in ratios.rows] == ["1", "2", "3"]  # no update before the first epoch
    assert dead.rows == [["1", "0.050"], ["2", "0.050"], ["3", "0.050"]]
    assert s.blocks[4].links[0][0] == "w-weight-stats.csv"


def test_a_run_without_dead_relu_records_says_so(tmp_path):
    from mnist_viz.report.sections import weights_section
    from mnist_viz.run import Run

    path = write_run(tmp_path / "w", epochs=2)
    (path / "weights" / "dead_relu.csv").unlink()
    s = weights_section(Run.load(path), "r0-weights")
    assert [b.kind for b in s.blocks] == ["figure", "table", "table", "note", "downloads"]
    assert s.blocks[3].text.startswith("No dead-ReLU records")


def test_the_dead_relu_note_tells_a_model_without_relu_from_a_missing_probe_batch(tmp_path):
    from mnist_viz.report.sections import weights_section
    from mnist_viz.run import Run
    from report_runs import recorded

    def note(**pieces):
        s = weights_section(Run.load(write_run(tmp_path / str(len(list(tmp_path.iterdir()))), epochs=2,
                                               with_dead_relu=False, **pieces)), "r0-weights")
        (text,) = [b.text for b in s.blocks if b.kind == "note"]
        return text

    assert note(relu=False, recorded=recorded()).startswith("No dead-ReLU records: the model has no ReLU layer (")
    no_probe = note(relu=True, recorded=recorded(validation=None, test_data=False))
    assert "the model has no ReLU layer" not in no_probe
    assert no_probe.startswith("No dead-ReLU records: RunRecorder was given neither validation nor test data, so it "
                               "had no probe batch; to record the dead-ReLU fractions, fit with "
                               "`validation_split=` or `validation_data=` arrays, or pass "
                               "`validation_data=(x_val, y_val)` to RunRecorder")
    # an older run says both possibilities, and which data the dead ReLUs need
    assert note().startswith("No dead-ReLU records: the model has no ReLU layer, or WeightRecorder writes")
