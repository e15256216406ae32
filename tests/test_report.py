"""Tests of the report package as a whole (mnist_viz/report/): importing it is light, and every
module of it (sections included) has runnable docstring examples on each public function.

The report's parts are tested in the files that mirror its modules: tests/test_report_builder.py
(the whole page), tests/test_report_figures.py, tests/test_report_format.py, tests/test_report_drill.py,
tests/test_report_missing.py, tests/test_report_embed.py, tests/test_report_model.py, one
tests/test_report_sections_<name>.py per section, and tests/test_report_browser.py (the page in a
real browser). Run directories come from tests/report_runs.py (no TensorFlow).

Run: ``python -m pytest tests/test_report*.py -q`` (about a minute or two on 2 CPU cores).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _report_modules() -> list[str]:
    """Every module of mnist_viz/report/ (found on disk, so a new module is covered as it lands)."""
    root = REPO / "mnist_viz" / "report"
    names = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


REPORT_MODULES = _report_modules()


def test_import_is_light():
    code = ("import sys, mnist_viz.report as r; assert callable(r.build_report); "
            "bad = [m for m in ('tensorflow', 'keras', 'matplotlib') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_every_report_module_is_covered():
    expected = {"mnist_viz.report", "mnist_viz.report.builder", "mnist_viz.report._figures",
                "mnist_viz.report._format", "mnist_viz.report._drill", "mnist_viz.report._missing",
                "mnist_viz.report._embed", "mnist_viz.report._model", "mnist_viz.report.sections"}
    expected |= {f"mnist_viz.report.sections.{name}" for name in (
        "summary", "curves", "weights", "confusion", "predictions", "internals", "evolution", "calibration",
        "comparison")}
    assert expected <= set(REPORT_MODULES), expected - set(REPORT_MODULES)


@pytest.mark.parametrize("name", REPORT_MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    """Every public function, class and method of the report modules has an example, and the
    examples run as written (doctest, with ``...`` for the parts that vary)."""
    import doctest
    import importlib
    import inspect
    import warnings

    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    module = importlib.import_module(name)
    lacking = []
    for attr, obj in vars(module).items():
        if attr.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            if ">>>" not in (obj.__doc__ or ""):
                lacking.append(attr)
        if inspect.isclass(obj):
            lacking += [f"{attr}.{m}" for m, f in vars(obj).items()
                        if not m.startswith("_") and inspect.isfunction(f) and ">>>" not in (f.__doc__ or "")]
    assert not lacking, f"{name}: no docstring example in {lacking}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                                 report=True, verbose=False)
    assert result.attempted > 0, f"{name} has no docstring examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see the output above)"


# ---------------------------------------------------------------------------------------------------
# the page's own strings (accessibility, issue 13); tests/test_report_a11y.py audits the page in a browser
from report_runs import parse, two_run_report, two_runs  # noqa: E402,F401 (fixtures)

ONE_PLURAL = r"(?<![\d.,])1 (?:test |validation |probe )?(?:digits|images|samples|runs|epochs|items|cells)\b"


def _attrs(page: str, name: str) -> list[str]:
    import html
    import re

    return [html.unescape(v) for v in re.findall(rf'\b{name}="([^"]*)"', page)]


def test_no_one_with_a_plural_in_the_page(two_run_report):
    import re

    page = two_run_report.html
    texts = parse(page).text + _attrs(page, "aria-label") + _attrs(page, "alt") + _attrs(page, "title")
    labels = _attrs(page, "aria-label")
    assert any(re.search(r": 1 digit$", t) for t in labels)  # a confusion cell holding one digit says so
    bad = [t for t in texts if re.search(ONE_PLURAL, t)]
    assert not bad, bad
    script = parse(page).scripts[-1][1]
    assert "=== 1 ? nouns[0] : nouns[1]" in script  # the drill-down caption picks the noun the same way


def test_section_landmarks_and_headings_are_unique_across_runs(two_run_report):
    import re

    page = two_run_report.html
    headings = {}
    for sid in re.findall(r'<section id="([^"]+)"[^>]* aria-labelledby="\1-h"', page):
        m = re.search(rf'<h[23] id="{re.escape(sid)}-h">(.*?)</h[23]>', page, flags=re.S)
        headings[sid] = re.sub(r"<[^>]+>", "", m.group(1)).strip()
    assert len(headings) >= 10
    assert len(set(headings.values())) == len(headings), headings
    assert headings["r0-summary"].startswith("Summary") and headings["r0-summary"].endswith("run dense")


def test_every_colour_cue_has_a_text_marker(two_run_report):
    import re

    page = two_run_report.html
    items = re.findall(r'<li class="(ok|bad)">(.*?)</li>', page, flags=re.S)
    assert items and {"ok", "bad"} == {k for k, _ in items}
    for kind, body in items:
        verdict = re.search(r'<span class="verdict">(.*?)</span></span>', body, flags=re.S).group(1)
        assert ("✓" in verdict and "right" in verdict) if kind == "ok" else ("✗" in verdict and "wrong" in verdict)
        hits = re.findall(r'<span class="bar hit"><span class="mark">(.*?)</span><b', body, flags=re.S)
        misses = re.findall(r'<span class="bar"><span class="mark">(.*?)</span><b', body, flags=re.S)
        assert len(hits) <= 1 and all("✓" in h and "true class" in h for h in hits)
        assert all(m == "" for m in misses)
        assert len(hits) + len(misses) == 3
    # the caption explains the markers with the colours
    assert "✓ and a green bar: the true class; ✗ and an orange" in page


def test_only_the_drill_down_status_line_is_live(two_run_report):
    import re

    page = two_run_report.html
    live = re.findall(r'<(\w+)([^>]*)aria-live="polite"', page)
    assert live and all(tag == "p" and 'class="drill-caption"' in attrs for tag, attrs in live)
    assert '<div class="drill"' in page and not re.search(r'<div class="drill"[^>]*aria-live', page)
