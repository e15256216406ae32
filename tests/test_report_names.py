"""Names shown in the page (mnist_viz/report/_names.py): bidi controls written visibly, long names
shortened with the whole name in a tooltip, in headings, tables and figures; the page of a run with
5,000-character names stays small.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import html as html_lib  # noqa: E402
import re  # noqa: E402

import pytest  # noqa: E402

from mnist_viz.report._names import (BIDI_CONTROLS, FIGURE_NAME_LIMIT, NAME_LIMIT, TOOLTIP_LIMIT,  # noqa: E402
                                     figure_names, finalize, name_html, short, visible)


def test_every_bidi_control_is_written_visibly():
    assert len(BIDI_CONTROLS) == 11
    for ch in BIDI_CONTROLS:
        assert visible(f"a{ch}b") == f"a<U+{ord(ch):04X}>b"
    assert visible("\u202eevil") == "<U+202E>evil"
    assert visible("plain é 数字") == "plain é 数字"


def test_long_names_are_cut_with_an_ellipsis_at_the_limit():
    assert short("n" * NAME_LIMIT) == "n" * NAME_LIMIT
    cut = short("n" * (NAME_LIMIT + 1))
    assert len(cut) == NAME_LIMIT and cut == "n" * (NAME_LIMIT - 1) + "…"
    assert [len(n) for n in figure_names(["a" * 5000, "b"])] == [FIGURE_NAME_LIMIT, 1]
    with pytest.raises(ValueError, match="limit must be an int >= 2; got 1"):
        short("x", limit=1)


def test_the_name_filter_escapes_and_keeps_the_whole_name_in_the_tooltip():
    assert str(name_html("<b>a</b>")) == "&lt;b&gt;a&lt;/b&gt;"
    long = "<" + "x" * 100 + "\u202e"
    html = str(name_html(long))
    assert html.startswith('<span class="cut" title="&lt;' + "x" * 100 + '&lt;U+202E&gt;">&lt;')
    assert html.endswith("…</span>") and "\u202e" not in html
    assert finalize("\u2067x") == "<U+2067>x"


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    """A run named with an RTL override and 5,000 characters, with such class names, and a long
    metric name in its history."""
    from report_runs import write_run

    from mnist_viz._io import atomic_write_json, read_json
    from mnist_viz.report import build_report

    base = tmp_path_factory.mktemp("names")
    run = write_run(base / "run", n_test=200)
    info = read_json(run / "run.json")
    long_name = "\u202eevil" + "N" * 5000
    info["name"] = long_name
    classes = ["\u202elive"] + [f"class {i} " + "c" * 5000 for i in range(1, 10)]
    info["class_names"] = classes
    atomic_write_json(run / "run.json", info)
    report = build_report(run, base / "r.html")
    return report.html, long_name, classes


def test_a_page_of_huge_names_stays_small_and_shows_them_cut(hostile_page):
    page, long_name, classes = hostile_page
    # 1.7 MB before: every tooltip, aria-label and heading held the 5,000-character names
    assert len(page.encode()) < 1_000_000, len(page.encode())
    markup = re.sub(r'"data:[^"]*"', '""', page)  # the images and the CSV downloads (names whole there)
    assert len(markup.encode()) < 300_000, len(markup.encode())
    assert not re.search(f"[{BIDI_CONTROLS}]", page)
    assert "&lt;U+202E&gt;live" in page and "&lt;U+202E&gt;evil" in page
    shown = visible(long_name)
    cut = html_lib.escape(short(long_name), quote=False)
    tip = html_lib.escape(short(long_name, TOOLTIP_LIMIT))
    assert f'<span class="cut" title="{tip}">{cut}</span>' in page
    in_text = re.sub(r'download="[^"]*"', "", page)  # download file names start with the run name
    assert in_text.count(html_lib.escape(shown, quote=False)) == 1  # whole once: the overview table
    whole_class = html_lib.escape(classes[1])
    text_only = re.sub(r'title="[^"]*"', "", page)
    assert whole_class not in text_only and html_lib.escape(short(classes[1]), quote=False) in text_only
    assert "title=\"class 1 " + "c" * (TOOLTIP_LIMIT - 9) + "…\"" in page


def test_no_text_outside_a_tooltip_and_the_overview_is_longer_than_the_limit(hostile_page):
    page = hostile_page[0]
    body = page[page.index("</section>"):page.index('<script type="application/json"')]  # after the overview
    body = re.sub(r'(title|download|href|src)="[^"]*"', "", body)
    texts = [html_lib.unescape(t) for t in re.findall(r"[>\"]([^<>\"]+)[<\"]", body)]
    long_texts = [p.strip() for t in texts for p in re.split(r", |: ", t) if re.search(r"[Nc]{50}", p)]
    assert long_texts
    longest = max(long_texts, key=len)
    assert len(longest) <= NAME_LIMIT + 60, longest[:120]


def test_figures_get_the_cut_names(monkeypatch, tmp_path):
    from report_runs import write_run

    from mnist_viz import plots
    from mnist_viz._io import atomic_write_json, read_json
    from mnist_viz.report import build_report

    seen = []
    real = plots.confusion_matrix

    def spy(*args, class_names=None, **kwargs):
        seen.append(list(class_names))
        return real(*args, class_names=class_names, **kwargs)

    monkeypatch.setattr(plots, "confusion_matrix", spy)
    run = write_run(tmp_path / "run", n_test=200)
    info = read_json(run / "run.json")
    info["class_names"] = ["\u202elive"] + ["k" * 500 + str(i) for i in range(1, 10)]
    atomic_write_json(run / "run.json", info)
    build_report(run, tmp_path / "r.html", jobs=1)
    assert seen and seen[0][0] == "<U+202E>live" and seen[0][1] == "k" * (FIGURE_NAME_LIMIT - 1) + "…"
