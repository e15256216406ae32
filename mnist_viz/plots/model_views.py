"""Views of what a model computes: the feature maps of each conv/pool stage, what the units of a
Dense first layer look for, the first conv layer's kernels, and a 2-D map of the penultimate
features.

Only :func:`activations`, :func:`dense_weights` and :func:`filters` touch Keras, and only when they
are given a live ``keras.Model`` (through :mod:`mnist_viz.features`); given arrays (what a run
directory stores in ``features.npz``) they import no TensorFlow.

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

from collections.abc import Mapping

import numpy as np

from ._style import DIGIT_CMAP, DIVERGING_CMAP, SEQUENTIAL_CMAP, digit_range, draw_message, plot_style, set_alt_text
from mnist_viz._arrays import positive_int, as_labels, check_same_length

__all__ = ["activations", "dense_weights", "filters", "embedding"]

#: maps per line of a stage's mosaic in :func:`activations`
MAPS_PER_LINE = 16
ERROR_MARKER = "x"
ERROR_COLOR = "0.1"


# --------------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------------

def _is_keras_model(obj) -> bool:
    """A keras.Model, told without importing Keras (a class in its MRO comes from ``keras``)."""
    return any(
        c.__module__.split(".")[0] in {"keras", "tf_keras"} and c.__name__ in {"Model", "Functional", "Sequential"}
        for c in type(obj).__mro__
    )


def _run_features(obj):
    """``run.features`` (:class:`~mnist_viz.run_format.Features`, or the arrays of a
    ``features.npz``) when ``obj`` is a Run, else None."""
    from mnist_viz.run_format import Features

    feats = getattr(obj, "features", None)
    if isinstance(feats, Mapping):
        return Features.from_arrays(feats)
    return feats if isinstance(feats, Features) else None


def _one_image(image) -> np.ndarray:
    arr = np.asarray(image)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"image must be a numeric array; got dtype {arr.dtype}")
    if arr.size != 784 or arr.squeeze().shape not in {(784,), (28, 28)}:
        raise ValueError(f"image must be one digit of shape (28, 28), (784,) or (28, 28, 1); got shape {arr.shape}")
    return arr.reshape(28, 28)


def _bare(ax):
    """No ticks and no spines: for image panels."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _figure(figsize):
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, layout="constrained")


# --------------------------------------------------------------------------------------------
# activations
# --------------------------------------------------------------------------------------------
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
    f = max(1, int(round(target / max(h, w))))
    tile = np.kron(maps.transpose(2, 0, 1), np.ones((1, f, f)))  # (m, h*f, w*f)
    th, tw = h * f, w * f
    cols = min(per_line, m)
    rows = -(-m // cols)
    out = np.full((rows * (th + 1) - 1, cols * (tw + 1) - 1), np.nan)
    for k in range(m):
        r, c = divmod(k, cols)
        out[r * (th + 1) : r * (th + 1) + th, c * (tw + 1) : c * (tw + 1) + tw] = tile[k]
    return out


def _stage_maps(model, image, layers) -> dict[str, np.ndarray]:
    """{layer: (h, w, c)} from a live model or a precomputed mapping."""
    if _is_keras_model(model):
        from mnist_viz.features import feature_maps

        return {k: v[0] for k, v in feature_maps(model, image[None], layers=layers).items()}
    feats = _run_features(model)
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


def _run_maps(run, feats, image) -> dict[str, np.ndarray]:
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
        probe = np.asarray(image, dtype=np.float64).reshape(28, 28)
        if probe.max() <= 1.0:
            probe = probe * 255.0
        for j, i in enumerate(indices):
            if np.abs(np.asarray(stored[int(i)], dtype=np.float64) - probe).max() <= 1.0:
                return {n: a[j] for n, a in maps.items()}
    raise ValueError(
        f"image: the run stores feature maps for test digits {indices.tolist()} only; pass one of "
        "run.test.images[run.features.activation_indices], or a live keras model"
    )


def activations(image, model, *, layers=None, max_maps=16):
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

    Returns
    -------
    matplotlib.figure.Figure

    Example
    -------
    >>> import numpy as np, mnist_viz.plots as mp
    >>> from mnist_viz.models import convnet
    >>> fig = mp.activations(np.zeros((28, 28)), convnet(), max_maps=8)
    >>> [ax.get_title(loc="left").split(" · ")[0] for ax in fig.axes]
    ['input 28×28', 'conv1', 'pool1', 'conv2', 'pool2']
    """
    max_maps = positive_int(max_maps, "max_maps")
    img = _one_image(image)
    if _is_keras_model(model) and img.dtype == np.uint8:
        img_in = img.astype(np.float32) / 255.0
    else:
        img_in = img
    stages = _stage_maps(model, img_in, layers)
    vmin, vmax = digit_range(img)
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
        fig = _figure((width, 0.35 + sum(heights)))
        gs = fig.add_gridspec(len(heights), 1, height_ratios=heights)
        ax0 = fig.add_subplot(gs[0])
        ax0.imshow(img, cmap=DIGIT_CMAP, vmin=vmin, vmax=vmax, interpolation="nearest")
        ax0.set_title("input 28×28", loc="left")
        ax0.set_anchor("W")
        _bare(ax0)
        cmap = _cmap_with_gaps(SEQUENTIAL_CMAP)
        for i, (name, shape, m, mos) in enumerate(mosaics, start=1):
            ax = fig.add_subplot(gs[i])
            ax.imshow(mos, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
            h, w, c = shape
            shown = f"maps 1–{m} of {c}" if m < c else f"all {c} maps" if c > 1 else "1 map"
            ax.set_title(f"{name} · {h}×{w}×{c} · {shown}", loc="left")
            ax.set_anchor("W")
            _bare(ax)
        sep = " " if width >= 6 else "\n"
        fig.suptitle(f"What each stage of the network sees{sep}(each map scaled to its own range)", x=0.01,
                     ha="left", fontsize="medium")
    desc = ", ".join(f"{n} {s[0]}×{s[1]}×{s[2]}" for n, s, _m, _mos in mosaics)
    set_alt_text(
        fig,
        f"Activations of one digit through {len(mosaics)} conv/pool layers: {desc} "
        f"(up to {max_maps} maps each, each map scaled to its own range).",
    )
    return fig


def _cmap_with_gaps(name, bad="white"):
    import matplotlib

    return matplotlib.colormaps[name].with_extremes(bad=bad)


# --------------------------------------------------------------------------------------------
# dense_weights / filters
# --------------------------------------------------------------------------------------------
def _first_layer_kernel(obj, expected: str, argname: str) -> np.ndarray:
    """Kernel array from an array, a keras Model or a Run (features.npz)."""
    if _is_keras_model(obj):
        from mnist_viz.features import first_layer_weights

        kind, kernel = first_layer_weights(obj)
        if kind != expected:
            other = "filters" if kind == "conv" else "dense_weights"
            raise ValueError(
                f"{argname}: the model's first weighted layer is {kind!r}, not {expected!r}; "
                f"use mnist_viz.plots.{other} for it"
            )
        return kernel
    feats = _run_features(obj)
    if feats is not None and not isinstance(obj, np.ndarray):
        if feats.first_layer_kernel is None:
            raise ValueError(f"{argname}: the run's features hold no first-layer kernel")
        kind = feats.first_layer_kind or expected
        if kind != expected:
            other = "filters" if kind == "conv" else "dense_weights"
            raise ValueError(f"{argname}: the run's first layer is {kind!r}, not {expected!r}; use mnist_viz.plots.{other}")
        return np.asarray(feats.first_layer_kernel)
    arr = np.asarray(obj)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{argname} must be a numeric array, a keras.Model or a Run; got {type(obj).__name__}")
    return arr


def dense_weights(kernel, *, n_units=16, ncols=8):
    """What each unit of a Dense first layer looks for: its 784 incoming weights as a 28×28 image.

    A diverging colormap (blue negative, white 0, red positive) on one symmetric scale shared by
    all units, with a colorbar: red pixels excite the unit, blue ones inhibit it.

    Parameters
    ----------
    kernel : array (784, units), keras.Model or Run
        The kernel, or a model/run whose first Dense layer's kernel is taken.
    n_units : int
        The first ``n_units`` units are drawn.
    ncols : int
        Units per row.

    Returns
    -------
    matplotlib.figure.Figure

    Example
    -------
    >>> import numpy as np, mnist_viz.plots as mp
    >>> w = np.random.default_rng(0).normal(0, 0.05, (784, 32))
    >>> fig = mp.dense_weights(w, n_units=8)
    >>> [t.get_text() for t in fig.axes[0].texts[:3]]
    ['unit 0', 'unit 1', 'unit 2']
    """
    kernel = _first_layer_kernel(kernel, "dense", "kernel")
    if kernel.ndim != 2 or kernel.shape[0] != 784:
        raise ValueError(f"kernel must have shape (784, units) (a Dense layer on flattened 28×28 digits); got {kernel.shape}")
    if not np.all(np.isfinite(kernel)):
        raise ValueError("kernel holds NaN or inf values")
    n_units = positive_int(n_units, "n_units")
    ncols = positive_int(ncols, "ncols")
    total = kernel.shape[1]
    if total == 0:
        raise ValueError("kernel has 0 units (shape (784, 0))")
    shown = min(n_units, total)
    images = kernel[:, :shown].T.reshape(shown, 28, 28)
    lim = float(np.abs(images).max()) or 1.0
    with plot_style():
        fig = _weight_grid(images, [f"unit {k}" for k in range(shown)], ncols, lim, cell=(1.15, 1.25))
        fig.suptitle(f"Incoming weights of units 0–{shown - 1} of {total} (first Dense layer)", fontsize="medium")
    set_alt_text(
        fig,
        f"Incoming weights of the first {shown} of {total} units of the first Dense layer, each as a 28×28 "
        f"image; blue negative, red positive, range ±{lim:.3g}.",
    )
    return fig


def _weight_grid(images, titles, ncols, lim, *, cell):
    """Small multiples of weight images on one symmetric diverging scale, with a shared colorbar.

    All units are ONE image on ONE Axes (gid ``"weights"``): a mosaic of the kernels, each upscaled
    by an integer factor (nearest) to about 28 pixels, with transparent NaN gaps and a title band
    above each row. Titles are annotations (gid ``"unit_title"``) whose ``xy`` is the top centre of
    their tile, in mosaic pixels. No layout engine: the Axes and colorbar are placed in inches.
    One image and one colorbar draw in a tenth of the time 32 Axes took.
    """
    import matplotlib.pyplot as plt

    count, h, w = images.shape
    cols = min(ncols, count)
    rows = -(-count // cols)
    f = max(1, int(round(28 / max(h, w))))
    th, tw = h * f, w * f
    size = max(th, tw)
    gap_x = max(2, int(round(0.16 * size)))  # between tiles, in mosaic pixels
    band = max(4, int(round(0.3 * size)))  # title band above each row of tiles
    mosaic = np.full((rows * (band + th), cols * (tw + gap_x) - gap_x), np.nan)
    tiles = np.kron(images.astype(np.float64), np.ones((1, f, f)))
    corners = []
    for k in range(count):
        r, c = divmod(k, cols)
        y0, x0 = r * (band + th) + band, c * (tw + gap_x)
        mosaic[y0:y0 + th, x0:x0 + tw] = tiles[k]
        corners.append((y0, x0))

    figw, figh = cell[0] * cols + 0.9, cell[1] * rows + 0.45
    fig = plt.figure(figsize=(figw, figh))
    # inches: left margin, room right for the colorbar, room on top for the suptitle
    left, right, top, bottom = 0.1, 1.0, 0.27, 0.06
    mh, mw = mosaic.shape
    scale = min((figw - left - right) / mw, (figh - top - bottom) / mh)  # inches per mosaic pixel
    aw, ah = mw * scale, mh * scale
    x_in = left + (figw - left - right - aw) / 2
    y_in = bottom + (figh - top - bottom - ah) / 2
    ax = fig.add_axes((x_in / figw, y_in / figh, aw / figw, ah / figh))
    ax.set_axis_off()
    cmap = _cmap_with_gaps(DIVERGING_CMAP, bad=(1.0, 1.0, 1.0, 0.0))
    im = ax.imshow(mosaic, cmap=cmap, vmin=-lim, vmax=lim, interpolation="nearest", aspect="auto",
                   gid="weights")
    for (y0, x0), title in zip(corners, titles):
        ax.annotate(title, (x0 + (tw - 1) / 2, y0 - 0.5), xytext=(0, 2.5), textcoords="offset points",
                    ha="center", va="bottom", fontsize="small", gid="unit_title", annotation_clip=False)
    cb_h = 0.8 * ah
    cax = fig.add_axes(((x_in + aw + 0.2) / figw, (y_in + (ah - cb_h) / 2) / figh, 0.12 / figw, cb_h / figh))
    fig.colorbar(im, cax=cax, label="weight")
    return fig


def filters(kernel, *, ncols=8):
    """The first convolution layer's kernels, one small image per output filter.

    A diverging colormap (blue negative, red positive) on one symmetric scale shared by all
    filters, with a colorbar. Kernels with several input channels are shown averaged over them
    (the title says so).

    Parameters
    ----------
    kernel : array (kh, kw, in, out), keras.Model or Run
        The kernel, or a model/run whose first Conv2D layer's kernel is taken.
    ncols : int
        Filters per row.

    Returns
    -------
    matplotlib.figure.Figure

    Example
    -------
    >>> import numpy as np, mnist_viz.plots as mp
    >>> fig = mp.filters(np.random.default_rng(0).normal(0, 0.3, (3, 3, 1, 16)))
    >>> len([t for t in fig.axes[0].texts if t.get_text().startswith("#")])
    16
    """
    arr = _first_layer_kernel(kernel, "conv", "kernel")
    if arr.ndim == 3:
        arr = arr[:, :, None, :]
    if arr.ndim != 4 or 0 in arr.shape:
        raise ValueError(f"kernel must have shape (kh, kw, in_channels, filters) (a Conv2D kernel); got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("kernel holds NaN or inf values")
    ncols = positive_int(ncols, "ncols")
    kh, kw, cin, cout = arr.shape
    k2 = arr.mean(axis=2)
    lim = float(np.abs(k2).max()) or 1.0
    with plot_style():
        fig = _weight_grid(np.moveaxis(k2, 2, 0), [f"#{k}" for k in range(cout)], ncols, lim, cell=(0.85, 0.95))
        extra = f", mean over {cin} input channels" if cin > 1 else ""
        fig.suptitle(f"First conv layer: {cout} kernels of {kh}×{kw}{extra}", fontsize="medium")
    set_alt_text(
        fig,
        f"The {cout} {kh}×{kw} kernels of the first convolution layer{extra}; blue negative, red positive, "
        f"range ±{lim:.3g}.",
    )
    return fig


# --------------------------------------------------------------------------------------------
# embedding
# --------------------------------------------------------------------------------------------
def _project(x: np.ndarray, method: str, random_state: int):
    """2-D coordinates and axis labels."""
    n, d = x.shape
    if n == 1 or d == 1:
        xy = np.zeros((n, 2))
        xy[:, 0] = x[:, 0] - x[:, 0].mean() if d >= 1 else 0.0
        return xy, ("feature 1", "(constant)")
    if method == "pca":
        xy, r = _pca2(x, random_state)
        return xy, (f"PC1 ({r[0]:.0%} of variance)", f"PC2 ({r[1]:.0%} of variance)")
    from sklearn.manifold import TSNE

    perplexity = float(min(30.0, max(1.0, (n - 1) / 3)))
    xy = TSNE(n_components=2, init="pca", perplexity=perplexity, random_state=random_state).fit_transform(x)
    return xy, ("t-SNE 1", "t-SNE 2")


def _pca2(x: np.ndarray, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """The first two principal components' scores (n, 2) and explained-variance ratios (2,).

    With at least as many points as features (the usual case: 1,000 digits × 512 features) the top
    two eigenvectors of the (d, d) scatter matrix come from LAPACK's partial eigensolver: 0.02 s
    where the full SVD of the data took 0.1 s (one BLAS thread). Fewer points than features: the
    full SVD (scikit-learn), whose cost is then small. Both give scikit-learn's ``PCA`` results up to
    float noise, with its sign convention (each component's largest-magnitude weight positive), so
    the picture never flips between the two paths or between runs.
    """
    n, d = x.shape
    if n < d:
        from sklearn.decomposition import PCA

        pca = PCA(n_components=2, svd_solver="full", random_state=random_state)
        return pca.fit_transform(x), pca.explained_variance_ratio_
    from scipy.linalg import eigh

    xc = x - x.mean(axis=0)
    scatter = xc.T @ xc
    values, vectors = eigh(scatter, subset_by_index=(d - 2, d - 1))
    values, vectors = np.maximum(values[::-1], 0.0), vectors[:, ::-1]
    signs = np.sign(vectors[np.abs(vectors).argmax(axis=0), np.arange(2)])
    vectors = vectors * np.where(signs == 0, 1.0, signs)
    total = float(np.trace(scatter))
    ratio = values / total if total > 0 else np.zeros(2)
    return xc @ vectors, ratio


def _palette(n):
    import seaborn as sns

    return sns.color_palette("colorblind", n) if n <= 10 else sns.color_palette("husl", n)


def _spread_labels(points: np.ndarray, min_dist: float, *, iterations: int = 60) -> np.ndarray:
    """Move label positions (inches, (k, 2)) apart until no two are closer than ``min_dist``:
    deterministic pairwise repulsion, each pair pushed apart symmetrically along the line between
    them (coincident points along a fixed direction per index)."""
    pos = np.array(points, dtype=float)
    k = len(pos)
    for _ in range(iterations):
        moved = False
        for i in range(k):
            for j in range(i + 1, k):
                d = pos[j] - pos[i]
                dist = float(np.hypot(*d))
                if dist >= min_dist:
                    continue
                u = d / dist if dist > 1e-9 else np.array([np.cos(0.7 * (i + j)), np.sin(0.7 * (i + j))])
                push = (min_dist - dist) / 2 + 1e-3
                pos[i] -= u * push
                pos[j] += u * push
                moved = True
        if not moved:
            break
    return pos


def _centroid_labels(ax, xy, y, names, colors, n_classes):
    """Each class's name at the median of its points, nudged apart so no label hides another; a thin
    line joins a moved label to its class's centre."""
    centres, classes = [], []
    for c in range(n_classes):
        sel = y == c
        if sel.any():
            centres.append(np.median(xy[sel], axis=0))
            classes.append(c)
    if not centres:
        return
    centres = np.array(centres)
    ax.autoscale_view()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    bbox = ax.get_position()
    w_in = max(bbox.width * ax.figure.get_figwidth(), 1e-3)
    h_in = max(bbox.height * ax.figure.get_figheight(), 1e-3)
    sx, sy = w_in / max(x1 - x0, 1e-12), h_in / max(y1 - y0, 1e-12)  # data -> inches
    inches = np.column_stack([(centres[:, 0] - x0) * sx, (centres[:, 1] - y0) * sy])
    spread = _spread_labels(inches, min_dist=0.3)
    spread[:, 0] = np.clip(spread[:, 0], 0.15, w_in - 0.15)
    spread[:, 1] = np.clip(spread[:, 1], 0.15, h_in - 0.15)
    placed = np.column_stack([spread[:, 0] / sx + x0, spread[:, 1] / sy + y0])
    for c, (cx, cy), (lx, ly), moved in zip(classes, centres, placed, np.hypot(*(spread - inches).T) > 0.05):
        if moved:
            ax.plot([cx, lx], [cy, ly], color="0.25", linewidth=0.8, zorder=4, gid="class_label_leader")
            ax.plot([cx], [cy], marker="o", markersize=3, color="0.25", zorder=4, gid="class_label_leader")
        ax.text(lx, ly, names[c], ha="center", va="center", fontsize=11, fontweight="bold", color="black",
                bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": colors[c], "alpha": 0.85, "lw": 1.5},
                gid="class_label", zorder=5)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def embedding(features, y_true, *, y_pred=None, method="pca", class_names=None, n_classes=None, random_state=0,
              ax=None):
    """A 2-D map of the penultimate layer's activations: PCA (or t-SNE), one colour per class,
    misclassified digits marked with an ``x``.

    Points are coloured by their *true* class (seaborn's colour-blind palette) and each class's
    name is written at its centre, so the classes stay readable without telling colours apart;
    labels that would overlap are nudged apart, with a thin line back to their centre.

    Parameters
    ----------
    features : array (n, d)
        e.g. :func:`mnist_viz.features.penultimate_features` or ``run.features.embedding``.
    y_true : (n,) int or one-hot
        True classes.
    y_pred : (n,) int, one-hot or (n, C) probabilities, optional
        When given, points whose prediction differs from ``y_true`` are drawn as ``x``. Its labels
        must lie in the class range (see ``n_classes``).
    method : {"pca", "tsne"}
        PCA (fast, deterministic) or scikit-learn's t-SNE (seconds for a few thousand points).
    class_names : list of str, optional
    n_classes : int, optional
        The number of classes; ``y_true`` and ``y_pred`` outside ``0..n_classes-1`` raise
        ValueError. Default: ``len(class_names)``, else the columns of a 2-D ``y_pred``, else
        the largest true label + 1.
    random_state : int
        Seed for t-SNE (PCA is deterministic).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Example
    -------
    >>> import numpy as np, mnist_viz.plots as mp
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat(np.arange(3), 20); x = rng.normal(size=(60, 8)) + 3 * y[:, None]
    >>> ax = mp.embedding(x, y, y_pred=np.where(np.arange(60) == 5, 2, y))
    >>> [t.get_text() for t in ax.get_legend().get_texts()][-1]
    'misclassified (1)'
    """
    if method not in {"pca", "tsne"}:
        raise ValueError(f"method must be 'pca' or 'tsne'; got {method!r}")
    x = np.asarray(features)
    if x.dtype == object or not np.issubdtype(x.dtype, np.number):
        raise TypeError(f"features must be a numeric array (n, d); got dtype {x.dtype}")
    if x.ndim == 1:
        x = x[:, None]
    elif x.ndim > 2:
        x = x.reshape(len(x), -1)
    x = x.astype(np.float64)
    if n_classes is not None:
        n_classes = positive_int(n_classes, "n_classes")
    if class_names is not None:
        class_names = [str(c) for c in class_names]
        if n_classes is not None and len(class_names) != n_classes:
            raise ValueError(f"class_names has {len(class_names)} names, n_classes is {n_classes}")
    known = n_classes if n_classes is not None else (len(class_names) if class_names is not None else None)
    pred_arr = None if y_pred is None else np.asarray(y_pred)
    if known is None and pred_arr is not None and pred_arr.ndim == 2 and pred_arr.shape[1] > 1:
        known = int(pred_arr.shape[1])
    y = as_labels(y_true, "y_true", n_classes=known)
    check_same_length(features=x, y_true=y)
    n_classes = int(known) if known is not None else (int(y.max()) + 1 if y.size else 0)
    wrong = None
    if y_pred is not None:
        try:
            p = as_labels(y_pred, "y_pred", n_classes=n_classes or None, scores=True)
        except ValueError as err:
            if known is None and "out of range" in str(err):
                raise ValueError(f"{err}, the classes found in y_true; pass n_classes= (or class_names=) if the "
                                 "model has more") from None
            raise
        check_same_length(features=x, y_pred=p)
        wrong = p != y
    names = class_names or [str(i) for i in range(n_classes)]
    if x.size and not np.all(np.isfinite(x)):
        raise ValueError("features hold NaN or inf values")

    with plot_style():
        ax = _new_axes(ax)
        if len(x) == 0:
            draw_message(ax, "no points to embed (empty features)")
            set_alt_text(ax, "Empty embedding: no points.")
            return ax
        xy, (xl, yl) = _project(x, method, random_state)
        colors = _palette(n_classes)
        ok = ~wrong if wrong is not None else np.ones(len(y), bool)
        size = 12 if len(x) > 2000 else 18
        for c in range(n_classes):
            sel = (y == c) & ok
            ax.scatter(xy[sel, 0], xy[sel, 1], s=size, color=colors[c], alpha=0.65, linewidths=0,
                       label=names[c], gid=f"class_{c}")
        if wrong is not None and wrong.any():
            for c in range(n_classes):
                sel = (y == c) & wrong
                if sel.any():
                    ax.scatter(xy[sel, 0], xy[sel, 1], s=size * 2.2, color=ERROR_COLOR, marker=ERROR_MARKER,
                               linewidths=1.2, gid=f"errors_{c}", zorder=3)
        _centroid_labels(ax, xy, y, names, colors, n_classes)
        handles, labels_ = ax.get_legend_handles_labels()
        if wrong is not None:
            from matplotlib.lines import Line2D

            handles.append(Line2D([], [], marker=ERROR_MARKER, color=ERROR_COLOR, linestyle="none", markersize=6))
            labels_.append(f"misclassified ({int(wrong.sum())})")
        ax.legend(handles, labels_, loc="center left", bbox_to_anchor=(1.01, 0.5), markerscale=1.5,
                  title="true class", handletextpad=0.2)
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
        ax.set_xticks([]), ax.set_yticks([])
        label = "PCA" if method == "pca" else "t-SNE"
        ax.set_title(f"{label} of {x.shape[1]}-d penultimate features ({len(x)} digits)")
    err = f"; {int(wrong.sum())} misclassified marked with x" if wrong is not None else ""
    set_alt_text(ax, f"{label} embedding of {len(x)} digits' {x.shape[1]}-d features, coloured by true class "
                     f"({n_classes} classes){err}.")
    return ax


def _new_axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _fig, ax = plt.subplots(figsize=(6.4, 4.8), layout="constrained")
    return ax
