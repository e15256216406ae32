"""Section builders: each takes a :class:`~mnist_viz.run.Run` and returns a :class:`Section`.

The report only arranges what :mod:`mnist_viz.plots` draws. When a run lacks a record (an
interrupted run, a run built from a CSVLogger file) or a plot function is not available, the
section says what is missing and why instead of failing.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import numpy as np

from . import _embed
from ._model import Section, Table

#: thumbnails embedded per confusion-matrix cell for the drill-down
THUMBS_PER_CELL = 12
#: most epochs shown in the probe-evolution slider (evenly spaced, always the last)
MAX_SLIDER_FRAMES = 12
#: probe digits listed with their top-3 classes in each slider frame
TOPK_PROBE_DIGITS = 10
#: feature-map digits shown in the activations section
MAX_ACTIVATION_DIGITS = 2


# ----------------------------------------------------------------------------------------------
# glue helpers
# ----------------------------------------------------------------------------------------------
def _draw(name: str, call: Callable[[Callable], Any], dpi: int) -> tuple[str, int, int, str]:
    """Draw with ``mnist_viz.plots.<name>`` (``call(fn)`` returns a Figure or Axes): (data URI, w, h,
    alt). The figure is closed; an exception in the plot propagates."""
    import mnist_viz.plots

    fig = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = call(getattr(mnist_viz.plots, name))
        fig = result if hasattr(result, "savefig") else result.figure
        alt = _alt(fig)
        png, w, h = _embed.figure_png(fig, dpi=dpi)  # closes fig
    except BaseException:
        _close(fig)
        raise
    return _embed.png_data_uri(png), w, h, alt


def _alt(obj) -> str:
    try:
        from mnist_viz.plots._style import alt_text

        return alt_text(obj)
    except Exception:
        return ""


def add_figure(section: Section, name: str, call: Callable[[Callable], Any], *, caption: str = "",
               fallback_alt: str = "", what: str = "", dpi: int = _embed.FIGURE_DPI) -> bool:
    """Draw with ``mnist_viz.plots.<name>`` (``call(fn)`` returns a Figure or Axes) and embed it.

    On an error, a note says so and the report goes on.

    >>> s = Section("r0-example", "Example")
    >>> add_figure(s, "confusion_matrix", lambda f: f([0, 1, 1], [0, 1, 0]), caption="Counts.")
    True
    >>> s.blocks[0].kind, s.blocks[0].uri[:22], s.blocks[0].caption
    ('figure', 'data:image/png;base64,', 'Counts.')
    >>> add_figure(s, "confusion_matrix", lambda f: f([0, 1], [0]), what="confusion matrix")
    False
    >>> s.blocks[1].kind, s.blocks[1].text
    ('note', 'Could not draw the confusion matrix: ValueError: ...')
    """
    try:
        uri, w, h, alt = _draw(name, call, dpi)
    except Exception as exc:  # a plot failing must not lose the rest of the report
        section.note(f"Could not draw the {what or name.replace('_', ' ')}: {type(exc).__name__}: {_one_line(exc)}",
                     kind="error")
        return False
    section.add("figure", uri=uri, width=w, height=h, alt=alt or fallback_alt or what or name.replace("_", " "),
                caption=caption)
    return True


def render_figure(name: str, call: Callable[[Callable], Any], *, dpi: int = _embed.FIGURE_DPI):
    """(data URI, w, h, alt) of one plot, or None when it cannot be drawn (for slider frames).

    >>> uri, w, h, alt = render_figure("confusion_matrix", lambda f: f([0, 1, 1], [0, 1, 0]))
    >>> uri[:22], w > 0 and h > 0
    ('data:image/png;base64,', True)
    >>> render_figure("confusion_matrix", lambda f: f([0, 1], [0])) is None
    True
    """
    try:
        return _draw(name, call, dpi)
    except Exception:
        return None


def _close(fig) -> None:
    if fig is not None:
        _embed._close(fig)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("…" if len(text) > 300 else "")


def _subplots(figsize, ncols=1, layout="constrained"):
    import matplotlib.pyplot as plt

    return plt.subplots(1, ncols, figsize=figsize, layout=layout, squeeze=False)


def why_missing(run, filename: str, writer: str) -> str:
    """A clause explaining why ``filename`` is absent from ``run``.

    >>> from mnist_viz.run import Run
    >>> why_missing(Run.from_dict({"loss": [1.0]}), "weights/stats.csv", "WeightRecorder")
    'this run was built from a training log (history only), which has no weights/stats.csv'
    """
    if run.path is None or not (run.path / "run.json").exists():
        return f"this run was built from a training log (history only), which has no {filename}"
    planned = run.info.get("epochs_planned")
    done = run.info.get("epochs_completed", run.epochs_completed)
    if run.status == "interrupted":
        at = f" after {done} of {planned} epochs" if planned else ""
        return f"the run was interrupted{at}, before {filename} was written ({writer} writes it)"
    if run.status == "running":
        return f"the run is still training; {filename} is written later ({writer} writes it)"
    return f"{filename} is written by {writer}, which did not run for this run"


def fmt(value, digits: int = 4) -> str:
    """Numbers as short text (NaN/None as an em dash).

    >>> fmt(0.98765), fmt(12345), fmt(2.5e-05), fmt(1.5), fmt(None), fmt(float("nan")), fmt(True)
    ('0.9877', '12,345', '2.5e-05', '1.5', '—', '—', 'yes')
    """
    if value is None:
        return "—"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            return "—"
        if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e6):
            return f"{v:.3g}"
        return f"{v:.{digits}g}" if abs(v) >= 1 else f"{v:.{digits}f}".rstrip("0").rstrip(".") or "0"
    return str(value)


def per_class_metrics(labels: np.ndarray, predicted: np.ndarray, n_classes: int):
    """DataFrame of precision, recall, F1 and support per class (0 where undefined).

    >>> import numpy as np
    >>> per_class_metrics(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), 3).round(3)
       precision  recall     f1  support
    0      1.000     0.5  0.667        2
    1      0.667     1.0  0.800        2
    2      0.000     0.0  0.000        0
    """
    import pandas as pd

    cm = confusion_counts(labels, predicted, n_classes)
    tp = np.diag(cm).astype(float)
    support = cm.sum(axis=1)
    pred_n = cm.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(pred_n > 0, tp / np.maximum(pred_n, 1), 0.0)
        recall = np.where(support > 0, tp / np.maximum(support, 1), 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0.0)
    return pd.DataFrame({"precision": precision, "recall": recall, "f1": f1, "support": support})


def confusion_counts(labels, predicted, n_classes: int) -> np.ndarray:
    """(C, C) int counts, rows = true class, columns = predicted class.

    >>> confusion_counts([0, 1, 1, 2], [0, 1, 0, 2], 3).tolist()
    [[1, 0, 0], [1, 1, 0], [0, 0, 1]]
    """
    labels = np.asarray(labels, dtype=np.int64)
    predicted = np.asarray(predicted, dtype=np.int64)
    ok = (labels >= 0) & (labels < n_classes) & (predicted >= 0) & (predicted < n_classes)
    return np.bincount(labels[ok] * n_classes + predicted[ok], minlength=n_classes * n_classes).reshape(
        n_classes, n_classes
    )


def _history_frame(run):
    """history.csv as a DataFrame with its 0-based ``epoch`` column (as in the run directory)."""
    frame = run.history.reset_index()
    if "epoch" not in frame.columns:
        frame.insert(0, "epoch", np.arange(len(frame)))
    return frame


def _epoch_text(e) -> str:
    """Epoch numbers as the page shows them: counted from 1 (Keras' "Epoch 1/5"); -1 is "init"."""
    e = int(e)
    return "init" if e < 0 else str(e + 1)


# ----------------------------------------------------------------------------------------------
# sections
# ----------------------------------------------------------------------------------------------
def summary_section(run, sid: str) -> Section:
    """Headline metrics, dataset, model summary and reproducibility.

    >>> from mnist_viz.run import Run
    >>> s = summary_section(Run.from_dict({"loss": [0.9, 0.5], "val_accuracy": [0.8, 0.9]}), "r0-summary")
    >>> s.title, [b.kind for b in s.blocks], dict(s.blocks[0].items)["best val accuracy"]
    ('Summary', ['metrics', 'note', 'note'], '0.9')
    """
    s = Section(sid, "Summary")
    meta = run.metadata or {}
    headline = headline_metrics(run)
    status_text = run.status
    if run.status != "complete":
        planned = run.info.get("epochs_planned")
        status_text += f" ({run.epochs_completed} of {planned} epochs)" if planned else f" ({run.epochs_completed} epochs)"
    s.add("metrics", items=[("status", status_text)] + [(k, fmt(v)) for k, v in headline.items()])
    if not headline:
        s.note("No test metrics: " + why_missing(run, "test_metrics / test_predictions.npz", "RunRecorder at the end of training") + ".")
    if run.status == "interrupted" and run.info.get("interrupted_reason"):
        s.note(f"Interrupted: {run.info['interrupted_reason']}", kind="info")

    data = meta.get("data") or {}
    if data:
        rows = [[k.replace("_", " "), fmt(data[k]) if not isinstance(data[k], str) else data[k]]
                for k in ("source", "description", "n_train", "n_validation", "n_val", "n_test", "is_subset", "sha256")
                if k in data]
        if data.get("class_names"):
            rows.append(["classes", ", ".join(str(c) for c in data["class_names"])])
        s.table(Table(["dataset", "value"], rows, caption="Dataset", kv=True))
        if data.get("subset_note"):
            s.note(str(data["subset_note"]), kind="info")
        if data.get("citation"):
            s.add("pre", title="Citation", text=str(data["citation"]))
    else:
        s.note("No dataset description: " + why_missing(run, "run.json metadata", "mnist_viz.train") + ".", kind="info")

    model = run.model_info
    if model and model.get("layers"):
        rows = [[layer.get("name", "?"), layer.get("class_name", "?"), _shape(layer.get("output_shape")),
                 fmt(layer.get("params"))] for layer in model["layers"]]
        caption = (f"Model {model.get('name', '')} ({model.get('class_name', '')}): "
                   f"{fmt(model.get('total_params'))} parameters, {fmt(model.get('trainable_params'))} trainable")
        s.table(Table(["layer", "type", "output shape", "parameters"], rows, caption=caption))
    else:
        s.note("No model summary: " + why_missing(run, "the model description in run.json", "RunRecorder") + ".",
               kind="info")

    rows = []
    if "seed" in meta:
        rows.append(["seed", fmt(meta["seed"])])
    params = run.info.get("params") or {}
    for k, v in params.items():
        rows.append([f"fit {k}", fmt(v)])
    for k in ("started", "finished"):
        if run.info.get(k):
            rows.append([k, str(run.info[k])])
    for group in ("versions", "hardware", "timings"):
        for k, v in (meta.get(group) or {}).items():
            rows.append([f"{k}" if group == "versions" else f"{group[:-1] if group != 'hardware' else group} {k}",
                         fmt(v) if not isinstance(v, str) else v])
    if rows:
        s.table(Table(["reproducibility", "value"], rows, caption="Reproducibility", kv=True), details="Reproducibility: versions, seed, hardware, timings")
    return s


def _shape(shape) -> str:
    if shape is None:
        return "—"
    if isinstance(shape, (list, tuple)):
        return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"
    return str(shape)


def headline_metrics(run) -> dict:
    """Test metrics from run.json, else computed from test predictions; prefixed ``test``.

    >>> from mnist_viz.run import Run
    >>> headline_metrics(Run.from_dict({"loss": [0.9, 0.5], "val_accuracy": [0.8, 0.9]}))
    {'best val accuracy': 0.9, 'best epoch': 2, 'epochs': 2}
    """
    out = {}
    for k, v in (run.test_metrics or {}).items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out[f"test {k}"] = v
    if not out and run.test is not None and len(run.test.labels):
        out["test accuracy"] = float((run.test.predicted == run.test.labels).mean())
    if run.test is not None:
        out["test digits"] = int(len(run.test.labels))
    hist = run.history
    if len(hist) and "val_accuracy" in hist:
        best = hist["val_accuracy"].astype(float)
        if best.notna().any():
            out["best val accuracy"] = float(best.max())
            out["best epoch"] = int(best.idxmax()) + 1  # counted from 1, as Keras prints it
    out["epochs"] = int(run.epochs_completed)
    return out


def curves_section(run, sid: str) -> Section:
    """Training curves per epoch (and per batch), learning rate, with the history table and CSV.

    >>> from mnist_viz.run import Run
    >>> s = curves_section(Run.from_dict({"loss": [0.9, 0.5], "val_loss": [0.8, 0.6]}), "r0-curves")
    >>> [b.kind for b in s.blocks]  # the note says there are no per-batch records
    ['figure', 'note', 'table', 'downloads']
    """
    s = Section(sid, "Training curves")
    if not len(run.history):
        s.note("No epochs recorded: " + why_missing(run, "history.csv", "HistoryRecorder at the end of every epoch") + ".")
        return s
    per_batch = run.batches is not None and len(run.batches) > 0
    add_figure(s, "training_curves", lambda f: f(run, per_batch=per_batch),
               caption="Loss and metrics per epoch (train and validation)"
               + ("; faint lines: per-batch values" if per_batch else "") + "; learning rate when recorded.",
               what="training curves")
    if not per_batch:
        s.note("No per-batch records: " + why_missing(run, "batches.csv", "HistoryRecorder") + ".", kind="info")
    frame = _history_frame(run)
    shown = frame.copy()
    shown["epoch"] = [_epoch_text(e) for e in shown["epoch"]]
    s.table(_frame_table(shown, caption="History, one row per epoch (counted from 1; the CSV keeps history.csv's 0-based epoch)"),
            details="Table: history per epoch")
    s.add("downloads", links=[(f"{run.name}-history.csv", _embed.csv_data_uri(frame), "history (CSV)")]
          + ([(f"{run.name}-batches.csv", _embed.csv_data_uri(run.batches), "per-batch records (CSV)")]
             if per_batch and len(run.batches) <= 20000 else []))
    return s


def _frame_table(frame, *, caption: str = "", max_rows: int = 200) -> Table:
    cols = [str(c) for c in frame.columns]
    rows = [[fmt(v) for v in row] for row in frame.head(max_rows).itertuples(index=False)]
    if len(frame) > max_rows:
        caption += f" (first {max_rows} of {len(frame)} rows; the CSV has all)"
    return Table(cols, rows, caption=caption)


def weights_section(run, sid: str) -> Section:
    """Weight histograms over epochs, norms, update ratios and dead ReLUs.

    A run without weight records gets a note saying why:

    >>> from mnist_viz.run import Run
    >>> weights_section(Run.from_dict({"loss": [0.9]}), "r0-weights").blocks[0].text
    'No weight records: this run was built from a training log (history only), which has no weights/stats.csv.'
    """
    s = Section(sid, "Weights over epochs")
    w = run.weights
    if w is None or w.stats is None or not len(w.stats):
        s.note("No weight records: " + why_missing(run, "weights/stats.csv", "WeightRecorder") + ".")
        return s
    add_figure(s, "weight_evolution", lambda f: f(w, kind="ridge"),
               caption="Distribution of each weight variable after every epoch (init: before training); "
                       "L2 norms, update ratios and the share of dead ReLU units.",
               what="weight histograms")
    stats = w.stats
    if {"epoch", "weight", "l2"} <= set(stats.columns):
        pivot = stats.pivot_table(index="epoch", columns="weight", values="l2", aggfunc="first")
        s.table(_pivot_table(pivot, "L2 norm of each weight variable per epoch"), details="Table: weight norms (L2) per epoch")
    if {"epoch", "weight", "update_ratio"} <= set(stats.columns):
        pivot = stats.pivot_table(index="epoch", columns="weight", values="update_ratio", aggfunc="first", dropna=False)
        pivot = pivot.dropna(how="all")
        if len(pivot):
            s.table(_pivot_table(pivot, "Update ratio ‖ΔW‖/‖W‖ vs the previous record"),
                    details="Table: update ratios per epoch")
    dead = w.dead_relu
    if dead is not None and len(dead) and {"epoch", "layer", "dead_fraction"} <= set(dead.columns):
        pivot = dead.pivot_table(index="epoch", columns="layer", values="dead_fraction", aggfunc="first")
        s.table(_pivot_table(pivot, "Share of ReLU units never active on the probe batch"),
                details="Table: dead ReLU units per epoch")
    else:
        s.note("No dead-ReLU records (the model has no ReLU layer, or no probe batch was recorded).", kind="info")
    s.add("downloads", links=[(f"{run.name}-weight-stats.csv", _embed.csv_data_uri(stats), "weight statistics (CSV)")])
    return s


def _pivot_table(pivot, caption: str) -> Table:
    cols = ["epoch"] + [str(c) for c in pivot.columns]
    rows = [[_epoch_text(idx)] + [fmt(v) for v in row] for idx, row in zip(pivot.index, pivot.to_numpy())]
    return Table(cols, rows, caption=caption)


def confusion_section(run, sid: str, *, drill_id: str) -> tuple[Section, dict | None]:
    """Confusion matrix (figure + clickable table with drill-down) and per-class metrics.

    Returns the section and the drill-down data (None without test images).

    >>> import numpy as np
    >>> from mnist_viz.run import Run, Predictions
    >>> rng = np.random.default_rng(0)
    >>> run = Run.from_dict({"loss": [0.9, 0.5]}, name="demo")
    >>> run.test = Predictions(probabilities=rng.dirichlet(np.ones(10), 60), labels=np.arange(60) % 10,
    ...                        images=rng.integers(0, 256, (60, 28, 28), dtype=np.uint8))
    >>> s, drill = confusion_section(run, "r0-confusion", drill_id="r0-cm")
    >>> [b.kind for b in s.blocks], sum(map(sum, s.blocks[1].counts))
    (['figure', 'confusion', 'figure', 'table', 'downloads'], 60)
    >>> sum(cell["n"] for cell in drill["cells"].values())
    60
    """
    s = Section(sid, "Confusion matrix and per-class metrics")
    t = run.test
    if t is None:
        s.note("No test predictions: " + why_missing(run, "test_predictions.npz", "RunRecorder at the end of training") + ".")
        return s, None
    names = run.class_names
    n = max(len(names), int(t.probabilities.shape[1]))
    names = (list(names) + [str(i) for i in range(len(names), n)])[:n]
    labels, predicted = t.labels, t.predicted
    cm = confusion_counts(labels, predicted, n)
    # no layout engine: confusion_matrix places its margins and colorbar itself, and constrained
    # layout only moved them a few pixels for a third of the figure's drawing time
    add_figure(s, "confusion_matrix", lambda f: f(labels, predicted, class_names=names,
                                                  ax=_subplots((5.2, 4.6), layout=None)[1][0, 0]),
               caption=f"Test set, {len(labels):,} digits: rows are the true class, columns the prediction; "
                       "margins show recall (right) and precision (bottom).", what="confusion matrix")
    drill = None
    if t.images is not None and len(t.images) == len(labels):
        drill = drill_data(t.images, labels, predicted, t.probabilities, n)
    s.add("confusion", id=drill_id, classes=names, counts=cm.tolist(), max=int(cm.max(initial=1)),
          drill=drill is not None, caption="Counts (rows: true class, columns: predicted). "
          + ("Select a cell to see its test digits." if drill else ""))
    if drill is None:
        s.note("No drill-down: test_predictions.npz holds no images for this run.", kind="info")
    metrics = per_class_metrics(labels, predicted, n)
    metrics.insert(0, "class", names)
    add_figure(s, "class_metrics", lambda f: f(labels, predicted, class_names=names),
               caption="Precision, recall and F1 per class; support under each class name.", what="per-class metrics")
    s.table(Table(["class", "precision", "recall", "F1", "support"],
                  [[r[0]] + [fmt(v) for v in r[1:]] for r in metrics.itertuples(index=False)],
                  caption="Per-class metrics on the test set"))
    import pandas as pd

    cm_frame = pd.DataFrame(cm, columns=[f"pred_{c}" for c in names])
    cm_frame.insert(0, "true", names)
    s.add("downloads", links=[(f"{run.name}-confusion-matrix.csv", _embed.csv_data_uri(cm_frame), "confusion matrix (CSV)"),
                              (f"{run.name}-per-class-metrics.csv", _embed.csv_data_uri(metrics), "per-class metrics (CSV)")])
    return s, drill


def drill_data(images, labels, predicted, probabilities, n: int, per_cell: int = THUMBS_PER_CELL) -> dict:
    """One sprite PNG (a row per non-empty cell, up to ``per_cell`` digits, most confident first)
    and an index ``{"t,p": {"row", "n", "idx": [...], "conf": [...]}}``.

    >>> import numpy as np
    >>> probs = np.array([[0.9, 0.1], [0.4, 0.6], [0.8, 0.2]])
    >>> d = drill_data(np.zeros((3, 28, 28), np.uint8), np.array([0, 0, 1]), probs.argmax(1), probs, 2)
    >>> d["cells"]
    {'0,0': {'row': 0, 'n': 1, 'idx': [0], 'conf': [0.9]}, '0,1': {'row': 1, 'n': 1, 'idx': [1], 'conf': [0.6]}, '1,0': {'row': 2, 'n': 1, 'idx': [2], 'conf': [0.8]}}
    """
    order = np.lexsort((-probabilities.max(axis=1), predicted, labels))  # by cell, most confident first
    keys = labels[order] * n + predicted[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, int)
    ends = np.r_[starts[1:], len(keys)]
    tiles = np.zeros((len(starts), per_cell, 28, 28), dtype=np.uint8)
    cells = {}
    imgs = np.asarray(images)
    if imgs.ndim == 2:
        imgs = imgs.reshape(-1, 28, 28)
    for row, (a, b) in enumerate(zip(starts, ends)):
        chosen = order[a:min(b, a + per_cell)]
        tiles[row, : len(chosen)] = _as_uint8(imgs[chosen])
        t_, p_ = divmod(int(keys[a]), n)
        cells[f"{t_},{p_}"] = {"row": row, "n": int(b - a), "idx": chosen.tolist(),
                               "conf": [round(float(c), 3) for c in probabilities[chosen, p_]]}
    sprite = _embed.digits_sprite(tiles) if len(starts) else ""
    return {"sprite": sprite, "tile": 28, "per_cell": per_cell, "cells": cells}


def _as_uint8(images) -> np.ndarray:
    arr = np.asarray(images)
    if arr.dtype == np.uint8:
        return arr
    arr = arr.astype(np.float32)
    if arr.size and arr.max() <= 1.0:
        arr = arr * 255
    return np.clip(arr, 0, 255).astype(np.uint8)


def predictions_section(run, sid: str) -> Section:
    """Top-k grid, most confident errors, most confused pairs.

    >>> import numpy as np
    >>> from mnist_viz.run import Run, Predictions
    >>> rng = np.random.default_rng(0)
    >>> run = Run.from_dict({"loss": [0.9, 0.5]}, name="demo")
    >>> run.test = Predictions(probabilities=rng.dirichlet(np.ones(10), 60), labels=np.arange(60) % 10,
    ...                        images=rng.integers(0, 256, (60, 28, 28), dtype=np.uint8))
    >>> [b.kind for b in predictions_section(run, "r0-predictions").blocks]
    ['figure', 'figure', 'figure']
    """
    s = Section(sid, "Predictions: top-k, errors, confused pairs")
    t = run.test
    if t is None:
        s.note("No test predictions: " + why_missing(run, "test_predictions.npz", "RunRecorder at the end of training") + ".")
        return s
    if t.images is None:
        s.note("No test images: test_predictions.npz of this run holds probabilities and labels only.")
        return s
    add_figure(s, "topk_grid", lambda f: f(t.images, t.labels, t.probabilities, k=3, n=10, ncols=5),
               caption="First test digits with their three most probable classes (green: correct).", what="top-k grid")
    add_figure(s, "misclassified", lambda f: f(t.images, t.labels, t.probabilities, n=12),
               caption="The errors the model was most sure of.", what="most confident errors")
    add_figure(s, "confused_pairs", lambda f: f(t.images, t.labels, t.probabilities, n_pairs=4, n_examples=5),
               caption="The class pairs mistaken for each other most often, with examples.", what="most confused pairs")
    return s


def internals_section(run, sid: str) -> Section:
    """Convnet feature maps for a few test digits; first-layer weights as images.

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
        s.note("No stored activations: " + why_missing(run, "features.npz", "mnist_viz.train after fitting")
               + ". Call mnist_viz.plots.activations(image, model) with the live model instead.")
        return s
    idx = f.activation_indices
    if f.activations and len(idx):
        for j in range(min(len(idx), MAX_ACTIVATION_DIGITS)):
            maps = f.maps_of(j)
            image = None
            if run.test is not None and run.test.images is not None and int(idx[j]) < len(run.test.images):
                image = run.test.images[int(idx[j])]
            label = f" (label {run.test.labels[int(idx[j])]})" if run.test is not None and int(idx[j]) < len(run.test.labels) else ""
            add_figure(s, "activations", lambda fn, image=image, maps=maps: fn(image if image is not None else np.zeros((28, 28), np.uint8), maps, max_maps=8),
                       caption=f"Feature maps of test digit #{int(idx[j])}{label}, layer by layer.", what="activations")
    else:
        s.note("No feature maps: the model has no convolution or pooling layer (a dense model); "
               "its first-layer weights below show what each unit looks for.", kind="info")
    kind, kernel = f.first_layer_kind or "", f.first_layer_kernel
    if kernel is None:
        s.note("No first-layer weights in features.npz.", kind="info")
    elif kind == "conv":
        add_figure(s, "filters", lambda fn: fn(np.asarray(kernel, np.float32)),
                   caption="First convolution layer's kernels.", what="convolution filters")
    else:
        add_figure(s, "dense_weights", lambda fn: fn(np.asarray(kernel, np.float32), n_units=16),
                   caption="Incoming weights of the first 16 units of the first dense layer, as 28×28 images.",
                   what="first-layer weights")
    return s


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
        s.note("No probe records: " + why_missing(run, "probe/epoch_XXXX.npz", "PredictionRecorder") + ".")
        return s
    add_figure(s, "prediction_evolution", lambda f: f(p, kind="accuracy"),
               caption=f"Accuracy on the fixed probe set of {len(p.labels)} validation digits after each epoch.",
               what="probe accuracy over epochs")
    acc = p.accuracy()
    s.table(Table(["epoch", "probe accuracy"], [[fmt(int(e) + 1), fmt(float(a))] for e, a in zip(p.epochs, acc)],
                  caption="Probe accuracy after each epoch"), details="Table: probe accuracy per epoch")
    names = run.class_names
    n = p.probabilities.shape[2]
    names = (list(names) + [str(i) for i in range(len(names), n)])[:n]
    chosen = _frame_indices(len(p.epochs), MAX_SLIDER_FRAMES)
    # one probe digit of each class (then the next ones), the same digits in every frame; each
    # gets one small PNG that every frame reuses
    picks = _one_per_class(p.labels, TOPK_PROBE_DIGITS)
    thumbs = []
    if p.images is not None and len(picks):
        imgs = _as_uint8(np.asarray(p.images)[picks])
        thumbs = [_embed.digits_sprite(imgs[i][None, None]) for i in range(len(picks))]
    frames = []
    for i in chosen:
        probs = np.asarray(p.probabilities[i], dtype=np.float32)
        probs = probs / np.maximum(probs.sum(axis=1, keepdims=True), 1e-12)
        pred = probs.argmax(axis=1)
        cm = confusion_counts(p.labels, pred, n)
        topk = []
        for k, j in enumerate(picks):
            order = np.argsort(-probs[j])[:3]
            topk.append({"img": thumbs[k] if thumbs else "", "label": names[int(p.labels[j])],
                         "ok": bool(order[0] == p.labels[j]),
                         "top": [(names[int(c)], float(probs[j, c]), bool(c == p.labels[j])) for c in order]})
        epoch = int(p.epochs[i]) + 1
        frames.append({"epoch": epoch, "acc": float(acc[i]), "id": f"{slider_id}-e{epoch}",
                       "classes": names, "counts": cm.tolist(), "max": int(cm.max(initial=1)), "topk": topk})
    s.add("slider", id=slider_id, frames=frames, n_probe=int(len(p.labels)),
          caption="Drag the slider to step through the epochs; without JavaScript every epoch is shown in a row. "
                  "Left: confusion matrix of the probe set (rows true, columns predicted). Right: the three most "
                  "probable classes of one probe digit per class (green bar: the true class; orange frame: wrong).")
    if len(chosen) < len(p.epochs):
        s.note(f"{len(chosen)} of {len(p.epochs)} epochs are shown (evenly spaced, always the last).", kind="info")
    return s


def reliability_table(labels, probabilities, *, n_bins: int = 10):
    """(rows, ECE): per equal-width bin of top-class confidence, its count, mean confidence,
    accuracy and gap; ECE weights the gaps by the bin counts.

    >>> rows, ece = reliability_table([0, 1, 0], [[0.9, 0.1], [0.3, 0.7], [0.35, 0.65]], n_bins=5)
    >>> rows  # bin, digits, mean confidence, accuracy, gap
    [['0.6–0.8', '2', '0.675', '0.5', '-0.175'], ['0.8–1.0', '1', '0.9', '1', '0.1']]
    >>> round(ece, 4)
    0.15
    """
    probs = np.asarray(probabilities, dtype=np.float64)
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == np.asarray(labels)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.searchsorted(edges, conf, side="right") - 1, 0, n_bins - 1)
    rows, ece = [], 0.0
    for b in range(n_bins):
        sel = which == b
        n = int(sel.sum())
        if not n:
            continue
        c, a = float(conf[sel].mean()), float(correct[sel].mean())
        ece += n / max(len(conf), 1) * abs(a - c)
        rows.append([f"{edges[b]:.1f}–{edges[b + 1]:.1f}", fmt(n), fmt(c), fmt(a), fmt(a - c)])
    return rows, ece


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
    if n <= most:
        return list(range(n))
    return sorted(set(np.linspace(0, n - 1, most).round().astype(int).tolist()))


def calibration_section(run, sid: str) -> Section:
    """Reliability diagram and 2-D embedding of penultimate activations.

    >>> import numpy as np
    >>> from mnist_viz.run import Run, Predictions
    >>> rng = np.random.default_rng(0)
    >>> run = Run.from_dict({"loss": [0.9, 0.5]}, name="demo")
    >>> run.test = Predictions(probabilities=rng.dirichlet(np.ones(10), 60), labels=np.arange(60) % 10,
    ...                        images=rng.integers(0, 256, (60, 28, 28), dtype=np.uint8))
    >>> s = calibration_section(run, "r0-calibration")
    >>> [b.kind for b in s.blocks]  # the note: no features.npz, so no embedding
    ['figure', 'table', 'note']
    """
    s = Section(sid, "Calibration and embedding")
    t = run.test
    if t is None:
        s.note("No calibration: " + why_missing(run, "test_predictions.npz", "RunRecorder at the end of training") + ".")
    else:
        add_figure(s, "calibration", lambda f: f(t.labels, t.probabilities, n_bins=10),
                   caption="Reliability: accuracy vs confidence per bin; bars show how many digits fall in each bin.",
                   what="calibration diagram")
        table, ece = reliability_table(t.labels, t.probabilities, n_bins=10)
        s.table(Table(["confidence bin", "digits", "mean confidence", "accuracy", "gap"], table,
                      caption=f"Reliability per bin of top-class confidence; expected calibration error {ece:.4f}"),
                details="Table: reliability bins")
    f = run.features
    emb = None if f is None else f.embedding
    if emb is None or t is None:
        missing = "features.npz" if f is None else "the embedding in features.npz"
        s.note("No embedding view: " + (why_missing(run, missing, "mnist_viz.train after fitting")
                                        if t is not None else "it needs the test predictions, which this run lacks") + ".")
        return s
    emb = np.asarray(emb, dtype=np.float32)
    idx = np.asarray(f.embedding_indices, dtype=np.int64)
    ok = idx < len(t.labels)
    add_figure(s, "embedding", lambda fn: fn(emb[ok], t.labels[idx[ok]], y_pred=t.predicted[idx[ok]], method="pca"),
               caption=f"Penultimate-layer activations of {int(ok.sum()):,} test digits projected to 2-D (PCA).",
               what="embedding")
    return s


# ----------------------------------------------------------------------------------------------
# comparison
# ----------------------------------------------------------------------------------------------
def comparison_section(runs, sid: str) -> Section:
    """Curves overlaid, metric deltas vs the first run, confusion matrices side by side.

    >>> from mnist_viz.run import Run
    >>> a = Run.from_dict({"loss": [0.9, 0.5], "val_accuracy": [0.8, 0.9]}, name="a")
    >>> b = Run.from_dict({"loss": [0.8, 0.4], "val_accuracy": [0.85, 0.95]}, name="b")
    >>> s = comparison_section([a, b], "comparison")
    >>> [b.kind for b in s.blocks], s.blocks[1].table.rows[0]
    (['figure', 'table', 'downloads', 'note'], ['best val accuracy', '0.9', '0.95', '+0.05'])
    """
    s = Section(sid, "Comparison")
    names = [r.name for r in runs]
    s.intro = "Deltas are relative to the first run, " + names[0] + "."
    _overlay_curves(s, runs)
    rows = []
    keys = []
    heads = [headline_metrics(r) for r in runs]
    for h in heads:
        for k in h:
            if k not in keys:
                keys.append(k)
    extra = [("parameters", [((r.model_info or {}).get("total_params")) for r in runs]),
             ("fit seconds", [((r.metadata.get("timings") or {}).get("fit_seconds")) for r in runs])]
    import pandas as pd

    records = []
    for k in keys:
        values = [h.get(k) for h in heads]
        records.append((k, values))
    records += extra
    cols = ["metric"] + names + [f"Δ {nm}" for nm in names[1:]]
    for k, values in records:
        if all(v is None for v in values):
            continue
        deltas = []
        for v in values[1:]:
            if isinstance(v, (int, float)) and isinstance(values[0], (int, float)):
                d = v - values[0]
                deltas.append(("+" if d > 0 else "") + fmt(d))
            else:
                deltas.append("—")
        rows.append([k] + [fmt(v) for v in values] + deltas)
    s.table(Table(cols, rows, caption="Test metrics and run facts; Δ = run minus " + names[0]))
    frame = pd.DataFrame(rows, columns=cols)
    s.add("downloads", links=[("comparison.csv", _embed.csv_data_uri(frame), "comparison table (CSV)")])
    with_test = [r for r in runs if r.test is not None]
    if len(with_test) >= 2:
        _side_by_side_confusion(s, with_test)
    else:
        s.note("Confusion matrices side by side need test predictions from at least two runs.", kind="info")
    return s


def _overlay_curves(s: Section, runs) -> None:
    if not any(m in r.history or f"val_{m}" in r.history for r in runs for m in ("loss", "accuracy")):
        s.note("No curves to overlay: none of the runs recorded loss or accuracy per epoch.")
        return
    add_figure(s, "compare_curves", lambda f: f(runs), caption="Solid: validation; dashed: training; one colour per run.",
               fallback_alt="overlaid curves", what="overlaid curves")


def _side_by_side_confusion(s: Section, runs) -> None:
    def draw(fn):
        fig, axes = _subplots((4.2 * len(runs), 3.9), ncols=len(runs))
        for ax, r in zip(axes[0], runs):
            n = r.test.probabilities.shape[1]
            names = (list(r.class_names) + [str(i) for i in range(n)])[:n]
            fn(r.test.labels, r.test.predicted, class_names=names, margins=False, colorbar=False, ax=ax)
            ax.set_title(r.name)
        from mnist_viz.plots._style import set_alt_text

        set_alt_text(fig, "Test confusion matrices side by side for " + ", ".join(r.name for r in runs) + ".")
        return fig

    add_figure(s, "confusion_matrix", draw, caption="Test confusion matrices, one per run (counts).",
               what="confusion matrices side by side")
