"""The top-k grid: each digit with its ``k`` most probable classes as bars (order:
:func:`mnist_viz.metrics.top_k`), right and wrong told by colour and by a mark.

Example
-------
>>> import numpy as np, mnist_viz.plots as mp
>>> rng = np.random.default_rng(0)
>>> images = rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8)
>>> probs = np.full((6, 10), 0.02); probs[np.arange(6), [0, 1, 2, 3, 4, 9]] = 0.82
>>> fig = mp.topk_grid(images, [0, 1, 2, 3, 4, 5], probs, n=6, ncols=3)
>>> mp.alt_text(fig)
'Top-3 predictions for 6 digits: 5 correct, 1 wrong (✗ true 5 → pred 9).'
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, overload

import numpy as np

from mnist_viz._arrays import positive_int
from mnist_viz._words import count, noun_for, plural
from mnist_viz.metrics import top_k

from ._figure import FigureLike, FigureTarget, message_figure, refuse_ax, square_pixels, target_figure
from ._inputs import digit_predictions
from ._labels import short_names, widest
from ._mosaic import DIGIT
from ._style import CORRECT_COLOR, DIGIT_CMAP, WRONG_COLOR, digit_range, plot_style, set_alt_text
from ._theme import ink

if TYPE_CHECKING:
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.gridspec import SubplotSpec
    from matplotlib.patches import PathPatch
    from numpy.typing import ArrayLike

__all__ = ["topk_grid"]

OTHER_BAR_COLOR = "0.7"
#: the size of each digit's title ("✓ true 7"), points
TITLE_SIZE = 9.0
CORRECT_MARK = "✓"
WRONG_MARK = "✗"

# topk_grid cell geometry, in mosaic pixels (one digit pixel = one unit)
_TITLE_H = 12
_LABEL_W = 10
_BAR_W = 30
_PROB_W = 19
_GAP = 3
_CELL_W = DIGIT + _GAP + _LABEL_W + _BAR_W + _PROB_W + 6
_CELL_H = _TITLE_H + DIGIT + 5
_INCH_PER_UNIT = 2.0 / _CELL_W  # 2 inches a cell: room for 8.5 pt labels


@overload
def topk_grid(images: ArrayLike, y_true: ArrayLike, probabilities: ArrayLike, *, k: int = 3, n: int = 25, ncols: int = 5,
              class_names: Sequence[object] | None = None, indices: ArrayLike | None = None, noun: str | None = None,
              fig: Figure | None = None, ax: None = None) -> Figure: ...


@overload
def topk_grid(images: ArrayLike, y_true: ArrayLike, probabilities: ArrayLike, *, k: int = 3, n: int = 25, ncols: int = 5,
              class_names: Sequence[object] | None = None, indices: ArrayLike | None = None, noun: str | None = None,
              fig: SubFigure | SubplotSpec, ax: None = None) -> SubFigure: ...


def topk_grid(images: ArrayLike, y_true: ArrayLike, probabilities: ArrayLike, *, k: int = 3, n: int = 25, ncols: int = 5,
              class_names: Sequence[object] | None = None, indices: ArrayLike | None = None, noun: str | None = None,
              fig: FigureTarget = None, ax: None = None) -> FigureLike:
    """Each digit with its top-``k`` class probabilities as horizontal bars.

    The top bar is green (Okabe-Ito) when the prediction is right and vermillion when wrong; the
    title says so with a mark too (``✓ true 7`` / ``✗ true 4``), and the frame around the digit
    takes the same colour. The bar of the true class, when it is among the top ``k``, has a black
    outline and a bold label.

    Parameters
    ----------
    images : (n, 784), (n, 28, 28) or (n, 28, 28, 1) array
        The digits, 0..1 floats or 0..255.
    y_true : (n,) int or one-hot (n, C)
        The true classes.
    probabilities : (n, C) array
        Class probabilities (logits are detected; softmax is applied with a warning).
    k : int, bars per digit (at most C)
    n : int, digits to show (the first ``n``, or the first ``n`` of ``indices``)
    ncols : int, digits per row
    class_names : list of str, optional
        Drawn cut to 16 characters with "…" (the alt text keeps them whole); the label column
        and the cells widen for long names.
    indices : sequence of int, optional: which digits to show, in that order
    noun : str, optional
        The word for one sample in the texts (default: "digit" for class names "0".."9" or
        none, else "image"; :func:`mnist_viz._words.noun_for`).
    fig : Figure, SubFigure or SubplotSpec, optional
        Draw into this (sub)figure, or into a new SubFigure of the SubplotSpec's figure
        (``gs[0, 1]``), instead of a fresh figure; the grid keeps its proportions (square digit
        pixels) and its texts scale with it.
    ax : not accepted (several panels): a TypeError says to pass ``fig=ax.get_subplotspec()`` instead

    Returns
    -------
    matplotlib.figure.Figure or SubFigure
        One Axes holds the whole grid (one RGBA mosaic of the digits, two collections for bars and
        frames, and the texts drawn as glyph-outline paths, whose strings are on each patch's
        ``.texts``): a 10×10 grid draws and saves in about 0.2 s.

    Example
    -------
    >>> import numpy as np, mnist_viz.plots as mp
    >>> images = np.zeros((2, 28, 28)); probs = np.array([[0.1, 0.9], [0.6, 0.4]])
    >>> fig = mp.topk_grid(images, [1, 1], probs, k=2)
    >>> {p.get_gid(): p.texts for p in fig.axes[0].patches if p.get_gid().startswith("titles")}
    {'titles_correct': ['✓ true 1'], 'titles_wrong': ['✗ true 1']}
    """
    refuse_ax(ax, "topk_grid")
    from matplotlib.collections import PolyCollection

    imgs, y, probs, names, pixel_note = digit_predictions(images, y_true, probabilities, class_names)
    noun = noun_for(class_names, noun)
    k = positive_int(k, "k")
    n = positive_int(n, "n")
    ncols = positive_int(ncols, "ncols")
    n_classes = probs.shape[1] if probs.ndim == 2 else 0
    if probs.size and k > n_classes:
        raise ValueError(f"k must be at most the number of classes ({n_classes}); got {k}")
    if indices is not None:
        idx = np.asarray(indices)
        if idx.ndim != 1 or (idx.size and not np.issubdtype(idx.dtype, np.integer)):
            raise TypeError(f"indices must be a 1-D sequence of integers; got {idx.dtype} shape {idx.shape}")
        if idx.size and (idx.min() < -len(y) or idx.max() >= len(y)):
            raise ValueError(f"indices must be in 0..{len(y) - 1}; got values {idx.min()}..{idx.max()}")
        idx = idx[:n]
    else:
        idx = np.arange(min(n, len(y)))
    with plot_style():
        if idx.size == 0:
            return message_figure(f"No {plural(noun)} to show.", f"Top-k grid: no {plural(noun)} to show.", fig=fig)
        m = idx.size
        ncols = min(ncols, m)
        nrows = -(-m // ncols)
        # legible at the default size: 8.5 pt (about 12 px at 100 dpi) for up to 3 bars a digit
        fs = 8.5 if k <= 3 else (7 if k <= 5 else 5.5)
        shown = short_names(names)  # drawn names, cut; the alt text keeps them whole
        label_w, cell_w = _cell_width(shown, fs)
        width, height = ncols * cell_w, nrows * _CELL_H
        import matplotlib as mpl

        canvas = target_figure(fig, figsize=(width * _INCH_PER_UNIT, height * _INCH_PER_UNIT), layout=None)
        ax = canvas.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        mosaic = np.full((height, width), np.nan)
        top = top_k(probs[idx], k)
        slot = DIGIT / k
        bar_h = slot * 0.72
        labels_path = _PathText(fs, "normal")
        true_path = _PathText(fs, "bold")
        probs_path = _PathText(fs, "normal")
        ok_titles, wrong_titles = _PathText(TITLE_SIZE, "bold"), _PathText(TITLE_SIZE, "bold")
        bars, bar_colors, bar_edges, frames, frame_colors = [], [], [], [], []
        n_wrong, first_wrong = 0, None
        for cell, i in enumerate(idx):
            r, c = divmod(cell, ncols)
            x0, y0 = c * cell_w + 2, r * _CELL_H + _TITLE_H
            mosaic[y0:y0 + DIGIT, x0:x0 + DIGIT] = imgs[i]
            pred, true = int(top[cell, 0]), int(y[i])
            ok = pred == true
            color = CORRECT_COLOR if ok else WRONG_COLOR
            if not ok:
                n_wrong += 1
                first_wrong = first_wrong or (names[true], names[pred])
            frames.append(_rect(x0 - 0.5, y0 - 0.5, DIGIT, DIGIT))
            frame_colors.append(color)
            title = f"{CORRECT_MARK if ok else WRONG_MARK} true {shown[true]}"
            (ok_titles if ok else wrong_titles).add(title, x0 - 0.5, y0 - 2, ha="left", va="bottom")
            bx = x0 + DIGIT + _GAP + label_w
            for rank, cls in enumerate(top[cell]):
                p = probs[i, cls]
                yc = y0 + rank * slot + slot / 2
                is_true = int(cls) == true
                bars.append(_rect(bx, yc - bar_h / 2, max(p, 0.0) * _BAR_W, bar_h))
                bar_colors.append(color if rank == 0 else ink(OTHER_BAR_COLOR))
                bar_edges.append(ink("black") if is_true else "none")
                (true_path if is_true else labels_path).add(shown[cls], bx - 1.5, yc, ha="right")
                probs_path.add(f"{p:.2f}", bx + _BAR_W + 2.5, yc, ha="left")
        vmin, vmax = digit_range(imgs)
        # one RGBA mosaic (digits through DIGIT_CMAP, transparent elsewhere): one image to draw
        inside = np.isfinite(mosaic)
        rgba = mpl.colormaps[DIGIT_CMAP](np.clip((np.nan_to_num(mosaic) - vmin) / (vmax - vmin), 0, 1), bytes=True)
        rgba[~inside] = 0
        ax.imshow(rgba, interpolation="nearest", extent=(-0.5, width - 0.5, height - 0.5, -0.5), aspect="auto",
                  gid="digits")
        ax.add_collection(PolyCollection(frames, facecolors="none", edgecolors=frame_colors, linewidths=1.2,
                                         gid="frames"))
        ax.add_collection(PolyCollection(bars, facecolors=bar_colors, edgecolors=bar_edges, linewidths=0.8,
                                         gid="bars"))
        for pt, gid, colour in ((labels_path, "bar_labels", ink("black")), (true_path, "true_labels", ink("black")),
                                (probs_path, "bar_probs", ink("0.25")), (ok_titles, "titles_correct", CORRECT_COLOR),
                                (wrong_titles, "titles_wrong", WRONG_COLOR)):
            patch = pt.patch(colour, gid)
            if patch is not None:
                ax.add_artist(patch)  # add_artist: no data-limit update over 10,000s of curve segments
        ax.set_xlim(-0.5, width - 0.5)
        ax.set_ylim(height - 0.5, -0.5)
        if fig is not None:  # the user's (sub)figure: square digit pixels, the grid at its top
            square_pixels(ax)
        text = f"Top-{k} predictions for {count(m, noun)}: {m - n_wrong} correct, {n_wrong} wrong"
        if first_wrong:
            text += f" ({WRONG_MARK} true {first_wrong[0]} → pred {first_wrong[1]})"
        set_alt_text(canvas, text + "." + pixel_note)
        return canvas


def _cell_width(shown: list[str], fontsize: float) -> tuple[int, int]:
    """``(label column, cell)`` widths in grid units for the drawn class names: the default cell
    for short names, wider where the longest bar label or title needs it."""
    need = widest(shown, fontsize, weight="bold") / _INCH_PER_UNIT + 2.5
    label_w = max(_LABEL_W, int(np.ceil(need)))
    cell_w = _CELL_W - _LABEL_W + label_w
    title = widest([f"{WRONG_MARK} true {nm}" for nm in shown], TITLE_SIZE, weight="bold") / _INCH_PER_UNIT + 6
    return label_w, max(cell_w, int(np.ceil(title)))


def _rect(x: float, y: float, w: float, h: float) -> list[tuple[float, float]]:
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


class _PathText:
    """Many short labels drawn as ONE filled path (glyph outlines), in topk_grid's data units.

    A 10x10 grid has 600 bar labels; as Text artists they take ~0.6 s to draw, as one path a few
    ms. The strings stay readable for tests and tools on the patch: ``patch.texts``.
    """

    _cache: dict[tuple[str, float, str], tuple[np.ndarray, np.ndarray, float]] = {}

    def __init__(self, fontsize: float, weight: str) -> None:
        self.size, self.weight = fontsize, weight
        self.verts: list[np.ndarray] = []
        self.codes: list[np.ndarray] = []
        self.texts: list[str] = []
        # font points -> data units of the grid (one unit = one digit pixel)
        self.scale = 1.0 / (_INCH_PER_UNIT * 72.0)

    def _glyphs(self, s: str) -> tuple[np.ndarray, np.ndarray, float]:
        key = (s, self.size, self.weight)
        if key not in self._cache:
            from matplotlib.font_manager import FontProperties
            from matplotlib.textpath import TextPath

            prop = FontProperties(family="DejaVu Sans", weight=self.weight)
            tp = TextPath((0, 0), s, size=self.size, prop=prop)
            v = tp.vertices * self.scale
            v[:, 1] = -v[:, 1]  # the grid's y axis points down
            width = float(v[:, 0].max()) if len(v) else 0.0
            self._cache[key] = (v, tp.codes, width)
        return self._cache[key]

    def add(self, s: str, x: float, y: float, *, ha: str, va: str = "center") -> None:
        v, codes, width = self._glyphs(s)
        cap = 0.73 * self.size * self.scale  # digit height: centre the digits on y
        dx = x - width if ha == "right" else x
        dy = y + cap / 2 if va == "center" else y - 0.25 * self.size * self.scale  # va="bottom": descent room
        self.verts.append(v + (dx, dy))
        self.codes.append(codes)
        self.texts.append(s)

    def patch(self, color: str, gid: str) -> PathPatch | None:
        from matplotlib.patches import PathPatch
        from matplotlib.path import Path

        if not self.verts:
            return None
        p = PathPatch(Path(np.concatenate(self.verts), np.concatenate(self.codes)), facecolor=color,
                      edgecolor="none", linewidth=0, gid=gid)
        p.texts = list(self.texts)  # type: ignore[attr-defined]
        return p
