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

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
XSS = "<img src=x onerror=alert(1)>"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (CI installs Debian's chromium package)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
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
