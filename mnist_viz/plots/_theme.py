"""Light and dark figures: the theme the plots draw in, set for a block with :func:`theme`.

The theme lives in a :class:`contextvars.ContextVar`, so it is local to the code inside the block
(a thread or task elsewhere keeps its own). :func:`~mnist_viz.plots._style.plot_style` applies the
dark style file after the base one when the theme is ``"dark"``; colours a plot module writes by
hand go through :func:`ink`, which returns them unchanged in the light theme (so light output is
exactly what it was) and swaps greys, black and white in the dark one.

Example
-------
>>> from mnist_viz.plots._theme import theme, current_theme, ink
>>> current_theme(), ink("0.3"), ink("black")
('light', '0.3', 'black')
>>> with theme("dark"):
...     current_theme(), ink("0.3"), ink("black"), ink("white") == DARK_BACKGROUND
('dark', '0.7', '#e6edf3', True)
"""
from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["THEMES", "DARK_STYLE_FILE", "DARK_BACKGROUND", "DARK_INK", "theme", "current_theme",
           "style_files", "ink", "background"]

THEMES = ("light", "dark")
DARK_STYLE_FILE = Path(__file__).with_name("mnist_viz_dark.mplstyle")
#: the dark figure background (the report's dark panel colour) and its text colour
DARK_BACKGROUND = "#161b22"
DARK_INK = "#e6edf3"
LIGHT_BACKGROUND = "white"

_THEME: contextvars.ContextVar[str] = contextvars.ContextVar("mnist_viz_theme", default="light")


@contextlib.contextmanager
def theme(name: str) -> Iterator[str]:
    """Draw in theme ``name`` (``"light"`` or ``"dark"``) inside the block; the previous theme after it.

    >>> with theme("dark"):
    ...     with theme("light"):
    ...         inner = current_theme()
    ...     outer = current_theme()
    >>> inner, outer, current_theme()
    ('light', 'dark', 'light')
    >>> with theme("sepia"):
    ...     pass
    Traceback (most recent call last):
    ...
    ValueError: theme must be one of 'light', 'dark'; got 'sepia'
    """
    if name not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(map(repr, THEMES))}; got {name!r}")
    token = _THEME.set(name)
    try:
        yield name
    finally:
        _THEME.reset(token)


def current_theme() -> str:
    """The theme plots draw in here: ``"light"`` unless inside :func:`theme`.

    >>> current_theme()
    'light'
    """
    return _THEME.get()


def style_files(base: str | Path) -> list[str]:
    """The style files :func:`~mnist_viz.plots._style.plot_style` applies: ``base``, then the dark
    one in the dark theme.

    >>> [Path(p).name for p in style_files("mnist_viz.mplstyle")]
    ['mnist_viz.mplstyle']
    >>> with theme("dark"):
    ...     [Path(p).name for p in style_files("mnist_viz.mplstyle")]
    ['mnist_viz.mplstyle', 'mnist_viz_dark.mplstyle']
    """
    return [str(base)] + ([str(DARK_STYLE_FILE)] if current_theme() == "dark" else [])


def background() -> str:
    """The figure background of the current theme (what a report PNG is flattened onto).

    >>> background()
    'white'
    >>> with theme("dark"):
    ...     background()
    '#161b22'
    """
    return DARK_BACKGROUND if current_theme() == "dark" else LIGHT_BACKGROUND


_SWAPS = {"black": DARK_INK, "k": DARK_INK, "white": DARK_BACKGROUND, "w": DARK_BACKGROUND,
          "none": "none"}


def ink(color: Any) -> Any:
    """A colour a plot module writes by hand, for the current theme: unchanged in the light theme;
    in the dark theme black becomes the light text colour, white the dark background and a grey
    level ``"g"`` becomes ``"1 - g"``. Other colours (the palette, hex values) stay.

    >>> with theme("dark"):
    ...     ink("0.25"), ink("k"), ink("#D55E00"), ink((0.1, 0.2, 0.3))
    ('0.75', '#e6edf3', '#D55E00', (0.1, 0.2, 0.3))
    """
    if current_theme() != "dark" or not isinstance(color, str):
        return color
    if color.lower() in _SWAPS:
        return _SWAPS[color.lower()]
    try:
        grey = float(color)
    except ValueError:
        return color
    return f"{1.0 - grey:.6g}" if 0.0 <= grey <= 1.0 else color
