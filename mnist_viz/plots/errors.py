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

from ._figure import (FigureLike, FigureTarget, figure_size, image_canvas, message_figure, refuse_ax, square_pixels,
                      target_figure)
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

#: the size of every title in these views (each digit's, each pair's), points: 9 pt at least on a
#: fresh figure; smaller only in a user's (sub)figure too small for the view at 9 pt
TITLE_SIZE = 9.0
#: the suptitle's room above the mosaic, inches (of the view's own size)
TOP_IN = 0.27
#: a misclassified digit's cell (28 pixels and 2 apart), inches wide on a fresh figure
CELL_IN = 1.55


def _scale(target: FigureLike | None, width_in: float, height_in: float) -> float:
    """How much the view of ``width_in × height_in`` inches shrinks in ``target`` (square pixels, as
    :func:`~mnist_viz.plots._figure.image_canvas` fits it): 1 on a fresh figure or a roomier one
    (its titles then break and size as on a fresh figure)."""
    if target is None:
        return 1.0
    w, h = figure_size(target)
    return min(1.0, w / width_in, h / height_in)


def _title_layout(parts: list[tuple[str, str, str]], ncols: int, nrows: int,
                  target: FigureLike | None) -> tuple[list[str], float, int, float]:
    """``(titles, font size, band, scale)`` for :func:`misclassified`: each title on one line if it
    fits its digit's cell at 9 pt, else two or three lines in a taller band (``band`` mosaic pixels
    above each digit). The cell is the real one: in a smaller ``target`` the lines are chosen for
    its width and the font shrinks until the titles fit their cells and bands (the largest font
    wins); a fresh figure keeps 9 pt."""
    layouts = [[f"{t} → {p} {q}" for t, p, q in parts], [f"{t}\n→ {p} {q}" for t, p, q in parts],
               [f"{t}\n→ {p}\n{q}" for t, p, q in parts]]
    pitch_x = DIGIT + 2
    best: tuple[list[str], float, int, float] | None = None
    for lay in layouts:
        lines = lay[0].count("\n") + 1
        band = 1 + 4 * lines
        pixel_in = CELL_IN * ncols / (ncols * pitch_x + 1)
        scale = _scale(target, CELL_IN * ncols, (nrows * (DIGIT + band) + 2) * pixel_in + TOP_IN)
        across = TITLE_SIZE * 0.95 * CELL_IN * scale / max(widest(lay, TITLE_SIZE), 1e-9)
        down = band * pixel_in * scale * 72 / (3.5 / 9 + 1.25 * lines)  # offset + lines, points
        if min(across, down) >= TITLE_SIZE:
            return lay, TITLE_SIZE, band, scale
        fit = float(np.floor(0.9 * min(across, down) * 10) / 10)  # small text draws a little wider than it measures
        if best is None or fit >= best[1]:
            best = (lay, fit, band, scale)
    assert best is not None
    return best if target is not None else (best[0], TITLE_SIZE, best[2], best[3])


def _suptitle(canvas: FigureLike, text: str, scale: float, given: bool) -> None:
    """The view's suptitle at 9 pt; in a user's (sub)figure, smaller where its room above the
    mosaic (``TOP_IN`` inches, times ``scale``) or the (sub)figure's width would not hold it."""
    size = TITLE_SIZE
    if given:
        size = min(size, TOP_IN * 72 * scale / 2, size * 0.96 * figure_size(canvas)[0] / max(widest([text], size), 1e-9))
    canvas.suptitle(text, fontsize=round(size, 2))


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
        In a (sub)figure smaller than the view, each title's lines are chosen for its real cell and
        its font shrinks (below 9 pt) until no two texts overlap.
    ax : not accepted (several panels): a TypeError says to pass ``fig=ax.get_subplotspec()`` instead

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
    imgs, y, probs, names, pixel_note = digit_predictions(images, y_true, probabilities, class_names)
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
        # one cell: a 28-pixel digit, 2 pixels apart, a band above for its title; one Axes and one
        # mosaic image for all (1.55 inches a cell, as when each digit had its own Axes)
        pitch_x = DIGIT + 2
        shown = short_names(names)
        parts = [(f"true {shown[y[i]]}", f"pred {shown[pred[i]]}", f"({probs[i, pred[i]]:.2f})") for i in show]
        target = None if fig is None else target_figure(fig, figsize=(1.0, 1.0))  # the user's, sized now
        titles, size, band, scale = _title_layout(parts, ncols, nrows, target)
        pitch_y = DIGIT + band
        mosaic = np.full((nrows * pitch_y + 2, ncols * pitch_x + 1), np.nan)  # + room for the last frames
        canvas, ax = image_canvas(CELL_IN * ncols, mosaic.shape, top_in=TOP_IN, fig=target)
        vmin, vmax = digit_range(imgs)
        for cell, i in enumerate(show):
            r, c = divmod(cell, ncols)
            r0, c0 = r * pitch_y + band, c * pitch_x + 1
            mosaic[r0:r0 + DIGIT, c0:c0 + DIGIT] = imgs[i]
            frame_digit(ax, r0, c0, WRONG_COLOR, 1.2)
            digit_title(ax, r0, c0, titles[cell], size)
        draw_digits(ax, mosaic, vmin, vmax)
        if fig is not None:
            square_pixels(ax)
        n_err = order.size
        _suptitle(canvas, f"Most confident errors ({m} of {count(n_err, 'error')} in {count(y.size, noun)})", scale,
                  fig is not None)
        i0 = show[0]
        set_alt_text(canvas, f"The {m} most confident of {n_err:,} misclassified {noun if n_err == 1 else plural(noun)} "
                          f"out of {y.size:,}; "
                          f"worst: true {names[y[i0]]} predicted {names[pred[i0]]} "
                          f"with probability {probs[i0, pred[i0]]:.2f}." + pixel_note)
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
        In a (sub)figure smaller than the view, every text shrinks with it (below 9 pt).
    ax : not accepted (several panels): a TypeError says to pass ``fig=ax.get_subplotspec()`` instead

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
    imgs, y, probs, names, pixel_note = digit_predictions(images, y_true, probabilities, class_names)
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
        width_in = 1.1 * n_examples + 1.6 + (head - 50) * inch
        target = None if fig is None else target_figure(fig, figsize=(1.0, 1.0))  # the user's, sized now
        # in a user's (sub)figure smaller than the view, every text shrinks with it
        scale = _scale(target, width_in, mosaic.shape[0] * width_in / mosaic.shape[1] + TOP_IN)
        size = TITLE_SIZE * scale
        canvas, ax = image_canvas(width_in, mosaic.shape, top_in=TOP_IN, fig=target)
        vmin, vmax = digit_range(imgs)
        for row, (t, p, nerr) in enumerate(pairs):
            r0 = row * pitch_y + band
            ax.text(head - 3, r0 - 0.5 + DIGIT / 2, heads[row], ha="right", va="center", fontsize=round(size, 2), gid="pair")
            examples = order[(y[order] == t) & (pred[order] == p)][:n_examples]
            for col, i in enumerate(examples):
                c0 = head + col * pitch_x + 1
                mosaic[r0:r0 + DIGIT, c0:c0 + DIGIT] = imgs[i]
                frame_digit(ax, r0, c0, ink("0.6"), 0.8)
                digit_title(ax, r0, c0, f"{probs[i, p]:.2f}", size)
        draw_digits(ax, mosaic, vmin, vmax)
        if fig is not None:
            square_pixels(ax)
        _suptitle(canvas, f"Most confused class pairs ({count(order.size, 'error')} in {count(y.size, noun)}; "
                          f"probability of the wrong class above each {noun})", scale, fig is not None)
        summary = ", ".join(f"{names[t]}→{names[p]} ({count})" for t, p, count in pairs)
        set_alt_text(canvas, f"The {rows} most confused class pairs among {order.size:,} errors in "
                          f"{count(y.size, noun)}, as true→predicted (count): {summary}." + pixel_note)
        return canvas
