"""A run of a 10-class dataset with long, HTML-hostile class names: every section of its report shows
the names (escaped), no bare class number is left as a class label in captions, alt texts, tooltips
or tables, no "digit" wording is left, and the CSV downloads carry the names.

:func:`hostile_run` makes the run through the command line (``--class-names @names.txt``) on IDX
folders written with the project's own IDX writer.
"""
from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from report_runs import decode_data_uri

pytestmark = pytest.mark.slow

#: long, HTML-hostile names (markup, ampersands, quotes, a script tag), one short
NAMES = ['<b>T&shirt</b> "top"', "Trouser's <i>leg</i> & more", "Pullover & co", "Dress <script>x</script>",
         "Coat > jacket, waterproof", "Sandal 'open' summer", "Shirt with a very long collar", "Sneaker",
         "Bag & baggage & suitcase", "Ankle boot </td>"]


def hostile_run(tmp_path):
    """The run directory under test, made as a user makes one: an IDX folder of 10 classes (written
    with the project's own IDX writer, images from the embedded digits), a names file, one epoch of
    ``mnist-viz train --class-names @names.txt`` (convnet: feature maps) and ``mnist-viz evaluate``
    on a second IDX folder. No noun of its own, so the report's word is "image"."""
    import os
    import subprocess
    import sys

    import mnist_viz
    from mnist_viz.idx import write_idx

    data = mnist_viz.load_mnist("embedded")
    folders = {"train": tmp_path / "hostile", "other": tmp_path / "other"}
    for name, folder in folders.items():
        folder.mkdir()
        lo = 0 if name == "train" else 1000
        write_idx(folder / "train-images-idx3-ubyte.gz", data.x_train[lo:lo + 800])
        write_idx(folder / "train-labels-idx1-ubyte.gz", data.y_train[lo:lo + 800].astype("uint8"))
        write_idx(folder / "t10k-images-idx3-ubyte.gz", data.x_test[lo // 5:lo // 5 + 300])
        write_idx(folder / "t10k-labels-idx1-ubyte.gz", data.y_test[lo // 5:lo // 5 + 300].astype("uint8"))
    names_file = tmp_path / "names.txt"
    names_file.write_text("\n".join(NAMES) + "\n", encoding="utf-8")
    run_dir = tmp_path / "runs" / "hostile"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg")
    for args in (["train", "--model", "convnet", "--data", f"idx:{folders['train']}", "--class-names",
                  f"@{names_file}", "--epochs", "1", "--out", str(run_dir), "--quiet"],
                 ["evaluate", str(run_dir), "--data", f"idx:{folders['other']}", "--name", "other",
                  "--class-names", f"@{names_file}"]):
        proc = subprocess.run([sys.executable, "-m", "mnist_viz", *args], env=env, capture_output=True, text=True,
                              timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
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
    assert re.search(r"Feature maps of test image #\d+ \(class [^)0-9]", internals), internals
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
