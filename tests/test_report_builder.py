"""The whole page (mnist_viz/report/builder.py): every section and its table of contents, embedded
images, the CSP, CSV downloads, styles, escaping, errors, progress, size, the CLI and parallel builds.

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import html as html_lib  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from report_runs import write_run, parse, decode_data_uri, XSS, two_runs, two_run_report  # noqa: E402,F401 (fixtures)


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


def _download_frames(report) -> dict[str, pd.DataFrame]:
    p = parse(report.html)
    return {a["download"]: pd.read_csv(io.BytesIO(decode_data_uri(a["href"])))
            for a in p.links if "download" in a}


def test_every_csv_download_holds_exactly_the_run_data(two_runs, two_run_report):
    """Each download, column by column and value by value, against the run directory (a lost
    ``epoch`` column or a reordered one fails here)."""
    from mnist_viz import metrics
    from mnist_viz.run import Run

    files = _download_frames(two_run_report)
    stems = ("history", "batches", "confusion-matrix", "per-class-metrics", "weight-stats")
    assert sorted(files) == sorted(["comparison.csv"] + [f"{run}-{stem}.csv" for run in ("dense", "conv")
                                                        for stem in stems]), sorted(files)
    for run_dir in two_runs:
        run = Run.load(run_dir)
        history = files[f"{run.name}-history.csv"]
        expected = run.history.reset_index()
        assert list(history.columns) == ["epoch"] + list(run.history.columns)
        np.testing.assert_array_equal(history["epoch"], np.arange(len(run.history)))
        pd.testing.assert_frame_equal(history, expected, check_dtype=False, check_names=False)
        pd.testing.assert_frame_equal(files[f"{run.name}-batches.csv"], run.batches.reset_index(drop=True),
                                      check_dtype=False)
        stats = files[f"{run.name}-weight-stats.csv"]
        pd.testing.assert_frame_equal(stats, run.weights.stats.reset_index(drop=True), check_dtype=False)
        names = [str(i) for i in range(10)]
        cm = files[f"{run.name}-confusion-matrix.csv"]
        assert list(cm.columns) == ["true"] + [f"pred_{c}" for c in names]
        assert cm["true"].astype(str).tolist() == names
        truth = np.bincount(run.test.labels * 10 + run.test.predicted, minlength=100).reshape(10, 10)
        np.testing.assert_array_equal(cm.iloc[:, 1:].to_numpy(), truth)
        per_class = files[f"{run.name}-per-class-metrics.csv"]
        assert list(per_class.columns) == ["class", "precision", "recall", "f1", "support"]
        ours = metrics.per_class_metrics(run.test.labels, run.test.predicted, 10)
        np.testing.assert_allclose(per_class[["precision", "recall", "f1", "support"]].to_numpy(dtype=float),
                                   ours[["precision", "recall", "f1", "support"]].to_numpy(dtype=float))
    comparison = files["comparison.csv"]
    assert list(comparison.columns) == ["metric", "dense", "conv", "Δ conv"]
    dense, conv = (Run.load(d) for d in two_runs)
    row = comparison.set_index("metric")
    assert row.loc["parameters", "dense"] == dense.model_info["total_params"]
    assert row.loc["parameters", "Δ conv"] == conv.model_info["total_params"] - dense.model_info["total_params"]
    deltas = pd.to_numeric(comparison["Δ conv"], errors="coerce")
    assert deltas.notna().sum() >= 2 and (deltas < 0).any(), comparison  # negative deltas stay numbers
    assert not comparison.astype(str).apply(lambda c: c.str.startswith("'")).any().any()


def test_csv_downloads_neutralise_formula_names(tmp_path):
    """A metric named ``=HYPERLINK(...)`` and class names starting with ``+``, ``-``, ``@`` or a tab are
    quoted in every download; numbers, negative ones too, stay numbers."""
    from mnist_viz.report import build_report
    from mnist_viz.run import Run

    evil = '=HYPERLINK("http://x","y")'
    history = Run.from_dict({"loss": [0.9, -0.5], evil: [0.1, 0.2]}, name="@evil")
    other = Run.from_dict({"loss": [0.8, 0.4]}, name="-other")
    files = {name: decode_data_uri(a).decode("utf-8") for name, a in (
        (a["download"], a["href"]) for a in parse(build_report([history, other], tmp_path / "r.html").html).links
        if "download" in a)}
    import csv

    rows = list(csv.reader(io.StringIO(files["@evil-history.csv"])))
    assert rows == [["epoch", "loss", "'" + evil], ["0", "0.9", "0.1"], ["1", "-0.5", "0.2"]]
    comparison = list(csv.reader(io.StringIO(files["comparison.csv"])))
    assert comparison[0] == ["metric", "'@evil", "'-other", "Δ -other"]
    for text in files.values():
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (cell, text[:200])
                if cell.startswith("-"):
                    float(cell)  # only numbers may start with a minus sign


def test_dark_mode_and_print_styles_are_in_the_page(two_run_report):
    page = two_run_report.html
    assert "@media (prefers-color-scheme: dark)" in page
    assert "@media print" in page


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


def test_a_runs_evaluations_come_after_its_own_sections_and_every_test_set_is_named(tmp_path):
    from report_runs import drill_json, parse, write_evaluation, write_run

    from mnist_viz.report import build_report

    run_dir = write_run(tmp_path / "dense", n_test=120)
    write_evaluation(run_dir, "idx-mnist", n=90)
    page = build_report(run_dir, jobs=1).html
    ids = [i for i in parse(page).ids if i.startswith("r0-") and "-b" not in i and not i.endswith("-h")]
    sections = [i for i in ids if i in {"r0-summary", "r0-curves", "r0-weights", "r0-confusion", "r0-predictions",
                                        "r0-internals", "r0-evolution", "r0-calibration", "r0-eval-idx:mnist"}]
    assert sections[-2:] == ["r0-calibration", "r0-eval-idx:mnist"]
    assert '<a href="#r0-eval-idx:mnist">Evaluation on idx-mnist</a>' in page
    assert page.count('<p class="intro">Test set: test_data given to the recorder, 120 images.</p>') == 4
    assert ('<p class="intro">Test set: IDX folder official: test split only, 90 images (evaluation idx-mnist).</p>'
            in page)
    drills = drill_json(page)
    assert sorted(drills) == ["r0-cm", "r0-eval-idx:mnist-cm"]
    assert sum(c["n"] for c in drills["r0-eval-idx:mnist-cm"]["cells"].values()) == 90
