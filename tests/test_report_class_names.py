"""A run of a 10-class dataset with long, HTML-hostile class names: every section of its report shows
the names (escaped), no bare class number is left as a class label in captions, alt texts, tooltips
or tables, no "digit" wording is left, and the CSV downloads carry the names.

Only :func:`hostile_run` makes the run: today a run directory written by tests/report_runs.py (with
an evaluation); once the CLI takes ``--class-names`` it can train one epoch through the CLI on an
IDX folder instead, and every check below stays as it is.
"""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from report_runs import decode_data_uri, write_evaluation, write_run

#: long, HTML-hostile names (markup, ampersands, quotes, a script tag), one short
NAMES = ['<b>T&shirt</b> "top"', "Trouser's <i>leg</i> & more", "Pullover & co", "Dress <script>x</script>",
         "Coat > jacket, waterproof", "Sandal 'open' summer", "Shirt with a very long collar", "Sneaker",
         "Bag & baggage & suitcase", "Ankle boot </td>"]


def hostile_run(tmp_path):
    """The run directory under test: 10 classes named :data:`NAMES`, no noun of its own (so the
    report's word is "image"), conv features, probe records and one evaluation."""
    data = {"source": "idx", "description": "IDX folder hostile: 1,000 train / 600 test", "n_train": 1000,
            "n_test": 600, "class_names": NAMES, "sha256": "0" * 64}
    run_dir = write_run(tmp_path / "hostile", conv=True, metadata={"data": data})
    write_evaluation(run_dir, "other", n=200)
    from mnist_viz import run_format as fmt

    info = fmt.read_run_info(run_dir)
    info["evaluations"]["other"]["data"]["class_names"] = NAMES
    fmt.write_run_info(run_dir, info)
    return run_dir


class _Page(HTMLParser):
    """Per section id (the innermost <section>): its visible text, and the alt, title and
    aria-label attributes in it; the page's download links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.attrs: dict[str, list[str]] = {}
        self.downloads: list[tuple[str, str]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.stack.append(a.get("id", "?"))
        if tag in ("script", "style"):
            self._skip += 1
        sid = self.stack[-1] if self.stack else "page"
        for k in ("alt", "title", "aria-label"):
            if a.get(k):
                self.attrs.setdefault(sid, []).append(a[k])
        if tag == "a" and a.get("download"):
            self.downloads.append((a["download"], a["href"]))

    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.stack.pop()
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.setdefault(self.stack[-1] if self.stack else "page", []).append(data.strip())


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from mnist_viz.report import build_report

    run_dir = hostile_run(tmp_path_factory.mktemp("names"))
    raw = build_report(run_dir, jobs=1).html
    parsed = _Page()
    parsed.feed(raw)
    return raw, parsed


SECTIONS = ["r0-summary", "r0-confusion", "r0-predictions", "r0-internals", "r0-evolution", "r0-calibration",
            "r0-eval-other"]
#: a class number used as a class label: "true 3", "pred 3", "class 3", "(3)", "a 3", a cell "3 →"
BARE = re.compile(r"\b(?:true|pred|predicted|class|a)\s+[0-9]\b(?![.,%\d])|[0-9]\s*→|→\s*(?:pred\s+)?[0-9]\b(?![.,%\d])")


def _all(parsed, sid):
    return parsed.text.get(sid, []) + parsed.attrs.get(sid, [])


def test_every_section_is_built(page):
    _raw, parsed = page
    for sid in SECTIONS:
        assert sid in parsed.text, f"section {sid} is missing from the page"


def test_the_names_are_html_escaped(page):
    raw, _parsed = page
    for name in NAMES:
        assert str(escape(name)) in raw, f"{name!r} is not in the page, escaped"
    for markup in ("<b>T&shirt</b>", "<i>leg</i>", "<script>x</script>", "Ankle boot </td>"):
        assert markup not in raw, f"{markup!r} reached the page unescaped"


@pytest.mark.parametrize("sid,where", [
    ("r0-summary", "dataset table"),
    ("r0-confusion", "confusion table, per-class table, tooltips and figure alt texts"),
    ("r0-predictions", "alt texts of the top-k grid, errors and pairs"),
    ("r0-evolution", "slider tables and top-3 lists, tooltips"),
    ("r0-eval-other", "the evaluation's confusion and per-class tables"),
])
def test_each_section_shows_the_names(page, sid, where):
    _raw, parsed = page
    joined = "\n".join(_all(parsed, sid))
    shown = [n for n in NAMES if n in joined]
    wanted = 10 if sid != "r0-predictions" else 3  # the prediction views name the classes they show
    assert len(shown) >= wanted, f"{sid} ({where}) names only {shown}"


def test_figures_alt_texts_and_captions_name_classes_not_numbers(page):
    _raw, parsed = page
    for sid in SECTIONS:
        for text in _all(parsed, sid):
            assert not BARE.search(text), f"{sid}: a bare class number in {text!r}"
    internals = " ".join(parsed.text["r0-internals"])
    assert re.search(r"Feature maps of test image #0 \(class [^)0-9]", internals), internals
    alts = " ".join(parsed.attrs["r0-predictions"])
    assert "→" in alts and any(n in alts for n in NAMES)
    embedding = [a for a in parsed.attrs["r0-calibration"] if a.startswith("PCA embedding")]
    assert embedding and NAMES[0] in embedding[0]


def test_no_digit_wording_anywhere(page):
    _raw, parsed = page
    for sid, texts in list(parsed.text.items()) + list(parsed.attrs.items()):
        for text in texts:
            assert "digit" not in text.lower(), f"{sid}: {text!r}"
    headline = " ".join(parsed.text["r0-summary"])
    assert "test images" in headline


def test_tables_list_every_class_by_name(page):
    _raw, parsed = page
    confusion = parsed.text["r0-confusion"]
    for name in NAMES:
        assert confusion.count(name) >= 3, name  # row head, column head, per-class table


def test_csv_downloads_carry_the_names(page):
    _raw, parsed = page
    files = {name: decode_data_uri(uri).decode("utf-8") for name, uri in parsed.downloads}
    matrix = next(v for k, v in files.items() if k.endswith("hostile-confusion-matrix.csv"))
    rows = list(csv.reader(io.StringIO(matrix)))
    assert rows[0] == ["true"] + [f"pred_{n}" for n in NAMES]
    assert [r[0] for r in rows[1:]] == NAMES
    per_class = next(v for k, v in files.items() if k.endswith("hostile-per-class-metrics.csv"))
    assert [r[0] for r in list(csv.reader(io.StringIO(per_class)))[1:]] == NAMES
