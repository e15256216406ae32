"""mnist_viz.plots: every plot of the toolkit, one signature everywhere.

Data first (NumPy arrays, DataFrames or a ``Run``), keyword-only options, and every plot composes
as matplotlib's do. Single-panel plots (:func:`confusion_matrix`, :func:`class_metrics`,
:func:`calibration`, :func:`embedding`, and :func:`training_curves` for one metric) take ``ax=``
and return that Axes; multi-panel plots (the others, and :func:`training_curves` for several
panels) take ``fig=``: a Figure, a SubFigure (``fig.subfigures(...)``) or a SubplotSpec
(``gs[0, 1]``: drawn into ``user_fig.add_subfigure(spec)``), and return the Figure or SubFigure
they filled. Without ``ax``/``fig`` each draws on a *fresh* figure, never the current one. A bad
``ax``/``fig`` is a TypeError that names it and what came; so is ``ax=`` given to a multi-panel plot
(or ``fig=`` to a single-panel one), saying what to pass instead. The project's style is applied inside
each call; importing this package changes no matplotlib setting and does not import TensorFlow
(only :func:`activations` and friends do, when given a live model). Every function attaches a
short alt text that :func:`alt_text` reads.

One module per view: ``curves`` (:func:`training_curves`), ``comparison`` (:func:`compare_curves`,
:func:`compare_confusion`), ``confusion`` (:func:`confusion_matrix`), ``class_metrics``,
``calibration`` (with :func:`expected_calibration_error`, from :mod:`mnist_viz.metrics`), ``topk``
(:func:`topk_grid`), ``errors`` (:func:`misclassified`, :func:`confused_pairs`), ``activations``,
``first_layer`` (:func:`dense_weights`, :func:`filters`), ``embedding``, ``weight_evolution`` and
``prediction_evolution``. Every number they show comes from :mod:`mnist_viz.metrics`. Shared, private:
``_style`` (the style context, which leaves the user's matplotlib state alone; colours; alt text),
``_figure`` (a fresh figure, or the user's Axes / Figure / SubFigure / SubplotSpec), ``_theme`` (the
light and dark themes), ``_notebook`` (one display per figure in a notebook, with its alt text),
``_inputs`` (what the functions accept, as arrays), ``_mosaic`` (many small images as one),
``_labels`` (class-name tick labels) and ``_epochs``.

Example
-------
>>> import numpy as np
>>> import mnist_viz.plots as mp
>>> y_true = np.array([0, 1, 2, 1]); y_pred = np.array([0, 1, 1, 1])
>>> ax = mp.confusion_matrix(y_true, y_pred)
>>> mp.alt_text(ax)
'Confusion matrix of 4 predictions over 3 classes; accuracy 75.0%; most confused: true 2 → pred 1 (1).'

Composing: one mnist_viz plot per Axes of your grid, a multi-panel one in a subfigure.

>>> import matplotlib.pyplot as plt
>>> fig = plt.figure(figsize=(12, 4), layout="constrained")
>>> left, right = fig.subfigures(1, 2)
>>> mp.class_metrics(y_true, y_pred, ax=left.subplots()) is left.axes[0]
True
>>> mp.misclassified(np.zeros((4, 28, 28)), y_true, np.eye(3)[y_pred], fig=right) is right
True
>>> mp.topk_grid(np.zeros((4, 28, 28)), y_true, np.eye(3)[y_pred], fig=ax)
Traceback (most recent call last):
...
TypeError: fig must be a matplotlib Figure, a SubFigure (fig.subfigures(...)), a SubplotSpec (gs[0, 1]) or None; got Axes
"""
from __future__ import annotations

from ._style import alt_text
from .activations import activations
from .calibration import calibration, expected_calibration_error
from .class_metrics import class_metrics
from .comparison import compare_confusion, compare_curves
from .confusion import confusion_matrix
from .curves import training_curves
from .embedding import embedding
from .errors import confused_pairs, misclassified
from .first_layer import dense_weights, filters
from .prediction_evolution import prediction_evolution
from .topk import topk_grid
from .weight_evolution import weight_evolution

__all__ = [
    "alt_text",
    "training_curves",
    "compare_curves",
    "compare_confusion",
    "confusion_matrix",
    "class_metrics",
    "calibration",
    "expected_calibration_error",
    "topk_grid",
    "misclassified",
    "confused_pairs",
    "activations",
    "dense_weights",
    "filters",
    "embedding",
    "weight_evolution",
    "prediction_evolution",
]
