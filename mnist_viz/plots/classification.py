"""Classifier plots computed with scikit-learn: confusion matrix with recall/precision margins,
per-class metrics, and a reliability diagram with expected calibration error.

Example
-------
>>> import numpy as np, mnist_viz.plots as mp
>>> y_true = np.array([0, 1, 2, 2, 1, 0]); y_pred = np.array([0, 2, 2, 2, 1, 0])
>>> ax = mp.confusion_matrix(y_true, y_pred)
>>> [t.get_text() for t in ax.get_xticklabels()]
['0', '1', '2', 'recall']
"""
from __future__ import annotations

import numpy as np

from ._style import OKABE_ITO, SEQUENTIAL_CMAP, WRONG_COLOR, draw_message, plot_style, set_alt_text
from mnist_viz._arrays import positive_int, as_labels, as_probabilities, check_same_length
from mnist_viz.metrics import (accuracy as accuracy_of, confusion_counts, expected_calibration_error,
                               most_confused_pairs, per_class_metrics, reliability_bins)

__all__ = ["confusion_matrix", "class_metrics", "calibration", "expected_calibration_error"]

#: Beyond this many classes, cell values are not written in the confusion matrix (colour only).
MAX_ANNOTATED_CLASSES = 20
_MARGIN_GAP = 0.35  # gap, in cells, between the matrix and its recall/precision margins
#: calibration's gap bars: an opaque pale vermillion under a WRONG_COLOR hatch
GAP_FILL = "#F7D9C4"


def _n_classes(class_names, *arrays) -> int | None:
    if class_names is not None:
        return len(class_names)
    for a in arrays:
        a = np.asarray(a)
        if a.ndim == 2 and a.shape[1] > 1:
            return int(a.shape[1])
    return None


def _label_pair(y_true, y_pred, class_names, *, n_classes=None, pred_name="y_pred"):
    """Integer y_true / y_pred (labels, one-hot; y_pred also probabilities -> argmax) and the class
    count: ``n_classes``, else ``len(class_names)``, else the columns of a 2-D input, else the
    largest label + 1 (the only case where an out-of-range label cannot be caught)."""
    if class_names is not None:
        class_names = [str(c) for c in class_names]
        if not class_names:
            raise ValueError("class_names must name at least one class; got an empty list")
    if n_classes is not None:
        n_classes = positive_int(n_classes, "n_classes")
        if class_names is not None and len(class_names) != n_classes:
            raise ValueError(f"class_names has {len(class_names)} names, n_classes is {n_classes}")
    n = n_classes if n_classes is not None else _n_classes(class_names, y_true, y_pred)
    yt = as_labels(y_true, "y_true", n_classes=n)
    yp = as_labels(y_pred, pred_name, n_classes=n, scores=True)
    check_same_length(y_true=yt, **{pred_name: yp})
    if n is None:
        n = int(max(yt.max(initial=-1), yp.max(initial=-1)) + 1)
    names = class_names if class_names is not None else [str(i) for i in range(n)]
    return yt, yp, n, names


def _is_dark(rgba) -> np.ndarray:
    """True where an RGBA colour (array (..., 4)) is dark enough to need white text (luminance)."""
    rgba = np.asarray(rgba, dtype=float)
    return rgba[..., 0] * 0.2126 + rgba[..., 1] * 0.7152 + rgba[..., 2] * 0.0722 <= 0.45


def _text_color(rgba) -> str:
    return "white" if _is_dark(rgba) else "black"


def _fresh_axes(ax, figsize, layout="constrained"):
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _fig, ax = plt.subplots(figsize=figsize, layout=layout)
    return ax


def _cm_axes(n, names, *, margins, colorbar, margin_colorbar=False):
    """A fresh figure laid out by hand for a square matrix plus colorbar (no layout engine: the
    constrained/compressed pass costs a third of the render time at 10,000 predictions). With
    ``margin_colorbar`` a second, shorter colorbar (for the recall/precision margins) sits under
    the first. Returns ``(ax, cax, margin_cax)``."""
    import matplotlib.pyplot as plt

    side = 4.6 if n <= 10 else min(10.0, 2.2 + 0.17 * n)  # the matrix (with its margins), inches
    longest = max([len(s) for s in names] + [len("precision") if margins else 1])
    char = (8 if n <= 20 else 7) * 0.6 / 72  # average DejaVu Sans digit/letter width, inches
    left = 0.35 + 0.12 + longest * char
    rotated = n > 20
    bottom = 0.3 + 0.12 + (max(len(s) for s in names + (["recall"] if margins else [])) * char if rotated else 0.15)
    top, right = 0.35, (0.9 if colorbar else 0.15)
    width, height = left + side + right, bottom + side + top
    fig = plt.figure(figsize=(round(width, 2), round(height, 2)))
    ax = fig.add_axes((left / width, bottom / height, side / width, side / height))
    cb_x, cb_w = (left + side + 0.15) / width, 0.14 / width
    if colorbar and margin_colorbar:
        cax = fig.add_axes((cb_x, (bottom + 0.45 * side) / height, cb_w, 0.5 * side / height))
        mcax = fig.add_axes((cb_x, (bottom + 0.05 * side) / height, cb_w, 0.3 * side / height))
        return ax, cax, mcax
    cax = fig.add_axes((cb_x, (bottom + 0.1 * side) / height, cb_w, 0.8 * side / height)) if colorbar else None
    return ax, cax, None


def confusion_matrix(y_true, y_pred, *, normalize=None, class_names=None, n_classes=None, margins=True,
                     cmap=SEQUENTIAL_CMAP, values_format=None, colorbar=True, im_kw=None, text_kw=None, ax=None):
    """Confusion matrix (rows = true class, columns = predicted class) with per-class recall in the
    right margin and precision in the bottom margin.

    Parameters
    ----------
    y_true : array-like (n,) of int, or one-hot (n, C)
    y_pred : array-like (n,) of int, or (n, C) probabilities / logits / one-hot (argmax is taken)
    normalize : {None, "true", "pred", "all"}
        None: counts; "true": each row sums to 1 (recall on the diagonal); "pred": each column sums
        to 1 (precision on the diagonal); "all": the whole matrix sums to 1.
    class_names : list of str, optional
        Tick labels; its length fixes the number of classes (default ``0..C-1``).
    n_classes : int, optional
        The number of classes C (as scikit-learn's ``labels=range(C)``): any label outside
        ``0..C-1`` raises ValueError. Default: ``len(class_names)``, else the columns of a 2-D
        input, else the largest label + 1 (then a stray label silently adds a class).
    margins : bool
        Add the recall column, the precision row and the overall accuracy in the corner (all on a
        0..1 scale of the same colormap). Their values are written as percentages: ``93%`` up to
        20 classes, ``93`` in small type beyond (tick labels ``recall %`` / ``precision %``); when
        the matrix shows counts and its cells are not written (over 20 classes), a second colorbar
        reads the margins (0-100 %).
    cmap : str
        A colour-blind-safe sequential map (``"viridis"``, ``"cividis"``).
    values_format : str, optional
        Format of the cell values (default ``"d"`` for counts, ``".2f"`` normalized). Cell values
        are written up to 20 classes and left out beyond (the colorbar still reads them).
    colorbar : bool
    im_kw, text_kw : dict, optional
        Passed to ``imshow`` of the matrix and to each cell's ``text`` (as scikit-learn's
        ``ConfusionMatrixDisplay.plot``), e.g. ``text_kw={"fontsize": 6}``.
    ax : Axes, optional (default: a fresh figure)

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import mnist_viz.plots as mp
    >>> ax = mp.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], normalize="true")
    >>> ax.images[0].get_cmap().name, ax.get_xlabel()
    ('viridis', 'predicted class')
    >>> mp.alt_text(ax)
    'Confusion matrix of 4 predictions over 3 classes; accuracy 75.0%; most confused: true 1 → pred 2 (1).'
    >>> mp.confusion_matrix([0, 1, 9], [0, 1, 1], n_classes=3)
    Traceback (most recent call last):
    ...
    ValueError: y_true holds label 9, out of range for 3 classes (0..2)
    """
    if normalize not in (None, "true", "pred", "all"):
        raise ValueError(f"normalize must be None, 'true', 'pred' or 'all'; got {normalize!r}")
    yt, yp, n, names = _label_pair(y_true, y_pred, class_names, n_classes=n_classes)
    annotate = n <= MAX_ANNOTATED_CLASSES
    # the margins' own colour scale, when the only colorbar would read counts and no value is written
    margin_colorbar = margins and colorbar and normalize is None and not annotate
    with plot_style():
        cax = mcax = None
        if ax is None:
            ax, cax, mcax = _cm_axes(n, names, margins=margins, colorbar=colorbar, margin_colorbar=margin_colorbar)
        if yt.size == 0:
            draw_message(ax, "No predictions to plot.")
            set_alt_text(ax, "Confusion matrix: no predictions to plot.")
            return ax
        counts = confusion_counts(yt, yp, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            if normalize == "true":
                cm = counts / counts.sum(axis=1, keepdims=True)
            elif normalize == "pred":
                cm = counts / counts.sum(axis=0, keepdims=True)
            elif normalize == "all":
                cm = counts / counts.sum()
            else:
                cm = counts
            cm = np.nan_to_num(np.asarray(cm, dtype=float)) if normalize else cm
            recall = np.diag(counts) / counts.sum(axis=1)
            precision = np.diag(counts) / counts.sum(axis=0)
        accuracy = accuracy_of(yt, yp)
        fmt = values_format or (".2f" if normalize else "d")

        import matplotlib as mpl
        from matplotlib.ticker import PercentFormatter

        cmap_obj = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
        vmax = 1.0 if normalize else max(float(cm.max()), 1.0)
        im = ax.imshow(cm, **{"cmap": cmap_obj, "vmin": 0, "vmax": vmax, "interpolation": "nearest",
                              **(im_kw or {}), "extent": (-0.5, n - 0.5, n - 0.5, -0.5)})
        fontsize = 8 if n <= 10 else (6.5 if n <= 15 else 5.5)
        if annotate:
            dark = _is_dark(im.cmap(im.norm(cm)))  # one colormap call for every cell
            for i in range(n):
                for j in range(n):
                    ax.text(j, i, format(cm[i, j], fmt), **{"ha": "center", "va": "center", "fontsize": fontsize,
                                                            "color": "white" if dark[i, j] else "black",
                                                            **(text_kw or {}), "gid": "cell"})
        ticks = list(range(n))
        xlabels, ylabels = list(names), list(names)
        if margins:
            g = _MARGIN_GAP
            cells = np.ma.masked_invalid
            margin_im = ax.imshow(cells(recall[:, None]), cmap=cmap_obj, vmin=0, vmax=1, interpolation="nearest",
                                  extent=(n - 0.5 + g, n + 0.5 + g, n - 0.5, -0.5))
            ax.imshow(cells(precision[None, :]), cmap=cmap_obj, vmin=0, vmax=1, interpolation="nearest",
                      extent=(-0.5, n - 0.5, n + 0.5 + g, n - 0.5 + g))
            ax.imshow([[accuracy]], cmap=cmap_obj, vmin=0, vmax=1, interpolation="nearest",
                      extent=(n - 0.5 + g, n + 0.5 + g, n + 0.5 + g, n - 0.5 + g))
            # percentages: "93%" when the cells are written, bare "93" in small type beyond (the tick
            # labels then say "%"), so the margins stay readable at 47 classes
            pct = "{:.0%}" if annotate else "{:.0f}"
            scale = 1 if annotate else 100
            msize = fontsize if annotate else 6.5

            def fmt_pct(v):
                return "–" if np.isnan(v) else pct.format(v * scale)

            for i, r in enumerate(recall):
                ax.text(n + g, i, fmt_pct(r), ha="center", va="center", fontsize=msize,
                        color=_text_color(cmap_obj(0 if np.isnan(r) else r)), gid="recall")
            for j, p in enumerate(precision):
                ax.text(j, n + g, fmt_pct(p), ha="center", va="center", fontsize=msize,
                        color=_text_color(cmap_obj(0 if np.isnan(p) else p)), gid="precision")
            ax.text(n + g, n + g, fmt_pct(accuracy), ha="center", va="center", fontsize=msize,
                    fontweight="bold", color=_text_color(cmap_obj(accuracy)), gid="accuracy")
            ticks_x = ticks + [n + g]
            xlabels.append("recall" if annotate else "recall %")
            ylabels.append("precision" if annotate else "precision %")
            ax.set_xlim(-0.5, n + 0.5 + g)
            ax.set_ylim(n + 0.5 + g, -0.5)
        else:
            ticks_x = ticks
        tick_size = 8 if n <= 20 else 7
        ax.set_xticks(ticks_x, xlabels, fontsize=tick_size, rotation=90 if n > 20 else 0)
        ax.set_yticks(ticks_x, ylabels, fontsize=tick_size)
        if margins:
            for lab in (ax.get_xticklabels()[-1], ax.get_yticklabels()[-1]):
                lab.set_fontstyle("italic")
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
        title = {None: "Confusion matrix", "true": "Confusion matrix (normalized by true class)",
                 "pred": "Confusion matrix (normalized by predicted class)",
                 "all": "Confusion matrix (normalized over all)"}[normalize]
        ax.set_title(title)
        if colorbar:
            if cax is not None:
                cb = ax.figure.colorbar(im, cax=cax)
            else:
                cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.03, shrink=0.85)
            cb.set_label("fraction" if normalize else "count")
            cb.outline.set_visible(False)
            if margin_colorbar:
                mcb = (ax.figure.colorbar(margin_im, cax=mcax, format=PercentFormatter(1.0)) if mcax is not None else
                       ax.figure.colorbar(margin_im, ax=ax, fraction=0.046, pad=0.03, shrink=0.5,
                                          format=PercentFormatter(1.0)))
                mcb.set_label("margins: recall / precision")
                mcb.outline.set_visible(False)

        text = f"Confusion matrix of {yt.size:,} predictions over {n} classes; accuracy {accuracy:.1%}"
        for i, j, count in most_confused_pairs(yt, yp, n, n_pairs=1):
            text += f"; most confused: true {names[i]} → pred {names[j]} ({count:,})"
        set_alt_text(ax, text + ".")
        return ax


def class_metrics(y_true, y_pred, *, class_names=None, n_classes=None, kind="bars", ax=None):
    """Per-class precision, recall and F1 (``sklearn.metrics.precision_recall_fscore_support``) with
    the support of each class.

    Parameters
    ----------
    y_true, y_pred : labels (n,), one-hot or probabilities (n, C) (argmax is taken)
    class_names : list of str, optional
    n_classes : int, optional
        The number of classes; labels outside ``0..n_classes-1`` raise ValueError (as in
        :func:`confusion_matrix`).
    kind : {"bars", "table"}
        "bars": grouped bars per class, support under each class name, accuracy as a dashed line.
        "table": a heat table (classes × precision/recall/F1) with the support column — the
        readable choice for many classes.
    ax : Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import mnist_viz.plots as mp
    >>> ax = mp.class_metrics([0, 0, 1, 1], [0, 1, 1, 1])
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:3]
    ['precision', 'recall', 'F1']
    """
    if kind not in ("bars", "table"):
        raise ValueError(f"kind must be 'bars' or 'table'; got {kind!r}")
    yt, yp, n, names = _label_pair(y_true, y_pred, class_names, n_classes=n_classes)
    with plot_style():
        if kind == "bars":
            ax = _fresh_axes(ax, (max(6.4, 0.55 * n + 1.5), 3.6))
        else:
            ax = _fresh_axes(ax, (4.6, max(3.0, 0.22 * n + 1.2)))
        if yt.size == 0:
            draw_message(ax, "No predictions to score.")
            set_alt_text(ax, "Per-class metrics: no predictions to score.")
            return ax
        scores = per_class_metrics(yt, yp, n)
        p, r, f, s = (scores[c].to_numpy() for c in ("precision", "recall", "f1", "support"))
        accuracy = accuracy_of(yt, yp)
        if kind == "bars":
            x = np.arange(n)
            w = 0.27
            for k, (vals, label, color) in enumerate(
                    ((p, "precision", OKABE_ITO[0]), (r, "recall", OKABE_ITO[1]), (f, "F1", OKABE_ITO[2]))):
                ax.bar(x + (k - 1) * w, vals, width=w, color=color, label=label)
            ax.axhline(accuracy, color="0.3", linestyle="--", linewidth=1, label=f"accuracy {accuracy:.1%}")
            ax.set_xticks(x, [f"{nm}\nn={c:,}" for nm, c in zip(names, s)], fontsize=7 if n <= 15 else 5)
            ax.set_xlim(-0.6, n - 0.4)
            lo = min(float(np.min(np.concatenate([p, r, f]))), accuracy)
            ax.set_ylim(max(0.0, np.floor((lo - 0.05) * 10) / 10), 1.0)
            ax.set_ylabel("score")
            ax.set_xlabel("class (support)")
            handles, labels = ax.get_legend_handles_labels()
            order = [labels.index(t) for t in ("precision", "recall", "F1")] + [0]
            ax.legend([handles[i] for i in order], [labels[i] for i in order], loc="upper left",
                      bbox_to_anchor=(1.0, 1.0))
        else:
            table = np.column_stack([p, r, f])
            im = ax.imshow(table, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
            fs = 8 if n <= 15 else (7 if n <= 30 else 6)
            for i in range(n):
                for j in range(3):
                    ax.text(j, i, f"{table[i, j]:.2f}", ha="center", va="center", fontsize=fs,
                            color=_text_color(im.cmap(table[i, j])))
                ax.text(3.0, i, f"{s[i]:,}", ha="center", va="center", fontsize=fs, color="black")
            ax.set_xlim(-0.5, 3.5)
            ax.set_xticks([0, 1, 2, 3], ["precision", "recall", "F1", "support"])
            ax.xaxis.tick_top()
            ax.set_yticks(np.arange(n), names, fontsize=8 if n <= 30 else 6.5)
            ax.tick_params(length=0)
            for spine in ax.spines.values():
                spine.set_visible(False)
            ax.set_ylabel("class")
        sep = " " if kind == "bars" else "\n"
        ax.set_title(f"Per-class metrics{sep}({yt.size:,} samples, accuracy {accuracy:.1%})")
        worst = int(np.argmin(f))
        set_alt_text(ax, f"Per-class precision, recall and F1 for {n} classes ({yt.size:,} samples); "
                         f"macro F1 {np.mean(f):.2f}; lowest F1: class {names[worst]} ({f[worst]:.2f}).")
        return ax


def calibration(y_true, probabilities, *, n_bins=10, ax=None):
    """Reliability diagram: accuracy vs top-class confidence per bin, the gap to the diagonal
    (a pale hatched block above the bar where the model is overconfident, a hatch over the bar's top
    where it is underconfident), the expected calibration error (ECE, weighted by bin counts) in the
    title, and a
    histogram of confidences in a strip under the diagram (an inset Axes sharing x, placed below
    ``ax``: leave room under a given ``ax``).

    Parameters
    ----------
    y_true : labels (n,) or one-hot (n, C)
    probabilities : (n, C) probabilities (logits are detected; softmax is applied with a warning)
    n_bins : int
    ax : Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import mnist_viz.plots as mp
    >>> ax = mp.calibration([0, 1, 1], [[0.9, 0.1], [0.3, 0.7], [0.6, 0.4]], n_bins=5)
    >>> ax.get_title()
    'Reliability diagram (ECE = 0.333)'
    """
    n_bins = positive_int(n_bins, "n_bins")
    probs = as_probabilities(probabilities, "probabilities")
    yt = as_labels(y_true, "y_true", n_classes=probs.shape[1] if probs.size else None)
    check_same_length(y_true=yt, probabilities=probs)
    bins = reliability_bins(yt, probs, n_bins=n_bins)
    edges, count, conf, acc, ece = bins.edges, bins.count, bins.mean_confidence, bins.accuracy, bins.ece
    with plot_style():
        if ax is None:
            import matplotlib.pyplot as plt

            fig = plt.figure(figsize=(5.0, 6.4))
            ax = fig.add_axes((0.13, 0.31, 0.82, 0.55))  # room above for the legend, below for the histogram
        if yt.size == 0:
            draw_message(ax, "No predictions to calibrate.")
            set_alt_text(ax, "Reliability diagram: no predictions to calibrate.")
            return ax
        width = np.diff(edges)
        used = bins.used
        ax.plot([0, 1], [0, 1], linestyle="--", color="0.4", linewidth=1, label="perfect calibration")
        ax.bar(edges[:-1][used], acc[used], width=width[used], align="edge", color=OKABE_ITO[0], alpha=0.85,
               edgecolor="white", linewidth=0.8, label="accuracy", gid="accuracy")
        # The gap between accuracy and confidence, in solid colours only (the report's 128-colour PNG
        # palette turned a see-through tint over the blue bar into a grey block):
        # overconfident bins (confidence > accuracy): a pale vermillion block with a hatch above the bar;
        # underconfident bins (accuracy > confidence): a vermillion hatch over the bar's own top, so
        # the bar still reads up to its accuracy.
        for sel, style, label in (
                (conf > acc, {"facecolor": GAP_FILL, "hatch": "////"}, "gap: overconfident"),
                (acc > conf, {"facecolor": "none", "hatch": "\\\\"}, "gap: underconfident")):
            sel = used & sel
            if sel.any():
                ax.bar(edges[:-1][sel], np.abs(conf[sel] - acc[sel]), bottom=np.minimum(acc[sel], conf[sel]),
                       width=width[sel], align="edge", edgecolor=WRONG_COLOR, linewidth=0.8, label=label, gid="gap",
                       **style)
        ax.plot(conf[used], acc[used], marker="o", markersize=3.5, linestyle="none", color="black",
                label="bin (mean confidence, accuracy)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_ylabel("accuracy")
        ax.set_title(f"Reliability diagram (ECE = {ece:.3f})", pad=50)
        # above the diagram, not over bars that may reach 1.0 anywhere
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01, 1.0, 0.1), mode="expand", ncol=2, borderaxespad=0,
                  handlelength=1.6, columnspacing=1.0)
        ax.tick_params(labelbottom=False)
        # confidence histogram in a strip under the diagram, sharing its x axis
        hist_ax = ax.inset_axes((0.0, -0.34, 1.0, 0.26), sharex=ax)
        hist_ax.bar(edges[:-1], count, width=width, align="edge", color="0.6", edgecolor="white", linewidth=0.5)
        hist_ax.set_ylabel("samples")
        hist_ax.set_xlabel("confidence (top-class probability)")
        hist_ax.set_gid("confidence_histogram")
        over = float(np.sum(count[used] * (conf[used] - acc[used])) / count.sum())
        tendency = "overconfident" if over > 0 else "underconfident"
        set_alt_text(ax, f"Reliability diagram of {yt.size:,} predictions in {n_bins} bins; expected calibration "
                         f"error {ece:.3f}; mean confidence {probs.max(axis=1).mean():.1%} vs accuracy "
                         f"{accuracy_of(yt, probs.argmax(axis=1)):.1%} ({tendency}).")
        return ax
