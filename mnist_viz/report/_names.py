"""Names from a run (run, class, metric and evaluation names) made safe to show: bidi control
characters written visibly, and long names shortened with an ellipsis.

A name is the user's text: it may hold U+202E (RIGHT-TO-LEFT OVERRIDE), which makes "evil" display as
"live", or be 5,000 characters long, which floods headings, tables and figures. The page shows such
names as ``<U+202E>`` and cuts them at :data:`NAME_LIMIT` characters (:data:`FIGURE_NAME_LIMIT` in
figures), with the (visible) name in a ``title=`` tooltip of up to :data:`TOOLTIP_LIMIT` characters; the
overview table shows run names whole and the CSV downloads keep every name whole.

>>> visible("\u202eevil"), short("x" * 100)[-3:], len(short("x" * 100))
('<U+202E>evil', 'xx…', 80)
"""
from __future__ import annotations

import re

__all__ = ["NAME_LIMIT", "FIGURE_NAME_LIMIT", "TOOLTIP_LIMIT", "BIDI_CONTROLS", "visible", "short", "figure_names", "name_html"]

#: the most characters of a name shown in a heading, table cell or tooltip-less text (the ellipsis included)
NAME_LIMIT = 80
#: the most characters of a class or run name drawn in a figure (tick labels, legends, titles)
FIGURE_NAME_LIMIT = 40
#: the most characters of a name in a title= tooltip (a tooltip repeats on every cell of every epoch's
#: matrix, so a 5,000-character name would flood the page; the overview table and the CSV downloads
#: hold every name whole)
TOOLTIP_LIMIT = 300
#: the bidi embedding, override and isolate controls and the LRM/RLM marks (U+202A..U+202E,
#: U+2066..U+2069, U+200E, U+200F)
BIDI_CONTROLS = "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F]))
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def visible(text: str) -> str:
    """``text`` with every bidi control character written as ``<U+XXXX>``, so it displays in the
    order it is stored.

    >>> visible("a\u2066b\u200f"), visible("plain")
    ('a<U+2066>b<U+200F>', 'plain')
    """
    return _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def short(name: object, limit: int = NAME_LIMIT) -> str:
    """``name`` as visible text (:func:`visible`) of at most ``limit`` characters: a longer one keeps
    its first ``limit - 1`` characters and ends in "…".

    >>> short("conv"), short("abcdef", limit=4), short(3)
    ('conv', 'abc…', '3')
    >>> short("a", limit=0)
    Traceback (most recent call last):
    ...
    ValueError: limit must be an int >= 2; got 0
    """
    if not isinstance(limit, int) or limit < 2:
        raise ValueError(f"limit must be an int >= 2; got {limit!r}")
    text = visible(str(name))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def figure_names(names) -> list[str]:
    """Class or run names as drawn in a figure: :func:`short` at :data:`FIGURE_NAME_LIMIT`.

    >>> figure_names(["cat", "d" * 50])[1] == "d" * 39 + "…"
    True
    """
    return [short(n, FIGURE_NAME_LIMIT) for n in names]


def name_html(name: object, limit: int = NAME_LIMIT):
    """The Jinja filter ``name``: :func:`short` as escaped HTML; a shortened name sits in a
    ``<span title="...">`` holding the whole (visible) name, up to :data:`TOOLTIP_LIMIT` characters.

    >>> str(name_html("<b>")), str(name_html("abcdef", limit=4))
    ('&lt;b&gt;', '<span class="cut" title="abcdef">abc…</span>')
    """
    from markupsafe import Markup, escape

    text, full = short(name, limit), visible(str(name))
    if text == full:
        return escape(text)
    return Markup('<span class="cut" title="{}">{}</span>').format(short(full, TOOLTIP_LIMIT), text)


def finalize(value):
    """The Jinja ``finalize`` hook: every plain string written into the page shows its bidi controls
    (:func:`visible`); markup the report made itself (``Markup``) and other values pass unchanged.

    >>> finalize("\u202eevil"), finalize(3)
    ('<U+202E>evil', 3)
    """
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value
