"""Behaviour of mnist_viz.plots.embedding: classes, errors and legend, scikit-learn's PCA with a fixed
sign, t-SNE, class labels that do not hide each other, bad and empty input.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import mnist_viz.plots as mp  # noqa: E402


def _clusters(n_per=20, k=3, d=8, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(k), n_per)
    return rng.normal(size=(len(y), d)) + 4 * y[:, None], y


def test_embedding_classes_errors_and_legend():
    x, y = _clusters()
    pred = y.copy()
    pred[[3, 25, 50]] = [1, 2, 0]
    ax = mp.embedding(x, y, y_pred=pred, class_names=["zero", "one", "two"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["zero", "one", "two", "misclassified (3)"]
    error_points = sum(len(c.get_offsets()) for c in ax.collections if str(c.get_gid()).startswith("errors_"))
    assert error_points == 3
    class_points = sum(len(c.get_offsets()) for c in ax.collections if str(c.get_gid()).startswith("class_"))
    assert class_points == 57
    assert ax.get_xlabel().startswith("PC1 (") and "variance" in ax.get_ylabel()
    assert [t.get_text() for t in ax.texts if t.get_gid() == "class_label"] == ["zero", "one", "two"]
    assert "3 misclassified" in mp.alt_text(ax)


@pytest.mark.parametrize("shape", [(1000, 512), (40, 6), (12, 30)])
def test_embedding_pca_is_scikit_learns_with_a_fixed_sign(shape):
    """The fast PCA (eigenvectors of the scatter matrix) gives scikit-learn's full-SVD PCA up to float
    noise, signs included (each component's largest weight positive), and the axis labels' variance."""
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(3)
    x = np.maximum(rng.normal(size=shape) @ rng.normal(size=(shape[1], shape[1])), 0)  # ReLU-like
    y = np.arange(shape[0]) % 3
    pca = PCA(n_components=2, svd_solver="full")
    ref = pca.fit_transform(x)
    ax = mp.embedding(x, y)
    for c in range(3):
        (points,) = [col for col in ax.collections if col.get_gid() == f"class_{c}"]
        np.testing.assert_allclose(points.get_offsets(), ref[y == c], rtol=1e-7, atol=1e-9 * np.abs(ref).max())
    r = pca.explained_variance_ratio_
    assert ax.get_xlabel() == f"PC1 ({r[0]:.0%} of variance)" and ax.get_ylabel() == f"PC2 ({r[1]:.0%} of variance)"
    # negated features have the same scatter matrix and so the same (sign-fixed) components: the
    # scores are exactly negated, whatever sign the eigensolver happened to return
    flipped = mp.embedding(-x, y)
    (points,) = [col for col in flipped.collections if col.get_gid() == "class_0"]
    np.testing.assert_allclose(points.get_offsets(), -ref[y == 0], rtol=1e-7, atol=1e-9 * np.abs(ref).max())


def test_embedding_draws_on_given_axes_or_a_fresh_figure():
    x, y = _clusters()
    current = plt.figure()
    ax = mp.embedding(x, y)
    assert ax.figure is not current
    fig, given = plt.subplots()
    assert mp.embedding(x, y, ax=given) is given
    assert given.get_legend() is not None


def test_embedding_tsne_one_hot_and_probabilities():
    x, y = _clusters(n_per=10)
    onehot = np.eye(3)[y]
    probs = np.full((30, 3), 0.1)
    probs[np.arange(30), y] = 0.8
    ax = mp.embedding(x, onehot, y_pred=probs, method="tsne")
    assert ax.get_xlabel() == "t-SNE 1"
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "misclassified (0)"


def test_embedding_bad_and_empty_input():
    x, y = _clusters()
    with pytest.raises(ValueError, match="mismatched lengths: features has 60 rows, y_true has 59 rows"):
        mp.embedding(x, y[:-1])
    with pytest.raises(ValueError, match="mismatched lengths: features has 60 rows, y_pred has 2 rows"):
        mp.embedding(x, y, y_pred=[0, 1])
    with pytest.raises(ValueError, match="method must be 'pca' or 'tsne'; got 'umap'"):
        mp.embedding(x, y, method="umap")
    with pytest.raises(ValueError, match="negative label"):
        mp.embedding(x, y - 1)
    with pytest.raises(ValueError, match="NaN or inf"):
        mp.embedding(np.full((3, 2), np.nan), [0, 1, 2])
    ax = mp.embedding(np.zeros((0, 5)), np.zeros(0, dtype=int))
    assert "no points" in ax.texts[0].get_text()
    ax = mp.embedding(np.ones((1, 5)), [0])  # one point: still a figure
    assert len(ax.collections) == 1


def test_embedding_class_labels_do_not_hide_each_other():
    """Two classes with the same centre (a "3" under an "8"): their labels are nudged apart and
    joined to the centre by a thin leader line; labels far apart stay exactly at their centres."""
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(4), 30)
    centres = np.array([[0, 0], [10, 0], [5, 5], [5.05, 5.05]])  # classes 2 and 3 share a centre
    x = centres[y] + rng.normal(scale=1.0, size=(len(y), 2))
    ax = mp.embedding(x, y)
    ax.figure.canvas.draw()
    labels = [t for t in ax.texts if t.get_gid() == "class_label"]
    assert [t.get_text() for t in labels] == ["0", "1", "2", "3"]
    boxes = [t.get_bbox_patch().get_window_extent() for t in labels]
    for i in range(4):
        for j in range(i + 1, 4):
            assert not boxes[i].overlaps(boxes[j]), f"label {i} overlaps label {j}"
    assert len([ln for ln in ax.lines if ln.get_gid() == "class_label_leader"]) == 4  # 2 moved labels: line + dot


def test_embedding_predicted_out_of_range_is_an_error():
    x, y = _clusters()
    with pytest.raises(ValueError, match=r"y_pred holds label 99, out of range for 3 classes \(0..2\), the "
                                         r"classes found in y_true; pass n_classes= \(or class_names=\)"):
        mp.embedding(x, y, y_pred=np.r_[y[:-1], 99])
    with pytest.raises(ValueError, match=r"y_pred holds label 99, out of range for 10 classes \(0..9\)$"):
        mp.embedding(x, y, y_pred=np.r_[y[:-1], 99], n_classes=10)
    with pytest.raises(ValueError, match="y_true holds label 2, out of range for 2 classes"):
        mp.embedding(x, y, class_names=["a", "b"])
    with pytest.raises(ValueError, match="y_true is 2-D .* but not one-hot"):
        mp.embedding(x, np.full((60, 3), 1 / 3))
    ax = mp.embedding(x, y, y_pred=np.r_[y[:-1], 5], n_classes=6)  # a class the probe set lacks: fine
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "misclassified (1)"
