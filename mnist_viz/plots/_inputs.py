"""What the plot functions accept, turned into arrays once: class names and counts, pairs of true
and predicted labels, digits with their labels and probabilities, training histories (checked cell
by cell), and a model view's source (a live ``keras.Model``, told apart without importing Keras, or
a Run's stored features).

The array coercion itself is :mod:`mnist_viz._arrays`'s; errors name the argument, what was
expected and what came.

Example
-------
>>> from mnist_viz.plots._inputs import label_pair
>>> yt, yp, n, names = label_pair([0, 2, 1], [[0.9, 0.1, 0.0], [0.2, 0.3, 0.5], [0.1, 0.8, 0.1]], None)
>>> yt.tolist(), yp.tolist(), n, names
([0, 2, 1], [0, 2, 1], 3, ['0', '1', '2'])
>>> label_pair([0, 1], [0, 1], ["cat", "dog"], n_classes=3)
Traceback (most recent call last):
...
ValueError: class_names has 2 names, n_classes is 3
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from mnist_viz._arrays import as_labels, as_probabilities, check_same_length, display_images, positive_int

if TYPE_CHECKING:
    import pandas as pd
    from numpy.typing import ArrayLike

    from mnist_viz.features_file import Features

__all__ = ["class_names_and_count", "class_names_for", "label_pair", "digit_predictions", "is_keras_model",
           "run_features", "history_frame", "checked_history"]


def class_names_and_count(class_names: Iterable[object] | None, n_classes: int | None,
                          *arrays: ArrayLike | None) -> tuple[list[str] | None, int | None]:
    """``(class names as str or None, number of classes or None)``: ``n_classes``, else
    ``len(class_names)``, else the columns of the first 2-D array of ``arrays`` (one-hot rows or
    probabilities; ``None`` entries are skipped).

    >>> class_names_and_count(None, None, [1, 2], [[0.5, 0.5], [1.0, 0.0]])
    (None, 2)
    """
    names = None if class_names is None else [str(c) for c in class_names]
    if names is not None and not names:
        raise ValueError("class_names must name at least one class; got an empty list")
    if n_classes is not None:
        n_classes = positive_int(n_classes, "n_classes")
        if names is not None and len(names) != n_classes:
            raise ValueError(f"class_names has {len(names)} names, n_classes is {n_classes}")
        return names, n_classes
    if names is not None:
        return names, len(names)
    for a in arrays:
        a = np.asarray(a)
        if a.ndim == 2 and a.shape[1] > 1:
            return None, int(a.shape[1])
    return None, None


def class_names_for(names: Iterable[object] | None, n: int) -> list[str]:
    """Exactly ``n`` class names as str: ``names`` cut to ``n``, or padded with the class numbers
    (a Run's ``class_names`` for a matrix of ``n`` columns).

    >>> class_names_for(["zero", "one"], 3), class_names_for(["a", "b", "c"], 2), class_names_for(None, 2)
    (['zero', 'one', '2'], ['a', 'b'], ['0', '1'])
    """
    given = [str(c) for c in (names or [])]
    return (given + [str(i) for i in range(len(given), n)])[:n]


def label_pair(y_true: ArrayLike, y_pred: ArrayLike, class_names: Iterable[object] | None, *, n_classes: int | None = None,
               pred_name: str = "y_pred") -> tuple[np.ndarray, np.ndarray, int, list[str]]:
    """Integer ``y_true`` / ``y_pred`` (labels, one-hot; ``y_pred`` also probabilities -> argmax), the
    class count and the class names: ``n_classes``, else ``len(class_names)``, else the columns of
    a 2-D input, else the largest label + 1 (the only case where an out-of-range label cannot be
    caught). Returns ``(y_true, y_pred, n_classes, names)``."""
    names, n = class_names_and_count(class_names, n_classes, y_true, y_pred)
    # the class count came from class_names: an out-of-range label says so (it may be the names that are short)
    why = f"class_names has {len(names)} names; give one per class" if n_classes is None and names else ""
    yt = _labels(y_true, "y_true", n, why)
    yp = _labels(y_pred, pred_name, n, why, scores=True)
    check_same_length(y_true=yt, **{pred_name: yp})
    if n is None:
        n = int(max(yt.max(initial=-1), yp.max(initial=-1)) + 1)
    return yt, yp, n, names if names is not None else [str(i) for i in range(n)]


def _labels(y: ArrayLike, name: str, n_classes: int | None, why: str, *, scores: bool = False) -> np.ndarray:
    """:func:`as_labels`, an out-of-range label's message ending with ``why`` (where the count came from)."""
    try:
        return as_labels(y, name, n_classes=n_classes, scores=scores)
    except ValueError as exc:
        if why and "out of range" in str(exc):
            raise ValueError(f"{exc} ({why})") from None
        raise


def digit_predictions(images: ArrayLike, y_true: ArrayLike, probabilities: ArrayLike, class_names: Iterable[object] | None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], str]:
    """``(images (n, 28, 28), y_true (n,), probabilities (n, C), class names, pixel note)``, in the
    order of the arguments, for the views of digits with their predictions
    (:func:`~mnist_viz.plots.topk_grid`, the error views), checked against each other.

    The images' scale is told from their values (:func:`mnist_viz._arrays.image_scale`): 0..1 and
    0..255 are drawn as they are; standardized images are rescaled each to its own range, and the
    note (a sentence for the alt text, else ``""``) says so.

    >>> imgs, y, probs, names, note = digit_predictions([[0.0] * 784], [1], [[0.3, 0.7]], ["no", "yes"])
    >>> imgs.shape, y.tolist(), probs.shape, names, note
    ((1, 28, 28), [1], (1, 2), ['no', 'yes'], '')
    >>> digit_predictions([[-0.42] * 783 + [2.8]], [1], [[0.3, 0.7]], None)[4]
    ' The pixels are standardized (negative values): each digit is rescaled to its own range for display.'
    """
    if np.ndim(probabilities) == 1 and np.ndim(y_true) == 2:
        raise ValueError(
            f"y_true has shape {np.shape(y_true)} and probabilities {np.shape(probabilities)}: the two look "
            "swapped; the order is (images, y_true, probabilities)")
    imgs, scale = display_images(images, "images")
    probs = as_probabilities(probabilities, "probabilities")
    n_classes = probs.shape[1] if probs.ndim == 2 and probs.shape[1] else None
    given = None if class_names is None else [str(c) for c in class_names]
    if given is not None and n_classes is not None and len(given) != n_classes:
        raise ValueError(f"class_names has {len(given)} names, probabilities has {n_classes} columns")
    y = as_labels(y_true, "y_true", n_classes=n_classes)
    check_same_length(images=imgs, y_true=y, probabilities=probs)
    names = given if given is not None else [str(i) for i in range(n_classes or 0)]
    note = (" The pixels are standardized (negative values): each digit is rescaled to its own range for display."
            if scale == "standardized" else "")
    return imgs, y, probs, names, note


def is_keras_model(obj: object) -> bool:
    """A keras.Model, told without importing Keras (a class in its MRO comes from ``keras``).

    >>> is_keras_model({"conv1": None})
    False
    """
    return any(
        c.__module__.split(".")[0] in {"keras", "tf_keras"} and c.__name__ in {"Model", "Functional", "Sequential"}
        for c in type(obj).__mro__
    )


def run_features(obj: object) -> Features | None:
    """``run.features`` (:class:`~mnist_viz.run_format.Features`, or the arrays of a
    ``features.npz``) when ``obj`` is a Run, else None."""
    from mnist_viz.run_format import Features  # type: ignore[attr-defined]  # noqa: F811

    feats = getattr(obj, "features", None)
    if isinstance(feats, Mapping):
        return Features.from_arrays(feats)
    return feats if isinstance(feats, Features) else None


def _not_a_number(cell: Any) -> bool:
    """A cell that is neither a number nor missing (None, NaN): ``'oops'``, a list, a dict."""
    if cell is None:
        return False
    try:
        float(cell)
    except (TypeError, ValueError):
        return True
    return False


def _first_bad_cell(values: Any, where: str) -> None:
    """A TypeError naming ``where``, the row and the value of the first cell that is not a number."""
    for row, cell in enumerate(values):
        if _not_a_number(cell):
            raise TypeError(f"{where} must be a list of numbers (one per epoch); row {row} is {cell!r}")


def history_frame(d: Mapping[Any, Any], name: str) -> pd.DataFrame:
    """A history's dict of per-epoch lists (``History.history``) as a DataFrame: a TypeError names
    the key and row of a cell that is not a number, a ValueError the lengths of unequal lists.

    >>> history_frame({"loss": [0.9, None]}, "history")["loss"].tolist()
    [0.9, nan]
    >>> history_frame({"loss": [0.9, 0.5, 0.3], "val_loss": [0.2]}, "history")
    Traceback (most recent call last):
    ...
    ValueError: history lists must all have one value per epoch; got lengths {'loss': 3, 'val_loss': 1} (a metric logged on some epochs only, e.g. with validation_freq > 1, needs None at the epochs without a value)
    """
    import pandas as pd

    cols = {}
    for key, values in d.items():
        where = f"{name}[{key!r}]"
        if isinstance(values, np.ndarray) and values.ndim == 0:
            values = values.item()
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
            if _not_a_number(values):
                raise TypeError(f"{where} must be a list of numbers (one per epoch); got {values!r:.60}")
            values = [values]
        _first_bad_cell(values, where)
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{where} must be a flat list of numbers (one per epoch); got {values!r:.60}") from None
        if arr.ndim != 1:
            raise ValueError(f"{where} must be a list of numbers (one per epoch); got shape {arr.shape}")
        cols[str(key)] = arr
    lengths = {key: len(a) for key, a in cols.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(
            f"{name} lists must all have one value per epoch; got lengths {lengths} (a metric logged on some "
            "epochs only, e.g. with validation_freq > 1, needs None at the epochs without a value)")
    return pd.DataFrame(cols)


def checked_history(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """A history DataFrame with its text columns of numbers made numeric; a TypeError names the
    column and row of a cell that is not a number, a ValueError an ``epoch`` that is not a whole
    number or that repeats or goes back.

    >>> import pandas as pd
    >>> checked_history(pd.DataFrame({"loss": ["0.5", "oops"]}), "history")
    Traceback (most recent call last):
    ...
    TypeError: history['loss'] must be a list of numbers (one per epoch); row 1 is 'oops'
    >>> checked_history(pd.DataFrame({"epoch": [0, 1.5]}), "history")
    Traceback (most recent call last):
    ...
    ValueError: history['epoch'] must hold whole epoch numbers (0-based, one per row); row 1 is 1.5
    >>> checked_history(pd.DataFrame({"epoch": [0, 1, 1]}), "history")
    Traceback (most recent call last):
    ...
    ValueError: history['epoch'] must hold each epoch once, in increasing order; row 2 is 1 after 1
    """
    import pandas as pd

    converted = {}
    for col in frame.columns:
        series = frame[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            _first_bad_cell(series.tolist(), f"{name}[{col!r}]")
            converted[col] = pd.to_numeric(series, errors="coerce")
    if converted:
        frame = frame.assign(**{str(c): v for c, v in converted.items()})
    if "epoch" in frame.columns and len(frame):
        epoch = np.asarray(frame["epoch"], dtype=float)
        bad = np.flatnonzero(~np.isfinite(epoch) | (epoch != np.round(epoch)) | (epoch < 0))
        if bad.size:
            raise ValueError(f"{name}['epoch'] must hold whole epoch numbers (0-based, one per row); "
                             f"row {bad[0]} is {epoch[bad[0]]:g}")
        back = np.flatnonzero(np.diff(epoch) <= 0)
        if back.size:  # a repeated or out-of-order epoch would draw the curve back over itself
            row = int(back[0]) + 1
            raise ValueError(f"{name}['epoch'] must hold each epoch once, in increasing order; "
                             f"row {row} is {epoch[row]:g} after {epoch[row - 1]:g}")
    return frame
