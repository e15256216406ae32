"""The stages of a convnet for one digit: the input, then the feature maps of every conv and
pooling layer, one row per layer.

The maps come from a live ``keras.Model`` (through :mod:`mnist_viz.features`, the only path that
imports Keras), from a precomputed ``{layer: (h, w, c)}`` mapping, or from a Run's stored
``features.npz`` (no TensorFlow then).

Example
-------
>>> import numpy as np, mnist_viz.plots as mp
>>> rng = np.random.default_rng(0)
>>> maps = {"conv1": rng.random((26, 26, 8)), "pool1": rng.random((13, 13, 8))}
>>> fig = mp.activations(rng.random((28, 28)), maps)
>>> mp.alt_text(fig)
'Activations of one digit through 2 conv/pool layers: conv1 26×26×8, pool1 13×13×8 (up to 16 maps each, each map scaled to its own range).'
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from mnist_viz._arrays import display_images, positive_int, to_uint8_images
from mnist_viz._words import DEFAULT_NOUN, noun_for

from ._figure import FigureLike, FigureTarget, refuse_ax, target_figure
from ._inputs import is_keras_model, run_features
from ._mosaic import upscale
from ._style import DIGIT_CMAP, SEQUENTIAL_CMAP, cmap_with_gaps, digit_range, plot_style, set_alt_text
from ._theme import ink

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure
    from matplotlib.gridspec import SubplotSpec
    from numpy.typing import ArrayLike

    from mnist_viz.features_file import Features

__all__ = ["activations"]

#: maps per line of a stage's mosaic in :func:`activations`
MAPS_PER_LINE = 16


def _one_image(image: ArrayLike) -> np.ndarray:
    arr = np.asarray(image)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"image must be a numeric array; got dtype {arr.dtype}")
    if arr.size != 784 or arr.squeeze().shape not in {(784,), (28, 28)}:
        raise ValueError(f"image must be one digit of shape (28, 28), (784,) or (28, 28, 1); got shape {arr.shape}")
    return arr.reshape(28, 28)


def _bare(ax: Axes) -> None:
    """No ticks and no spines: for image panels."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _normalise_maps(maps: np.ndarray) -> np.ndarray:
    """Scale each (h, w) map of an (h, w, c) stack to [0, 1] on its own (constant maps -> 0)."""
    maps = maps.astype(np.float64)
    lo = maps.min(axis=(0, 1), keepdims=True)
    span = maps.max(axis=(0, 1), keepdims=True) - lo
    return np.where(span > 0, (maps - lo) / np.where(span > 0, span, 1.0), 0.0)


def _mosaic(maps: np.ndarray, per_line: int, target: int) -> np.ndarray:
    """Tile (h, w, m) maps into lines of ``per_line``, each map upscaled (nearest) by an integer
    factor towards ``target`` pixels, 1-pixel NaN gaps between maps."""
    h, w, m = maps.shape
    tile, f = upscale(maps.transpose(2, 0, 1), target)  # (m, h*f, w*f)
    th, tw = h * f, w * f
    cols = min(per_line, m)
    rows = -(-m // cols)
    out = np.full((rows * (th + 1) - 1, cols * (tw + 1) - 1), np.nan)
    for k in range(m):
        r, c = divmod(k, cols)
        out[r * (th + 1) : r * (th + 1) + th, c * (tw + 1) : c * (tw + 1) + tw] = tile[k]
    return out


def _stage_maps(model: Any, image: np.ndarray, layers: str | Sequence[str] | None) -> dict[str, np.ndarray]:
    """{layer: (h, w, c)} from a live model or a precomputed mapping."""
    if is_keras_model(model):
        from mnist_viz.features import feature_maps

        return {k: v[0] for k, v in feature_maps(model, image[None], layers=layers).items()}
    feats = run_features(model)
    if feats is not None and not isinstance(model, Mapping):
        model = _run_maps(model, feats, image)
    if not isinstance(model, Mapping):
        raise TypeError(
            "model must be a keras.Model or a mapping {layer name: (h, w, c) array}; "
            f"got {type(model).__name__}"
        )
    if layers is not None:
        wanted = [layers] if isinstance(layers, str) else list(layers)
        missing = [n for n in wanted if n not in model]
        if missing:
            raise ValueError(f"layers {missing} not in the given feature maps; they hold {list(model)}")
        model = {n: model[n] for n in wanted}
    out = {}
    for name, arr in model.items():
        a = np.asarray(arr)
        if a.ndim == 4 and a.shape[0] == 1:
            a = a[0]
        if a.ndim != 3:
            hint = " (several digits: pass one, e.g. {k: v[0] for k, v in maps.items()})" if a.ndim == 4 else ""
            raise ValueError(f"feature maps for layer {name!r} must have shape (h, w, c) or (1, h, w, c); got {a.shape}{hint}")
        if not np.issubdtype(a.dtype, np.number):
            raise TypeError(f"feature maps for layer {name!r} must be numeric; got dtype {a.dtype}")
        out[str(name)] = a
    if not out:
        raise ValueError("model holds no feature maps (an empty mapping)")
    return out


def _run_maps(run: Any, feats: Features, image: np.ndarray) -> dict[str, np.ndarray]:
    """The stored maps (``run.features``) of the test digit equal to ``image``."""
    maps = feats.activations
    if not maps:
        raise ValueError("model: the run has no stored activations (its features hold no feature maps)")
    k = next(iter(maps.values())).shape[0]
    if k == 1:
        return maps
    indices = feats.activation_indices if len(feats.activation_indices) == k else np.arange(k)
    test = getattr(run, "test", None)
    stored = getattr(test, "images", None)
    if stored is not None:
        as_stored = to_uint8_images(image[None])  # as the recorders stored it: 0..255
        assert as_stored is not None  # image is one 28x28 digit (_one_image)
        probe = as_stored[0].astype(np.float64)
        for j, i in enumerate(indices):
            if 0 <= int(i) < len(stored) and np.abs(np.asarray(stored[int(i)], dtype=np.float64) - probe).max() <= 1.0:
                return {n: a[j] for n, a in maps.items()}
    raise ValueError(
        f"image: the run stores feature maps for test digits {indices.tolist()} only; pass one of "
        "run.test.images[run.features.activation_indices], or a live keras model"
    )


@overload
def activations(image: ArrayLike, model: Any, *, layers: str | Sequence[str] | None = None, max_maps: int = 16,
                noun: str = DEFAULT_NOUN, fig: Figure | None = None, ax: None = None) -> Figure: ...


@overload
def activations(image: ArrayLike, model: Any, *, layers: str | Sequence[str] | None = None, max_maps: int = 16,
                noun: str = DEFAULT_NOUN, fig: SubFigure | SubplotSpec, ax: None = None) -> SubFigure: ...


def activations(image: ArrayLike, model: Any, *, layers: str | Sequence[str] | None = None, max_maps: int = 16,
                noun: str = DEFAULT_NOUN, fig: FigureTarget = None, ax: None = None) -> FigureLike:
    """The stages of a convnet for one digit: the input, then the feature maps of every conv and
    pooling layer in order, one row per layer.

    Each row shows the layer's first ``max_maps`` maps side by side (16 per line), each scaled to
    its own range (viridis: dark = low, yellow = high) and upscaled with nearest-neighbour pixels,
    so the shrinking resolution of each stage stays visible. Rows are titled with the layer name
    and its output shape.

    Parameters
    ----------
    image : array (28, 28), (784,) or (28, 28, 1)
        One digit, 0..1 floats or 0..255 (uint8 is scaled to 0..1 before a live model sees it).
    model : keras.Model, mapping or Run
        A live model (Sequential with or without ``Input``, functional or nested; the feature maps
        come from :func:`mnist_viz.features.feature_maps`, whose sub-model is cached per model), a
        precomputed ``{layer name: (h, w, c) or (1, h, w, c) array}`` (no TensorFlow is imported
        then), or a ``Run`` whose ``features.npz`` holds activations for that digit.
    layers : list of str, optional
        Only these layers (default: every conv/pool layer, or every entry of the mapping).
    max_maps : int
        Maps shown per layer.
    noun : str
        The word for the image in the alt text ("digit"; "image", "letter" ... for other datasets).
    fig : Figure, SubFigure or SubplotSpec, optional
        Where to draw the input and the stages (``gs[0, 1]``: a new SubFigure in that cell); default: a fresh figure.
    ax : not accepted (several panels): a TypeError says to pass ``fig=ax.get_subplotspec()`` instead

    Returns
    -------
    matplotlib.figure.Figure or SubFigure
        One Axes per row: the input digit, then one mosaic image of each layer's maps.

    Example
    -------
    >>> import numpy as np, mnist_viz.plots as mp
    >>> from mnist_viz.models import convnet
    >>> fig = mp.activations(np.zeros((28, 28)), convnet(), max_maps=8)
    >>> [ax.get_title(loc="left").split(" · ")[0] for ax in fig.axes]
    ['input 28×28', 'conv1', 'pool1', 'conv2', 'pool2']
    """
    refuse_ax(ax, "activations")
    max_maps = positive_int(max_maps, "max_maps")
    img = _one_image(image)
    shown, scale = display_images(img[None], "image")  # standardized pixels: rescaled to 0..1 to be seen
    stages = _stage_maps(model, img, layers)  # a live model: feature_maps scales 0..255 pixels to 0..1
    vmin, vmax = (0.0, 1.0) if scale == "standardized" else digit_range(img)
    target = max(max(a.shape[0], a.shape[1]) for a in stages.values())

    widest = min(MAPS_PER_LINE, max(min(max_maps, a.shape[2]) for a in stages.values()))
    with plot_style():
        width = float(np.clip(0.56 * widest + 0.2, 3.2, 9.0))
        heights = [1.0]
        mosaics = []
        for name, a in stages.items():
            m = min(max_maps, a.shape[2])
            mos = _mosaic(_normalise_maps(a[:, :, :m]), MAPS_PER_LINE, target)
            mosaics.append((name, a.shape, m, mos))
            heights.append(max(0.35, width * 0.96 * mos.shape[0] / mos.shape[1]) + 0.3)
        canvas = target_figure(fig, figsize=(width, 0.35 + sum(heights)))
        gs = canvas.add_gridspec(len(heights), 1, height_ratios=heights)
        ax0 = canvas.add_subplot(gs[0])
        ax0.imshow(shown[0], cmap=DIGIT_CMAP, vmin=vmin, vmax=vmax, interpolation="nearest")
        ax0.set_title("input 28×28", loc="left")
        ax0.set_anchor("W")
        _bare(ax0)
        cmap = cmap_with_gaps(SEQUENTIAL_CMAP, bad=ink("white"))
        for i, (name, shape, m, mos) in enumerate(mosaics, start=1):
            ax = canvas.add_subplot(gs[i])
            ax.imshow(mos, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
            h, w, c = shape
            shown = f"maps 1–{m} of {c}" if m < c else f"all {c} maps" if c > 1 else "1 map"
            ax.set_title(f"{name} · {h}×{w}×{c} · {shown}", loc="left")
            ax.set_anchor("W")
            _bare(ax)
        sep = " " if width >= 6 else "\n"
        canvas.suptitle(f"What each stage of the network sees{sep}(each map scaled to its own range)", x=0.01,
                     ha="left", fontsize="medium")
    desc = ", ".join(f"{n} {s[0]}×{s[1]}×{s[2]}" for n, s, _m, _mos in mosaics)
    set_alt_text(
        canvas,
        f"Activations of one {noun_for(None, noun)} through {len(mosaics)} conv/pool layers: {desc} "
        f"(up to {max_maps} maps each, each map scaled to its own range)."
        + (" The input's pixels are standardized (negative values): it is rescaled to its own range for display."
           if scale == "standardized" else ""),
    )
    return canvas
