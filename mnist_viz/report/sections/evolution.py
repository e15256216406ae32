"""The evolution section: probe-set accuracy after each epoch, and an epoch slider whose frames show
the probe set's confusion counts and the top three classes of one probe image per class.

Example
-------
>>> _frame_indices(30, 5), _one_per_class([1, 1, 0, 2, 0], 4)
([0, 7, 14, 22, 29], [2, 0, 3, 4])
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from mnist_viz import metrics, plots
from mnist_viz._words import count, plural, run_noun
from mnist_viz.plots._inputs import class_names_for
from mnist_viz.plots._labels import MAX_LABEL_CHARS

from .._drill import digit_thumbs
from .._names import figure_names
from .._figures import add_figure
from .._format import rows_by_column
from .._missing import note_missing
from .._model import Section, Table

__all__ = ["evolution_section", "MAX_SLIDER_FRAMES", "TOPK_PROBE_DIGITS"]

#: most epochs shown in the probe-evolution slider (evenly spaced, always the last)
MAX_SLIDER_FRAMES = 12
#: probe images listed with their top-3 classes in each slider frame
TOPK_PROBE_DIGITS = 10


def evolution_section(run, sid: str, *, slider_id: str) -> Section:
    """Probe-set accuracy over epochs, and a slider over per-epoch confusion matrices and top-k lists.

    >>> import numpy as np
    >>> from mnist_viz.run import Run, ProbeRecords
    >>> rng = np.random.default_rng(0)
    >>> run = Run.from_dict({"loss": [0.9, 0.5, 0.4]})
    >>> run.probe = ProbeRecords(images=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
    ...                          labels=np.arange(20) % 10, indices=np.arange(20), epochs=np.arange(3),
    ...                          probabilities=rng.dirichlet(np.ones(10), (3, 20)).astype(np.float32))
    >>> s = evolution_section(run, "r0-evolution", slider_id="r0-slider")
    >>> [b.kind for b in s.blocks], [f["epoch"] for f in s.blocks[2].frames]
    (['figure', 'table', 'slider'], [1, 2, 3])
    """
    s = Section(sid, "Evolution over epochs (probe set)")
    p = run.probe
    if p is None or p.probabilities is None or not len(p.epochs):
        note_missing(s, "No probe records", run, "probe")
        return s
    n_classes = p.probabilities.shape[2]
    if len(p.labels) and int(p.labels.max()) >= n_classes:
        s.note(f"The probe records cannot be drawn: their labels go up to {int(p.labels.max())} but the recorded "
               f"probabilities have {n_classes} columns, so they are not one classifier's classes (an older "
               "mnist_viz recorded some regression models as binary classifiers); record the run again.",
               kind="error")
        return s
    names, noun = class_names_for(run.class_names, n_classes), run_noun(run)
    finite = np.array([np.isfinite(epoch).all() for epoch in p.probabilities], dtype=bool)
    drawn = p if finite.all() else replace(p, epochs=p.epochs[finite], probabilities=p.probabilities[finite])
    if finite.any():  # else every epoch diverged: the note below says so, the table shows it
        add_figure(s, lambda: plots.prediction_evolution(drawn, kind="accuracy", class_names=figure_names(names),
                                                         noun=noun),
                   caption=f"Accuracy on the fixed probe set of {count(len(p.labels), 'validation ' + noun)} after "
                           "each epoch.",
                   what="probe accuracy over epochs")
    acc = p.accuracy()
    s.table(Table(["epoch", "probe accuracy"], rows_by_column([int(e) + 1, float(a)] for e, a in zip(p.epochs, acc)),
                  caption="Probe accuracy after each epoch"), details="Table: probe accuracy per epoch")
    chosen = _frame_indices(len(p.epochs), MAX_SLIDER_FRAMES)
    frames = _slider_frames(p, acc, chosen, names, slider_id)
    s.add("slider", id=slider_id, frames=frames, n_probe=int(len(p.labels)), probe_count=count(len(p.labels), noun),
          nouns=(noun, plural(noun)), name_chars=min(max(len(c) for c in names), MAX_LABEL_CHARS),
          caption="Drag the slider to step through the epochs; without JavaScript every epoch is shown in a row. "
                  "Left: confusion matrix of the probe set (rows true, columns predicted). Right: the three most "
                  f"probable classes of one probe {noun} per class (✓ and a green bar: the true class; ✗ and an orange "
                  "frame: the most probable class is wrong).")
    if len(chosen) < len(p.epochs):
        s.note(f"{len(chosen)} of {len(p.epochs)} epochs are shown (evenly spaced, always the last).", kind="info")
    diverged = [int(e) + 1 for e in p.epochs[~finite]]
    if diverged:
        s.note(f"The probe probabilities hold NaN or inf values after epoch{'s' if len(diverged) > 1 else ''} "
               f"{', '.join(map(str, diverged[:10]))}{', ...' if len(diverged) > 10 else ''} (the model diverged): "
               "those rows count as wrong in the accuracy and are left out of the confusion counts; the figure "
               "shows the other epochs.", kind="error")
    return s


def _slider_frames(p, acc, chosen: list[int], names: list[str], slider_id: str) -> list[dict]:
    """One frame per chosen epoch: the probe set's confusion counts and the top-3 classes of the
    same probe images (one of each class, then the next ones), whose thumbnails every frame reuses."""
    n = len(names)
    picks = _one_per_class(p.labels, TOPK_PROBE_DIGITS)
    thumbs = []
    if p.images is not None and len(picks):
        thumbs = digit_thumbs(np.asarray(p.images)[picks])
    frames = []
    for i in chosen:
        probs = np.asarray(p.probabilities[i], dtype=np.float32)
        probs = probs / np.maximum(probs.sum(axis=1, keepdims=True), 1e-12)  # stored as float16
        finite = np.isfinite(probs).all(axis=1)  # a NaN row (a diverged epoch) is no class's vote
        cm = metrics.confusion_counts(p.labels[finite], probs[finite].argmax(axis=1), n)
        top3 = metrics.top_k(probs[picks], 3) if len(picks) else []
        topk = []
        for k, (j, order) in enumerate(zip(picks, top3)):
            topk.append({"img": thumbs[k] if thumbs else "", "label": names[int(p.labels[j])],
                         "ok": bool(order[0] == p.labels[j]),
                         "top": [(names[int(c)], float(probs[j, c]), bool(c == p.labels[j])) for c in order]})
        epoch = int(p.epochs[i]) + 1
        frames.append({"epoch": epoch, "acc": float(acc[i]), "id": f"{slider_id}-e{epoch}",
                       "classes": names, "counts": cm.tolist(), "max": int(cm.max(initial=1)), "topk": topk})
    return frames


def _one_per_class(labels, most: int) -> list[int]:
    """Indices of the first sample of each class in turn (round robin), at most ``most``."""
    labels = np.asarray(labels)
    queues = [list(np.flatnonzero(labels == c)) for c in np.unique(labels)]
    out: list[int] = []
    while len(out) < min(most, len(labels)):
        for q in queues:
            if q and len(out) < most:
                out.append(int(q.pop(0)))
    return out


def _frame_indices(n: int, most: int) -> list[int]:
    """``most`` evenly spaced indices of ``n`` frames (all when ``n <= most``), always the last."""
    if n <= most:
        return list(range(n))
    return sorted(set(np.linspace(0, n - 1, most).round().astype(int).tolist()))
