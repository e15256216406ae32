"""Turning figures, digit images, tables and JSON into bytes that live inside one HTML file.

Everything here returns strings ready to drop into the page: ``data:`` URIs for PNGs and CSV files,
and JSON safe to place inside ``<script type="application/json">``.

Example
-------
>>> import numpy as np
>>> uri = digits_sprite(np.zeros((2, 3, 28, 28), dtype=np.uint8))
>>> uri.startswith("data:image/png;base64,")
True
>>> safe_json({"name": "</script>"})
'{"name": "\\\\u003c/script\\\\u003e"}'
"""
from __future__ import annotations

import base64
import io
import json

import numpy as np

from mnist_viz._arrays import pixel_scale

#: dpi for report figures: sharp enough on screen, small on disk.
FIGURE_DPI = 80
#: colours kept when a figure is palette-quantized (text and lines stay crisp at 128).
PALETTE_COLORS = 128


def png_data_uri(png: bytes) -> str:
    """``data:image/png;base64,...`` for PNG bytes.

    >>> png_data_uri(b"\\x89PNG")
    'data:image/png;base64,iVBORw=='
    """
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure_png(fig, *, dpi: int = FIGURE_DPI, quantize: bool = True, background: str = "white",
               colors: int = PALETTE_COLORS) -> tuple[bytes, int, int]:
    """Render a Matplotlib figure to (PNG bytes, width, height), palette-quantized to ``colors``
    colours to keep it small, flattened onto ``background`` (the dark theme's for a dark figure).

    The figure is closed afterwards.

    >>> import matplotlib.figure
    >>> fig = matplotlib.figure.Figure(figsize=(2, 1)); _ = fig.add_subplot().plot([0, 1])
    >>> png, w, h = figure_png(fig, dpi=50)
    >>> (w, h), png[:4]
    ((100, 50), b'\\x89PNG')
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    # Draw with Agg and quantize the RGBA buffer directly: the same pixels savefig(dpi=...) makes,
    # without encoding a full-colour PNG first (that alone costs ~0.1 s per figure).
    try:
        fig.set_dpi(dpi)
        fig.patch.set_facecolor(background)
        fig.patch.set_alpha(1.0)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        w, h = canvas.get_width_height()
        rgb = Image.frombuffer("RGBA", (w, h), bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1).convert("RGB")
    finally:
        _close(fig)
    out = io.BytesIO()
    if quantize:
        pal = rgb.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        pal.save(out, format="PNG", compress_level=7)
    else:
        rgb.save(out, format="PNG", compress_level=6)
    return out.getvalue(), rgb.width, rgb.height


def _close(fig) -> None:
    import sys

    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        try:
            plt.close(fig)
        except Exception:  # a Figure not managed by pyplot
            pass


def digits_png(images: np.ndarray, *, invert: bool = True, levels: int = 16) -> bytes:
    """A grid of digits ``(rows, cols, 28, 28)`` as one grayscale PNG with ``levels`` grey levels.

    Blank (all-zero) tiles stay white. ``levels=16`` stores 4 bits per pixel: a 28x28 digit costs
    about 150-250 bytes.

    >>> import io
    >>> from PIL import Image
    >>> png = digits_png(np.full((2, 3, 28, 28), 255, dtype=np.uint8))
    >>> im = Image.open(io.BytesIO(png))
    >>> im.size, im.mode, im.getpixel((0, 0))  # 3 columns x 2 rows of tiles; ink is black
    ((84, 56), 'P', 0)
    """
    from PIL import Image

    arr = np.asarray(images)
    if arr.ndim != 4:
        raise ValueError(f"images must have shape (rows, cols, h, w); got {arr.shape}")
    rows, cols, h, w = arr.shape
    arr = arr.astype(np.float32) * (255.0 / pixel_scale(arr))  # 0..1 floats to 0..255
    big = arr.transpose(0, 2, 1, 3).reshape(rows * h, cols * w)
    if invert:
        big = 255.0 - big
    step = 255.0 / (levels - 1)
    q = np.clip(np.round(big / step), 0, levels - 1).astype(np.uint8)
    im = Image.fromarray(q).convert("P")
    palette = []
    for i in range(levels):
        g = int(round(i * step))
        palette += [g, g, g]
    im.putpalette(palette + [0, 0, 0] * (256 - levels))
    out = io.BytesIO()
    im.save(out, format="PNG", compress_level=7)
    return out.getvalue()


def digits_sprite(images: np.ndarray, **kwargs) -> str:
    """:func:`digits_png` as a ``data:`` URI.

    >>> digits_sprite(np.zeros((1, 1, 28, 28), dtype=np.uint8))[:22]
    'data:image/png;base64,'
    """
    return png_data_uri(digits_png(images, **kwargs))


#: a text cell starting with one of these is a formula to a spreadsheet (OWASP's CSV injection rule)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """One CSV cell made safe for a spreadsheet: a text starting with ``=``, ``+``, ``-``, ``@``, tab or
    carriage return gets a leading single quote (so ``=HYPERLINK(...)`` in a class or metric name is
    shown, not run); numbers, and every other value, are returned as they are (-0.245 stays a number).

    >>> csv_cell("=1+2"), csv_cell("-x"), csv_cell("cat"), csv_cell(-0.245), csv_cell(None)
    ("'=1+2", "'-x", 'cat', -0.245, None)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_csv_frame(frame):
    """A copy of ``frame`` with :func:`csv_cell` applied to its column names and to every text cell;
    numeric columns are left as numbers.

    >>> import pandas as pd
    >>> safe_csv_frame(pd.DataFrame({"@m": ["+a", "b"], "n": [-1.5, 2.0]})).to_dict("list")
    {"'@m": ["'+a", 'b'], 'n': [-1.5, 2.0]}
    """
    import pandas as pd

    out = frame.copy()
    out.columns = [csv_cell(c) for c in out.columns]
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
            out.isetitem(i, column.map(csv_cell).astype(object))
    return out


def csv_data_uri(frame) -> str:
    """A pandas DataFrame as a downloadable ``data:text/csv`` URI (UTF-8, base64), its text cells and
    column names made safe with :func:`csv_cell`.

    >>> import pandas as pd
    >>> uri = csv_data_uri(pd.DataFrame({"epoch": [0, 1], "loss": [0.5, -0.25], "note": ["=cmd", "ok"]}))
    >>> base64.b64decode(uri.split(",", 1)[1]).decode()
    "epoch,loss,note\\n0,0.5,'=cmd\\n1,-0.25,ok\\n"
    """
    text = safe_csv_frame(frame).to_csv(index=False)
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def safe_json(obj) -> str:
    """JSON that can sit inside ``<script type="application/json">``: ``<``, ``>`` and ``&`` are
    written as ``\\u003c``, ``\\u003e`` and ``\\u0026`` (so ``</script>`` can never close the block),
    and NaN/inf become ``null``.

    >>> safe_json({"run": "a&b", "loss": float("nan"), "n": np.int64(3)})
    '{"run": "a\\\\u0026b", "loss": null, "n": 3}'
    """
    text = json.dumps(_finite(obj), ensure_ascii=False, allow_nan=False)
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def _finite(obj):
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else None
    if isinstance(obj, (np.floating,)):
        v = float(obj)
        return v if np.isfinite(v) else None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.ndarray):
        return [_finite(v) for v in obj.tolist()]
    if isinstance(obj, dict):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj
