"""The confusion drill-down (mnist_viz/report/_drill.py): its index and sprite, the same for uint8
and float digits (images go through mnist_viz._arrays.to_uint8_images).

Run directories are written by tests/report_runs.py (no TensorFlow).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import io  # noqa: E402
import re  # noqa: E402

import numpy as np  # noqa: E402

from report_runs import decode_data_uri, drill_json, two_runs, two_run_report  # noqa: E402,F401 (fixtures)


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
    # every cell of the table is a button (the ARIA grid); each non-empty one has an entry
    page = two_run_report.html
    table = page[page.index('id="r0-cm"'):]
    table = table[: table.index("</table>")]
    buttons = re.findall(r'data-cell="(\d+),(\d+)" tabindex="(-?\d)" aria-label="[^"]*: (\d+) ', table)
    assert len(buttons) == 10 * 10
    assert {f"{t},{p}" for t, p, _, n in buttons if n != "0"} == set(cells)
    # one tab stop: the first cell (report.js moves it)
    assert [(t, p) for t, p, tab, _ in buttons if tab == "0"] == [("0", "0")]
    assert 'role="grid"' in page[page.rindex("<table", 0, page.index('id="r0-cm"')):page.index('id="r0-cm"')]


def _old_as_uint8(images) -> np.ndarray:
    """The report's own conversion before mnist_viz._arrays.to_uint8_images replaced it (reference)."""
    arr = np.asarray(images)
    if arr.dtype == np.uint8:
        return arr
    arr = arr.astype(np.float32)
    if arr.size and arr.max() <= 1.0:
        arr = arr * 255
    return np.clip(arr, 0, 255).astype(np.uint8)


def _image_kinds():
    """The same digits as uint8, [0, 255] floats and [0, 1] floats (float32 and float64), every
    grey level 0..255 present."""
    rng = np.random.default_rng(3)
    u8 = rng.integers(0, 256, (40, 28, 28), dtype=np.uint8)
    u8[0].flat[:256] = np.arange(256)
    return {"uint8": u8, "float32 0..255": u8.astype(np.float32), "float32 0..1": u8.astype(np.float32) / 255,
            "float64 0..1": u8 / 255.0, "flat uint8": u8.reshape(40, 784)}


def test_to_uint8_images_equals_the_old_conversion_for_uint8_and_float_digits():
    from mnist_viz._arrays import to_uint8_images

    kinds = _image_kinds()
    for name, images in kinds.items():
        if images.ndim == 3:
            np.testing.assert_array_equal(to_uint8_images(images), _old_as_uint8(images), err_msg=name)
        np.testing.assert_array_equal(to_uint8_images(images), kinds["uint8"], err_msg=name)


def test_drill_sprites_are_the_same_for_uint8_and_float_digits():
    from mnist_viz.report import _embed
    from mnist_viz.report._drill import digit_thumbs, drill_data

    kinds = _image_kinds()
    rng = np.random.default_rng(4)
    y_true = rng.integers(0, 4, 40)
    probs = rng.dirichlet(np.ones(4), 40)
    y_pred = probs.argmax(axis=1)
    reference = drill_data(kinds["uint8"], y_true, y_pred, probs, 4)
    # the sprite the report made before: tiles converted cell by cell with the old conversion
    tiles = np.zeros((len(reference["cells"]), reference["per_cell"], 28, 28), np.uint8)
    for cell in reference["cells"].values():
        tiles[cell["row"], :len(cell["idx"])] = _old_as_uint8(kinds["uint8"][cell["idx"]])
    assert reference["sprite"] == _embed.digits_sprite(tiles)
    for name, images in kinds.items():
        assert drill_data(images, y_true, y_pred, probs, 4) == reference, name
        assert digit_thumbs(images[:3]) == digit_thumbs(kinds["uint8"][:3]), name
