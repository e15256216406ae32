"""The model-internals section (mnist_viz/report/sections/internals.py): feature maps of a convnet,
first-layer weights. Run directories are written by tests/report_runs.py (no TensorFlow)."""
from __future__ import annotations

from report_runs import write_run


def test_a_conv_run_shows_feature_maps_of_two_digits_and_its_filters(tmp_path):
    from mnist_viz.report.sections import internals_section
    from mnist_viz.run import Run

    run = Run.load(write_run(tmp_path / "conv", conv=True, n_test=200))
    s = internals_section(run, "r0-internals")
    assert [b.kind for b in s.blocks] == ["figure"] * 3
    labels = run.test.labels
    assert [b.caption for b in s.blocks[:2]] == [
        f"Feature maps of test digit #{i} (class {labels[i]}), layer by layer." for i in (0, 1)]
    assert s.blocks[2].caption == "First convolution layer's kernels."


def test_a_dense_run_says_it_has_no_feature_maps_and_shows_its_weights(tmp_path):
    from mnist_viz.report.sections import internals_section
    from mnist_viz.run import Run

    s = internals_section(Run.load(write_run(tmp_path / "dense", n_test=200)), "r0-internals")
    assert [b.kind for b in s.blocks] == ["note", "figure"]
    assert s.blocks[0].text.startswith("No feature maps: the model has no convolution or pooling layer")
    assert s.blocks[1].alt
