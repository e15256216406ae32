"""The summary section: headline metrics, the dataset, the model's layers and how to reproduce the run.

Example
-------
>>> from mnist_viz.run import Run
>>> headline_metrics(Run.from_dict({"loss": [0.9], "val_accuracy": [0.8]}))["best val accuracy"]
0.8
"""
from __future__ import annotations

from mnist_viz.run_format import RUN_JSON, TEST_NPZ

from .._format import fmt, shape_text
from .._missing import note_missing
from .._model import Section, Table

__all__ = ["summary_section", "headline_metrics", "add_dataset"]

#: keys of run.json's ``metadata.data`` listed in the dataset table, in this order
_DATA_KEYS = ("source", "description", "n_train", "n_validation", "n_val", "n_test", "is_subset", "sha256")


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
        note_missing(s, "No test metrics", run, f"test_metrics / {TEST_NPZ}", "RunRecorder at the end of training")
    if run.status == "interrupted" and run.info.get("interrupted_reason"):
        s.note(f"Interrupted: {run.info['interrupted_reason']}", kind="info")
    add_dataset(s, run, meta.get("data") or {})
    _model(s, run)
    _reproducibility(s, run, meta)
    return s


def add_dataset(s: Section, run, data: dict) -> None:
    """The dataset table of ``data`` (``run.json`` ``metadata.data``, or an evaluation's ``data``), its
    subset note and citation into ``s``; a note when ``data`` is empty.

    >>> from mnist_viz.run import Run
    >>> s = Section("r0-summary", "Summary")
    >>> add_dataset(s, Run.from_dict({"loss": [1.0]}), {"source": "idx", "n_test": 10000})
    >>> s.blocks[0].table.rows
    [['source', 'idx'], ['n test', '10,000']]
    """
    if not data:
        note_missing(s, "No dataset description", run, f"{RUN_JSON} metadata", "mnist_viz.train", kind="info")
        return
    rows = [[k.replace("_", " "), fmt(data[k]) if not isinstance(data[k], str) else data[k]]
            for k in _DATA_KEYS if k in data]
    if data.get("class_names"):
        rows.append(["classes", ", ".join(str(c) for c in data["class_names"])])
    s.table(Table(["dataset", "value"], rows, caption="Dataset", kv=True))
    if data.get("subset_note"):
        s.note(str(data["subset_note"]), kind="info")
    if data.get("citation"):
        s.add("pre", title="Citation", text=str(data["citation"]))


def _model(s: Section, run) -> None:
    model = run.model_info
    if not (model and model.get("layers")):
        note_missing(s, "No model summary", run, f"the model description in {RUN_JSON}", "RunRecorder", kind="info")
        return
    rows = [[layer.get("name", "?"), layer.get("class_name", "?"), shape_text(layer.get("output_shape")),
             fmt(layer.get("params"))] for layer in model["layers"]]
    caption = (f"Model {model.get('name', '')} ({model.get('class_name', '')}): "
               f"{fmt(model.get('total_params'))} parameters, {fmt(model.get('trainable_params'))} trainable")
    s.table(Table(["layer", "type", "output shape", "parameters"], rows, caption=caption))


def _reproducibility(s: Section, run, meta: dict) -> None:
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
        s.table(Table(["reproducibility", "value"], rows, caption="Reproducibility", kv=True),
                details="Reproducibility: versions, seed, hardware, timings")


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
        out["test accuracy"] = run.test.accuracy
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
