"""The model-internals section: convnet feature maps of a few test images and the first layer's
weights as images, from the activations stored with the run (:class:`mnist_viz.run_format.Features`).

Example
-------
>>> from mnist_viz.run import Run
>>> internals_section(Run.from_dict({"loss": [0.9]}), "r0-internals").blocks[0].text[:22]
'No stored activations:'
"""
from __future__ import annotations

import numpy as np

from mnist_viz import plots
from mnist_viz._words import run_noun
from mnist_viz.plots._inputs import class_names_for
from mnist_viz.run_format import FEATURES_NPZ

from .._figures import add_figure
from .._missing import why_missing
from .._model import Section
from .._testset import features_caption

__all__ = ["internals_section", "MAX_ACTIVATION_DIGITS"]

#: feature-map digits shown in the activations section
MAX_ACTIVATION_DIGITS = 2


def internals_section(run, sid: str) -> Section:
    """Convnet feature maps for a few test images; first-layer weights as images.

    >>> import numpy as np
    >>> from mnist_viz.run import Run
    >>> run = Run.from_dict({"loss": [0.9]})
    >>> from mnist_viz.run_format import Features
    >>> run.features = Features(first_layer_kind="dense",
    ...                         first_layer_kernel=np.random.default_rng(0).normal(0, 0.05, (784, 16)))
    >>> s = internals_section(run, "r0-internals")
    >>> [b.kind for b in s.blocks], s.blocks[1].caption[:38]
    (['note', 'figure'], 'Incoming weights of the first 16 units')
    """
    s = Section(sid, "Inside the model: activations and first-layer weights")
    f = run.features
    if f is None:
        s.note("No stored activations: " + why_missing(run, "features")
               + ". Call mnist_viz.plots.activations(image, model) with the live model instead.")
        return s
    s.intro = features_caption(run)
    idx = f.activation_indices
    if f.activations and len(idx):
        for j in range(min(len(idx), MAX_ACTIVATION_DIGITS)):
            _feature_maps(s, run, f.maps_of(j), int(idx[j]))
    else:
        s.note("No feature maps: the model has no convolution or pooling layer (a dense model); "
               "its first-layer weights below show what each unit looks for.", kind="info")
    kind, kernel = f.first_layer_kind or "", f.first_layer_kernel
    if kernel is None:
        s.note(f"No first-layer weights in {FEATURES_NPZ}.", kind="info")
    elif kind == "conv":
        add_figure(s, lambda: plots.filters(np.asarray(kernel, np.float32)),
                   caption="First convolution layer's kernels.", what="convolution filters")
    else:
        add_figure(s, lambda: plots.dense_weights(np.asarray(kernel, np.float32), n_units=16),
                   caption="Incoming weights of the first 16 units of the first dense layer, as 28×28 images.",
                   what="first-layer weights")
    return s


def _feature_maps(s: Section, run, maps: dict, i: int) -> None:
    """The stored feature maps of test sample ``i``, drawn over its image (a blank one without images)."""
    t = run.test
    image = np.zeros((28, 28), np.uint8)
    if t is not None and t.images is not None and i < len(t.images):
        image = t.images[i]
    noun = run_noun(run)
    label = ""
    if t is not None and i < len(t.labels):
        names = class_names_for(run.class_names, max(int(t.probabilities.shape[1]), int(t.labels[i]) + 1))
        label = f" (class {names[int(t.labels[i])]})"
    add_figure(s, lambda: plots.activations(image, maps, max_maps=8, noun=noun),
               caption=f"Feature maps of test {noun} #{i}{label}, layer by layer.", what="activations")
