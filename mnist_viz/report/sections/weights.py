"""The weights section: weight histograms over epochs, L2 norms, update ratios and dead ReLU units.

Example
-------
>>> from mnist_viz.run import Run
>>> [b.kind for b in weights_section(Run.from_dict({"loss": [0.9]}), "r0-weights").blocks]
['note']
"""
from __future__ import annotations

from mnist_viz import plots
from .. import _embed
from .._figures import add_figure
from .._format import pivot_table
from .._missing import note_missing, why_missing
from .._model import Section

__all__ = ["weights_section"]


def weights_section(run, sid: str) -> Section:
    """Weight histograms over epochs, norms, update ratios and dead ReLUs.

    A run without weight records gets a note saying why:

    >>> from mnist_viz.run import Run
    >>> weights_section(Run.from_dict({"loss": [0.9]}), "r0-weights").blocks[0].text
    'No weight records: this run was built from a training log (history only), which has no weights/stats.csv.'
    """
    s = Section(sid, "Weights over epochs")
    w = run.weights
    stats = None if w is None else w.stats
    if stats is None or not len(stats):
        note_missing(s, "No weight records", run, "weights")
        return s
    add_figure(s, lambda: plots.weight_evolution(w, kind="ridge"),
               caption="Distribution of each weight variable after every epoch (init: before training); "
                       "L2 norms, update ratios and the share of dead ReLU units.",
               what="weight histograms")
    if {"epoch", "weight", "l2"} <= set(stats.columns):
        pivot = stats.pivot_table(index="epoch", columns="weight", values="l2", aggfunc="first")
        s.table(pivot_table(pivot, "L2 norm of each weight variable per epoch"),
                details="Table: weight norms (L2) per epoch")
    if {"epoch", "weight", "update_ratio"} <= set(stats.columns):
        pivot = stats.pivot_table(index="epoch", columns="weight", values="update_ratio", aggfunc="first", dropna=False)
        pivot = pivot.dropna(how="all")
        if len(pivot):
            s.table(pivot_table(pivot, "Update ratio ‖ΔW‖/‖W‖ vs the previous record"),
                    details="Table: update ratios per epoch")
    dead = w.dead_relu
    if dead is not None and len(dead) and {"epoch", "layer", "dead_fraction"} <= set(dead.columns):
        pivot = dead.pivot_table(index="epoch", columns="layer", values="dead_fraction", aggfunc="first")
        s.table(pivot_table(pivot, "Share of ReLU units never active on the probe batch"),
                details="Table: dead ReLU units per epoch")
    else:
        _no_dead_relu(s, run)
    s.add("downloads", links=[(f"{run.name}-weight-stats.csv", _embed.csv_data_uri(stats), "weight statistics (CSV)")])
    return s


def _no_dead_relu(s: Section, run) -> None:
    """Why there are no dead-ReLU fractions: the model has no ReLU layer (``run.json`` "model" says
    which layers are or hold one), or no probe batch was recorded (the note names the argument)."""
    layers = (run.model_info or {}).get("layers") or []
    known = bool(layers) and all("relu" in layer for layer in layers)
    if known and not any(layer["relu"] for layer in layers):
        s.note("No dead-ReLU records: the model has no ReLU layer (a ReLU layer, or a layer with "
               "activation=\"relu\"), so there are no dead units to count.", kind="info")
    elif known:
        note_missing(s, "No dead-ReLU records", run, "dead_relu", kind="info")
    else:  # a run recorded before run.json said which layers are ReLU layers
        s.note(f"No dead-ReLU records: the model has no ReLU layer, or {why_missing(run, 'dead_relu')}.", kind="info")
