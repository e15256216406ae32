"""The predictions section (mnist_viz/report/sections/predictions.py): top-k grid, most confident
errors, most confused pairs. Run directories are written by tests/report_runs.py (no TensorFlow)."""
from __future__ import annotations

from report_runs import write_run


def test_three_figures_with_their_captions_or_a_note_without_images(tmp_path):
    from mnist_viz.report.sections import predictions_section
    from mnist_viz.run import Run

    s = predictions_section(Run.load(write_run(tmp_path / "p", n_test=200)), "r0-predictions")
    assert [b.kind for b in s.blocks] == ["figure"] * 3
    assert [b.caption.split(" ")[:2] for b in s.blocks] == [["First", "test"], ["The", "errors"], ["The", "class"]]
    assert all(b.alt for b in s.blocks)
    s = predictions_section(Run.load(write_run(tmp_path / "q", n_test=200, with_images=False)), "r0-predictions")
    assert [b.text for b in s.blocks] == [
        "No test images: test_predictions.npz of this run holds probabilities and labels only."]
