"""Image regression of the gallery (classifier and prediction plots, training curves).

Run with ``--mpl`` to compare each returned figure with its baseline in ``gallery/`` (paths in
pyproject.toml, [tool.pytest.ini_options]; tolerances in tests/gallery_data.py, nowhere else: every
figure here is drawn from fixed seeded arrays and must match exactly). Without
``--mpl`` the tests still draw every figure (a smoke test on any stack). Regenerate baselines,
a deliberate change, with::

    python -m pytest tests/test_gallery*.py --mpl-generate-path=gallery
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from pathlib import Path  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from prerequisites import missing  # noqa: E402

import gallery_data as gd  # noqa: E402
import mnist_viz.plots as mp  # noqa: E402

GALLERY = Path(__file__).resolve().parents[1] / "gallery"
#: Fixed pixel density for every baseline; figure sizes are fixed inside each plot function.
SAVEFIG = {"dpi": 100}


def image_compare(name: str):
    """pytest-mpl marker for one gallery image drawn from fixed seeded arrays
    (tolerance: :data:`gallery_data.FIXED_DATA_TOLERANCE`)."""
    return pytest.mark.mpl_image_compare(filename=name, savefig_kwargs=SAVEFIG, tolerance=gd.FIXED_DATA_TOLERANCE)


def _fig(obj):
    return obj if isinstance(obj, matplotlib.figure.Figure) else obj.figure


@pytest.fixture(scope="module")
def preds():
    return gd.predictions(1000)


@image_compare("training_curves.png")
def test_training_curves():
    return mp.training_curves(gd.history())


@image_compare("training_curves_per_batch.png")
def test_training_curves_per_batch():
    return mp.training_curves(gd.run_with_batches(), per_batch=True)


@image_compare("training_curves_nan_single.png")
def test_training_curves_nan():
    import matplotlib.pyplot as plt

    with mp._style.plot_style():
        fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.0), layout="constrained")
    mp.training_curves({"loss": [1.0, np.nan, 0.5, np.inf, 0.3], "val_loss": [1.1, 0.9, np.nan, 0.6, 0.5]},
                       ax=axes[0])
    mp.training_curves({"loss": [0.52], "val_loss": [0.61]}, ax=axes[1])
    return fig


@image_compare("compare_curves.png")
def test_compare_curves():
    return mp.compare_curves(gd.compared_runs())


@image_compare("confusion_matrix.png")
def test_confusion_matrix(preds):
    _images, y_true, probabilities = preds
    return _fig(mp.confusion_matrix(y_true, probabilities))


@image_compare("confusion_matrix_normalized_cividis.png")
def test_confusion_matrix_normalized(preds):
    _images, y_true, probabilities = preds
    return _fig(mp.confusion_matrix(y_true, probabilities, normalize="true", cmap="cividis"))


@image_compare("confusion_matrix_47_classes.png")
def test_confusion_matrix_47_classes():
    y_true_47, probabilities_47, names_47 = gd.many_class_predictions()
    return _fig(mp.confusion_matrix(y_true_47, probabilities_47, class_names=names_47))


@image_compare("confusion_matrix_long_names.png")
def test_confusion_matrix_long_names(preds):
    _images, y_true, probabilities = preds
    return _fig(mp.confusion_matrix(y_true, probabilities, class_names=gd.LONG_CLASS_NAMES))


@image_compare("compare_confusion.png")
def test_compare_confusion():
    return mp.compare_confusion(gd.compared_test_runs())


@image_compare("class_metrics.png")
def test_class_metrics(preds):
    _images, y_true, probabilities = preds
    return _fig(mp.class_metrics(y_true, probabilities))


@image_compare("class_metrics_table_47_classes.png")
def test_class_metrics_table():
    y_true_47, probabilities_47, names_47 = gd.many_class_predictions()
    return _fig(mp.class_metrics(y_true_47, probabilities_47, class_names=names_47, kind="table"))


@image_compare("calibration.png")
def test_calibration(preds):
    _images, y_true, probabilities = preds
    return _fig(mp.calibration(y_true, probabilities))


@image_compare("topk_grid.png")
def test_topk_grid(preds):
    images, y_true, probabilities = preds
    return mp.topk_grid(images, y_true, probabilities)


@image_compare("topk_grid_long_names.png")
def test_topk_grid_long_names(preds):
    images, y_true, probabilities = preds
    return mp.topk_grid(images, y_true, probabilities, n=15, class_names=gd.LONG_CLASS_NAMES)


@image_compare("misclassified.png")
def test_misclassified(preds):
    images, y_true, probabilities = preds
    return mp.misclassified(images, y_true, probabilities)


@image_compare("confused_pairs.png")
def test_confused_pairs(preds):
    images, y_true, probabilities = preds
    return mp.confused_pairs(images, y_true, probabilities)


def _composed_2x2(preds):
    """A user's own 2×2 figure of four mnist_viz plots, as the README shows it."""
    import matplotlib.pyplot as plt

    _images, y_true, probabilities = preds
    fig, axes = plt.subplots(2, 2, figsize=(10, 8), layout="constrained")
    mp.training_curves(gd.history(), metrics=["accuracy"], ax=axes[0, 0])
    mp.confusion_matrix(y_true, probabilities, normalize="true", ax=axes[0, 1])
    mp.class_metrics(y_true, probabilities, ax=axes[1, 0])
    mp.calibration(y_true, probabilities, ax=axes[1, 1])
    return fig


@image_compare("composed_2x2.png")
def test_composed_2x2(preds):
    return _composed_2x2(preds)


@image_compare("composed_subfigures.png")
def test_composed_subfigures(preds):
    """Two multi-panel plots in the subfigures of one figure: the runs' curves over the errors."""
    import matplotlib.pyplot as plt

    images, y_true, probabilities = preds
    fig = plt.figure(figsize=(9, 7.2), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.3])
    mp.compare_curves(gd.compared_runs(), fig=top)
    mp.misclassified(images, y_true, probabilities, n=12, ncols=6, fig=bottom)
    return fig


def _draw_png(path, draw):
    """Save ``draw()``'s figure as pytest-mpl saves a result (default style, SAVEFIG)."""
    import matplotlib.pyplot as plt

    with matplotlib.style.context("default"):  # as pytest-mpl draws the baselines
        _fig(draw()).savefig(path, **SAVEFIG)
    plt.close("all")
    return str(path)


@pytest.mark.pixels
def test_a_deliberate_change_fails_the_comparison(preds, tmp_path):
    """The regression check has teeth: at the tolerance the tests use, a redraw with the same
    settings matches the baseline, while the same confusion matrix in another colormap, or with one
    digit changed in one cell, fails the comparison."""
    from matplotlib.testing.compare import compare_images

    baseline = GALLERY / "confusion_matrix.png"
    if not baseline.exists():
        missing("gallery/confusion_matrix.png is missing: generate the baselines first")
    tol = gd.FIXED_DATA_TOLERANCE
    _images, y_true, probabilities = preds
    same = _draw_png(tmp_path / "same.png", lambda: mp.confusion_matrix(y_true, probabilities))
    assert compare_images(str(baseline), same, tol=tol) is None

    recolored = _draw_png(tmp_path / "magma.png", lambda: mp.confusion_matrix(y_true, probabilities, cmap="magma"))
    failure = compare_images(str(baseline), recolored, tol=tol, in_decorator=True)
    assert failure is not None, "a colormap change went unnoticed by the image comparison"
    assert failure["rms"] > 10

    def one_cell_changed():
        ax = mp.confusion_matrix(y_true, probabilities)
        cell = next(t for t in ax.texts if t.get_gid() == "cell" and t.get_text() == "0")
        cell.set_text("1")  # one digit in one off-diagonal cell
        return ax

    changed = _draw_png(tmp_path / "one_cell.png", one_cell_changed)
    failure = compare_images(str(baseline), changed, tol=tol, in_decorator=True)
    assert failure is not None, "a one-digit change in one cell went unnoticed by the image comparison"
    # the tolerances are well below the smallest real change, even the trained-model one
    assert failure["rms"] > 3 * max(gd.FIXED_DATA_TOLERANCE, gd.TRAINED_MODEL_TOLERANCE)


def test_tolerances_are_stated_in_one_place():
    """No per-test numbers and no pyproject default: every marker of the gallery tests passes one of
    the two constants of tests/gallery_data.py."""
    import re

    pyproject = (GALLERY.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert not re.search(r"^\s*mpl-default-tolerance\s*=", pyproject, re.M)
    for test_file in sorted(Path(__file__).parent.glob("test_gallery*.py")):
        calls = re.findall(r"mpl_image_compare\(([^)]*)\)", test_file.read_text(encoding="utf-8"))
        assert calls, test_file.name
        for call in calls:
            value = re.search(r"tolerance=([\w.]+)", call)
            assert value, f"{test_file.name}: an mpl_image_compare marker without tolerance= ({call})"
            value = value.group(1)
            assert value in {"gd.FIXED_DATA_TOLERANCE", "gd.TRAINED_MODEL_TOLERANCE", "tolerance"}, (
                f"{test_file.name} states a tolerance of its own: {value}")
    assert 0 <= gd.FIXED_DATA_TOLERANCE <= gd.TRAINED_MODEL_TOLERANCE < 0.75


def test_gallery_readme_shows_every_baseline():
    """gallery/README.md is the visual index: every baseline PNG is shown, every shown image exists,
    and part B's fragment (gallery/README_model_views.md) is merged verbatim."""
    import re

    readme = (GALLERY / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", readme))
    on_disk = {p.name for p in GALLERY.glob("*.png")}
    assert on_disk - shown == set(), f"baselines missing from gallery/README.md: {sorted(on_disk - shown)}"
    assert shown - on_disk == set(), f"gallery/README.md shows images that do not exist: {sorted(shown - on_disk)}"
    fragment = GALLERY / "README_model_views.md"
    if fragment.exists():
        assert fragment.read_text(encoding="utf-8").strip() in readme, (
            "gallery/README_model_views.md changed: run python gallery/merge_readme.py")


def test_gallery_readme_snippets_name_real_functions():
    import re

    readme = (GALLERY / "README.md").read_text(encoding="utf-8")
    for name in set(re.findall(r"\bmp\.([a-z_]+)\(", readme)):
        assert hasattr(mp, name), f"gallery/README.md calls mp.{name}, which mnist_viz.plots does not export"
