"""mnist_viz.plots._notebook: an mnist_viz figure shows in a notebook once, as an <img> with its alt text.

These tests call the figure's ``_repr_html_`` as IPython's text/html formatter does; tests/test_notebook.py
executes real notebooks in a kernel.
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import base64  # noqa: E402
import html  # noqa: E402
import io  # noqa: E402
import pickle  # noqa: E402
import re  # noqa: E402
import warnings  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from prerequisites import import_or_missing  # noqa: E402
from PIL import Image  # noqa: E402

import mnist_viz.plots as mp  # noqa: E402
from mnist_viz.plots._notebook import FigureHTML, figure_html  # noqa: E402
from mnist_viz.plots._style import set_alt_text  # noqa: E402

IMG = re.compile(r'^<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" width="(\d+)" height="(\d+)" alt="([^"]*)">$')


def _parse(markup: str):
    m = IMG.match(markup)
    assert m, markup[:200]
    png = base64.b64decode(m.group(1))
    return Image.open(io.BytesIO(png)), int(m.group(2)), int(m.group(3)), html.unescape(m.group(4))


def test_an_mnist_viz_figure_is_an_img_with_its_alt_text(preds):
    fig = mp.misclassified(*preds)
    image, width, height, alt = _parse(fig._repr_html_())
    assert alt == mp.alt_text(fig) and alt.startswith("The ")
    assert image.format == "PNG" and image.size == (width, height)
    # the inline backend's rendering: bbox_inches="tight" at the figure's dpi
    w_in, h_in = fig.get_size_inches()
    assert abs(width - w_in * fig.dpi) < 0.1 * w_in * fig.dpi and abs(height - h_in * fig.dpi) < 0.1 * h_in * fig.dpi
    assert np.asarray(image.convert("L")).std() > 10  # a drawing, not a blank
    plt.close(fig)


def test_an_axes_plot_gives_its_figure_the_same_display(preds):
    ax = mp.confusion_matrix(preds[1], preds[2])
    _image, _w, _h, alt = _parse(ax.figure._repr_html_())
    assert alt == mp.alt_text(ax) and alt.startswith("Confusion matrix of 300 predictions")
    plt.close(ax.figure)


def test_alt_text_is_escaped_in_the_attribute():
    fig, ax = plt.subplots(figsize=(1, 1))
    set_alt_text(ax, 'Names <b>"x" & y</b>.')
    markup = fig._repr_html_()
    assert 'alt="Names &lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;."' in markup and "<b>" not in markup
    plt.close(fig)


def test_other_figures_are_left_alone():
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    assert "_repr_html_" not in fig.__dict__ and fig._repr_html_() is None  # matplotlib's own method
    assert figure_html(fig) is None  # no mnist_viz alt text: IPython shows the figure's other formats
    plt.close(fig)


def test_the_display_survives_pickling(preds):
    fig = mp.misclassified(*preds)
    copy = pickle.loads(pickle.dumps(fig))
    assert isinstance(copy.__dict__["_repr_html_"], FigureHTML) and copy.__dict__["_repr_html_"].figure is copy
    assert _parse(copy._repr_html_())[3] == mp.alt_text(fig)
    plt.close("all")


def test_browser_canvases_keep_matplotlibs_own_html(monkeypatch):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    class FigureCanvasWebAggCore(FigureCanvasAgg):  # the name the nbagg/ipympl/webagg canvases derive from
        pass

    monkeypatch.setattr(matplotlib.figure.Figure, "_repr_html_", lambda self: "matplotlib's own")
    fig = matplotlib.figure.Figure()
    FigureCanvasWebAggCore(fig)
    set_alt_text(fig, "A figure.")
    assert fig._repr_html_() == "matplotlib's own"


@pytest.fixture
def inline_backend():
    """pyplot on matplotlib_inline's backend (outside IPython), interactive, as in a fresh Jupyter kernel."""
    import_or_missing("matplotlib_inline", "ipykernel brings it; the [test] extra installs ipykernel")
    with warnings.catch_warnings():  # matplotlib_inline.config uses a traitlets API deprecated since 4.1
        warnings.simplefilter("ignore", DeprecationWarning)
        from matplotlib_inline import backend_inline
        from matplotlib_inline.config import InlineBackend

    cfg = InlineBackend.instance()
    saved = (matplotlib.get_backend(), plt.isinteractive(), cfg.close_figures, set(cfg.figure_formats))
    plt.switch_backend("module://matplotlib_inline.backend_inline")
    plt.ion()
    try:
        yield backend_inline, cfg
    finally:
        plt.close("all")
        backend_inline.show._to_draw = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            cfg.close_figures, cfg.figure_formats = saved[2], saved[3]
        plt.switch_backend(saved[0])
        plt.interactive(saved[1])


def test_a_displayed_figure_leaves_the_inline_backends_queue(inline_backend, preds):
    """Shown as the cell's result, the figure is closed (as the post-execute flush would close it), so
    the flush, which shows every open figure, does not show it a second time; others stay queued."""
    backend_inline, _cfg = inline_backend
    mine, ax = plt.subplots()
    fig = mp.misclassified(*preds)
    assert fig in backend_inline.show._to_draw and plt.fignum_exists(fig.number)
    fig._repr_html_()
    assert fig not in backend_inline.show._to_draw and not plt.fignum_exists(fig.number)
    assert plt.get_fignums() == [mine.number] and backend_inline.show._to_draw == [mine]
    assert _parse(fig._repr_html_())[3] == mp.alt_text(fig)  # a closed figure still displays (fig in a cell)


def test_with_close_figures_off_a_displayed_figure_stays_open_but_is_not_flushed_again(inline_backend, preds):
    backend_inline, cfg = inline_backend
    cfg.close_figures = False
    fig = mp.misclassified(*preds)
    fig._repr_html_()
    assert plt.fignum_exists(fig.number) and fig not in backend_inline.show._to_draw


def test_retina_renders_twice_the_pixels_at_the_same_size(inline_backend):
    _backend_inline, cfg = inline_backend
    fig, ax = plt.subplots(figsize=(2, 1), dpi=50, layout="constrained")
    set_alt_text(ax, "A small figure.")
    ax.plot([0, 1])
    image, width, height, _alt = _parse(figure_html(fig))
    with warnings.catch_warnings():  # its observer uses a traitlets API deprecated since 4.1
        warnings.simplefilter("ignore", DeprecationWarning)
        cfg.figure_formats = {"retina"}
    retina, r_width, r_height, _alt = _parse(figure_html(fig))
    assert (r_width, r_height) == (width, height)  # IPython's retina size: half the pixels, rounded down
    assert all(abs(r - 2 * n) <= 1 for r, n in zip(retina.size, image.size)), (retina.size, image.size)
