"""The notes a built report page shows, read from its HTML (``<p class="note note-STYLE">``)."""
from __future__ import annotations

import html as _html
import re

_NOTE = re.compile(r'<p class="note note-(\w+)" id="([^"]*)">(.*?)</p>', re.S)
#: the one note every page carries for readers without JavaScript (not about the run)
NOSCRIPT = "The drill-down needs JavaScript"


def report_notes(page: str) -> list[tuple[str, str, str]]:
    """``(style, block id, text)`` of every note on ``page``, the JavaScript-less one excluded."""
    return [(style, bid, _html.unescape(text)) for style, bid, text in _NOTE.findall(page)
            if not text.startswith(NOSCRIPT)]


def absences(page: str) -> list[str]:
    """The notes that say something is missing or failed (styles ``missing`` and ``error``)."""
    return [f"{bid}: {text}" for style, bid, text in report_notes(page) if style in ("missing", "error")]
