"""The report's sections, one module each: every builder takes a :class:`~mnist_viz.run.Run` (the
comparison: a list of them) and a section id, and returns a :class:`~mnist_viz.report._model.Section`.

Sections only arrange: every figure is drawn by a public function of :mod:`mnist_viz.plots` called
directly, every number comes from :mod:`mnist_viz.metrics` (or the run's own records), and file
names from :mod:`mnist_viz.run_format`. When a run lacks a record (an interrupted run, a run built
from a CSVLogger file) the section says what is missing and why instead of failing.

============  ==============================================================================
summary       headline metrics, dataset, model summary, reproducibility
curves        training curves per epoch (and per batch), the history table and CSV
weights       weight histograms, norms, update ratios, dead ReLUs
confusion     confusion matrix with drill-down, per-class metrics
predictions   top-k grid, most confident errors, most confused pairs
internals     feature maps and first-layer weights
evolution     probe accuracy over epochs and the epoch slider
calibration   reliability diagram and table, the embedding of penultimate activations
evaluation    the saved model scored on another test set (one per ``run.evaluations`` entry)
comparison    overlaid curves, metric deltas, confusion matrices side by side (two or more runs)
============  ==============================================================================

Example
-------
>>> from mnist_viz.run import Run
>>> s = summary_section(Run.from_dict({"loss": [0.9, 0.5]}), "r0-summary")
>>> s.id, s.title
('r0-summary', 'Summary')
"""
from __future__ import annotations

from .calibration import calibration_section
from .comparison import comparison_section
from .confusion import confusion_section
from .curves import curves_section
from .evaluation import evaluation_ids, evaluation_section
from .evolution import evolution_section
from .internals import internals_section
from .predictions import predictions_section
from .summary import headline_metrics, summary_section
from .weights import weights_section

__all__ = ["summary_section", "headline_metrics", "curves_section", "weights_section", "confusion_section",
           "predictions_section", "internals_section", "evolution_section", "calibration_section",
           "comparison_section", "evaluation_section", "evaluation_ids"]
