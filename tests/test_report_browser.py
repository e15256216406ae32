"""The report in a real browser: headless Debian Chromium driven by Playwright's Python package
(never ``playwright install``). Skipped with a reason when either is missing.

Against a report of two real runs (the session's ``trained_runs``: dense and convnet, the dense one
renamed ``<img src=x onerror=alert(1)>``) opened from ``file://``: no console errors, no request
other than the page itself, every <img> decodes, a confusion cell shows its digits, the epoch
slider changes the shown epoch, the hostile run name is shown as text and runs nothing, the page
reads with JavaScript off, and a full-page screenshot lands in ``test-artifacts/report-full.png``.

Run: ``python -m pytest tests/test_report_browser.py -q -m browser`` (about 1-2 minutes on 2 CPU
cores, most of it training the two runs).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from prerequisites import missing  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
XSS = "<img src=x onerror=alert(1)>"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    # in CI (.ci/run installs both) a missing browser fails: prerequisites.missing
    if not CHROMIUM.exists():
        missing(f"no Chromium at {CHROMIUM} (CI installs Debian's chromium package)")
    try:
        from playwright import sync_api
    except ImportError:
        missing("the playwright Python package is not installed (the [test] extra has it)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def report_file(trained_runs, tmp_path_factory) -> Path:
    """A report of the two real runs; the dense run is copied to a folder (and run.json name)
    that is an HTML injection attempt."""
    from mnist_viz._io import atomic_write_json, read_json
    from mnist_viz.report import build_report

    base = tmp_path_factory.mktemp("browser")
    hostile = base / XSS
    shutil.copytree(trained_runs["dense"], hostile)
    info = read_json(hostile / "run.json")
    info["name"] = XSS
    atomic_write_json(hostile / "run.json", info)
    return build_report([hostile, trained_runs["convnet"]], base / "report.html").path


@pytest.fixture()
def page_events(browser, report_file):
    """(page, events) with the report loaded from file:// and every request, console message,
    page error and dialog recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    events = {"requests": [], "console": [], "errors": [], "dialogs": []}
    page.on("request", lambda r: events["requests"].append(r.url))
    page.on("console", lambda m: events["console"].append((m.type, m.text)))
    page.on("pageerror", lambda e: events["errors"].append(str(e)))

    def on_dialog(d):
        events["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.goto(report_file.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    yield page, events
    context.close()


def test_no_console_errors_no_network_and_every_image_decodes(page_events, report_file):
    page, events = page_events
    assert not events["errors"], events["errors"]
    assert not [m for m in events["console"] if m[0] in ("error", "warning")], events["console"]
    others = [u for u in events["requests"] if u != report_file.as_uri() and not u.startswith("data:")]
    assert not others, others
    n_images, broken = page.evaluate(
        "[document.images.length, Array.from(document.images).filter(i => !(i.naturalWidth > 0)).length]")
    assert n_images >= 20 and broken == 0


def test_clicking_a_confusion_cell_shows_its_digits(page_events):
    page, events = page_events
    thumbs = page.locator("#r1-cm-thumbs .thumb")
    assert thumbs.count() == 0
    cell = page.locator('#r1-cm button.cell[data-cell="3,3"]')
    n = int(cell.inner_text())
    cell.click()
    expected = min(n, 12)
    assert thumbs.count() == expected
    caption = page.locator("#r1-cm-drill-caption").inner_text()
    assert caption.startswith(f"True 3, predicted 3: {n} test digit")
    assert cell.get_attribute("aria-pressed") == "true"
    # each thumbnail shows a different tile of the sprite
    positions = page.eval_on_selector_all("#r1-cm-thumbs .digit", "els => els.map(e => e.style.backgroundPosition)")
    assert len(set(positions)) == expected
    # an off-diagonal cell replaces them
    keys = page.eval_on_selector_all("#r1-cm button.cell", "els => els.map(e => e.dataset.cell)")
    wrong = next(k for k in keys if k.split(",")[0] != k.split(",")[1])
    page.locator(f'#r1-cm button.cell[data-cell="{wrong}"]').click()
    t, p = wrong.split(",")
    assert page.locator("#r1-cm-drill-caption").inner_text().startswith(f"True {t}, predicted {p}:")
    assert cell.get_attribute("aria-pressed") == "false"
    assert not events["errors"]


def test_the_epoch_slider_changes_the_shown_epoch(page_events):
    page, events = page_events
    frames = page.locator("#r1-evolution .frame")
    n = frames.count()
    assert n == 2  # the trained runs have 2 epochs
    visible = [frames.nth(i).is_visible() for i in range(n)]
    assert visible == [False, True]
    assert page.locator("#r1-slider-out").inner_text() == "epoch 2"
    page.locator("#r1-slider-range").fill("0")
    assert [frames.nth(i).is_visible() for i in range(n)] == [True, False]
    assert page.locator("#r1-slider-out").inner_text() == "epoch 1"
    assert not events["errors"]


def test_a_hostile_run_name_is_text_and_runs_nothing(page_events):
    page, events = page_events
    heading = page.locator("#r0-h .run-name")
    assert heading.inner_text() == XSS
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 2  # the JSON index and ours
    assert not events["dialogs"] and not events["errors"]


def test_full_page_screenshot(page_events):
    page, _ = page_events
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / "report-full.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000


def test_the_report_reads_with_javascript_off(browser, report_file):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(report_file.as_uri())
    frames = page.locator("#r1-evolution .frame")
    assert all(frames.nth(i).is_visible() for i in range(frames.count()))
    assert page.locator("#r1-slider-range").is_visible() is False
    assert page.locator("#r0-curves img").first.is_visible()
    context.close()


def _until(frame, expression: str, timeout_s: float = 5.0) -> bool:
    """Poll ``expression`` in ``frame`` until it is truthy (``wait_for_function`` would compile the
    string inside the page, which the report's Content-Security-Policy forbids)."""
    import time

    end = time.monotonic() + timeout_s
    while True:
        if frame.evaluate(expression):
            return True
        if time.monotonic() > end:
            return False
        time.sleep(0.05)


def test_a_toc_link_in_the_page_jumps_to_its_section(page_events, report_file):
    page, events = page_events
    page.locator('nav.toc a[href="#r1-summary"]').click()
    assert _until(page, "Math.abs(document.getElementById('r1-summary').getBoundingClientRect().top) < 20")
    assert page.url == report_file.as_uri() + "#r1-summary"  # the browser's own jump: history and :target kept
    assert not events["errors"]
    assert not [m for m in events["console"] if m[0] in ("error", "warning")], events["console"]


def test_the_notebook_view_scrolls_inside_its_iframe(browser, report_file, tmp_path):
    """Report._repr_html_ (an <iframe srcdoc>) put into a notebook-like page opened from file://:
    a table-of-contents link scrolls the iframe to its section and moves focus there; nothing
    navigates (in a srcdoc iframe "#r1-summary" resolves against the parent page's URL) and the
    console stays clean (no "Not allowed to load local resource")."""
    from mnist_viz.report import Report

    cell = Report(report_file.read_text(encoding="utf-8"), title="notebook view")._repr_html_()
    host = tmp_path / "notebook.html"
    host.write_text("<!doctype html><html><head><meta charset='utf-8'><title>notebook</title></head><body>"
                    "<h1>Out[1]:</h1>" + cell + "</body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console, errors, navigations = [], [], []
    page.on("console", lambda m: console.append((m.type, m.text)))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(host.as_uri())
    page.wait_for_load_state("load")
    frame = page.wait_for_selector("iframe").content_frame()
    frame.wait_for_load_state("load")
    frame.wait_for_function("document.documentElement.classList.contains('js')")  # report.js ran
    page.on("framenavigated", lambda f: navigations.append(f.url))
    frame.wait_for_selector('nav.toc a[href="#r1-summary"]')
    assert frame.evaluate("window.scrollY") == 0
    # A mark on this document's window: a reload or a navigation to another document drops it.
    # (Counting framenavigated events is not enough: under load the iframe's own first
    # about:srcdoc navigation can be reported after the parent's load event.)
    frame.evaluate("window.__sameDocument = true")

    frame.locator('nav.toc a[href="#r1-summary"]').click()
    assert _until(frame, "window.scrollY > 0"), "the iframe did not scroll"
    top = frame.evaluate("document.getElementById('r1-summary').getBoundingClientRect().top")
    assert abs(top) < 20, top
    assert frame.evaluate("document.activeElement && document.activeElement.id") == "r1-summary"
    # and back up with the footer's "back to contents" link
    frame.locator('a[href="#toc-title"]').click()
    assert _until(frame, "document.activeElement && document.activeElement.id === 'toc-title'")
    page.wait_for_timeout(200)  # a navigation, had one started, would show up by now
    assert [u for u in navigations if u != "about:srcdoc"] == [], navigations
    assert frame.evaluate("window.__sameDocument === true"), "the iframe's document was replaced"
    assert frame.url == "about:srcdoc" and page.url == host.as_uri()
    assert not errors, errors
    assert not [m for m in console if m[0] in ("error", "warning")], console
    context.close()
