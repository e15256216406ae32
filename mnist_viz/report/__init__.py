"""The self-contained HTML report: every view of one or more runs in one offline file.

``build_report(runs, path)`` loads run directories (or takes :class:`~mnist_viz.run.Run` objects),
draws every view with :mod:`mnist_viz.plots`, embeds the PNGs, tables and CSV downloads as
``data:`` URIs and writes one HTML file that fetches nothing (a Content-Security-Policy forbids
it). Importing this package imports neither TensorFlow nor Matplotlib.

Example
-------
>>> from mnist_viz.report import build_report
>>> from mnist_viz.run import Run
>>> report = build_report(Run.from_dict({"loss": [0.7, 0.4], "accuracy": [0.8, 0.9]}, name="demo"))
>>> report.html.startswith("<!doctype html>"), report.size_bytes < 1_500_000
(True, True)
"""
from __future__ import annotations

from ._model import Report, ReportError
from .builder import CSP, build_report

__all__ = ["build_report", "Report", "ReportError", "CSP"]
