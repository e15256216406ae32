"""Build the self-contained HTML report from one or more runs.

Example
-------
>>> import tempfile, pathlib
>>> from mnist_viz.run import Run
>>> run = Run.from_dict({"loss": [0.9, 0.5], "val_loss": [0.8, 0.6]}, name="tiny")
>>> report = build_report(run, pathlib.Path(tempfile.mkdtemp()) / "tiny.html")
>>> report.path.exists(), "Training curves" in report.html
(True, True)
"""
from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import os
import sys
import time
from pathlib import Path
from typing import Callable, Iterable

from ._model import Report, ReportError, Section

__all__ = ["build_report", "CSP"]

_HERE = Path(__file__).parent
#: Content-Security-Policy of every report: nothing may be fetched; only the report's own script
#: (pinned by hash) runs.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {script}; base-uri 'none'; form-action 'none'"


def build_report(runs, path=None, *, title: str | None = None, quiet: bool = True,
                 progress: Callable[[str], None] | None = None) -> Report:
    """Build one self-contained HTML file from one or more runs and (optionally) write it.

    Parameters
    ----------
    runs : run directory, :class:`~mnist_viz.run.Run`, or a list of them
        Each run gets its own sections; two or more also get a comparison section.
    path : str or Path, optional
        Where to write the page (atomically). Without it the report is only returned.
    title : str, optional
        Page title (default: "mnist_viz report: <run names>").
    quiet : bool
        No progress lines on stderr (default True; the CLI passes ``quiet=args.quiet``).
    progress : callable, optional
        Receives one line per built section instead of stderr (implies progress is shown).

    Returns
    -------
    Report
        ``.html``, ``.path``, ``.size_bytes``, ``.save(path)``; shows inline in notebooks.

    Raises
    ------
    ReportError
        (a ``ValueError``) with a one-line message when a run is missing or cannot be read.

    Example
    -------
    >>> from mnist_viz.run import Run
    >>> r = build_report([Run.from_dict({"loss": [1.0, 0.5]}, name="a"),
    ...                   Run.from_dict({"loss": [0.9, 0.4]}, name="b")])
    >>> "Comparison" in r.html, r.path is None
    (True, True)
    """
    started = time.perf_counter()
    say = progress if progress is not None else (None if quiet else _stderr)
    loaded = load_runs(runs)
    if path is not None and Path(path).is_dir():
        raise ReportError(f"path {str(path)!r} is a folder; expected an .html file path")
    title = title or ("mnist_viz report: " + ", ".join(r.name for r in loaded))

    from . import _sections as S

    timings: dict[str, float] = {}
    steps: list[tuple[str, Callable[[], None]]] = []
    groups: list[dict] = []
    drills: dict[str, dict] = {}

    def timed(label: str, fn: Callable[[], Section]) -> Section:
        t0 = time.perf_counter()
        section = fn()
        dt = time.perf_counter() - t0
        timings[label] = dt
        if say:
            say(f"report: {label} ({dt:.2f} s)")
        return section

    comparison = None
    if len(loaded) >= 2:
        comparison = timed("comparison", lambda: S.comparison_section(loaded, "comparison"))
    for i, run in enumerate(loaded):
        rid = f"r{i}"
        sections = []
        label = f"[{i + 1}/{len(loaded)}] {run.name}"
        sections.append(timed(f"{label}: summary", lambda: S.summary_section(run, f"{rid}-summary")))
        sections.append(timed(f"{label}: training curves", lambda: S.curves_section(run, f"{rid}-curves")))
        sections.append(timed(f"{label}: weights", lambda: S.weights_section(run, f"{rid}-weights")))

        def confusion(run=run, rid=rid):
            sec, drill = S.confusion_section(run, f"{rid}-confusion", drill_id=f"{rid}-cm")
            if drill is not None:
                drills[f"{rid}-cm"] = drill
            return sec

        sections.append(timed(f"{label}: confusion matrix", confusion))
        sections.append(timed(f"{label}: predictions", lambda: S.predictions_section(run, f"{rid}-predictions")))
        sections.append(timed(f"{label}: model internals", lambda: S.internals_section(run, f"{rid}-internals")))
        sections.append(timed(f"{label}: evolution", lambda: S.evolution_section(run, f"{rid}-evolution",
                                                                                 slider_id=f"{rid}-slider")))
        sections.append(timed(f"{label}: calibration and embedding",
                              lambda: S.calibration_section(run, f"{rid}-calibration")))
        groups.append({"id": rid, "name": run.name, "status": run.status,
                       "source": str(run.path) if run.path else "(in memory)", "sections": sections})

    t0 = time.perf_counter()
    html = render_page(title=title, groups=groups, comparison=comparison, drills=drills,
                       runs=loaded, headline=[S.headline_metrics(r) for r in loaded], fmt=S.fmt)
    timings["render"] = time.perf_counter() - t0
    report = Report(html, title=title, timings=timings)
    if path is not None:
        report.save(path)
    total = time.perf_counter() - started
    timings["total"] = total
    if say:
        where = f" -> {report.path}" if report.path else ""
        say(f"report: done in {total:.2f} s, {report.size_bytes / 1e6:.2f} MB{where}")
    return report


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def load_runs(runs) -> list:
    """``runs`` (one or many run directories / Run objects) as a list of loaded :class:`Run`.

    >>> load_runs("/no/such/run")
    Traceback (most recent call last):
    ...
    mnist_viz.report._model.ReportError: run '/no/such/run': no such folder
    """
    from mnist_viz.run import Run

    if isinstance(runs, (str, os.PathLike, Run)):
        runs = [runs]
    try:
        items = list(runs)
    except TypeError:
        raise ReportError(f"runs must be a run directory, a Run, or a list of them; got {type(runs).__name__}") from None
    if not items:
        raise ReportError("runs is empty; give at least one run directory or Run")
    loaded = []
    for item in items:
        if isinstance(item, Run):
            loaded.append(item)
            continue
        if not isinstance(item, (str, os.PathLike)):
            raise ReportError(f"each run must be a run directory or a Run; got {type(item).__name__}")
        p = Path(item)
        if not p.exists():
            raise ReportError(f"run {str(item)!r}: no such folder")
        if not p.is_dir():
            raise ReportError(f"run {str(item)!r}: is a file, expected a run directory")
        try:
            loaded.append(Run.load(p))
        except Exception as exc:  # unreadable JSON/CSV/NPZ, wrong format version, ...
            msg = " ".join(str(exc).split()).replace(f"path {str(p)!r} ", "").replace(f"run {str(p)!r} ", "")
            raise ReportError(f"run {str(item)!r} cannot be read: {msg}") from exc
    return loaded


# ----------------------------------------------------------------------------------------------
# rendering
# ----------------------------------------------------------------------------------------------
_ENV = None


def _env():
    global _ENV
    if _ENV is None:
        import jinja2

        _ENV = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(_HERE / "templates")),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _ENV


def _static(name: str) -> str:
    return (_HERE / "static" / name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """CSP source for an inline script: ``'sha256-<base64>'``."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_page(*, title: str, groups: list[dict], comparison: Section | None, drills: dict, runs: list,
                headline: list[dict], fmt) -> str:
    """The page from the built sections (Jinja2, ``autoescape=True``)."""
    from markupsafe import Markup

    from ._embed import safe_json

    script = _static("report.js")
    css = _static("report.css")
    drill_json = safe_json(drills)
    from mnist_viz import __version__

    html = _env().get_template("report.html.j2").render(
        title=title,
        csp=CSP.format(script=script_hash(script)),
        css=Markup(css),
        script=Markup(script),
        drill_json=Markup(drill_json),
        groups=groups,
        comparison=comparison,
        runs=runs,
        headline=headline,
        fmt=fmt,
        generated=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
    )
    return html
