"""The report on screen in light and dark mode: headless Debian Chromium through Playwright (the
``browser`` and ``report_file`` fixtures of tests/test_report_browser.py: two real runs).

At 1280 px in each colour scheme: a full-page screenshot in ``test-artifacts/`` (looked at by a
person), every report figure shows the drawing of that scheme (``currentSrc`` is the dark
``<source>`` in dark mode, the ``<img>``'s own PNG in light mode) and its rendered pixels have a dark
background in dark mode (luminance < 0.3) and a light one in light mode (> 0.7), and every table
cell writes its numbers as the page does (no ``1.648e+04``, no ``['CPU']``).

Run: ``python -m pytest tests/test_report_screens.py -q -m browser``.
"""
from __future__ import annotations

import io
import re

import pytest

from test_report_browser import ARTIFACTS, browser, report_file  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

#: the background of a rendered figure is sampled in a band this many px inside its edge (clear of
#: its 1 px border and rounded corners); the band's median, so a title touching the edge is outvoted
BAND = (3, 7)


def background_luminance(shot) -> float:
    """Median luminance (0..1) of the band :data:`BAND` px inside the edge of an RGB screenshot."""
    import numpy as np

    px = np.asarray(shot.convert("RGB"), dtype=float) / 255.0
    lum = px @ np.array([0.2126, 0.7152, 0.0722])
    a, b = BAND
    band = np.concatenate([lum[a:b, a:-a].ravel(), lum[-b:-a, a:-a].ravel(),
                           lum[a:-a, a:b].ravel(), lum[a:-a, -b:-a].ravel()])
    return float(np.median(band))


def _open(browser, report_file, scheme: str):  # noqa: F811 (fixtures passed in)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(report_file.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    return context, page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_figures_follow_the_colour_scheme(browser, report_file, scheme):  # noqa: F811
    from PIL import Image

    context, page = _open(browser, report_file, scheme)
    try:
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"report-1280-{scheme}.png"), full_page=True)
        shown = page.evaluate("""() => Array.from(document.querySelectorAll('figure.fig img')).map(img => {
            const source = img.parentElement.tagName === 'PICTURE' ? img.parentElement.querySelector('source') : null;
            return {current: img.currentSrc, own: img.getAttribute('src'), dark: source && source.srcset,
                    alt: img.alt, w: img.naturalWidth, h: img.naturalHeight,
                    width: +img.getAttribute('width'), height: +img.getAttribute('height')};
        })""")
        assert len(shown) >= 20  # two runs' figures and the comparison's
        assert all(f["dark"] for f in shown), "every figure has a dark drawing"
        for f in shown:
            assert f["alt"] and (f["w"], f["h"]) == (f["width"], f["height"])
            assert f["current"] == (f["dark"] if scheme == "dark" else f["own"])
        figures = page.query_selector_all("figure.fig img")
        for i, img in enumerate(figures):
            img.scroll_into_view_if_needed()
            shot = Image.open(io.BytesIO(img.screenshot())).convert("RGB")
            lum = background_luminance(shot)
            where = f"figure {i} of {len(figures)} ({shown[i]['alt'][:60]!r})"
            if scheme == "dark":
                assert lum < 0.3, f"{where}: background luminance {lum:.2f} in dark mode"
            else:
                assert lum > 0.7, f"{where}: background luminance {lum:.2f} in light mode"
    finally:
        context.close()


def test_table_numbers_are_written_one_way(browser, report_file):  # noqa: F811
    context, page = _open(browser, report_file, "light")
    try:
        cells = page.evaluate("Array.from(document.querySelectorAll('table:not(.cm) td')).map(td => td.textContent.trim())")
        assert len(cells) > 100
        assert not [c for c in cells if re.search(r"\d\.?\d*e[+-]\d\d", c) and not re.fullmatch(r"-?\d\.\de[+-]\d\d", c)]
        assert not [c for c in cells if c.startswith("[") or c.startswith("('")]  # lists as text
        per_class = page.evaluate("""() => Array.from(document.querySelectorAll('table:not(.cm)'))
            .filter(t => t.caption && t.caption.textContent.startsWith('Per-class metrics'))
            .map(t => Array.from(t.tBodies[0].rows).map(r => Array.from(r.cells).map(c => c.textContent.trim())))""")
        assert per_class
        for rows in per_class:
            for j in (1, 2, 3):  # precision, recall, F1: three decimals in every cell
                assert all(re.fullmatch(r"\d\.\d{3}", r[j]) for r in rows), [r[j] for r in rows]
            assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", r[4]) for r in rows)  # support: thousands separated
    finally:
        context.close()
