"""The project's plot style, applied inside each call, its colours, and the alt text of a figure.

Every public plot function wraps its drawing in :func:`plot_style` so notebook output matches test
output and matplotlib's global rcParams are never changed at import. Fresh figures and Axes come
from :mod:`mnist_viz.plots._figure`.

Example
-------
>>> from mnist_viz.plots._style import plot_style, set_alt_text, alt_text, text_color
>>> from mnist_viz.plots._figure import new_axes
>>> with plot_style():
...     ax = new_axes(None, figsize=(3, 2))
...     _ = ax.plot([0, 1], [1, 0])
>>> set_alt_text(ax, "a falling line")
>>> alt_text(ax)
'a falling line'
>>> text_color((0.0, 0.0, 0.3, 1.0)), text_color((1.0, 1.0, 0.6, 1.0))
('white', 'black')
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TypeGuard, Union

import matplotlib
import numpy as np

from mnist_viz._arrays import pixel_scale

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.typing import ColorType
    from numpy.typing import ArrayLike

#: what carries an alt text: an Axes, a Figure or a SubFigure
AltTarget = Union["Axes", "Figure", "SubFigure"]

STYLE_FILE = Path(__file__).with_name("mnist_viz.mplstyle")

#: Colour-blind-safe defaults (Okabe-Ito for categories, viridis/cividis for sequences).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
CORRECT_COLOR = "#009E73"
WRONG_COLOR = "#D55E00"
SEQUENTIAL_CMAP = "viridis"
DIVERGING_CMAP = "RdBu_r"
DIGIT_CMAP = "gray_r"
#: fully transparent: the "bad" (NaN) colour of mosaics, whose gaps show the figure behind
TRANSPARENT = (1.0, 1.0, 1.0, 0.0)


@contextlib.contextmanager
def plot_style() -> Iterator[None]:
    """Context manager applying the project's style file inside the block and nothing outside it.

    The user's matplotlib state is theirs: every rcParam comes back as it was, except that pyplot's
    backend is resolved *before* the block (in a fresh Jupyter kernel that first pyplot use
    activates the inline backend and turns interactive mode on, which must outlive the block) and
    ``interactive`` keeps whatever it became; the user's current figure (and its current Axes),
    if they had one, is current again after a plot made a fresh figure.

    >>> import matplotlib, matplotlib.pyplot as plt
    >>> mine = plt.figure()
    >>> before = (matplotlib.rcParams.copy(), matplotlib.is_interactive())
    >>> with plot_style():
    ...     fresh = plt.figure()
    ...     matplotlib.rcParams["axes.titlesize"]
    10.0
    >>> plt.gcf() is mine, (matplotlib.rcParams.copy(), matplotlib.is_interactive()) == before
    (True, True)
    """
    import matplotlib.pyplot as plt

    from ._theme import style_files

    _resolve_backend(plt)
    user = _current_figure_and_axes()
    inside: dict[str, bool] = {}
    try:
        with matplotlib.rc_context():  # restores every rcParam but 'backend'
            # never sets 'backend' or 'interactive' (style blacklist); in theme("dark") the dark file after the base one
            plt.style.use(style_files(STYLE_FILE))
            try:
                yield
            finally:
                inside["interactive"] = matplotlib.is_interactive()
    finally:
        if "interactive" in inside:
            matplotlib.interactive(inside["interactive"])
        _make_current(plt, user)


def _resolve_backend(plt: ModuleType) -> None:
    """Select pyplot's backend now (what its first figure would do), outside any rc context."""
    get_backend_mod = getattr(plt, "_get_backend_mod", None)  # matplotlib >= 3.5
    if get_backend_mod is not None:
        get_backend_mod()


def _current_figure_and_axes() -> tuple[Figure, Axes | None] | None:
    """``(figure, axes)`` current in pyplot, without creating either; ``None`` when no figure is open."""
    from matplotlib._pylab_helpers import Gcf

    manager = Gcf.get_active()
    if manager is None:
        return None
    fig: Figure = manager.canvas.figure
    return fig, (fig.gca() if fig.axes else None)


def _make_current(plt: ModuleType, user: tuple[Figure, Axes | None] | None) -> None:
    """Make the user's figure and Axes current again, if still open and no longer current."""
    if user is None:
        return
    fig, ax = user
    manager = fig.canvas.manager
    if manager is None or not plt.fignum_exists(manager.num):
        return
    if plt.gcf() is not fig:
        plt.figure(fig)
    if ax is not None and ax in fig.axes and fig.gca() is not ax:
        fig.sca(ax)


def digit_range(images: ArrayLike) -> tuple[float, float]:
    """``(vmin, vmax)`` for drawing digits: ``(0, 255)`` for byte-scaled pixels, else ``(0, 1)``
    (:func:`mnist_viz._arrays.pixel_scale` tells which).

    >>> digit_range(np.zeros((2, 28, 28), np.uint8)), digit_range(np.full((28, 28), 0.5))
    ((0.0, 255.0), (0.0, 1.0))
    """
    return 0.0, pixel_scale(images)


def is_dark(rgba: ArrayLike) -> np.ndarray:
    """True where an RGBA colour (array (..., 4)) is dark enough to need white text (luminance)."""
    rgba = np.asarray(rgba, dtype=float)
    return rgba[..., 0] * 0.2126 + rgba[..., 1] * 0.7152 + rgba[..., 2] * 0.0722 <= 0.45


def text_color(rgba: ArrayLike) -> str:
    """``"white"`` on a dark colour, ``"black"`` on a light one (:func:`is_dark`)."""
    return "white" if is_dark(rgba) else "black"


def cmap_with_gaps(name: str, bad: ColorType = TRANSPARENT) -> Colormap:
    """The colormap ``name`` with NaN cells drawn in ``bad`` (transparent by default).

    >>> cmap_with_gaps("viridis", bad="white").get_bad().tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    return matplotlib.colormaps[name].with_extremes(bad=bad)


def class_palette(n: int) -> list[tuple[float, float, float]]:
    """One colour per class: seaborn's colour-blind palette up to 10 classes, ``husl`` beyond.

    >>> len(class_palette(3)), len(class_palette(47))
    (3, 47)
    """
    import seaborn as sns

    palette: list[tuple[float, float, float]] = (sns.color_palette("colorblind", n) if n <= 10
                                                  else sns.color_palette("husl", n))
    return palette


#: attribute holding the alt text set on an Axes, Figure or SubFigure
_ALT = "_mnist_viz_alt"
#: attribute holding the Axes a figure-level alt text describes (those present when it was set)
_COVERS = "_mnist_viz_alt_covers"


def set_alt_text(obj: AltTarget, text: str) -> None:
    """Attach a short alt text to an Axes, or to a Figure (or SubFigure) as a whole.

    On an Axes it describes that Axes: a user's figure holding several mnist_viz plots gets one
    sentence per plot (:func:`alt_text` composes them). On a figure it describes every Axes the
    figure has at that moment (a multi-panel plot's panels); Axes added later add their own.
    The figure shows in a notebook once, as an image carrying its alt text
    (:mod:`mnist_viz.plots._notebook`).

    >>> import matplotlib.pyplot as plt
    >>> fig, (a, b) = plt.subplots(1, 2)
    >>> set_alt_text(a, "A confusion matrix."); set_alt_text(b, "A reliability diagram.")
    >>> alt_text(fig)
    'A confusion matrix. A reliability diagram.'
    >>> set_alt_text(fig, "Two panels."); alt_text(fig)
    'Two panels.'
    """
    from ._notebook import attach

    setattr(obj, _ALT, str(text))
    if _is_figure(obj):
        setattr(obj, _COVERS, list(obj.axes))
    attach(_root_figure(obj))


def _is_figure(obj: object) -> TypeGuard[Figure | SubFigure]:
    """Whether ``obj`` is a Figure or SubFigure. matplotlib.figure is imported here, not at import
    time (it pulls in Axes, text and the backend base: about 0.3 s of ``import mnist_viz.plots``);
    an alt text is only ever set or read once a figure exists."""
    from matplotlib.figure import FigureBase

    return isinstance(obj, FigureBase)


def _root_figure(obj: AltTarget) -> Figure:
    """The top-level Figure of an Axes, SubFigure or Figure."""
    fig = obj if _is_figure(obj) else obj.figure
    return fig.figure  # a SubFigure's .figure is the root one, a Figure's is itself


def alt_text(obj: AltTarget) -> str:
    """The short alt text of a plot's Figure or Axes ("" if none).

    An Axes with its own text gives that; a figure (or an Axes without one) gives the figure's
    text followed by those of its Axes and SubFigures it does not already describe, in order.

    >>> import mnist_viz.plots as mp
    >>> ax = mp.confusion_matrix([0, 1, 1], [0, 1, 0])
    >>> "confusion matrix" in mp.alt_text(ax).lower()
    True
    >>> mp.alt_text("plot.png")
    Traceback (most recent call last):
    ...
    TypeError: alt_text needs a matplotlib Figure, SubFigure or Axes (a plot's return value); got str
    """
    from matplotlib.axes import Axes

    if not (_is_figure(obj) or isinstance(obj, Axes)):
        raise TypeError("alt_text needs a matplotlib Figure, SubFigure or Axes (a plot's return value); "
                        f"got {type(obj).__name__}")
    if not _is_figure(obj):
        own: str | None = getattr(obj, _ALT, None)
        if own is not None:
            return own
        obj = _root_figure(obj)
    return " ".join(_alt_pieces(obj, ()))


def _alt_pieces(fig: Figure | SubFigure, covered: Sequence[Axes]) -> list[str]:
    """The alt sentences of ``fig`` (a Figure or SubFigure): its own text, then its own Axes' texts
    and its SubFigures' pieces, skipping what an enclosing figure's text already describes
    (``covered``: those Axes)."""
    def is_covered(ax: Axes) -> bool:
        return any(ax is c for c in covered)

    pieces: list[str] = []
    own: str | None = getattr(fig, _ALT, None)
    if own and not (fig.axes and all(map(is_covered, fig.axes))):
        pieces.append(own)
        covered = (*covered, *getattr(fig, _COVERS, ()))
    for ax in fig.axes:
        ax_text: str = getattr(ax, _ALT, "")
        if ax.figure is fig and not is_covered(ax) and ax_text:
            pieces.append(ax_text)
    for sub in getattr(fig, "subfigs", ()):
        pieces.extend(_alt_pieces(sub, covered))
    return pieces
