"""Where every plot function draws: a fresh figure, or the user's Axes, Figure, SubFigure or
SubplotSpec. One contract.

A plot function not given ``ax``/``fig`` draws on a *fresh* figure made here, never on matplotlib's
current one (scikit-learn's Display objects do the same). ``figsize`` is always given (each plot
fixes its own size, so the gallery's pixels do not depend on rcParams); ``layout`` is
``"constrained"`` unless the caller places its Axes in inches itself and passes ``layout=None`` (no
layout engine: faster, and exactly where it was put). Call these inside
:func:`~mnist_viz.plots._style.plot_style`.

Single-panel plots take ``ax=`` (:func:`new_axes`, checked by :func:`check_axes`); multi-panel
plots take ``fig=`` (:func:`target_figure`): a ``Figure``, a ``SubFigure``
(``fig.subfigures(...)``) or a ``SubplotSpec`` (``gs[0, 1]``, turned into
``user_fig.add_subfigure(spec)``). A plot that places its Axes in inches keeps their fractions of
its own size in the user's (sub)figure; its fonts stay in points.

Example
-------
>>> import matplotlib.pyplot as plt
>>> from mnist_viz.plots._figure import figure_size, message_figure, new_axes, new_subplots, target_figure
>>> new_axes(None, figsize=(3, 2)).figure.get_layout_engine().__class__.__name__
'ConstrainedLayoutEngine'
>>> fig, axes = new_subplots(1, 3, figsize=(6, 2))
>>> axes.shape
(1, 3)
>>> user = plt.figure(figsize=(8, 4)); gs = user.add_gridspec(1, 2)
>>> sub = target_figure(gs[0, 1], figsize=(3, 3))
>>> type(sub).__name__, figure_size(sub)
('SubFigure', (4.0, 4.0))
>>> fig = message_figure("Nothing to show.", "Example: nothing to show.")
>>> [t.get_text() for t in fig.axes[0].texts]
['Nothing to show.']
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from ._style import set_alt_text
from ._theme import ink

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.gridspec import SubplotSpec

#: what ``fig=`` accepts: a Figure, a SubFigure, a SubplotSpec of a figure's grid, or None (fresh)
FigureTarget = Union["Figure", "SubFigure", "SubplotSpec", None]
#: what a multi-panel plot draws into and returns
FigureLike = Union["Figure", "SubFigure"]

__all__ = ["FigureTarget", "FigureLike", "check_axes", "refuse_ax", "refuse_fig", "made_current", "target_figure", "figure_size", "axes_size", "usable_size", "new_figure",
           "new_axes", "new_subplots", "image_canvas", "draw_message", "message_figure", "panel_axes", "square_pixels"]


def check_axes(ax: object, name: str = "ax") -> Axes | None:
    """``ax`` when it is a matplotlib Axes or None; else a TypeError naming ``name``.

    >>> check_axes(None) is None
    True
    >>> check_axes("left")
    Traceback (most recent call last):
    ...
    TypeError: ax must be a matplotlib Axes (e.g. from plt.subplots()) or None; got str
    """
    from matplotlib.axes import Axes

    if ax is None or isinstance(ax, Axes):
        return ax
    hint = " (several Axes: pass one of them, e.g. axes[0, 1])" if isinstance(ax, (np.ndarray, list, tuple)) else ""
    raise TypeError(f"{name} must be a matplotlib Axes (e.g. from plt.subplots()) or None; got {type(ax).__name__}{hint}")


def refuse_ax(ax: object, plot: str) -> None:
    """A multi-panel plot's keyword-only ``ax``: None, else a TypeError saying to pass ``fig=``.

    >>> refuse_ax(None, "topk_grid")
    >>> refuse_ax(object(), "topk_grid")
    Traceback (most recent call last):
    ...
    TypeError: topk_grid draws several panels: pass fig=ax.get_subplotspec() (or a SubFigure) instead of ax=; got ax=object
    """
    if ax is not None:
        raise TypeError(f"{plot} draws several panels: pass fig=ax.get_subplotspec() (or a SubFigure) instead "
                        f"of ax=; got ax={type(ax).__name__}")


def refuse_fig(fig: object, plot: str) -> None:
    """A single-panel plot's keyword-only ``fig``: None, else a TypeError saying to pass ``ax=``.

    >>> refuse_fig(None, "calibration")
    >>> refuse_fig(object(), "calibration")
    Traceback (most recent call last):
    ...
    TypeError: calibration draws one panel: pass ax=fig.add_subplot() (or one Axes of your grid) instead of fig=; got fig=object
    """
    if fig is not None:
        raise TypeError(f"{plot} draws one panel: pass ax=fig.add_subplot() (or one Axes of your grid) instead "
                        f"of fig=; got fig={type(fig).__name__}")


def made_current(ax: Axes, fresh: bool) -> Axes:
    """``ax``, made the current Axes of its figure when the plot made that figure (``fresh``), so
    that ``plt.title``/``plt.plot`` after a single-panel plot land on it, not on its colorbar or
    margin. A user's own figure is left alone (``plot_style`` restores their current Axes).

    >>> import matplotlib.pyplot as plt
    >>> fig, (main, bar) = plt.subplots(1, 2)
    >>> made_current(main, True) is main, fig.gca() is main
    (True, True)
    """
    if fresh:
        _root(ax).sca(ax)
    return ax


def target_figure(fig: FigureTarget, *, figsize: tuple[float, float], layout: str | None = "constrained",
                  name: str = "fig") -> FigureLike:
    """Where a multi-panel plot draws: a fresh figure of ``figsize`` inches when ``fig`` is None,
    else the given Figure or SubFigure, or a new SubFigure of the given SubplotSpec's figure."""
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.gridspec import SubplotSpec

    if fig is None:
        return new_figure(figsize=figsize, layout=layout)
    if isinstance(fig, (Figure, SubFigure)):
        return fig
    if isinstance(fig, SubplotSpec):
        parent = getattr(fig.get_gridspec(), "figure", None)
        if parent is None:
            raise ValueError(f"{name}: the SubplotSpec's GridSpec belongs to no figure; make it with "
                             "user_fig.add_gridspec(...) and pass gs[row, col]")
        sub: SubFigure = parent.add_subfigure(fig)
        return sub
    raise TypeError(f"{name} must be a matplotlib Figure, a SubFigure (fig.subfigures(...)), a SubplotSpec "
                    f"(gs[0, 1]) or None; got {type(fig).__name__}")


def figure_size(fig: FigureLike) -> tuple[float, float]:
    """``(width, height)`` in inches of a Figure or SubFigure (as laid out now)."""
    from matplotlib.figure import Figure

    if isinstance(fig, Figure):
        w, h = fig.get_size_inches()
        return float(w), float(h)
    dpi = _root(fig).dpi
    return float(fig.bbox.width / dpi), float(fig.bbox.height / dpi)


def _root(artist: Axes | FigureLike) -> Figure:
    """The Figure at the top of ``artist``'s (sub)figures."""
    root = artist.get_figure(root=True)
    if root is None:
        raise ValueError("the Axes or SubFigure belongs to no figure")
    return root


def axes_size(ax: Axes) -> tuple[float, float]:
    """``(width, height)`` in inches of ``ax``'s box as placed now (before any layout pass)."""
    dpi = _root(ax).dpi
    return float(ax.bbox.width / dpi), float(ax.bbox.height / dpi)


def usable_size(ax: Axes, *, left: float = 0.0, right: float = 0.0, bottom: float = 0.0,
                top: float = 0.0) -> tuple[float, float]:
    """:func:`axes_size`, less the inches its decorations (``left`` for the y tick labels and label,
    ``bottom`` ...) will take from it when the figure has a layout engine (constrained or tight
    layout fits them inside the Axes' grid cell; without one they sit outside the box)."""
    w, h = axes_size(ax)
    if _root(ax).get_layout_engine() is None:
        return w, h
    return max(w - left - right, 0.1 * w), max(h - bottom - top, 0.1 * h)


def new_figure(*, figsize: tuple[float, float], layout: str | None = "constrained") -> Figure:
    """A fresh Figure of ``figsize`` inches (``layout=None``: no layout engine)."""
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, layout=layout)


def new_axes(ax: Axes | None = None, *, figsize: tuple[float, float], layout: str | None = "constrained") -> Axes:
    """``ax`` itself when given (checked: a TypeError for anything but an Axes), else the one Axes
    of a fresh figure of ``figsize`` inches."""
    if check_axes(ax) is not None:
        return ax  # type: ignore[return-value]
    import matplotlib.pyplot as plt

    _fig, new = plt.subplots(figsize=figsize, layout=layout)
    return new


def new_subplots(nrows: int, ncols: int, *, figsize: tuple[float, float], layout: str | None = "constrained",
                 fig: FigureTarget = None, **grid: Any) -> tuple[FigureLike, np.ndarray]:
    """``(fig, axes)`` with an ``nrows × ncols`` grid on a fresh figure, or on ``fig``
    (:func:`target_figure`); ``axes`` is always 2-D. ``grid`` goes to ``subplots`` (e.g.
    ``width_ratios=[2, 1]``)."""
    if fig is None:
        import matplotlib.pyplot as plt

        new, axes = plt.subplots(nrows, ncols, figsize=figsize, layout=layout, squeeze=False, **grid)
        return new, axes
    target = target_figure(fig, figsize=figsize, layout=layout)
    return target, target.subplots(nrows, ncols, squeeze=False, **grid)


def image_canvas(width_in: float, shape: tuple[int, int], *, top_in: float,
                 fig: FigureTarget = None) -> tuple[FigureLike, Axes]:
    """A fresh figure ``width_in`` inches wide holding one bare Axes that shows an ``(H, W)`` image
    at one pixel = ``width_in / W`` inches, with ``top_in`` inches above it for the suptitle. No
    layout engine. Returns ``(fig, ax)``; data units on ``ax`` are the image's pixels (y down),
    as ``imshow`` draws them. Given ``fig`` (:func:`target_figure`), the Axes takes the same
    fractions of it and keeps its pixels square (``aspect="equal"``, centred at the top)."""
    h, w = shape
    scale = width_in / w
    height_in = h * scale + top_in
    target = target_figure(fig, figsize=(width_in, height_in), layout=None)
    ax = target.add_axes((0, 0, 1, h * scale / height_in))
    ax.set_axis_off()
    if fig is not None:
        square_pixels(ax)
    return target, ax


def square_pixels(ax: Axes) -> None:
    """Keep ``ax``'s data units square, its box at the top of the room it was given: an image
    canvas in a user's (sub)figure of another shape (call it again after ``imshow(aspect="auto")``)."""
    ax.set_aspect("equal", adjustable="box", anchor="N")


def draw_message(ax: Axes, text: str) -> None:
    """Write ``text`` in the middle of an empty ``ax`` (used for empty inputs) and hide its frame."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color=ink("0.3"), wrap=True)


def message_figure(text: str, alt: str, *, figsize: tuple[float, float] = (4.8, 2.0),
                   fig: FigureTarget = None) -> FigureLike:
    """A fresh figure (or ``fig``, :func:`target_figure`) that only says ``text`` (nothing to draw),
    with the alt text ``alt``."""
    ax = new_axes(None, figsize=figsize) if fig is None else target_figure(fig, figsize=figsize).add_subplot()
    target = ax.figure
    draw_message(ax, text)
    set_alt_text(target, alt)
    return target


def panel_axes(ax: Axes | Sequence[Axes] | np.ndarray, n: int, name: str = "ax") -> list[Axes]:
    """The Axes of ``ax`` (one, or a sequence/array of them) as a list, each checked (TypeError
    naming ``name``); at least ``n`` of them (ValueError)."""
    given = list(np.ravel(np.asarray(ax, dtype=object))) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
    axes: list[Axes] = []
    for i, a in enumerate(given):
        checked = check_axes(a, f"{name}[{i}]" if len(given) > 1 else name)
        if checked is None:
            raise TypeError(f"{name}[{i}] must be a matplotlib Axes; got None")
        axes.append(checked)
    if len(axes) < n:
        raise ValueError(f"{name} must hold one Axes per panel ({n} needed); got {len(axes)}")
    return axes
