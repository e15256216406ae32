"""The report's accessibility in a real browser: axe-core (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA: target
size) finds zero violations in light and dark mode, at 1280 px and 390 px, with and without
JavaScript, with a drill-down cell selected and at each epoch of the slider; the confusion matrices
are ARIA grids (arrow keys, Home/End, one tab stop each); at 390 px the page never scrolls sideways.
A second, synthetic report (tests/report_runs.py) adds the interrupted and running status badges, a
held-out evaluation and long class names.

axe-core is injected through Playwright (``page.add_script_tag``, in a context with
``bypass_csp=True``: the report's Content-Security-Policy allows only its own script). It is found
through ``MNIST_VIZ_AXE`` (the path of ``axe.min.js``; ``.ci/run`` installs ``axe-core@4`` from the
npm registry and sets it) or ``node_modules/axe-core/axe.min.js`` in the repository. Missing, the
tests skip with a reason, except in CI (``MNIST_VIZ_REQUIRE_BACKENDS=1``), where they fail.

Without JavaScript: axe is itself a script, and in a context with ``java_script_enabled=False`` its
promise never settles (no timers run). So the no-JavaScript page is audited as a copy of the report
with its own script removed and its ``<noscript>`` elements unwrapped (what a browser without
JavaScript renders), loaded in a JavaScript-enabled context; the test asserts that copy really shows
the no-JavaScript layout (every epoch frame, no slider).

Screenshots land in ``test-artifacts/report-a11y-390.png`` and ``report-a11y-1280.png``.
The ``browser`` and ``report_file`` fixtures (two real runs) come from tests/test_report_browser.py.

Run: ``MNIST_VIZ_AXE=/path/to/axe.min.js python -m pytest tests/test_report_a11y.py -q -m browser``.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from prerequisites import missing  # noqa: E402

from test_report_browser import ARTIFACTS, browser, report_file  # noqa: E402,F401 (fixtures)

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = (1280, 390)
SCHEMES = ("light", "dark")
RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))})))"""


def _axe_path() -> Path:
    given = os.environ.get("MNIST_VIZ_AXE")
    path = Path(given) if given else REPO / "node_modules" / "axe-core" / "axe.min.js"
    if path.is_file():
        return path
    why = (f"no axe-core at {path} (set MNIST_VIZ_AXE to axe.min.js; `npm install axe-core@4` puts it in "
           "node_modules/axe-core/)")
    missing(why + "; .ci/run installs it")


@pytest.fixture(scope="module")
def axe() -> Path:
    return _axe_path()


@pytest.fixture(scope="module")
def no_js_file(report_file) -> Path:
    """The report as a browser without JavaScript renders it: no report script, <noscript> unwrapped."""
    page = report_file.read_text(encoding="utf-8")
    stripped, n = re.subn(r"<script>.*?</script>", "", page, flags=re.S)
    assert n == 1, "expected exactly one inline report script"
    stripped = stripped.replace("<noscript>", "").replace("</noscript>", "")
    out = report_file.with_name("report-no-js.html")
    out.write_text(stripped, encoding="utf-8")
    return out


def _open(browser, url: str, width: int, scheme: str):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)")
    return context, page, errors


def _violations(page, axe: Path) -> list[dict]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe))
    return page.evaluate(RUN_AXE, TAGS)


def _assert_clean(page, axe: Path, state: str) -> None:
    found = _violations(page, axe)
    lines = [f"{v['id']} ({v['impact']}): {v['help']}; {len(v['nodes'])} node(s)" + "".join(
        f"\n    {n['target']}: {' '.join(n['summary'].split())}" for n in v["nodes"][:5]) for v in found]
    assert not found, f"axe-core violations ({state}):\n" + "\n".join(lines)


def _no_sideways_scroll(page) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the page scrolls sideways: scrollWidth {width} > innerWidth {inner}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_axe_violations_with_javascript(axe, browser, report_file, scheme, width):
    context, page, errors = _open(browser, report_file.as_uri(), width, scheme)
    assert page.evaluate("document.documentElement.classList.contains('js')")  # report.js ran
    _assert_clean(page, axe, f"{scheme}, {width} px, JavaScript")
    if width < 500:
        _no_sideways_scroll(page)
        # the slider's top-3 lists are not cut off: inside the page and not scrolled away
        right = page.evaluate("Math.max(...Array.from(document.querySelectorAll('.frame.current .topk'))"
                              ".map(e => e.getBoundingClientRect().right))")
        assert right <= width, right
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_axe_violations_without_javascript(axe, browser, no_js_file, scheme, width):
    context, page, errors = _open(browser, no_js_file.as_uri(), width, scheme)
    # the no-JavaScript layout: every epoch's frame shows, the slider does not
    assert not page.evaluate("document.documentElement.classList.contains('js')")
    frames = page.locator("#r1-evolution .frame")
    assert frames.count() == 2 and all(frames.nth(i).is_visible() for i in range(2))
    assert not page.locator("#r1-slider-range").is_visible()
    _assert_clean(page, axe, f"{scheme}, {width} px, no JavaScript")
    if width < 500:
        _no_sideways_scroll(page)
        # the row of frames scrolls inside its own box, which the keyboard can reach
        box = page.locator("#r1-evolution .frames")
        assert box.evaluate("e => e.scrollWidth > e.clientWidth") and box.get_attribute("tabindex") == "0"
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_axe_violations_with_a_cell_selected_and_at_each_epoch(axe, browser, report_file, scheme):
    context, page, errors = _open(browser, report_file.as_uri(), 1280, scheme)
    keys = page.eval_on_selector_all("#r1-cm button.cell", "els => els.map(e => e.dataset.cell)")
    wrong = next(k for k in keys if k.split(",")[0] != k.split(",")[1]
                 and page.locator(f'#r1-cm button.cell[data-cell="{k}"]').inner_text() != "0")
    page.locator(f'#r1-cm button.cell[data-cell="{wrong}"]').click()
    assert page.locator("#r1-cm-thumbs .thumb").count() > 0
    _assert_clean(page, axe, f"{scheme}, a drill-down cell selected")
    page.locator('#r1-cm button.cell[data-cell="0,1"]').click()  # an empty cell, if 0 -> 1 never happened
    _assert_clean(page, axe, f"{scheme}, a second drill-down cell selected")
    n = int(page.locator("#r1-slider-range").get_attribute("max")) + 1
    assert n == 2
    for i in range(n):
        page.locator("#r1-slider-range").fill(str(i))
        assert page.locator("#r1-evolution .frame").nth(i).is_visible()
        _assert_clean(page, axe, f"{scheme}, slider at frame {i}")
    assert not errors, errors
    context.close()


@pytest.fixture(scope="module")
def status_report(tmp_path_factory) -> Path:
    """A report of synthetic runs (tests/report_runs.py, no TensorFlow): an interrupted run with a
    held-out evaluation, a running one and a complete one with long class names (turned column heads)."""
    from report_runs import write_evaluation, write_run

    from mnist_viz._io import atomic_write_json, read_json
    from mnist_viz.report import build_report

    base = tmp_path_factory.mktemp("a11y-status")
    stopped = write_run(base / "stopped", status="interrupted", epochs=3, planned=5)
    write_evaluation(stopped, "held-out")
    running = write_run(base / "running", status="running", epochs=2, planned=4, conv=True)
    named = write_run(base / "named", seed=3)
    info = read_json(named / "run.json")
    info["metadata"]["data"]["class_names"] = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                                               "Shirt", "Sneaker", "Bag", "Ankle boot"]
    atomic_write_json(named / "run.json", info)
    return build_report([stopped, running, named], base / "report.html").path


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_axe_violations_with_every_status_and_long_class_names(axe, browser, status_report, scheme, width):
    context, page, errors = _open(browser, status_report.as_uri(), width, scheme)
    badges = page.eval_on_selector_all(".status", "els => [...new Set(els.map(e => e.textContent.trim()))]")
    assert set(badges) == {"interrupted", "running", "complete"}
    assert page.locator("table.cm.long-names").count() > 0
    _assert_clean(page, axe, f"{scheme}, {width} px, every status, long class names")
    if width < 500:
        _no_sideways_scroll(page)
    assert not errors, errors
    context.close()


def test_the_confusion_matrix_is_a_grid_with_one_tab_stop(browser, report_file):
    context, page, errors = _open(browser, report_file.as_uri(), 1280, "light")
    grid = page.locator("#r1-cm")
    assert grid.get_attribute("role") == "grid"

    def focused():
        return page.evaluate("document.activeElement.dataset.cell || document.activeElement.id || "
                             "document.activeElement.tagName")

    def stops():
        return page.eval_on_selector_all('#r1-cm button.cell[tabindex="0"]', "els => els.map(e => e.dataset.cell)")

    assert stops() == ["0,0"]
    # Tab from the element before the matrix lands on its one stop; the next Tab leaves the matrix
    page.locator('#r1-cm button.cell[data-cell="0,0"]').focus()
    page.keyboard.press("Shift+Tab")
    assert not focused().startswith("0,")
    page.keyboard.press("Tab")
    assert focused() == "0,0"
    moves = [("ArrowRight", "0,1"), ("ArrowDown", "1,1"), ("ArrowDown", "2,1"), ("ArrowLeft", "2,0"),
             ("ArrowLeft", "2,0"), ("ArrowUp", "1,0"), ("End", "1,9"), ("ArrowRight", "1,9"), ("Home", "1,0"),
             ("Control+End", "9,9"), ("ArrowDown", "9,9"), ("Control+Home", "0,0"), ("ArrowUp", "0,0"),
             ("ArrowRight", "0,1"), ("ArrowRight", "0,2")]
    for key, cell in moves:
        page.keyboard.press(key)
        assert (key, focused()) == (key, cell)
        assert stops() == [cell]  # the roving tab stop follows the focus
    # Enter selects the focused cell and the short status line says what it holds
    page.keyboard.press("Enter")
    caption = page.locator("#r1-cm-drill-caption")
    assert caption.inner_text().startswith("True 0, predicted 2:")
    assert page.locator('#r1-cm button.cell[data-cell="0,2"]').get_attribute("aria-pressed") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate("!document.getElementById('r1-cm').contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")
    assert focused() == "0,2"  # back on the last focused cell
    # only the status line is live: a selection does not read the 12 image labels
    live = page.eval_on_selector_all("[aria-live]", "els => els.map(e => e.className)")
    assert live and set(live) == {"drill-caption"}
    assert not errors, errors
    context.close()


def _luminance(rgb) -> float:
    def lin(v):
        v = v / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_focus_ring_on_the_strongest_cell_has_3_to_1(browser, report_file, scheme):
    """Keyboard focus on the matrix's most strongly filled cell: the ring (the outline, drawn inside
    the cell) against the cell's fill, and the page's own focus ring against the page, >= 3:1."""
    context, page, errors = _open(browser, report_file.as_uri(), 1280, scheme)
    cell = page.evaluate("""() => {
      const tds = Array.from(document.querySelectorAll('#r1-cm td.diag'));
      const td = tds.reduce((a, b) => +a.style.getPropertyValue('--a') >= +b.style.getPropertyValue('--a') ? a : b);
      return td.querySelector('button.cell').dataset.cell; }""")
    page.locator('#r1-cm button.cell[data-cell="0,0"]').focus()
    t, p = map(int, cell.split(","))
    for _ in range(t):
        page.keyboard.press("ArrowDown")
    for _ in range(p):
        page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.cell") == cell
    ring, fill, bg = page.evaluate("""() => {
      const rgba = s => s.match(/[\\d.]+/g).map(Number);
      const b = document.activeElement;
      return [rgba(getComputedStyle(b).outlineColor), rgba(getComputedStyle(b.parentElement).backgroundColor),
              rgba(getComputedStyle(document.body).backgroundColor)]; }""")
    alpha = fill[3] if len(fill) > 3 else 1.0
    over = [alpha * f + (1 - alpha) * g for f, g in zip(fill[:3], bg[:3])]  # the fill as seen on the page
    assert _contrast(ring, over) >= 3.0, (ring, over)
    link = page.locator('nav.toc a[href="#overview"]')
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # keyboard focus (:focus-visible)
    outline = page.evaluate("document.activeElement.getAttribute('href') === '#overview' && "
                            "getComputedStyle(document.activeElement).outlineColor")
    assert outline, "the contents link did not take the keyboard focus"
    assert _contrast([float(v) for v in re.findall(r"[\d.]+", outline)], bg) >= 3.0, (outline, bg)
    assert not errors, errors
    context.close()


def test_scroll_boxes_are_tab_stops_only_where_they_scroll(browser, report_file):
    context, page, errors = _open(browser, report_file.as_uri(), 390, "light")
    boxes = page.eval_on_selector_all(
        ".table-wrap, .frames, .fig-scroll", "els => els.filter(e => e.offsetParent !== null).map(e => "
        "[e.scrollWidth > e.clientWidth + 1, e.getAttribute('tabindex'), e.getAttribute('role'), "
        "e.getAttribute('aria-label')])")
    assert any(scrolls for scrolls, *_ in boxes)  # at 390 px some tables are wider than the page
    # and a wide figure keeps its drawn size (its text readable), scrolling inside its own box
    figures = page.eval_on_selector_all(".fig-scroll img", "els => els.map(e => [e.getBoundingClientRect().width, "
                                        "+e.getAttribute('width'), e.parentElement.closest('.fig-scroll').clientWidth])")
    assert all(abs(shown - drawn) < 1.5 for shown, drawn, _ in figures), figures
    assert any(drawn > box for _, drawn, box in figures)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for scrolls, tabindex, role, label in boxes:
        assert tabindex == ("0" if scrolls else None)
        assert role == "group" and label
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate("new Promise(r => setTimeout(r, 300)).then(() => 1)") == 1  # report.js re-checks
    wide = page.eval_on_selector_all(".table-wrap[tabindex], .fig-scroll[tabindex]", "els => els.filter(e => e.offsetParent !== null && "
                                     "e.scrollWidth <= e.clientWidth + 1).length")
    assert wide == 0
    assert not errors, errors
    context.close()


def test_no_layout_shift_when_the_script_runs(browser, report_file):
    """The page is laid out for JavaScript from its first paint (the no-JavaScript layout comes from a
    <noscript> style), so report.js moves nothing: the cumulative layout shift stays near 0."""
    context, page, errors = _open(browser, report_file.as_uri(), 1280, "light")
    cls = page.evaluate("""new Promise(resolve => {
      let sum = 0;
      new PerformanceObserver(list => { for (const e of list.getEntries()) { if (!e.hadRecentInput) sum += e.value; } })
        .observe({type: "layout-shift", buffered: true});
      setTimeout(() => resolve(sum), 500);
    })""")
    assert cls < 0.01, cls
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshot(browser, report_file, width):
    """A full-page screenshot per width, to look at (test-artifacts/report-a11y-<width>.png)."""
    context, page, _ = _open(browser, report_file.as_uri(), width, "light")
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / f"report-a11y-{width}.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000
    context.close()
