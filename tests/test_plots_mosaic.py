"""mnist_viz.plots._mosaic: integer nearest-neighbour upscaling, the digit mosaic drawn as one image with
transparent gaps, and the frames and titles placed on its pixels.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mnist_viz.plots._mosaic import DIGIT, digit_title, draw_digits, frame_digit, upscale  # noqa: E402


def test_upscale_by_the_integer_factor_nearest_the_target():
    stack = np.arange(2 * 3 * 3, dtype=float).reshape(2, 3, 3)
    tiles, f = upscale(stack, 28)
    assert f == 9 and tiles.shape == (2, 27, 27)
    np.testing.assert_array_equal(tiles[:, ::9, ::9], stack)  # every f-th pixel is the original
    np.testing.assert_array_equal(tiles[1, 9:18, 18:27], np.full((9, 9), stack[1, 1, 2]))
    tiles, f = upscale(np.ones((1, 26, 40)), 28)
    assert f == 1 and tiles.shape == (1, 26, 40)  # never shrinks
    assert upscale(np.ones((4, 13, 13)), 26)[1] == 2


def test_draw_digits_one_image_gaps_transparent_and_limits_on_pixels():
    mosaic = np.full((30, 60), np.nan)
    mosaic[1:29, 1:29] = 0.5
    fig, ax = plt.subplots()
    draw_digits(ax, mosaic, 0.0, 1.0)
    (im,) = ax.images
    assert im.get_gid() == "digits" and im.get_interpolation() == "nearest"
    assert im.get_cmap().get_bad()[3] == 0.0  # NaN gaps show what is behind
    assert im.get_clim() == (0.0, 1.0)
    assert ax.get_xlim() == (-0.5, 59.5) and ax.get_ylim() == (29.5, -0.5)  # y down, as imshow


def test_frame_and_title_sit_on_the_digit():
    fig, ax = plt.subplots()
    frame_digit(ax, 5, 10, "#D55E00", 1.2)
    digit_title(ax, 5, 10, "true 4 → pred 9", 7)
    (frame,) = ax.patches
    assert (frame.get_x(), frame.get_y(), frame.get_width(), frame.get_height()) == (9.5, 4.5, DIGIT, DIGIT)
    assert frame.get_gid() == "frame" and mcolors.to_hex(frame.get_edgecolor()) == "#d55e00"
    (title,) = ax.texts
    assert title.get_gid() == "title" and title.get_text() == "true 4 → pred 9"
    assert title.xy == (frame.get_x() + DIGIT / 2, frame.get_y())  # the digit's top centre
