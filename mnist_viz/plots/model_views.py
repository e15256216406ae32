"""Views of what a model computes: activations, first-layer weights, conv filters, embeddings.

(Work in progress: implementations land in the next commits.)
"""
from __future__ import annotations

__all__ = ["activations", "dense_weights", "filters", "embedding"]


def activations(image, model, *, layers=None, max_maps=16):
    """Feature maps of every conv/pool layer for one image (not implemented yet)."""
    raise NotImplementedError("activations is being implemented")


def dense_weights(weights, *, n_units=16):
    """Each unit's 784 incoming weights as a 28x28 image (not implemented yet)."""
    raise NotImplementedError("dense_weights is being implemented")


def filters(kernel):
    """The first conv layer's kernels (not implemented yet)."""
    raise NotImplementedError("filters is being implemented")


def embedding(features, labels, *, predicted=None, method="pca", ax=None):
    """2-D projection of penultimate activations (not implemented yet)."""
    raise NotImplementedError("embedding is being implemented")
