"""Figures into the page: call a plot function, embed what it drew as a PNG block (:mod:`._embed`).

A section passes a zero-argument callable that calls one public function of :mod:`mnist_viz.plots`
directly, e.g. ``add_figure(s, lambda: plots.confusion_matrix(y_true, y_pred), what="confusion
matrix")``. It is drawn twice, in the light and the dark theme (:mod:`mnist_viz.plots._theme`); the
page swaps them by ``prefers-color-scheme``. The figure is closed after it is embedded; a plot that fails becomes a note saying so,
and the rest of the report is still built.

Example
-------
>>> from mnist_viz import plots
>>> from mnist_viz.report._model import Section
>>> s = Section("r0-example", "Example")
>>> add_figure(s, lambda: plots.confusion_matrix([0, 1, 1], [0, 1, 0]), what="confusion matrix")
True
>>> s.blocks[0].alt[:16]
'Confusion matrix'
"""
from __future__ import annotations

import re
import warnings
from typing import Any, Callable

from . import _embed
from ._model import Section

__all__ = ["add_figure"]

#: a zero-argument callable that draws with a public plot function and returns its Figure or Axes
Draw = Callable[[], Any]


#: draw every figure a second time in the dark theme, shown by the page under prefers-color-scheme: dark
#: (``False``: light figures only, as a benchmark compares)
DARK_FIGURES = True
#: colours kept in a dark PNG: the dark drawings use fewer distinct colours than the light
#: ones' anti-aliasing on white suggests; 64 keeps text crisp and the file small
DARK_PALETTE_COLORS = 64


def _draw(draw: Draw, dpi: int, theme_name: str = "light", layout=None) -> tuple[bytes, int, int, str, Any, list[str]]:
    """(PNG bytes, w, h, alt, layout, missing glyphs) of what ``draw()`` returns (a Figure or Axes),
    drawn in theme ``theme_name``; the figure is closed, an exception in the plot propagates.
    ``layout``: what :func:`_layout_of` took from the same figure in the other theme, placed instead
    of running the layout engine again (same fonts, same sizes: the same places, a third of a redraw's
    time). Every warning of the drawing and the saving is caught (none reaches the caller); the
    "Glyph ... missing from font" ones are returned, one line each, for a note."""
    from mnist_viz.plots._theme import background, theme

    fig = None
    with theme(theme_name), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = draw()
            fig = result if hasattr(result, "savefig") else result.figure
            alt = _alt(fig)
            _place(fig, layout)
            colors = DARK_PALETTE_COLORS if theme_name == "dark" else _embed.PALETTE_COLORS
            png, w, h = _embed.figure_png(fig, dpi=dpi, background=background(), colors=colors)  # closes fig
        except BaseException:
            if fig is not None:
                _embed._close(fig)
            raise
    return png, w, h, alt, _layout_of(fig), missing_glyphs(caught)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def missing_glyphs(caught) -> list[str]:
    """The "Glyph N (c) missing from font(s) ..." warnings among ``caught`` (warning records), each
    once, on one line, in the order they came.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("Glyph 13 (\\r) missing from font(s) DejaVu Sans.")
    ...     warnings.warn("constrained_layout not applied")
    >>> missing_glyphs(caught)
    ['Glyph 13 (\\\\r) missing from font(s) DejaVu Sans.']
    """
    found = [" ".join(_CONTROL.sub(lambda m: repr(m.group())[1:-1], str(w.message)).split()) for w in caught]
    return list(dict.fromkeys(m for m in found if m.startswith("Glyph ") and " missing from " in m))


_SUPS = ("_suptitle", "_supxlabel", "_supylabel")


def _laid_out(fig) -> bool:
    """Whether a layout engine places ``fig``'s Axes (not "none", no subfigures)."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = fig.get_layout_engine()
    return engine is not None and not isinstance(engine, PlaceHolderLayoutEngine) and not fig.subfigs


def _layout_of(fig):
    """Where a drawn figure's layout engine put its Axes (their layout boxes) and figure titles;
    None without an engine, or with subfigures (laid out apart)."""
    if not _laid_out(fig):
        return None
    sups = [(t.get_position(), t.get_verticalalignment()) if t is not None else None
            for t in (getattr(fig, name, None) for name in _SUPS)]
    return [ax.get_position(original=True).bounds for ax in fig.axes], sups


def _place(fig, layout) -> bool:
    """Put ``fig``'s Axes and titles where ``layout`` says and turn its layout engine off; nothing
    (False) unless the figure has the same Axes, engine and titles as the one measured."""
    if layout is None or not _laid_out(fig) or len(fig.axes) != len(layout[0]):
        return False
    texts = [getattr(fig, name, None) for name in _SUPS]
    if [t is None for t in texts] != [s is None for s in layout[1]]:
        return False
    fig.set_layout_engine("none")
    for ax, box in zip(fig.axes, layout[0]):
        ax.set_position(box, which="both")
    for text, saved in zip(texts, layout[1]):
        if text is not None:
            text.set_position(saved[0])
            text.set_verticalalignment(saved[1])
    return True


def _draw_dark(draw: Draw, dpi: int, light: bytes, size: tuple[int, int], layout=None) -> str | None:
    """The dark drawing's data URI, or None where it adds nothing (the same pixels as the light
    one, another size) or fails (the page then shows the light figure in both schemes)."""
    if not DARK_FIGURES:
        return None
    try:
        png, w, h, _alt_text, _layout, _missing = _draw(draw, dpi, "dark", layout)
    except Exception:
        return None
    return None if png == light or (w, h) != size else _embed.png_data_uri(png)


def _alt(fig) -> str:
    try:
        from mnist_viz.plots import alt_text

        return alt_text(fig)
    except Exception:
        return ""


def one_line(exc: BaseException) -> str:
    """An exception's message on one line, at most 300 characters (for a note in the page).

    >>> one_line(ValueError("spread   over    spaces"))
    'spread over spaces'
    """
    text = " ".join(str(exc).split())
    return text[:300] + ("…" if len(text) > 300 else "")


def add_figure(section: Section, draw: Draw, *, what: str, caption: str = "", alt: str | None = None,
               dpi: int = _embed.FIGURE_DPI) -> bool:
    """Call ``draw()`` (it returns a Figure or Axes) and embed the figure in ``section``.

    ``what`` names the figure in a note when it cannot be drawn, and is the alt text when the
    plot attached none; ``alt`` replaces the plot's own alt text.

    >>> from mnist_viz import plots
    >>> s = Section("r0-example", "Example")
    >>> add_figure(s, lambda: plots.confusion_matrix([0, 1, 1], [0, 1, 0]), caption="Counts.", what="counts")
    True
    >>> s.blocks[0].kind, s.blocks[0].uri[:22], s.blocks[0].uri_dark[:22], s.blocks[0].caption
    ('figure', 'data:image/png;base64,', 'data:image/png;base64,', 'Counts.')
    >>> add_figure(s, lambda: plots.confusion_matrix([0, 1], [0]), what="confusion matrix")
    False
    >>> s.blocks[1].kind, s.blocks[1].text
    ('note', 'Could not draw the confusion matrix: ValueError: ...')
    """
    try:
        png, w, h, drawn_alt, layout, missing = _draw(draw, dpi)
    except Exception as exc:  # a plot failing must not lose the rest of the report
        section.note(f"Could not draw the {what}: {type(exc).__name__}: {one_line(exc)}", kind="error")
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the dark drawing's warnings repeat the light one's
        dark = _draw_dark(draw, dpi, png, (w, h), layout)
    section.add("figure", uri=_embed.png_data_uri(png), uri_dark=dark, width=w,
                height=h, alt=alt or drawn_alt or what, caption=caption)
    if missing:
        section.note(f"Some characters in the {what} have no glyph in the figure's font and show as boxes: "
                     + one_line(Exception("; ".join(missing))), kind="info")
    return True
