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
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Union, cast

from ._model import Report, ReportError, Section
from ._names import short
from ._pool import default_jobs, drawing_conditions, run_in_order, warm_imports  # noqa: F401 (default_jobs, warm_imports: benchmarks)

if TYPE_CHECKING:
    from mnist_viz.run import Run

#: What build_report takes as runs: a run directory or a Run, or several of them.
Runs = Union["str | os.PathLike[str] | Run", Iterable["str | os.PathLike[str] | Run"]]

__all__ = ["build_report", "CSP"]

_HERE = Path(__file__).parent
#: Content-Security-Policy of every report: nothing may be fetched; only the report's own script
#: (pinned by hash) runs.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {script}; base-uri 'none'; form-action 'none'"


def build_report(runs: Runs, path: str | os.PathLike[str] | None = None, *, title: str | None = None,
                 quiet: bool = True, progress: Callable[[str], None] | None = None, jobs: int | None = None) -> Report:
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
        Receives one line per built section, in page order, instead of stderr (implies progress is
        shown); its ``start(n)`` and ``tick(label)``, if any, hear of each section as it is drawn.
    jobs : int, optional
        Worker processes drawing sections in parallel (forked, so nothing is pickled but the
        results). Default: one per CPU core, up to 4, where ``fork`` is safe (Linux, no
        TensorFlow or IPython kernel loaded in this process); otherwise 1 (serial).

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
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a callable taking one line of text, or None; got {type(progress).__name__}")
    say = progress if progress is not None else (None if quiet else _stderr)
    with drawing_conditions():  # loading, drawing and rendering: one BLAS thread, a frozen GC
        return _build(runs, path, title=title, say=say, jobs=jobs, started=started)


def _build(runs: Runs, path: str | os.PathLike[str] | None, *, title: str | None,
           say: Callable[[str], None] | None, jobs: int | None, started: float) -> Report:
    loaded = load_runs(runs)
    if path is not None and Path(path).is_dir():
        raise ReportError(f"path {str(path)!r} is a folder; expected an .html file path")
    title = title or ("mnist_viz report: " + ", ".join(short(r.name) for r in loaded))

    from . import sections as S
    from ._format import fmt
    from ._tasks import run_tasks

    timings: dict[str, float] = {}
    tasks: list[tuple[str, Callable[[], Any]]] = []  # (progress label, () -> Section | (Section, drill))
    if len(loaded) >= 2:
        tasks.append(("comparison", partial(S.comparison_section, loaded, "comparison")))
    counts = []  # sections per run: its own, then one per evaluation
    for i, run in enumerate(loaded):
        own = run_tasks(run, i, len(loaded))
        counts.append(len(own))
        tasks += own
    results = run_in_order(tasks, jobs=jobs, say=say, timings=timings)

    comparison = None
    drills: dict[str, Any] = {}
    groups: list[dict[str, Any]] = []
    k = 0
    if len(loaded) >= 2:
        comparison, k = results[0], 1
    for i, run in enumerate(loaded):
        sections: list[Section] = []
        for result in results[k:k + counts[i]]:
            if isinstance(result, tuple):  # a section with a confusion matrix, and its drill-down data by id
                result, found = result
                drills.update(found)
            sections.append(result)
        k += counts[i]
        groups.append({"id": f"r{i}", "name": run.name, "status": run.status,
                       "source": str(run.path) if run.path else "(in memory)", "sections": sections})

    t0 = time.perf_counter()
    html = render_page(title=title, groups=groups, comparison=comparison, drills=drills,
                       runs=loaded, headline=[S.headline_metrics(r) for r in loaded], fmt=fmt)
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


def load_runs(runs: Runs) -> list[Run]:
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
    loaded: list[Run] = []
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
_ENV: Any = None  # the jinja2.Environment, made on first use


def _env() -> Any:
    global _ENV
    if _ENV is None:
        import jinja2

        from ._names import finalize, name_html, short

        _ENV = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(_HERE / "templates")),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=finalize,  # bidi controls in any text from a run are shown as <U+202E>
        )
        _ENV.filters["name"] = name_html  # a long name: shortened, whole in its title= tooltip
        _ENV.filters["short"] = short
    return _ENV


def _static(name: str) -> str:
    return (_HERE / "static" / name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """CSP source for an inline script: ``'sha256-<base64>'``.

    >>> script_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_page(*, title: str, groups: list[dict[str, Any]], comparison: Section | None, drills: dict[str, Any],
                runs: list[Run], headline: list[dict[str, Any]], fmt: Any) -> str:
    """The page from the built sections (Jinja2, ``autoescape=True``).

    >>> from mnist_viz.report._format import fmt
    >>> html = render_page(title="<b>empty</b>", groups=[], comparison=None, drills={}, runs=[],
    ...                    headline=[], fmt=fmt)
    >>> html.startswith("<!doctype html>"), "<title>&lt;b&gt;empty&lt;/b&gt;</title>" in html
    (True, True)
    """
    from markupsafe import Markup

    from ._embed import safe_json
    from ._format import rows_by_column

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
        # the overview's number columns, each written alike (epochs, test accuracy, test loss)
        overview=rows_by_column([[h.get("epochs"), h.get("test accuracy"), h.get("test loss")] for h in headline]),
        fmt=fmt,
        generated=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
    )
    return cast(str, html)
