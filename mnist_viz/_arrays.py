"""Array coercion and validation, NumPy only: one helper for each small job, shared by the
recorders, the data loaders, the plots and the report. Errors name the argument, what was
expected and what came.

Example
-------
>>> import numpy as np
>>> as_labels([[0, 1], [1, 0]], "y_true")
array([1, 0])
>>> as_images(np.zeros((2, 784)), "images").shape
(2, 28, 28)
>>> int(to_uint8_images(np.ones((1, 784), np.float32)).max())
255
>>> pixel_scale(np.full((28, 28), 0.5)), pixel_scale(np.zeros((28, 28), np.uint8))
(1.0, 255.0)
>>> image_scale((np.zeros((1, 784)) - 0.1307) / 0.3081)
'standardized'
>>> [round(float(v), 3) for v in outputs_to_probabilities(np.array([[2.0, 0.0]]))[0]]
[0.881, 0.119]
"""
from __future__ import annotations

import warnings

import numpy as np

from mnist_viz._warn import warn_at_caller

#: float rounding allowed around [0, 1]: a probability of -1e-7 is still a probability, a pixel of
#: 1.0000001 still on the 0..1 scale (one tolerance for both questions)
_UNIT_SLACK = 1e-6
#: how far a row of probabilities may sum from 1 (float32 softmax over many classes, rounding)
_SUM_TOLERANCE = 1e-3
#: the largest magnitude of standardized pixels: (x / 255 - 0.1307) / 0.3081 lies in -0.43..2.83,
#: per-pixel z-scores of MNIST reach about 250
STANDARDIZED_LIMIT = 1000.0

__all__ = [
    "as_labels",
    "as_probabilities",
    "as_images",
    "image_scale",
    "display_images",
    "to_uint8_images",
    "pixel_scale",
    "outputs_to_probabilities",
    "softmax",
    "check_same_length",
    "positive_int",
]


def _numeric(y, name: str, expected: str) -> np.ndarray:
    """``np.asarray(y)``, refusing strings and objects with an error that names ``name``."""
    arr = np.asarray(y)
    if arr.size and not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        sample = arr.ravel()[0]
        sample = sample.item() if hasattr(sample, "item") else sample
        raise TypeError(f"{name} must hold numbers ({expected}); got dtype {arr.dtype} (e.g. {sample!r})")
    return arr


def as_labels(y, name: str, *, n_classes: int | None = None, scores: bool = False) -> np.ndarray:
    """Integer labels from integer or one-hot input; checks range when ``n_classes`` is known.

    A 2-D ``y`` must be one-hot (each row one 1, zeros elsewhere) unless ``scores=True`` (a
    prediction: probabilities, logits or one-hot rows, whose argmax is taken).
    """
    arr = _numeric(y, name, "integer class labels (n,) or one-hot rows (n, classes)")
    if arr.ndim == 2:
        if arr.shape[1] == 1:
            arr = arr[:, 0]
        else:
            if n_classes is not None and arr.shape[1] != n_classes:
                raise ValueError(f"{name} has {arr.shape[1]} columns (one per class), expected {n_classes}")
            if not scores and arr.size:
                ones = arr == 1
                bad = np.flatnonzero(~(((arr == 0) | ones).all(axis=1) & (ones.sum(axis=1) == 1)))
                if bad.size:
                    row = np.round(arr[bad[0]], 3).tolist()
                    raise ValueError(
                        f"{name} is 2-D {arr.shape} but not one-hot: row {bad[0]} is {row} "
                        f"({bad.size} such row{'s' if bad.size != 1 else ''}); expected integer labels (n,) "
                        "or one-hot rows (a single 1, zeros elsewhere)")
            if scores:
                _check_finite(arr, name, "scores (probabilities, logits or one-hot rows)")
            arr = arr.argmax(axis=1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be integer labels (n,) or one-hot (n, classes); got shape {np.shape(y)}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.floating) and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"{name} must hold integer class labels; got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} holds a negative label ({arr.min()}); labels must be 0..classes-1")
    if n_classes is not None and arr.size and arr.max() >= n_classes:
        raise ValueError(f"{name} holds label {arr.max()}, out of range for {n_classes} classes (0..{n_classes - 1})")
    return arr


def _row_text(row: np.ndarray) -> str:
    """A row of scores for an error message: at most 6 values, rounded to 3 decimals."""
    values = [round(float(v), 3) if np.isfinite(v) else float(v) for v in row[:6]]
    return str(values)[:-1] + (", ...]" if row.size > 6 else "]")


def _check_finite(arr: np.ndarray, name: str, expected: str) -> None:
    """A ValueError naming ``name`` and its first row holding NaN or inf (a 2-D float array)."""
    if np.issubdtype(arr.dtype, np.floating) and arr.size and not np.all(np.isfinite(arr)):
        bad = np.flatnonzero(~np.isfinite(arr).all(axis=1))
        raise ValueError(
            f"{name} holds NaN or inf values: row {bad[0]} is {_row_text(arr[bad[0]])} ({bad.size} such "
            f"row{'s' if bad.size != 1 else ''} of {len(arr)}); expected finite {expected} in every row")


def as_probabilities(p, name: str = "probabilities") -> np.ndarray:
    """(n, C) float probabilities, validated: NaN or inf is refused, naming the first bad row.

    Logits are told only by a value outside [0, 1] (beyond float rounding): they are turned into
    probabilities with softmax, with a warning that says so. Rows within [0, 1] that do not sum to
    1 (e.g. probabilities scaled by 0.9) are refused, never softmaxed: divide each row by its sum.
    Percentages (values >= 0, rows summing to 100) are refused: divide them by 100.

    >>> as_probabilities([[80.0, 20.0]])
    Traceback (most recent call last):
    ...
    ValueError: probabilities look like percentages: values 20..80 >= 0 and rows sum to 100..100; expected probabilities in 0..1 (rows summing to 1): divide by 100
    >>> as_probabilities([[0.45, 0.45]])
    Traceback (most recent call last):
    ...
    ValueError: probabilities rows do not sum to 1: row 0 sums to 0.9 (1 such row of 1); the values are within [0, 1], so they are not taken for logits (values outside [0, 1]) and not softmaxed: divide each row by its sum if these are unnormalized probabilities
    """
    arr = _numeric(p, name, "class probabilities (n_samples, n_classes)").astype(np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (n_samples, n_classes); got shape {arr.shape}")
    if arr.size == 0:
        return arr
    _check_finite(arr, name, "probabilities (or logits)")
    sums = arr.sum(axis=1)
    if arr.min() >= 0 and np.allclose(sums, 100.0, atol=0.1):
        raise ValueError(
            f"{name} look like percentages: values {arr.min():.3g}..{arr.max():.3g} >= 0 and rows sum to "
            f"{sums.min():.4g}..{sums.max():.4g}; expected probabilities in 0..1 (rows summing to 1): divide by 100")
    if _outside_unit_interval(arr):
        warn_at_caller(
            f"{name} do not look like probabilities (values {arr.min():.3g}..{arr.max():.3g}, outside [0, 1]); "
            "treating them as logits and applying softmax")
        return softmax(arr)
    bad = np.flatnonzero(~np.isclose(sums, 1.0, rtol=0.0, atol=_SUM_TOLERANCE))
    if bad.size:
        raise ValueError(
            f"{name} rows do not sum to 1: row {bad[0]} sums to {sums[bad[0]]:.4g} ({bad.size} such "
            f"row{'s' if bad.size != 1 else ''} of {len(arr)}); the values are within [0, 1], so they are not "
            "taken for logits (values outside [0, 1]) and not softmaxed: divide each row by its sum if these "
            "are unnormalized probabilities")
    return arr


def softmax(z) -> np.ndarray:
    """Row-wise softmax of (n, C) scores (shifted by the row maximum, so large logits are safe).

    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]])).tolist()
    [[0.5, 0.5], [1.0, 0.0]]
    """
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def outputs_to_probabilities(outputs) -> np.ndarray:
    """(n, C) float32 class probabilities from a model's raw outputs, silently (the recorders' path).

    A classifier's outputs that are not a distribution are its logits (the recorders read only
    classifiers): softmax is applied when a value is outside [0, 1] beyond float rounding or a row
    does not sum to 1 (:func:`as_probabilities`, for a user's arrays, refuses the second case
    instead); NaN is kept (a diverged model's record). A single sigmoid column (or its logit: a
    value outside [0, 1]) becomes the two columns ``(1 - p, p)``.

    >>> outputs_to_probabilities(np.array([[0.25], [0.75]])).tolist()
    [[0.75, 0.25], [0.25, 0.75]]
    """
    probs = np.asarray(outputs, dtype=np.float32)
    if probs.ndim != 2:
        probs = probs.reshape(len(probs), -1)
    if probs.shape[1] == 1:
        p = probs[:, 0]
        if _outside_unit_interval(p):
            p = 1.0 / (1.0 + np.exp(-p))
        return np.stack([1.0 - p, p], axis=1).astype(np.float32)
    if _looks_like_logits(probs):
        probs = softmax(probs).astype(np.float32)
    return probs


def _outside_unit_interval(arr: np.ndarray) -> bool:
    """A finite value below 0 or above 1 beyond float rounding (:data:`_UNIT_SLACK`); False when
    empty (NaN ignored)."""
    arr = arr[np.isfinite(arr)]
    return bool(arr.size) and bool(arr.min() < -_UNIT_SLACK or arr.max() > 1.0 + _UNIT_SLACK)


def _looks_like_logits(scores: np.ndarray) -> bool:
    """Whether a classifier's (n, C) outputs are logits rather than probabilities: a value outside
    [0, 1] (beyond float rounding) or a row not summing to 1 (``atol=1e-3``): the rule of
    :func:`outputs_to_probabilities` (a user's array in [0, 1] not summing to 1 is refused by
    :func:`as_probabilities` instead). Rows holding NaN or inf are not looked at."""
    scores = scores[np.isfinite(scores).all(axis=1)]
    return bool(scores.size) and (_outside_unit_interval(scores)
                                  or not np.allclose(scores.sum(axis=1), 1.0, atol=_SUM_TOLERANCE))


def as_images(x, name: str = "images") -> np.ndarray:
    """Images as (n, 28, 28) from (n, 784), (n, 28, 28) or (n, 28, 28, 1)."""
    arr = _numeric(x, name, "pixel values, 0..1 floats or 0..255")
    if arr.ndim == 2 and arr.shape[1] == 784:
        arr = arr.reshape(-1, 28, 28)
    elif arr.ndim == 4 and arr.shape[1:] == (28, 28, 1):
        arr = arr[..., 0]
    elif arr.ndim == 3 and arr.shape[1:] == (28, 28):
        pass
    else:
        raise ValueError(f"{name} must have shape (n, 784), (n, 28, 28) or (n, 28, 28, 1); got {arr.shape}")
    return arr


def image_scale(images, name: str = "images") -> str:
    """How pixels are scaled, told from their values: ``"0..255"`` (uint8, or a value above 1),
    ``"0..1"``, or ``"standardized"`` (a negative value, every magnitude at most
    :data:`STANDARDIZED_LIMIT`, e.g. ``(x / 255 - 0.1307) / 0.3081``). Anything else (NaN or inf,
    values above 255, or beyond the limit) is a ValueError naming ``name``.

    >>> image_scale(np.zeros((1, 28, 28), np.uint8)), image_scale(np.full(3, 0.5)), image_scale(np.array([-0.42, 2.8]))
    ('0..255', '0..1', 'standardized')
    >>> image_scale(np.array([0.0, 1e6]), "x")
    Traceback (most recent call last):
    ...
    ValueError: x holds pixel values 0..1e+06; expected 0..1, 0..255 or standardized values (some negative, all within -1000..1000, e.g. (x / 255 - 0.1307) / 0.3081)
    """
    arr = np.asarray(images)
    if arr.dtype == np.uint8:
        return "0..255"
    if arr.size == 0:
        return "0..1"
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        flat = arr.reshape(len(arr), -1) if arr.ndim > 1 else arr.reshape(1, -1)
        bad = np.flatnonzero(~np.isfinite(flat).all(axis=1))
        raise ValueError(f"{name} holds NaN or inf pixel values: image {bad[0]} ({bad.size} such image"
                         f"{'s' if bad.size != 1 else ''} of {len(flat)}); expected finite pixels")
    lo, hi = float(arr.min()), float(arr.max())
    if lo >= -_UNIT_SLACK and hi <= 1.0 + _UNIT_SLACK:
        return "0..1"
    if lo >= -_UNIT_SLACK and hi <= 255.0 + _UNIT_SLACK:
        return "0..255"
    if _standardized(lo, hi):
        return "standardized"
    raise ValueError(
        f"{name} holds pixel values {lo:g}..{hi:g}; expected 0..1, 0..255 or standardized values (some negative, "
        f"all within -{STANDARDIZED_LIMIT:g}..{STANDARDIZED_LIMIT:g}, e.g. (x / 255 - 0.1307) / 0.3081)")


def _standardized(lo: float, hi: float) -> bool:
    """Pixels from ``lo`` to ``hi`` are standardized: some negative, all within the limit."""
    return lo < -_UNIT_SLACK and max(-lo, hi) <= STANDARDIZED_LIMIT


def display_images(x, name: str = "images") -> tuple[np.ndarray, str]:
    """``(images (n, 28, 28), scale)`` to draw: :func:`as_images` with :func:`image_scale`'s answer;
    standardized images are rescaled each to its own range (its lowest value 0, its highest 1),
    else the pixels are kept as they are (drawn on their 0..1 or 0..255 scale).

    >>> imgs, scale = display_images((np.arange(784.0).reshape(1, 784) / 783 - 0.1307) / 0.3081)
    >>> scale, float(imgs.min()), float(imgs.max())
    ('standardized', 0.0, 1.0)
    """
    arr = as_images(x, name)
    scale = image_scale(arr, name)
    if scale == "standardized":
        arr = arr.astype(np.float64)
        lo = arr.min(axis=(1, 2), keepdims=True)
        span = arr.max(axis=(1, 2), keepdims=True) - lo
        arr = np.divide(arr - lo, span, out=np.zeros_like(arr), where=span > 0)
    return arr, scale


def to_uint8_images(x, name: str = "images") -> np.ndarray | None:
    """(n, 28, 28) uint8 from flat or image batches in [0, 1] or [0, 255] (a 0..1 scale, as
    :func:`pixel_scale` tells, is multiplied by 255; values rounded and clipped); standardized
    images (:func:`image_scale`) are rescaled each to its own range, as the plots draw them;
    ``None`` when ``x`` is not a batch of 28x28 images.

    >>> to_uint8_images(np.full((2, 28, 28, 1), 0.5)).reshape(2, -1)[:, 0].tolist()
    [128, 128]
    >>> to_uint8_images(np.zeros((3, 10))) is None
    True
    """
    arr = np.asarray(x)
    if arr.ndim == 0 or len(arr) == 0 or arr[0].size != 784 or not np.issubdtype(arr.dtype, np.number):
        return None
    images = arr.reshape(len(arr), 28, 28)
    if images.dtype == np.uint8:
        return images.copy()
    if np.issubdtype(images.dtype, np.number) and images.size and np.all(np.isfinite(images)) \
            and images.min() < 0 and _standardized(float(images.min()), float(images.max())):
        return np.rint(display_images(images)[0] * 255.0).astype(np.uint8)  # each digit to its own range
    scale = pixel_scale(images)
    images = images.astype(np.float32)
    if scale == 1.0:
        images = images * 255.0
    return np.clip(np.rint(np.nan_to_num(images)), 0, 255).astype(np.uint8)


def pixel_scale(images) -> float:
    """``255.0`` when pixels are on the 0..255 scale, ``1.0`` when on 0..1: the one answer to that
    question for every view of digits (drawing range, scaling to bytes or for a model).
    :func:`image_scale` asks more of a user's images to draw: it also tells standardized ones
    and refuses any other range.

    ``uint8`` is always 255; any other numeric array is 255 when its largest value (NaN ignored)
    is above 1 beyond float rounding, else 1 (also when empty or all NaN).

    >>> pixel_scale(np.array([0.0, 1.0000001])), pixel_scale(np.array([0, 128])), pixel_scale(np.zeros(0, np.uint8))
    (1.0, 255.0, 255.0)
    """
    arr = np.asarray(images)
    if arr.dtype == np.uint8:
        return 255.0
    if arr.size == 0:
        return 1.0
    if np.issubdtype(arr.dtype, np.floating):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all NaN: NaN, compared False below
            top = np.nanmax(arr)
    else:
        top = arr.max()
    return 255.0 if top > 1.0 + _UNIT_SLACK else 1.0


def positive_int(value, name: str, *, minimum: int = 1, maximum: int | None = None) -> int:
    """``value`` as an int, checked to be an integer (not a bool) in ``minimum..maximum``.

    >>> positive_int(3, "k")
    3
    >>> positive_int(0, "k")
    Traceback (most recent call last):
    ...
    ValueError: k must be an integer >= 1; got 0
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be an integer <= {maximum}; got {value!r}")
    return int(value)


def check_same_length(**arrays) -> int:
    """All arrays have the same first dimension; returns it. ``check_same_length(y_true=a, y_pred=b)``."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        items = ", ".join(f"{k} has {v} rows" for k, v in lengths.items())
        raise ValueError(f"mismatched lengths: {items}")
    return next(iter(lengths.values()), 0)
