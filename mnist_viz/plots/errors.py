"""The errors to look at first: the most confident misclassified digits
(:func:`mnist_viz.metrics.most_confident_errors`) and the most confused class pairs with examples
(:func:`mnist_viz.metrics.most_confused_pairs`). Both draw every digit on one Axes, as one mosaic.

Example
-------
>>> import numpy as np, mnist_viz.plots as mp
>>> probs = np.array([[0.1, 0.9], [0.8, 0.2], [0.4, 0.6]])
>>> fig = mp.misclassified(np.zeros((3, 28, 28)), [0, 0, 1], probs)
>>> mp.alt_text(fig)
'The 1 most confident of 1 misclassified digit out of 3; worst: true 0 predicted 1 with probability 0.90.'
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, overload

import numpy as np

from mnist_viz._arrays import positive_int
from mnist_viz._words import count, noun_for, plural
from mnist_viz.metrics import most_confident_errors, most_confused_pairs

from ._figure import FigureLike, FigureTarget, image_canvas, message_figure, refuse_ax, square_pixels
from ._inputs import digit_predictions
from ._labels import short_names, widest
from ._mosaic import DIGIT, digit_title, draw_digits, frame_digit
from ._style import WRONG_COLOR, digit_range, plot_style, set_alt_text
from ._theme import ink

if TYPE_CHECKING:
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.gridspec import SubplotSpec
    from numpy.typing import ArrayLike

__all__ = ["misclassified", "confused_pairs"]

#: the size of every title in these views (each digit's, each pair's), points: 9 pt at least
TITLE_SIZE = 9.0


def _ranked_errors(y: np.ndarray, probs: np.ndarray, view: str, none: str, noun: str,
                   fig: FigureTarget) -> tuple[np.ndarray | None, np.ndarray | None, FigureLike | None]:
    """``(errors most confident first, predicted classes, None)``, or ``(None, None, figure)``: a
    message figure when there is no digit or no error to show (``view`` and ``none`` word its alt text)."""
    if y.size == 0:
        return None, None, message_figure(f"No {plural(noun)} to show.", f"{view}: no {plural(noun)} given.", fig=fig)
    order, pred = most_confident_errors(y, probs), probs.argmax(axis=1)
    if order.size == 0:
        return None, None, message_figure(f"No misclassified {plural(noun)} among {y.size:,}.",
                                          f"{view}: {none} among {y.size:,} predictions.", fig=fig)
    return order, pred, None


@overload
def misclassified(images: ArrayLike, y_true: ArrayLike, probabilities: ArrayLike, *, n: int = 16,
                  ncols: int | None = None, class_names: Sequence[object] | None = None, noun: str | None = None,
                  fig: Figure | None = None, ax: None = None) -> Figure: ...


@overload
def misclassified(images: ArrayLike, y_true: ArrayLike, probabilities: ArrayLike, *, n: int = 16,
                  ncols: int | None = None, class_names: Sequence[object] | None = None, noun: str | None = None,
                  fig: SubFigure | SubplotSpec, ax: None = None) -> SubFigure: ...


def misclassified(images: ArrayLike, y_true: ArrayLike, probabilities: ArrayLike, *, n: int = 16,
                  ncols: int | None = None, class_names: Sequence[object] | None = None, noun: str | None = None,
                  fig: FigureTarget = None, ax: None = None) -> FigureLike:
    """The ``n`` most confident errors, each titled ``true 4 → pred 9 (0.97)``.

    Parameters
    ----------
    images, y_true, probabilities : as in :func:`topk_grid`
    n : int, errors to show (fewer if there are fewer errors)
    ncols : int, optional (default: up to 8, about square)
    class_names : list of str, optional
        Drawn cut to 16 characters with "…" (the alt text keeps them whole); a title wider than
        its digit goes onto two or three lines.
    noun : str, optional: the word for one sample (as in :func:`topk_grid`)
    fig : Figure, SubFigure or SubplotSpec, optional
        Where to draw the digits, with square pixels (``gs[0, 1]``: a new SubFigure in that cell); default: a fresh figure.

    Returns
    -------
    matplotlib.figure.Figure or SubFigure
        One Axes holds every digit: one mosaic image (gid ``"digits"``), a vermillion Rectangle
        frame per digit (gid ``"frame"``) and its title as an annotation (gid ``"title"``).

    Example
    -------
    >>> import numpy as np, mnist_viz.plots as mp
    >>> probs = np.array([[0.97, 0.03], [0.2, 0.8], [0.6, 0.4]])
    >>> fig = mp.misclassified(np.zeros((3, 784)), [1, 1, 1], probs)
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "title"]
    ['true 1 → pred 0 (0.97)', 'true 1 → pred 0 (0.60)']
    """
    refuse_ax(ax, "misclassified")
    imgs, y, probs, names = digit_predictions(images, y_true, probabilities, class_names)
    noun = noun_for(class_names, noun)
    n = positive_int(n, "n")
    with plot_style():
        order, pred, empty = _ranked_errors(y, probs, f"Misclassified {plural(noun)}", "none", noun, fig)
        if empty is not None or order is None or pred is None:
            return empty  # type: ignore[return-value]
        show = order[:n]
        m = show.size
        ncols = positive_int(ncols, "ncols") if ncols is not None else min(8, int(np.ceil(np.sqrt(m))))
        ncols = min(ncols, m)
        nrows = -(-m // ncols)
        # one cell: a 28-pixel digit, 2 pixels apart, a 5-pixel band above for its title; one Axes
        # and one mosaic image for all (1.55 inches a cell, as when each digit had its own Axes)
        pitch_x = DIGIT + 2
        shown = short_names(names)
        parts = [(f"true {shown[y[i]]}", f"pred {shown[pred[i]]}", f"({probs[i, pred[i]]:.2f})") for i in show]
        # a title wider than its digit's cell goes onto two lines (three if need be), in a taller band
        layouts = [[f"{t} → {p} {q}" for t, p, q in parts], [f"{t}\n→ {p} {q}" for t, p, q in parts],
                   [f"{t}\n→ {p}\n{q}" for t, p, q in parts]]
        titles = next(lay for lay in layouts if widest(lay, TITLE_SIZE) <= 0.95 * 1.55 or lay is layouts[-1])
        band = 5 + 4 * titles[0].count("\n")
        pitch_y = DIGIT + band
        mosaic = np.full((nrows * pitch_y + 2, ncols * pitch_x + 1), np.nan)  # + room for the last frames
        canvas, ax = image_canvas(1.55 * ncols, mosaic.shape, top_in=0.27, fig=fig)
        vmin, vmax = digit_range(imgs)
        for cell, i in enumerate(show):
            r, c = divmod(cell, ncols)
            r0, c0 = r * pitch_y + band, c * pitch_x + 1
            mosaic[r0:r0 + DIGIT, c0:c0 + DIGIT] = imgs[i]
            frame_digit(ax, r0, c0, WRONG_COLOR, 1.2)
            digit_title(ax, r0, c0, titles[cell], TITLE_SIZE)
        draw_digits(ax, mosaic, vmin, vmax)
        if fig is not None:
            square_pixels(ax)
        n_err = order.size
        canvas.suptitle(f"Most confident errors ({m} of {count(n_err, 'error')} in {count(y.size, noun)})", fontsize=9)
        i0 = show[0]
        set_alt_text(canvas, f"The {m} most confident of {n_err:,} misclassified {noun if n_err == 1 else plural(noun)} "
                          f"out of {y.size:,}; "
                          f"worst: true {names[y[i0]]} predicted {names[pred[i0]]} "
                          f"with probability {probs[i0, pred[i0]]:.2f}.")
        return canvas


@overload
def confused_pairs(images: ArrayLike, y_true: ArrayLike, probabilities: ArrayLike, *, n_pairs: int = 5,
                   n_examples: int = 6, class_names: Sequence[object] | None = None, noun: str | None = None,
                   fig: Figure | None = None, ax: None = None) -> Figure: ...


@overload
def confused_pairs(images: ArrayLike, y_true: ArrayLike, probabilities: ArrayLike, *, n_pairs: int = 5,
                   n_examples: int = 6, class_names: Sequence[object] | None = None, noun: str | None = None,
                   fig: SubFigure | SubplotSpec, ax: None = None) -> SubFigure: ...


def confused_pairs(images: ArrayLike, y_true: ArrayLike, probabilities: ArrayLike, *, n_pairs: int = 5,
                   n_examples: int = 6, class_names: Sequence[object] | None = None, noun: str | None = None,
                   fig: FigureTarget = None, ax: None = None) -> FigureLike:
    """The most confused (true, predicted) class pairs, one row each, with example digits (most
    confident errors of that pair first).

    Parameters
    ----------
    images, y_true, probabilities : as in :func:`topk_grid`
    n_pairs : int, rows (pairs ranked by error count, ties by class order)
    n_examples : int, digits per row
    class_names : list of str, optional
        Drawn cut to 16 characters with "…" (the alt text keeps them whole); long names put the
        pair on three lines in a wider head column.
    noun : str, optional: the word for one sample (as in :func:`topk_grid`)
    fig : Figure, SubFigure or SubplotSpec, optional
        Where to draw the pairs' rows, with square pixels (``gs[0, 1]``: a new SubFigure in that cell); default: a fresh figure.

    Returns
    -------
    matplotlib.figure.Figure or SubFigure
        One Axes holds everything: the pair names (texts, gid ``"pair"``), one mosaic image of the
        digits (gid ``"digits"``), a grey Rectangle frame per digit (gid ``"frame"``) and the
        wrong class's probability above it (annotations, gid ``"title"``).

    Example
    -------
    >>> import numpy as np, mnist_viz.plots as mp
    >>> probs = np.eye(3)[[1, 1, 2, 0]] * 0.8 + 0.2 / 3
    >>> fig = mp.confused_pairs(np.zeros((4, 28, 28)), [0, 0, 1, 0], probs)
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "pair"]
    ['true 0 → pred 1\\n2 errors', 'true 1 → pred 2\\n1 error']
    """
    refuse_ax(ax, "confused_pairs")
    imgs, y, probs, names = digit_predictions(images, y_true, probabilities, class_names)
    noun = noun_for(class_names, noun)
    n_pairs = positive_int(n_pairs, "n_pairs")
    n_examples = positive_int(n_examples, "n_examples")
    with plot_style():
        order, pred, empty = _ranked_errors(y, probs, "Confused pairs", "no errors", noun, fig)
        if empty is not None or order is None or pred is None:
            return empty  # type: ignore[return-value]
        pairs = most_confused_pairs(y, pred, probs.shape[1], n_pairs=n_pairs)
        rows = len(pairs)
        # one row per pair: its name in a head column, then the digits 3 pixels apart, each under a
        # 7-pixel band for its probability; one Axes and one mosaic image for all
        head, pitch_x, band = 50, DIGIT + 3, 7
        pitch_y = DIGIT + band
        inch = (1.1 * n_examples + 1.6) / (head + n_examples * pitch_x + 2)  # one mosaic pixel, inches
        shown = short_names(names)
        heads = [f"true {shown[t]} → pred {shown[p]}\n{nerr:,} error{'s' if nerr != 1 else ''}" for t, p, nerr in pairs]
        if widest(heads, TITLE_SIZE) > (head - 4) * inch:  # long names: one line each, and a wider head column
            heads = [f"true {shown[t]}\n→ pred {shown[p]}\n{nerr:,} error{'s' if nerr != 1 else ''}"
                     for t, p, nerr in pairs]
            head = max(head, int(np.ceil(widest(heads, TITLE_SIZE) / inch)) + 5)
        mosaic = np.full((rows * pitch_y + 2, head + n_examples * pitch_x + 2), np.nan)  # + room for the last frames
        canvas, ax = image_canvas(1.1 * n_examples + 1.6 + (head - 50) * inch, mosaic.shape, top_in=0.27, fig=fig)
        vmin, vmax = digit_range(imgs)
        for row, (t, p, nerr) in enumerate(pairs):
            r0 = row * pitch_y + band
            ax.text(head - 3, r0 - 0.5 + DIGIT / 2, heads[row], ha="right", va="center", fontsize=TITLE_SIZE, gid="pair")
            examples = order[(y[order] == t) & (pred[order] == p)][:n_examples]
            for col, i in enumerate(examples):
                c0 = head + col * pitch_x + 1
                mosaic[r0:r0 + DIGIT, c0:c0 + DIGIT] = imgs[i]
                frame_digit(ax, r0, c0, ink("0.6"), 0.8)
                digit_title(ax, r0, c0, f"{probs[i, p]:.2f}", TITLE_SIZE)
        draw_digits(ax, mosaic, vmin, vmax)
        if fig is not None:
            square_pixels(ax)
        canvas.suptitle(f"Most confused class pairs ({count(order.size, 'error')} in {count(y.size, noun)}; "
                     f"probability of the wrong class above each {noun})", fontsize=9)
        summary = ", ".join(f"{names[t]}→{names[p]} ({count})" for t, p, count in pairs)
        set_alt_text(canvas, f"The {rows} most confused class pairs among {order.size:,} errors in "
                          f"{count(y.size, noun)}, as true→predicted (count): {summary}.")
        return canvas
