"""How weights and predictions changed over training (not implemented yet)."""
from __future__ import annotations

__all__ = ["weight_evolution", "prediction_evolution"]


def weight_evolution(weights, *, kind="ridge"):
    """Per-weight histograms, norms, update ratios and dead ReLUs across epochs (not implemented yet)."""
    raise NotImplementedError("weight_evolution is being implemented")


def prediction_evolution(probe, *, kind="confusion", epochs=None):
    """Per-class accuracy / confusion matrices across epochs (not implemented yet)."""
    raise NotImplementedError("prediction_evolution is being implemented")
