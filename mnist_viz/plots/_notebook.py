"""Notebook display of mnist_viz figures: each shows once, as an image carrying its alt text.

What happens in Jupyter without this: the inline backend (matplotlib_inline) shows a figure
through IPython's display formatters (``image/png``, no alt text) at two moments — as the cell's
result when the cell ends with the figure, and again in ``flush_figures`` after the cell, for every
figure pyplot still holds. A plot returning a Figure therefore showed twice.

What this module does: :func:`attach` gives one figure (one that carries mnist_viz alt text,
:func:`~mnist_viz.plots._style.set_alt_text` calls it) its *own* ``_repr_html_``, an instance
attribute that IPython's ``text/html`` formatter reads; the class's method, and every other
figure, stay as they are. It returns ``<img src="data:image/png;base64,..." alt="...">`` (rendered
as the inline backend renders its PNG: its ``print_figure_kwargs``, twice the dpi under
``retina``), which notebook front ends and nbconvert prefer to the ``image/png`` beside it, and
then takes the figure out of the inline backend's queue — closing it, as the flush would have,
unless ``InlineBackend.close_figures`` is off — so the post-execute flush does not show it again.
Nothing is registered with IPython and IPython is never imported: outside a notebook nothing
calls ``_repr_html_``. Figures of the browser-based backends (nbagg, ipympl, webagg) keep
matplotlib's own ``_repr_html_``.

Example
-------
>>> import matplotlib.pyplot as plt
>>> from mnist_viz.plots._style import set_alt_text
>>> fig, ax = plt.subplots(figsize=(2, 1))
>>> fig._repr_html_() is None  # a plain figure: matplotlib's own method
True
>>> set_alt_text(ax, 'A "line".')
>>> html = fig._repr_html_()
>>> html.startswith('<img src="data:image/png;base64,'), html.endswith('alt="A &quot;line&quot;.">')
(True, True)
"""
from __future__ import annotations

import base64
import html
import io
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["attach", "figure_html"]

#: matplotlib's names of the inline backend
INLINE_BACKENDS = ("inline", "module://matplotlib_inline.backend_inline")


class FigureHTML:
    """The ``_repr_html_`` of one mnist_viz figure: :func:`figure_html` of it (picklable with it).

    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> FigureHTML(fig).figure is fig
    True
    """

    __slots__ = ("figure",)

    def __init__(self, figure: Figure) -> None:
        self.figure = figure

    def __call__(self) -> str | None:
        return figure_html(self.figure)

    def __getstate__(self) -> Figure:
        return self.figure

    def __setstate__(self, figure: Figure) -> None:
        self.figure = figure


def attach(fig: Figure) -> None:
    """Give ``fig`` its notebook display (:func:`figure_html` as its ``_repr_html_``); idempotent.

    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure(); attach(fig); attach(fig)
    >>> isinstance(fig.__dict__["_repr_html_"], FigureHTML)
    True
    """
    if not isinstance(fig.__dict__.get("_repr_html_"), FigureHTML):
        fig._repr_html_ = FigureHTML(fig)  # type: ignore[method-assign]  # the instance attribute is the point


def figure_html(fig: Figure) -> str | None:
    """``<img src="data:image/png;base64,..." width=.. height=.. alt="...">`` of ``fig`` when it
    carries mnist_viz alt text (``None`` otherwise, so IPython shows its other formats); the figure
    then leaves the inline backend's queue so it is not shown twice.

    >>> import matplotlib.pyplot as plt
    >>> from mnist_viz.plots._style import set_alt_text
    >>> fig = plt.figure(figsize=(1, 1), dpi=50); set_alt_text(fig, "Nothing.")
    >>> markup = figure_html(fig)
    >>> markup.startswith('<img src="data:image/png;base64,'), markup.endswith('alt="Nothing.">')
    (True, True)
    """
    from ._style import alt_text

    if _browser_canvas(fig):
        return type(fig)._repr_html_(fig)  # matplotlib's own (the interactive web backends)
    alt = alt_text(fig)
    if not alt:
        return None
    png, scale = _png(fig)
    width, height = _png_size(png)
    img = (f'<img src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}" '
           f'width="{width // scale}" height="{height // scale}" alt="{html.escape(alt, quote=True)}">')
    _leave_queue(fig)
    return img


def _browser_canvas(fig: Figure) -> bool:
    """True when ``fig`` draws on a browser-based canvas (nbagg, ipympl, webagg)."""
    return any("WebAgg" in cls.__name__ for cls in type(fig.canvas).__mro__)


def _inline_config() -> Any:
    """The inline backend's configuration (``InlineBackend``), or None when it was never loaded."""
    config = sys.modules.get("matplotlib_inline.config")
    return config.InlineBackend.instance() if config is not None else None


def _png(fig: Figure) -> tuple[bytes, int]:
    """``(PNG bytes, scale)`` of ``fig`` as the inline backend renders it (scale 2 under retina)."""
    cfg = _inline_config()
    kwargs = dict(cfg.print_figure_kwargs) if cfg is not None else {"bbox_inches": "tight"}
    scale = 2 if cfg is not None and "retina" in cfg.figure_formats else 1
    options: dict[str, Any] = {"format": "png", "facecolor": fig.get_facecolor(), "edgecolor": fig.get_edgecolor(),
               "dpi": fig.dpi * scale, "bbox_inches": "tight"}
    options.update(kwargs)
    buf = io.BytesIO()
    fig.canvas.print_figure(buf, **options)
    return buf.getvalue(), scale


def _png_size(png: bytes) -> tuple[int, int]:
    """``(width, height)`` in pixels from a PNG's IHDR chunk.

    >>> import struct
    >>> _png_size(b"\\x89PNG\\r\\n\\x1a\\n" + b"\\0\\0\\0\\rIHDR" + struct.pack(">II", 640, 480))
    (640, 480)
    """
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _leave_queue(fig: Figure) -> None:
    """Take a just-displayed ``fig`` out of what the inline backend's post-execute flush will show:
    closed when the backend closes its figures anyway (its default), else only dequeued."""
    inline = sys.modules.get("matplotlib_inline.backend_inline")
    if inline is None:
        return
    import matplotlib

    if matplotlib.get_backend() not in INLINE_BACKENDS:
        return
    to_draw = getattr(inline.show, "_to_draw", None)
    if isinstance(to_draw, list):
        to_draw[:] = [f for f in to_draw if f is not fig]
    cfg = _inline_config()
    manager = fig.canvas.manager
    if (cfg is None or cfg.close_figures) and manager is not None:
        import matplotlib.pyplot as plt

        if plt.fignum_exists(manager.num):
            plt.close(fig)
