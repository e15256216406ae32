"""The small data objects the report's sections are made of, and the :class:`Report` result.

Sections hold *blocks* (a figure, a table, a note, downloads, a drill-down matrix, an epoch
slider). The Jinja2 template renders each kind; every string in them is escaped there
(``autoescape=True``), so blocks carry plain text, never HTML.

Example
-------
>>> s = Section("r0-summary", "Summary")
>>> s.note("No test predictions.")
>>> [b.kind for b in s.blocks]
['note']
"""
from __future__ import annotations

import html as _html
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from mnist_viz._io import atomic_write_text

__all__ = ["ReportError", "Report", "Section", "Block", "Table"]

#: CSS height of the inline view when Report.height is None: most of the window, never tiny
DEFAULT_HEIGHT = "max(400px, 80vh)"


class ReportError(ValueError):
    """A run could not be read or the arguments make no report; the message is one line.

    It is a ``ValueError``, so callers that catch bad arguments catch it too:

    >>> isinstance(ReportError("run 'x': no such folder"), ValueError)
    True
    """


@dataclass
class Table:
    """A plain table: header cells, rows of cells (numbers are formatted by the template).

    >>> t = Table(["class", "recall"], [["0", "0.98"], ["1", "0.95"]], caption="Recall per class")
    >>> len(t.rows), t.row_header, t.kv
    (2, 0, False)
    """

    columns: list[str]
    rows: list[list[Any]]
    caption: str = ""
    #: index of the row header column (rendered as <th scope="row">), or None
    row_header: int | None = 0
    #: a two-column key/value table (values left-aligned)
    kv: bool = False


@dataclass
class Block:
    """One piece of a section; ``kind`` picks the template macro, ``data`` its fields.

    >>> b = Block("note", {"text": "No probe records.", "style": "missing"})
    >>> b.kind, b.text
    ('note', 'No probe records.')
    """

    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:  # jinja convenience: block.uri etc.
        try:
            return self.__dict__["data"][name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Section:
    """A titled part of the report with an id (unique in the page) and its blocks.

    >>> s = Section("r0-curves", "Training curves")
    >>> s.id, s.title, s.blocks, s.level
    ('r0-curves', 'Training curves', [], 3)
    """

    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    intro: str = ""
    level: int = 3

    def add(self, kind: str, **data: Any) -> Block:
        """Append a block of ``kind`` (a macro of ``blocks.html.j2``) with ``data`` as its fields.

        >>> s = Section("r0-summary", "Summary")
        >>> s.add("metrics", items=[("test accuracy", "0.98")]).items
        [('test accuracy', '0.98')]
        """
        block = Block(kind, data)
        self.blocks.append(block)
        return block

    def note(self, text: str, *, kind: str = "missing") -> None:
        """A sentence saying what is missing and why (rendered as a highlighted paragraph).

        >>> s = Section("r0-weights", "Weights over epochs")
        >>> s.note("No weight records.", kind="info")
        >>> s.blocks[0].data
        {'text': 'No weight records.', 'style': 'info'}
        """
        self.add("note", text=text, style=kind)

    def table(self, table: Table, *, details: str | None = None) -> None:
        """A table; with ``details`` it sits in a collapsed <details> with that summary line.

        >>> s = Section("r0-curves", "Training curves")
        >>> s.table(Table(["epoch", "loss"], [["1", "0.5"]]), details="Table: history per epoch")
        >>> s.blocks[0].kind, s.blocks[0].details
        ('table', 'Table: history per epoch')
        """
        self.add("table", table=table, details=details)


class Report:
    """A built report: the HTML text, and where it was written (if anywhere).

    Attributes
    ----------
    html : str
        The whole self-contained page.
    path : pathlib.Path or None
        The file written by :func:`~mnist_viz.report.build_report` or :meth:`save`.
    size_bytes : int
        Size of the page in UTF-8 bytes.

    height : int or None
        Height in CSS pixels of the inline view. ``None`` (the default): as tall as most of the
        window (``max(400px, 80vh)``), since a report is taller than any window and scrolls inside its frame.

    In a notebook the object shows the report inline (an ``<iframe srcdoc=...>``, which nbconvert
    keeps as plain HTML). The frame is sandboxed without ``allow-same-origin`` (the report's script
    must not reach the notebook), so the notebook cannot measure its content: a fixed ``height``
    or the window-tall default it is. The report scrolls, and its table of contents jumps, inside it.

    >>> r = Report("<!doctype html><title>x</title><p>hi</p>")
    >>> r.size_bytes, 'srcdoc="&lt;!doctype html&gt;' in r._repr_html_()
    (40, True)
    >>> "height:max(400px, 80vh)" in r._repr_html_(), "height:1200px" in Report("<p>x</p>", height=1200)._repr_html_()
    (True, True)
    """

    def __init__(self, html: str, path: str | os.PathLike[str] | None = None, *, title: str = "mnist_viz report",
                 timings: Mapping[str, float] | None = None, height: int | None = None) -> None:
        self.html = html
        self.path = Path(path) if path is not None else None
        self.title = title
        #: seconds spent per section while building
        self.timings = dict(timings or {})
        self.height = height

    @property
    def height(self) -> int | None:
        """Height of the inline view in CSS pixels, or None for the window-tall default (settable).

        >>> r = Report("<p>x</p>"); r.height = 900; r.height
        900
        >>> r.height = "tall"
        Traceback (most recent call last):
        ...
        TypeError: height must be a positive int (CSS pixels) or None; got str 'tall'
        """
        return self._height

    @height.setter
    def height(self, value: int | None) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"height must be a positive int (CSS pixels) or None; got {type(value).__name__} {value!r}")
        if value is not None and value <= 0:
            raise ValueError(f"height must be a positive int (CSS pixels) or None; got {value!r}")
        self._height = value

    @property
    def size_bytes(self) -> int:
        return len(self.html.encode("utf-8"))

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` atomically (whole file or nothing) and remember the path.

        >>> import tempfile, pathlib
        >>> p = Report("<p>x</p>").save(pathlib.Path(tempfile.mkdtemp()) / "r.html")
        >>> p.read_text()
        '<p>x</p>'
        """
        path = Path(path)
        if path.is_dir():
            raise ReportError(f"path {str(path)!r} is a folder; expected an .html file path")
        self.path = atomic_write_text(path, self.html)
        return self.path

    def _repr_html_(self) -> str:
        doc = _html.escape(self.html, quote=True)
        title = _html.escape(self.title, quote=True)
        height = DEFAULT_HEIGHT if self.height is None else f"{self.height}px"
        return (
            f'<iframe title="{title}" srcdoc="{doc}" sandbox="allow-scripts allow-downloads" '
            f'style="width:100%;height:{height};border:1px solid #ccc;border-radius:4px" loading="lazy"></iframe>'
        )

    def __repr__(self) -> str:
        where = f" at {str(self.path)!r}" if self.path else ""
        return f"<Report {self.size_bytes / 1e6:.2f} MB{where}>"
