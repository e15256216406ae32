"""Tests of the HTML report (mnist_viz.report): sections, partial runs, escaping, drill-down data,
CSV downloads, the CSP, sizes, errors and the notebook view. No TensorFlow: run directories are
written in format v1 by :func:`write_run` (also used by tests/test_report_browser.py).

Run: ``python -m pytest tests/test_report.py -q`` (about 30-60 s on 2 CPU cores).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import base64  # noqa: E402
import html as html_lib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mnist_viz._io import atomic_write_csv, atomic_write_json, atomic_write_npz  # noqa: E402

CLASSES = [str(i) for i in range(10)]


def _digits(labels: np.ndarray, rng) -> np.ndarray:
    """Blurry blobs whose position depends on the label: (n, 28, 28) uint8."""
    n = len(labels)
    yy, xx = np.mgrid[0:28, 0:28]
    cy = 8 + (labels % 3) * 6 + rng.normal(0, 1, n)
    cx = 8 + (labels // 3) * 4 + rng.normal(0, 1, n)
    img = np.exp(-(((yy[None] - cy[:, None, None]) ** 2) + ((xx[None] - cx[:, None, None]) ** 2)) / 18.0)
    return (img * 255).astype(np.uint8)


def _probabilities(labels: np.ndarray, skill: float, rng, n_classes: int = 10) -> np.ndarray:
    logits = rng.normal(0, 1, (len(labels), n_classes))
    logits[np.arange(len(labels)), labels] += skill
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def write_run(path, *, name=None, epochs=3, planned=None, status="complete", n_test=600, n_probe=40,
              seed=0, with_weights=True, with_probe=True, with_test=True, with_features=True,
              with_batches=True, with_images=True, conv=False) -> Path:
    """Write a run directory at ``path``; pieces can be left out to mimic partial runs."""
    rng = np.random.default_rng(seed)
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    planned = planned or epochs
    hist = pd.DataFrame({
        "epoch": np.arange(epochs),
        "accuracy": np.linspace(0.7, 0.95, epochs),
        "loss": np.linspace(0.9, 0.2, epochs),
        "val_accuracy": np.linspace(0.72, 0.93, epochs),
        "val_loss": np.linspace(0.85, 0.25, epochs),
        "learning_rate": np.full(epochs, 1e-3),
        "epoch_time": np.full(epochs, 1.5),
        "samples_per_sec": np.full(epochs, 2000.0),
    })
    atomic_write_csv(path / "history.csv", hist)
    if with_batches:
        rows = []
        for e in range(epochs):
            for b in range(8):
                rows.append({"epoch": e, "batch": b, "step": e * 8 + b, "size": 128,
                             "loss": 0.9 - 0.03 * (e * 8 + b), "accuracy": 0.7 + 0.01 * (e * 8 + b),
                             "loss_batch": 0.9 - 0.03 * (e * 8 + b), "accuracy_batch": 0.7 + 0.01 * (e * 8 + b)})
        atomic_write_csv(path / "batches.csv", pd.DataFrame(rows))
    layers = [("dense", "dense/kernel", (784, 32)), ("dense", "dense/bias", (32,)),
              ("dense_1", "dense_1/kernel", (32, 10)), ("dense_1", "dense_1/bias", (10,))]
    if with_weights:
        stats, hists = [], {}
        recorded = np.arange(-1, epochs)
        for i, (layer, weight, shape) in enumerate(layers):
            edges = np.linspace(-0.3, 0.3, 33)
            counts = np.stack([np.histogram(rng.normal(0, 0.1 + 0.01 * e, 500), edges)[0] for e in recorded]).astype(np.int32)
            hists[f"edges_{i}"] = edges
            hists[f"counts_{i}"] = counts
            for e in recorded:
                stats.append({"epoch": int(e), "layer": layer, "weight": weight, "size": int(np.prod(shape)),
                              "mean": 0.0, "std": 0.1, "min": -0.3, "max": 0.3, "l2": 5.0 + e,
                              "update_ratio": np.nan if e == -1 else 0.01 / (e + 1)})
        hists["epochs"] = recorded
        atomic_write_csv(path / "weights" / "stats.csv", pd.DataFrame(stats))
        atomic_write_npz(path / "weights" / "histograms.npz", hists)
        atomic_write_json(path / "weights" / "index.json",
                          [{"key": i, "layer": l, "weight": w, "shape": list(s)} for i, (l, w, s) in enumerate(layers)])
        atomic_write_csv(path / "weights" / "dead_relu.csv",
                         pd.DataFrame({"epoch": np.arange(epochs), "layer": "dense", "dead_fraction": 0.05}))
    if with_probe:
        labels = np.arange(n_probe) % 10
        atomic_write_npz(path / "probe" / "probe.npz", {"images": _digits(labels, rng), "labels": labels.astype(np.int64),
                                                       "indices": np.arange(n_probe, dtype=np.int64)})
        for e in range(epochs):
            atomic_write_npz(path / "probe" / f"epoch_{e:04d}.npz",
                             {"probabilities": _probabilities(labels, 1.0 + e, rng).astype(np.float16)})
    test_metrics = None
    if with_test:
        labels = rng.integers(0, 10, n_test)
        probs = _probabilities(labels, 3.0, rng)
        arrays = {"probabilities": probs, "labels": labels.astype(np.int64)}
        if with_images:
            arrays["images"] = _digits(labels, rng)
        atomic_write_npz(path / "test_predictions.npz", arrays)
        test_metrics = {"loss": 0.3, "accuracy": float((probs.argmax(1) == labels).mean())}
    if with_features and with_test:
        f = {"first_layer_kind": np.asarray("conv" if conv else "dense"),
             "embedding": rng.normal(0, 1, (min(200, n_test), 16)).astype(np.float16),
             "embedding_indices": np.arange(min(200, n_test), dtype=np.int64),
             "activation_indices": np.arange(2, dtype=np.int64)}
        if conv:
            f["first_layer_kernel"] = rng.normal(0, 0.2, (3, 3, 1, 8)).astype(np.float32)
            f["activations__conv1"] = rng.random((2, 26, 26, 8)).astype(np.float16)
            f["activations__pool1"] = rng.random((2, 13, 13, 8)).astype(np.float16)
            f["layer_names"] = np.asarray(["conv1", "pool1"])
        else:
            f["first_layer_kernel"] = rng.normal(0, 0.05, (784, 32)).astype(np.float32)
            f["layer_names"] = np.asarray([], dtype=str)
        atomic_write_npz(path / "features.npz", f)
    info = {
        "format_version": 1, "name": name or path.name, "status": status,
        "pid": 999999999, "hostname": "elsewhere.example",
        "started": "2026-01-01T00:00:00+00:00", "updated": "2026-01-01T00:01:00+00:00",
        "finished": None if status != "complete" else "2026-01-01T00:01:00+00:00",
        "epochs_completed": epochs, "epochs_planned": planned,
        "params": {"epochs": planned, "batch_size": 128, "steps": 8, "samples": 1000},
        "model": {"name": "dense", "class_name": "Sequential", "total_params": 25450, "trainable_params": 25450,
                  "layers": [{"name": "dense", "class_name": "Dense", "output_shape": [None, 32], "params": 25120},
                             {"name": "dense_1", "class_name": "Dense", "output_shape": [None, 10], "params": 330}]},
        "metadata": {"seed": seed, "data": {"source": "synthetic", "sha256": "0" * 64, "n_train": 1000, "n_test": n_test,
                                            "class_names": CLASSES, "subset_note": "synthetic test digits",
                                            "citation": "@article{lecun1998, title={Gradient-based learning}}"},
                     "versions": {"python": "3.11", "numpy": np.__version__},
                     "hardware": {"platform": "test", "cpu_count": 2},
                     "timings": {"fit_seconds": 1.0 + seed, "total_seconds": 2.0 + seed}},
        "test_metrics": test_metrics,
    }
    atomic_write_json(path / "run.json", info)
    return path


XSS = "<img src=x onerror=alert(1)>"


# ----------------------------------------------------------------------------------------------
# helpers to read the page
# ----------------------------------------------------------------------------------------------
class PageParser(HTMLParser):
    """Collects ids, <img> attributes, links, <script> blocks and the CSP meta of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.imgs, self.links, self.scripts, self.metas = [], [], [], [], []
        self._script = None
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "img":
            self.imgs.append(a)
        if tag == "a":
            self.links.append(a)
        if tag == "meta":
            self.metas.append(a)
        if tag == "script":
            self._script = [a, []]

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        else:
            self.text.append(data)


def parse(page: str) -> PageParser:
    p = PageParser()
    p.feed(page)
    return p


def decode_data_uri(uri: str) -> bytes:
    head, _, payload = uri.partition(",")
    assert head.endswith(";base64"), head
    return base64.b64decode(payload)


def drill_json(page: str) -> dict:
    p = parse(page)
    (text,) = [body for attrs, body in p.scripts if attrs.get("id") == "drill-data"]
    return json.loads(text)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("runs")
    a = write_run(base / "dense", n_test=800, epochs=4, seed=0)
    b = write_run(base / "conv", n_test=800, epochs=3, seed=1, conv=True)
    return a, b


@pytest.fixture(scope="module")
def two_run_report(two_runs, tmp_path_factory):
    from mnist_viz.report import build_report

    out = tmp_path_factory.mktemp("report") / "two.html"
    return build_report(list(two_runs), out)


# ----------------------------------------------------------------------------------------------
# import cost, API shape
# ----------------------------------------------------------------------------------------------
def test_import_is_light():
    code = ("import sys, mnist_viz.report as r; assert callable(r.build_report); "
            "bad = [m for m in ('tensorflow', 'keras', 'matplotlib') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_report_error_is_value_error():
    from mnist_viz.report import ReportError

    assert issubclass(ReportError, ValueError)


# ----------------------------------------------------------------------------------------------
# a complete two-run report
# ----------------------------------------------------------------------------------------------
def test_every_section_is_there_with_a_toc(two_run_report):
    page = two_run_report.html
    p = parse(page)
    for rid in ("r0", "r1"):
        for sec in ("summary", "curves", "weights", "confusion", "predictions", "internals", "evolution", "calibration"):
            assert f"{rid}-{sec}" in p.ids, f"section {rid}-{sec} missing"
    assert "comparison" in p.ids and "overview" in p.ids
    targets = [a["href"][1:] for a in p.links if a.get("href", "").startswith("#")]
    assert targets and set(targets) <= set(p.ids), set(targets) - set(p.ids)
    assert len(p.ids) == len(set(p.ids)), [i for i in p.ids if p.ids.count(i) > 1][:5]


def test_every_image_is_an_embedded_png_with_alt_text(two_run_report):
    from PIL import Image

    p = parse(two_run_report.html)
    assert len(p.imgs) >= 15
    for img in p.imgs:
        assert img["src"].startswith("data:image/png;base64,")
        assert img.get("alt", "").strip(), img.get("id")
        with Image.open(io.BytesIO(decode_data_uri(img["src"]))) as im:
            im.load()
            assert im.width > 0 and im.height > 0


def test_nothing_is_fetched_and_csp_forbids_the_network(two_run_report):
    page = two_run_report.html
    p = parse(page)
    (csp,) = [m["content"] for m in p.metas if m.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and "img-src data:" in csp
    assert "connect-src" not in csp  # falls back to default-src 'none'
    # the inline script is allowed by its hash, not by 'unsafe-inline'
    (script,) = [body for attrs, body in p.scripts if not attrs.get("type")]
    from mnist_viz.report.builder import script_hash

    assert script_hash(script) in csp and "script-src 'unsafe-inline'" not in csp
    urls = re.findall(r'\b(?:src|href|action|poster|data)\s*=\s*"([^"]*)"', page)
    assert urls
    for url in urls:
        assert url.startswith(("data:", "#")), url[:60]
    css = page[page.index("<style>"):page.index("</style>")]
    assert not re.search(r"url\((?!['\"]?data:)", css)
    assert "@import" not in page and "@font-face" not in page


def test_csv_downloads_hold_the_run_data(two_runs, two_run_report):
    from mnist_viz.run import Run

    p = parse(two_run_report.html)
    downloads = {a["download"]: a["href"] for a in p.links if "download" in a}
    for name in ("dense-history.csv", "dense-confusion-matrix.csv", "dense-per-class-metrics.csv",
                 "conv-history.csv", "comparison.csv"):
        assert name in downloads, sorted(downloads)
    hist = pd.read_csv(io.BytesIO(decode_data_uri(downloads["dense-history.csv"])))
    run = Run.load(two_runs[0])
    np.testing.assert_allclose(hist["val_accuracy"], run.history["val_accuracy"])
    cm = pd.read_csv(io.BytesIO(decode_data_uri(downloads["dense-confusion-matrix.csv"])))
    assert cm.shape == (10, 11) and cm.iloc[:, 1:].to_numpy().sum() == len(run.test.labels)
    truth = np.bincount(run.test.labels * 10 + run.test.predicted, minlength=100).reshape(10, 10)
    np.testing.assert_array_equal(cm.iloc[:, 1:].to_numpy(), truth)
    per_class = pd.read_csv(io.BytesIO(decode_data_uri(downloads["dense-per-class-metrics.csv"])))
    assert list(per_class.columns) == ["class", "precision", "recall", "f1", "support"]
    assert per_class["support"].sum() == len(run.test.labels)


def test_drill_down_index_points_at_the_right_digits(two_runs, two_run_report):
    from PIL import Image

    from mnist_viz.run import Run

    data = drill_json(two_run_report.html)
    assert set(data) == {"r0-cm", "r1-cm"}
    run = Run.load(two_runs[0])
    cells = data["r0-cm"]["cells"]
    labels, predicted = run.test.labels, run.test.predicted
    for key, cell in cells.items():
        t, p = map(int, key.split(","))
        assert cell["n"] == int(((labels == t) & (predicted == p)).sum())
        assert len(cell["idx"]) == min(cell["n"], data["r0-cm"]["per_cell"])
        assert all(labels[i] == t and predicted[i] == p for i in cell["idx"])
        conf = run.test.probabilities[cell["idx"], p]
        assert list(conf) == sorted(conf, reverse=True)  # most confident first
    with Image.open(io.BytesIO(decode_data_uri(data["r0-cm"]["sprite"]))) as sprite:
        assert sprite.size == (28 * data["r0-cm"]["per_cell"], 28 * len(cells))
    # every clickable cell of the table has an entry
    page = two_run_report.html
    table = page[page.index('id="r0-cm"'):]
    table = table[: table.index("</table>")]
    keys = set(re.findall(r'data-cell="(\d+,\d+)"', table))
    assert keys == set(cells)


def test_slider_has_one_frame_per_epoch_and_the_last_is_current(two_run_report):
    page = two_run_report.html
    frames = re.findall(r'<figure class="frame( current)?" id="r0-slider-e(\d+)"', page)
    assert [int(e) for _, e in frames] == [1, 2, 3, 4]
    assert [c for c, _ in frames] == ["", "", "", " current"]
    assert 'id="r0-slider-range"' in page and 'max="3"' in page


def test_comparison_has_deltas_and_side_by_side_matrices(two_run_report):
    page = two_run_report.html
    sec = page[page.index('id="comparison"'):page.index('id="r0"')]
    assert "Δ conv" in sec
    assert "test accuracy" in sec
    assert sec.count("<img") == 2  # overlaid curves + confusion matrices side by side


def test_dark_mode_and_print_styles_are_in_the_page(two_run_report):
    page = two_run_report.html
    assert "@media (prefers-color-scheme: dark)" in page
    assert "@media print" in page


def test_report_object_save_and_notebook_view(two_run_report, tmp_path):
    r = two_run_report
    assert r.path.exists() and r.path.read_text(encoding="utf-8") == r.html
    assert r.size_bytes == len(r.html.encode("utf-8"))
    copy = r.save(tmp_path / "copy.html")
    assert copy.read_bytes() == r.path.read_bytes()
    frame = r._repr_html_()
    assert frame.startswith("<iframe") and "sandbox=" in frame
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame).group(1)
    assert "<" not in srcdoc and html_lib.unescape(srcdoc) == r.html


# ----------------------------------------------------------------------------------------------
# partial runs, logs, missing plot functions
# ----------------------------------------------------------------------------------------------
def test_interrupted_run_without_records_says_what_is_missing(tmp_path):
    from mnist_viz.report import build_report

    run = write_run(tmp_path / "cut", epochs=2, planned=5, status="interrupted", with_test=False,
                    with_weights=False, with_probe=False, with_batches=False)
    page = build_report(run).html
    assert "interrupted after 2 of 5 epochs" in page
    for missing in ("test_predictions.npz", "weights/stats.csv", "probe/epoch_XXXX.npz", "features.npz", "batches.csv"):
        assert missing in page, missing
    assert 'id="r0-curves"' in page and page.count("<img") >= 1  # the curves still render


def test_run_without_images_or_features_still_renders(tmp_path):
    from mnist_viz.report import build_report

    run = write_run(tmp_path / "noimg", with_images=False, with_features=False)
    page = build_report(run).html
    assert "holds no images" in page
    assert drill_json(page) == {}
    assert 'id="r0-cm"' in page  # the counts table is there without drill-down


def test_csvlogger_history_renders(tmp_path):
    from mnist_viz.report import build_report
    from mnist_viz.run import Run

    log = tmp_path / "training.log"
    log.write_text("epoch,accuracy,loss,val_accuracy,val_loss\n0,0.8,0.6,0.82,0.55\n1,0.9,0.3,NA,0.4\n")
    report = build_report(Run.from_csv(log))
    page = report.html
    assert "Training curves" in page and "training log" in page
    assert parse(page).imgs, "the training curves should be drawn"
    report_dir = build_report(write_run(tmp_path / "bare", with_test=False, with_weights=False, with_probe=False,
                                        with_batches=False))
    assert report_dir.size_bytes > 0


def test_empty_history_renders(tmp_path):
    from mnist_viz._io import atomic_write_json
    from mnist_viz.report import build_report

    d = tmp_path / "fresh"
    atomic_write_json(d / "run.json", {"format_version": 1, "name": "fresh", "status": "interrupted",
                                       "epochs_planned": 3, "epochs_completed": 0})
    page = build_report(d).html
    assert "No epochs recorded" in page


def test_a_failing_plot_function_becomes_a_note(two_runs, monkeypatch):
    import mnist_viz.plots
    from mnist_viz.report import build_report

    def boom(*a, **k):
        raise RuntimeError("kaput <b>")

    monkeypatch.setattr(mnist_viz.plots, "misclassified", boom)
    monkeypatch.delattr(mnist_viz.plots, "calibration")
    page = build_report(two_runs[0]).html
    assert "Could not draw the most confident errors: RuntimeError: kaput &lt;b&gt;" in page
    assert "Could not draw the calibration" in page
    calibration = page.split('id="r0-calibration"')[1].split("</section>")[0]
    assert "Reliability: accuracy vs confidence" not in calibration
    assert 'id="r0-internals"' in page  # the sections after a failed plot are still there


# ----------------------------------------------------------------------------------------------
# escaping
# ----------------------------------------------------------------------------------------------
def test_names_from_files_are_escaped(tmp_path):
    from mnist_viz._io import atomic_write_json, read_json
    from mnist_viz.report import build_report

    run = write_run(tmp_path / XSS, n_test=200)
    info = read_json(run / "run.json")
    info["model"]["layers"][0]["name"] = "<script>alert('layer')</script>"
    info["metadata"]["data"]["class_names"] = ["<b>zero</b>"] + [str(i) for i in range(1, 10)]
    atomic_write_json(run / "run.json", info)
    page = build_report(run).html
    assert XSS not in page and "<script>alert" not in page and "<b>zero</b>" not in page
    assert html_lib.escape(XSS) in page
    assert "&lt;b&gt;zero&lt;/b&gt;" in page
    p = parse(page)
    assert not [img for img in p.imgs if img.get("src") == "x"]
    assert len([s for s in p.scripts if not s[0].get("type")]) == 1  # only the report's own script
    # the visible text shows the name as typed
    assert XSS in "".join(p.text)


def test_embedded_json_escapes_angle_brackets_and_ampersands():
    from mnist_viz.report._embed import safe_json

    text = safe_json({"a": "</script><!--&", "nan": float("nan")})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!--&", "nan": None}


# ----------------------------------------------------------------------------------------------
# errors, progress, sizes
# ----------------------------------------------------------------------------------------------
def test_unreadable_runs_raise_one_line_report_errors(tmp_path):
    from mnist_viz.report import ReportError, build_report

    with pytest.raises(ReportError, match="no such folder"):
        build_report(tmp_path / "nope")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(ReportError, match="is a file"):
        build_report(tmp_path / "file.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReportError, match="not a run directory"):
        build_report(tmp_path / "empty")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "run.json").write_text("{not json")
    with pytest.raises(ReportError) as info:
        build_report(bad)
    assert "\n" not in str(info.value) and "bad" in str(info.value)
    with pytest.raises(ReportError, match="empty"):
        build_report([])
    with pytest.raises(ReportError, match="got int"):
        build_report([3])
    run = write_run(tmp_path / "ok", with_test=False, with_probe=False, with_weights=False)
    with pytest.raises(ReportError, match="is a folder"):
        build_report(run, tmp_path)


def test_progress_lines_unless_quiet(tmp_path, capsys):
    from mnist_viz.report import build_report

    run = write_run(tmp_path / "p", with_test=False, with_probe=False, with_weights=False)
    build_report(run, quiet=True)
    assert capsys.readouterr().err == ""
    build_report(run, quiet=False)
    err = capsys.readouterr().err
    assert "report: [1/1] p: training curves" in err and "report: done" in err
    lines = []
    build_report(run, progress=lines.append)
    assert any("summary" in line for line in lines) and capsys.readouterr().err == ""


def test_size_with_10000_test_predictions_is_within_budget(tmp_path):
    from mnist_viz.report import build_report

    small = write_run(tmp_path / "small", n_test=10_000, epochs=5)
    report = build_report(small)
    assert report.size_bytes < 1_500_000, report.size_bytes
    # the page does not grow with the training set: only aggregates and probe/test subsets go in
    from mnist_viz._io import atomic_write_json, read_json

    info = read_json(small / "run.json")
    info["metadata"]["data"]["n_train"] = 60_000
    atomic_write_json(small / "run.json", info)
    assert abs(build_report(small).size_bytes - report.size_bytes) < 200


def test_cli_report_writes_the_file_and_maps_errors(two_runs, tmp_path, capsys):
    from mnist_viz.cli import main

    out = tmp_path / "cli.html"
    assert main(["report", str(two_runs[0]), "-o", str(out), "--quiet"]) == 0
    assert out.exists() and str(out) in capsys.readouterr().out
    assert main(["report", str(tmp_path / "missing"), "-o", str(out)]) == 2
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "run.json").write_text('{"format_version": 99}')
    assert main(["report", str(bad), "-o", str(tmp_path / "x.html")]) == 2
    assert "format_version" in capsys.readouterr().err


def test_parallel_and_serial_builds_give_the_same_page(two_runs):
    from mnist_viz.report import build_report

    def strip(page):
        return re.sub(r"Built [^<]* UTC", "", page)

    serial = build_report(list(two_runs), jobs=1)
    parallel = build_report(list(two_runs), jobs=2)
    assert strip(serial.html) == strip(parallel.html)
    assert set(serial.timings) == set(parallel.timings)
    with pytest.raises(ValueError, match="jobs"):
        build_report(two_runs[0], jobs=0)


def test_reliability_table_matches_a_hand_count():
    from mnist_viz.report._sections import reliability_table

    probs = np.array([[0.95, 0.05], [0.9, 0.1], [0.38, 0.62], [0.45, 0.55]])
    rows, ece = reliability_table([0, 1, 1, 0], probs, n_bins=10)
    assert [r[0] for r in rows] == ["0.5–0.6", "0.6–0.7", "0.9–1.0"]
    assert [r[1] for r in rows] == ["1", "1", "2"]
    # bins: 0.55 wrong (gap .55), 0.62 right (gap .38), {0.95 right, 0.9 wrong} (mean .925, acc .5)
    assert ece == pytest.approx(0.25 * 0.55 + 0.25 * 0.38 + 0.5 * 0.425)


REPORT_MODULES = ["mnist_viz.report", "mnist_viz.report._embed", "mnist_viz.report._model",
                  "mnist_viz.report._sections", "mnist_viz.report.builder"]


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
