"""A 2-D map of a model's penultimate features: PCA (or t-SNE), one colour per true class, class
names at their centres, misclassified digits marked.

Example
-------
>>> import numpy as np, mnist_viz.plots as mp
>>> rng = np.random.default_rng(1)
>>> y = np.repeat(np.arange(2), 10); x = rng.normal(size=(20, 4)) + 5 * y[:, None]
>>> ax = mp.embedding(x, y, class_names=["even", "odd"])
>>> [t.get_text() for t in ax.texts if t.get_gid() == "class_label"]
['even', 'odd']
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from mnist_viz._arrays import as_labels, check_same_length
from mnist_viz._words import count, noun_for

from ._figure import axes_size, draw_message, made_current, new_axes, refuse_fig
from ._inputs import class_names_and_count
from ._labels import short_names, widest
from ._style import class_palette, plot_style, set_alt_text
from ._theme import ink

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike

__all__ = ["embedding"]

ERROR_MARKER = "x"
ERROR_COLOR = "0.1"


def _project(x: np.ndarray, method: str, random_state: int) -> tuple[np.ndarray, tuple[str, str]]:
    """2-D coordinates and axis labels."""
    n, d = x.shape
    if n == 1 or d == 1:
        xy = np.zeros((n, 2))
        xy[:, 0] = x[:, 0] - x[:, 0].mean() if d >= 1 else 0.0
        return xy, ("feature 1", "(constant)")
    if method == "pca":
        xy, r = _pca2(x, random_state)
        return xy, (f"PC1 ({r[0]:.0%} of variance)", f"PC2 ({r[1]:.0%} of variance)")
    from sklearn.manifold import TSNE

    perplexity = float(min(30.0, max(1.0, (n - 1) / 3)))
    xy = TSNE(n_components=2, init="pca", perplexity=perplexity, random_state=random_state).fit_transform(x)
    return xy, ("t-SNE 1", "t-SNE 2")


def _pca2(x: np.ndarray, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """The first two principal components' scores (n, 2) and explained-variance ratios (2,).

    With at least as many points as features (the usual case: 1,000 digits × 512 features) the top
    two eigenvectors of the (d, d) scatter matrix come from LAPACK's partial eigensolver: 0.02 s
    where the full SVD of the data took 0.1 s (one BLAS thread). Fewer points than features: the
    full SVD (scikit-learn), whose cost is then small. Both give scikit-learn's ``PCA`` results up to
    float noise, with its sign convention (each component's largest-magnitude weight positive), so
    the picture never flips between the two paths or between runs.
    """
    n, d = x.shape
    if n < d:
        from sklearn.decomposition import PCA

        pca = PCA(n_components=2, svd_solver="full", random_state=random_state)
        return pca.fit_transform(x), pca.explained_variance_ratio_
    from scipy.linalg import eigh

    xc = x - x.mean(axis=0)
    scatter = xc.T @ xc
    values, vectors = eigh(scatter, subset_by_index=(d - 2, d - 1))
    values, vectors = np.maximum(values[::-1], 0.0), vectors[:, ::-1]
    signs = np.sign(vectors[np.abs(vectors).argmax(axis=0), np.arange(2)])
    vectors = vectors * np.where(signs == 0, 1.0, signs)
    total = float(np.trace(scatter))
    ratio = values / total if total > 0 else np.zeros(2)
    return xc @ vectors, ratio


def _spread_labels(points: np.ndarray, min_dist: float, *, iterations: int = 60) -> np.ndarray:
    """Move label positions (inches, (k, 2)) apart until no two are closer than ``min_dist``:
    deterministic pairwise repulsion, each pair pushed apart symmetrically along the line between
    them (coincident points along a fixed direction per index)."""
    pos = np.array(points, dtype=float)
    k = len(pos)
    for _ in range(iterations):
        moved = False
        for i in range(k):
            for j in range(i + 1, k):
                d = pos[j] - pos[i]
                dist = float(np.hypot(*d))
                if dist >= min_dist:
                    continue
                u = d / dist if dist > 1e-9 else np.array([np.cos(0.7 * (i + j)), np.sin(0.7 * (i + j))])
                push = (min_dist - dist) / 2 + 1e-3
                pos[i] -= u * push
                pos[j] += u * push
                moved = True
        if not moved:
            break
    return pos


def _centroid_labels(ax: Axes, xy: np.ndarray, y: np.ndarray, names: list[str], colors: Sequence[Any],
                     n_classes: int) -> None:
    """Each class's name at the median of its points, nudged apart so no label hides another; a thin
    line joins a moved label to its class's centre."""
    found: list[np.ndarray] = []
    classes: list[int] = []
    for c in range(n_classes):
        sel = y == c
        if sel.any():
            found.append(np.median(xy[sel], axis=0))
            classes.append(c)
    if not found:
        return
    centres = np.array(found)
    ax.autoscale_view()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    w_in, h_in = axes_size(ax)
    w_in, h_in = max(w_in, 1e-3), max(h_in, 1e-3)
    sx, sy = w_in / max(x1 - x0, 1e-12), h_in / max(y1 - y0, 1e-12)  # data -> inches
    inches = np.column_stack([(centres[:, 0] - x0) * sx, (centres[:, 1] - y0) * sy])
    shown = [names[c] for c in classes]
    long = max(len(s) for s in shown) > 2  # class names, not digits: boxes, smaller type
    fontsize = 8 if long else 11
    if long:  # repel in units of one label box, so that no two boxes overlap
        box = np.array([widest(shown, fontsize, weight="bold") + 0.12, fontsize / 72 + 0.12])
        spread = _spread_labels(inches / box, min_dist=1.05) * box
    else:
        spread = _spread_labels(inches, min_dist=0.3)
    spread[:, 0] = np.clip(spread[:, 0], 0.15, w_in - 0.15)
    spread[:, 1] = np.clip(spread[:, 1], 0.15, h_in - 0.15)
    placed = np.column_stack([spread[:, 0] / sx + x0, spread[:, 1] / sy + y0])
    for c, (cx, cy), (lx, ly), moved in zip(classes, centres, placed, np.hypot(*(spread - inches).T) > 0.05):
        if moved:
            ax.plot([cx, lx], [cy, ly], color=ink("0.25"), linewidth=0.8, zorder=4, gid="class_label_leader")
            ax.plot([cx], [cy], marker="o", markersize=3, color=ink("0.25"), zorder=4, gid="class_label_leader")
        ax.text(lx, ly, names[c], ha="center", va="center", fontsize=fontsize, fontweight="bold", color=ink("black"),
                bbox={"boxstyle": "round,pad=0.2" if long else "circle,pad=0.2", "fc": ink("white"), "ec": colors[c],
                      "alpha": 0.85, "lw": 1.5},
                gid="class_label", zorder=5)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def embedding(features: Any, y_true: ArrayLike, *, y_pred: ArrayLike | None = None,
              method: Literal["pca", "tsne"] = "pca", class_names: Sequence[object] | None = None,
              n_classes: int | None = None, random_state: int = 0, ax: Axes | None = None, fig: None = None,
              noun: str | None = None) -> Axes:
    """A 2-D map of the penultimate layer's activations: PCA (or t-SNE), one colour per class,
    misclassified digits marked with an ``x``.

    Points are coloured by their *true* class (seaborn's colour-blind palette) and each class's
    name is written at its centre, so the classes stay readable without telling colours apart;
    labels that would overlap are nudged apart, with a thin line back to their centre.

    Parameters
    ----------
    features : array (n, d)
        e.g. :func:`mnist_viz.features.penultimate_features` or ``run.features.embedding``.
    y_true : (n,) int or one-hot (n, C)
        The true classes.
    y_pred : (n,) int, one-hot or (n, C) probabilities / logits, optional
        The predicted classes. When given, points whose prediction differs from ``y_true`` are drawn as ``x``. Its labels
        must lie in the class range (see ``n_classes``).
    method : {"pca", "tsne"}
        PCA (fast, deterministic) or scikit-learn's t-SNE (seconds for a few thousand points).
    class_names : list of str, optional
    n_classes : int, optional
        The number of classes; ``y_true`` and ``y_pred`` outside ``0..n_classes-1`` raise
        ValueError. Default: ``len(class_names)``, else the columns of a 2-D ``y_pred``, else
        the largest true label + 1.
    random_state : int
        Seed for t-SNE (PCA is deterministic).
    ax : matplotlib Axes, optional
        Where to draw (default: a fresh figure).
    noun : str, optional
        The word for one sample in the title and alt text (default: "digit" for class names
        "0".."9" or none, else "image").
    fig : not accepted (one panel): a TypeError says to pass ``ax=fig.add_subplot()`` instead

    Returns
    -------
    matplotlib.axes.Axes
        The scatter, with the legend (true classes, then the errors) outside on the right.

    Example
    -------
    >>> import numpy as np, mnist_viz.plots as mp
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat(np.arange(3), 20); x = rng.normal(size=(60, 8)) + 3 * y[:, None]
    >>> ax = mp.embedding(x, y, y_pred=np.where(np.arange(60) == 5, 2, y))
    >>> [t.get_text() for t in ax.get_legend().get_texts()][-1]
    'misclassified (1)'
    """
    refuse_fig(fig, "embedding")
    if method not in {"pca", "tsne"}:
        raise ValueError(f"method must be 'pca' or 'tsne'; got {method!r}")
    x = np.asarray(features)
    if x.dtype == object or not np.issubdtype(x.dtype, np.number):
        raise TypeError(f"features must be a numeric array (n, d); got dtype {x.dtype}")
    if x.ndim == 1:
        x = x[:, None]
    elif x.ndim > 2:
        x = x.reshape(len(x), -1)
    x = x.astype(np.float64)
    class_names, known = class_names_and_count(class_names, n_classes, y_pred)
    y = as_labels(y_true, "y_true", n_classes=known)
    check_same_length(features=x, y_true=y)
    n_classes = int(known) if known is not None else (int(y.max()) + 1 if y.size else 0)
    wrong = None
    if y_pred is not None:
        try:
            p = as_labels(y_pred, "y_pred", n_classes=n_classes or None, scores=True)
        except ValueError as err:
            if known is None and "out of range" in str(err):
                raise ValueError(f"{err}, the classes found in y_true; pass n_classes= (or class_names=) if the "
                                 "model has more") from None
            raise
        check_same_length(features=x, y_pred=p)
        wrong = p != y
    full_names = class_names or [str(i) for i in range(n_classes)]
    names = short_names(full_names)  # drawn cut; the alt text keeps them whole
    noun = noun_for(class_names, noun)
    if x.size and not np.all(np.isfinite(x)):
        raise ValueError("features hold NaN or inf values")

    with plot_style():
        given = ax is not None
        ax = new_axes(ax, figsize=(6.4, 4.8))
        if len(x) == 0:
            draw_message(ax, "no points to embed (empty features)")
            set_alt_text(ax, "Empty embedding: no points.")
            return made_current(ax, not given)
        xy, (xl, yl) = _project(x, method, random_state)
        colors = class_palette(n_classes)
        ok = ~wrong if wrong is not None else np.ones(len(y), bool)
        size = 12 if len(x) > 2000 else 18
        for c in range(n_classes):
            sel = (y == c) & ok
            ax.scatter(xy[sel, 0], xy[sel, 1], s=size, color=colors[c], alpha=0.65, linewidths=0,
                       label=names[c], gid=f"class_{c}")
        if wrong is not None and wrong.any():
            for c in range(n_classes):
                sel = (y == c) & wrong
                if sel.any():
                    ax.scatter(xy[sel, 0], xy[sel, 1], s=size * 2.2, color=ink(ERROR_COLOR), marker=ERROR_MARKER,
                               linewidths=1.2, gid=f"errors_{c}", zorder=3)
        _centroid_labels(ax, xy, y, names, colors, n_classes)
        handles, labels_ = ax.get_legend_handles_labels()
        if wrong is not None:
            from matplotlib.lines import Line2D

            handles.append(Line2D([], [], marker=ERROR_MARKER, color=ink(ERROR_COLOR), linestyle="none", markersize=6))
            labels_.append(f"misclassified ({int(wrong.sum())})")
        ax.legend(handles, labels_, loc="center left", bbox_to_anchor=(1.01, 0.5), markerscale=1.5,
                  title="true class", handletextpad=0.2)
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
        ax.set_xticks([]), ax.set_yticks([])
        label = "PCA" if method == "pca" else "t-SNE"
        ax.set_title(f"{label} of {x.shape[1]}-d penultimate features ({count(len(x), noun)})")
    marked = f"; {int(wrong.sum())} misclassified marked with x" if wrong is not None else ""
    listed = ", ".join(full_names[:12]) + (", …" if n_classes > 12 else "")
    set_alt_text(ax, f"{label} embedding of the {x.shape[1]}-d features of {count(len(x), noun)}, coloured by true "
                     f"class ({n_classes} classes: {listed}){marked}.")
    return made_current(ax, not given)
